#!/usr/bin/env bash
# Configures and builds into BUILD_DIR (default build/) with the given extra CMake arguments;
# TARGET narrows what is built (default: everything).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build}"
jobs="${JOBS:-$(nproc)}"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build_dir" -j "$jobs" ${TARGET:+--target "$TARGET"}
