#!/usr/bin/env bash
# Fuzzes what orbitbench reads from outside with libFuzzer (clang, AddressSanitizer +
# UndefinedBehaviorSanitizer): TLE text, SCPI messages, agent frames, Modbus PDUs.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20: the short run CI does)
# Each target starts from tests/fuzz/corpus/<name>/ (the seeds, plus every past finding, which
# also makes it a regression test: the corpus is replayed first) and writes what it learns to
# build-fuzz/corpus/<name>/. A crash stops the run with the input saved as build-fuzz/crash-<name>-*;
# add it to tests/fuzz/corpus/<name>/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
out=build-fuzz
mkdir -p "$out"
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is missing (Debian: clang)" >&2; exit 1; }

flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I. -I"$out/generated")
# The agent's messages, generated here so the fuzz build needs no CMake build tree.
mkdir -p "$out/generated/drivers/gpu"
protoc --cpp_out="$out/generated" drivers/gpu/agent.proto

build() {  # name, sources…, then -- and libraries
  local name=$1; shift
  local sources=() libs=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do sources+=("$1"); shift; done
  [ $# -gt 0 ] && shift && libs=("$@")
  clang++ "${flags[@]}" "${sources[@]}" -o "$out/fuzz_$name" "${libs[@]}"
}
build tle tests/fuzz/fuzz_tle.cpp profiles/orbit/tle.cpp profiles/orbit/time_scales.cpp
build scpi tests/fuzz/fuzz_scpi.cpp fixtures/scpi_parser.cpp
build agent_frame tests/fuzz/fuzz_agent_frame.cpp "$out/generated/drivers/gpu/agent.pb.cc" -- $(pkg-config --libs protobuf)
build modbus_f4t tests/fuzz/fuzz_modbus_f4t.cpp fixtures/watlow_f4t_server.cpp fixtures/lab_state.cpp fixtures/lab_physics.cpp

status=0
for name in tle scpi agent_frame modbus_f4t; do
  mkdir -p "$out/corpus/$name"
  echo "fuzz.sh: $name for ${seconds}s" >&2
  if ! (cd "$out" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "./fuzz_$name" -max_total_time="$seconds" -max_len=4096 -artifact_prefix="crash-$name-" -print_final_stats=1 \
        "corpus/$name" "../tests/fuzz/corpus/$name" 2>"fuzz_$name.log"); then
    echo "fuzz.sh: $name FOUND A CRASH: $(ls "$out"/crash-"$name"-* 2>/dev/null | head -1); log: $out/fuzz_$name.log" >&2
    tail -40 "$out/fuzz_$name.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$out/fuzz_$name.log" | sed "s/^/fuzz.sh: $name /" >&2
  fi
done
exit $status
