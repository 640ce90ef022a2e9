#!/usr/bin/env bash
# Installs the Debian 12 packages orbitbench needs, only those that are missing.
# Runs as root, or through sudo when not root.
set -euo pipefail

# usage: install-deps.sh [build] [run] [test]   (none: all three)
#   build  what compiles orbitbench and its agent, and packages them (dpkg-dev: cpack -G DEB);
#          libpq-dev is optional (PostgreSQL push and queries are built where it is found)
#   run    what running it needs beyond the libraries the build brings (the sqlite3 shell it
#          suggests for reading results)
#   test   what the test suite needs: third-party clients that check the simulated lab
#          (PyVISA, pymodbus, sigrok-cli, mbpoll, libiio's tools, openssl), python3-sgp4 for the
#          SGP4 property tests, Chromium for the report's screenshot, clang for the fuzz suite,
#          Node.js for the SGP4 benchmark's satellite.js peer, groff for the man pages, PostgreSQL
#          (a throw-away server per test through pg_virtualenv) for `db push` and queries on a server,
#          Prometheus' Python client, whose parser reads the live view's /metrics
build=(
  build-essential cmake pkg-config protobuf-compiler dpkg-dev
  libasio-dev libprotobuf-dev libsqlite3-dev libiio-dev libboost-dev libboost-test-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libssl-dev libmodbus-dev nlohmann-json3-dev libpq-dev
)
run=(sqlite3)
test=(
  openssl python3 python3-pyvisa python3-pyvisa-py python3-protobuf python3-pymodbus python3-serial-asyncio
  python3-sgp4 python3-prometheus-client libiio-utils sigrok-cli mbpoll chromium clang groff-base postgresql postgresql-common
)

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(build run test)
packages=()
for group in "${groups[@]}"; do
  case "$group" in
    build) packages+=("${build[@]}") ;;
    run) packages+=("${run[@]}") ;;
    test)
      packages+=("${test[@]}")
      # Node.js runs the satellite.js peer of the SGP4 benchmark; a machine that already has it keeps its own.
      command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
      ;;
    *) echo "install-deps: unknown group '$group' (build, run, test)" >&2; exit 2 ;;
  esac
done

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
