#!/usr/bin/env bash
# Fuzzes what orbitbench reads from outside with libFuzzer (clang, AddressSanitizer +
# UndefinedBehaviorSanitizer): TLE text, SCPI messages, agent frames, Modbus PDUs, Modbus TCP
# (MBAP) streams, iiod connections, station and campaign YAML, the live view's HTTP requests.
#   scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET…]]   (default 20 s, every target: the short run CI does)
# Each target starts from tests/fuzz/corpus/<name>/ (the seeds, plus every past finding, which
# also makes it a regression test: the corpus is replayed first) and writes what it learns to
# build-fuzz/corpus/<name>/. A crash stops the run with the input saved as build-fuzz/crash-<name>-*;
# add it to tests/fuzz/corpus/<name>/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
all=(tle scpi agent_frame modbus_f4t modbus_tcp iiod config http_request)
targets=("${@:2}")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for name in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $name "* ]] || { echo "fuzz.sh: no target '$name' (targets: ${all[*]})" >&2; exit 2; }
done
out=build-fuzz
mkdir -p "$out"
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is missing (Debian: clang)" >&2; exit 1; }

# C++23 as the project; tests/fuzz/compat supplies what clang 14 lacks of libstdc++ 12 (std::expected),
# and asio is told clang 14 has standard coroutines (its own check looks for the coroutines TS).
flags=(-std=c++2b -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -isystem tests/fuzz/compat -I. -I"$out/generated"
       -DASIO_STANDALONE -DASIO_NO_DEPRECATED -DASIO_DISABLE_STD_ALIGNED_ALLOC -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1)
# What CMake generates, generated here so the fuzz build needs no CMake build tree: the agent's
# and the profile's messages, and the compiled-in examples (as bench/CMakeLists.txt does).
mkdir -p "$out/generated/drivers/gpu" "$out/generated/profiles" "$out/generated/bench"
protoc --cpp_out="$out/generated" drivers/gpu/agent.proto profiles/profile.proto
embedded=$(<cmake/embedded_examples.cpp.in)
for example in CAMPAIGN:quick-campaign STATION:quick-station; do
  text=$(cat "examples/${example#*:}.yaml"; echo .)  # the "." keeps trailing newlines
  embedded=${embedded//"@OB_QUICK_${example%%:*}@"/"${text%.}"}
done
printf '%s\n' "$embedded" >"$out/generated/bench/embedded_examples.cpp"
page=$(<cmake/live_page.cpp.in)
text=$(cat bench/live/live_page.html; echo .)
page=${page//"@OB_LIVE_PAGE@"/"${text%.}"}
printf '%s\n' "$page" >"$out/generated/bench/live_page.cpp"

build() {  # name, sources…, then -- and libraries; only the targets asked for
  local name=$1; shift
  [[ " ${targets[*]} " == *" $name "* ]] || return 0
  local sources=() libs=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do sources+=("$1"); shift; done
  [ $# -gt 0 ] && shift && libs=("$@")
  clang++ "${flags[@]}" "${sources[@]}" -o "$out/fuzz_$name" "${libs[@]}"
}
build tle tests/fuzz/fuzz_tle.cpp profiles/orbit/tle.cpp profiles/orbit/time_scales.cpp profiles/bounded_read.cpp
build scpi tests/fuzz/fuzz_scpi.cpp fixtures/scpi_parser.cpp
build agent_frame tests/fuzz/fuzz_agent_frame.cpp "$out/generated/drivers/gpu/agent.pb.cc" -- $(pkg-config --libs protobuf)
lab=(fixtures/lab_state.cpp fixtures/lab_physics.cpp)
build modbus_f4t tests/fuzz/fuzz_modbus_f4t.cpp fixtures/watlow_f4t_server.cpp "${lab[@]}"
build modbus_tcp tests/fuzz/fuzz_modbus_tcp.cpp fixtures/mbap_stream.cpp fixtures/watlow_f4t_server.cpp "${lab[@]}"
build iiod tests/fuzz/fuzz_iiod.cpp fixtures/iiod_stream.cpp fixtures/iiod_server.cpp "${lab[@]}"
build config tests/fuzz/fuzz_config.cpp bench/config/{campaign_config,station_config,yaml_reader,config_schema,model_config}.cpp \
  "$out/generated/bench/embedded_examples.cpp" bench/thermal_cycling.cpp bench/progress.cpp drivers/common/uri.cpp \
  drivers/instrument_registry.cpp tests/fuzz/scheme_factories_unused.cpp profiles/bounded_read.cpp \
  profiles/{orbit_source,number_format}.cpp profiles/heat/spacecraft.cpp profiles/lab/lab_parameters.cpp profiles/light/sun.cpp \
  profiles/orbit/{sgp4,sgp4_deep_space,time_scales,tle,elements,presets}.cpp "$out/generated/profiles/profile.pb.cc" \
  -- -lyaml-cpp $(pkg-config --libs protobuf)
build http_request tests/fuzz/fuzz_http_request.cpp bench/live/{http_routes,live_model,live_metrics,operator_desk,access_token}.cpp \
  "$out/generated/bench/live_page.cpp" drivers/gpu/agent/agent_auth.cpp -- -lcrypto

status=0
for name in "${targets[@]}"; do
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
