#!/usr/bin/env bash
# Quick start: install what is missing, build, and run the embedded quick campaign
# (baseline → one 550 km orbit replayed → reference) on the simulated lab.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh build run
./scripts/build.sh
exec ./build/bench/orbitbench run --db results/quick.db "$@"
