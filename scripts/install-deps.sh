#!/usr/bin/env bash
# Installs the Debian 12 packages orbitbench needs, only those that are missing.
# Runs as root, or through sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libasio-dev libprotobuf-dev protobuf-compiler libsqlite3-dev libiio-dev libboost-test-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libssl-dev libmodbus-dev nlohmann-json3-dev
  sqlite3 openssl python3 python3-pyvisa python3-pyvisa-py python3-protobuf python3-pymodbus python3-serial-asyncio python3-sgp4 libiio-utils sigrok-cli mbpoll
  chromium clang
)

# Node.js runs the satellite.js peer of the SGP4 benchmark; a machine that already has it keeps its own.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
