#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every ctest label but `hw`, then
# rebuild with AddressSanitizer + UndefinedBehaviorSanitizer and run the `unit` and `sim` labels.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh build run test

./scripts/build.sh
# The SGP4 benchmark's peer (satellite.js, pinned by package-lock.json) from the npm registry.
(cd tests/perf/satellitejs && npm ci --no-audit --no-fund --loglevel=error) ||
  echo "test.sh: satellite.js could not be installed; the SGP4 benchmark reports without its peer" >&2
# A test that skips here skips because something it needs is missing, and install-deps.sh's
# `test` group is there to install it: a skip fails the run, naming the tests.
no_skips() {
  local log="$1"
  if grep -E '\*\*\*Skipped|Not Run' "$log" >&2; then
    echo "test.sh: the tests above skipped: something they need is missing (scripts/install-deps.sh test installs it)" >&2
    exit 1
  fi
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
ctest --test-dir build --output-on-failure --label-exclude hw -j "$(nproc)" | tee "$log"
no_skips "$log"

BUILD_DIR=build-asan BUILD_TYPE=Debug TARGET=tests_unit_sim ./scripts/build.sh -DORBITBENCH_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure --label-regex '^(unit|sim)$' -j "$(nproc)" | tee "$log"
no_skips "$log"

# The fuzz suite's short run (libFuzzer, clang, ASan + UBSan), 20 s per target: TLE text, SCPI
# messages, agent frames, Modbus PDUs and MBAP streams, iiod connections, station/campaign YAML.
./scripts/fuzz.sh 20
