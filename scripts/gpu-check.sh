#!/usr/bin/env bash
# The real-GPU check of the GPU agent (docs/gpu-check.md). Two steps, because a GPU host need not
# be able to build:
#   scripts/gpu-check.sh build   # on a build machine with nvcc + cuBLAS: builds the agent with CUDA
#                                # and the controller without libiio into build-gpu/, and bundles
#                                # the binaries with the shared libraries a bare host may lack in
#                                # build-gpu/bundle (run with rpath-free LD_LIBRARY_PATH)
#   scripts/gpu-check.sh run     # on the GPU host: agent (--read-only: it never changes the board's
#                                # power limit or clocks), a bf16 GEMM on randn data (DURATION, its
#                                # telemetry recorded at 10 Hz) and on integer data (INTEGER_DURATION),
#                                # then torch.matmul on the same card on each kind of data; prints
#                                # TFLOP/s vs PyTorch on the same data, telemetry completeness, SDC
# Environment: BUILD_DIR (build-gpu), BUNDLE (BUILD_DIR/bundle), OUT (results; gpu-check-out),
# DURATION (60s), INTEGER_DURATION (30s), HBM_DURATION (10s), TORCH_SECONDS (20), SKIP_HW_TESTS
# (set: skip the hw tests), CUDA_ARCHS (90: H100/H200), PORT (7600).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build-gpu}"
bundle="${BUNDLE:-$build_dir/bundle}"

build() {
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DORBITBENCH_WITH_CUDA=ON -DORBITBENCH_WITH_IIO=OFF \
    -DCMAKE_CUDA_ARCHITECTURES="${CUDA_ARCHS:-90}" >/dev/null
  cmake --build "$build_dir" -j "${JOBS:-$(nproc)}" --target orbitbench orbitbench-agent \
    hw_test_agent_gpu_workload hw_test_agent_nvml_real unit_test_agent_workload_names unit_test_agent_randn_data
  grep -q '^ORBITBENCH_WITH_CUDA:BOOL=ON' "$build_dir/CMakeCache.txt" || { echo "gpu-check: CUDA was not found" >&2; exit 1; }
  rm -rf "$bundle" && mkdir -p "$bundle/lib"
  cp "$build_dir/bench/orbitbench" "$build_dir/drivers/orbitbench-agent" "$build_dir"/tests/hw_test_agent_gpu_workload \
    "$build_dir"/tests/hw_test_agent_nvml_real "$build_dir"/tests/unit_test_agent_workload_names \
    "$build_dir"/tests/unit_test_agent_randn_data "$bundle/"
  strip "$bundle"/orbitbench* "$bundle"/*_test_* 2>/dev/null || true
  # What a bare host may lack: every shared library but the C/C++ runtime and NVIDIA's own
  # (libcuda, libcublas*, libnvidia-ml come with the host's driver and CUDA).
  for binary in "$bundle"/orbitbench* "$bundle"/*_test_*; do
    ldd "$binary" | awk '/=> \// {print $3}'
  done | sort -u | grep -Ev '/(libc|libm|libstdc\+\+|libgcc_s|ld-linux-x86-64|libpthread|libdl|librt|libcuda|libcublas|libcublasLt|libnvidia-ml)\.so' |
    while read -r lib; do cp -L "$lib" "$bundle/lib/"; done
  du -sh "$bundle"
}

run() {
  local out="${OUT:-gpu-check-out}" port="${PORT:-7600}"
  mkdir -p "$out"
  export LD_LIBRARY_PATH="$bundle/lib:${LD_LIBRARY_PATH:-}"
  # cuBLAS from the host's CUDA (or PyTorch's wheels), wherever it is.
  for dir in /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/local/cuda/targets/x86_64-linux/lib \
    $(python3 -c 'import nvidia.cublas, os; print(os.path.join(nvidia.cublas.__path__[0], "lib"))' 2>/dev/null); do
    [ -d "$dir" ] && LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$dir"
  done
  export CUDA_DEVICE_ORDER=PCI_BUS_ID  # CUDA's device 0 is NVML's GPU 0
  nvidia-smi --query-gpu=name,driver_version,power.limit,power.default_limit,clocks.max.sm --format=csv | tee "$out/card.csv"
  if [ -z "${SKIP_HW_TESTS:-}" ]; then
    echo "== unit and hw tests (read-only)"
    # A failing test is reported, and the check goes on to the agent and the peer.
    "$bundle/unit_test_agent_workload_names" --log_level=test_suite 2>&1 | tail -3 || true
    "$bundle/unit_test_agent_randn_data" --log_level=test_suite 2>&1 | tail -3 || true
    "$bundle/hw_test_agent_nvml_real" --log_level=message 2>&1 | tail -15 || true
    "$bundle/hw_test_agent_gpu_workload" --log_level=message 2>&1 | tail -40 || true
  fi

  local secret; secret="$(mktemp)"; chmod 600 "$secret"
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$secret"
  "$bundle/orbitbench-agent" --read-only --secret-file "$secret" --port "$port" --sample-hz 10 2>"$out/agent.log" &
  agent_pid=$!
  trap 'kill "${agent_pid:-}" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do grep -q "listening" "$out/agent.log" && break; sleep 0.1; done
  cat "$out/agent.log"
  set +e
  echo "== agent + controller: ${DURATION:-60s} of bf16 GEMM on randn data, telemetry at 10 Hz"
  "$bundle/orbitbench" board "agent://127.0.0.1:$port" --secret-file "$secret" --duration "${DURATION:-60s}" \
    --workload gemm --dtype bf16 --data randn --size 8192 --timeout 30 --db "$out/gpu-check.db" | tee "$out/board.txt"
  local board_rc=${PIPESTATUS[0]}
  echo "== the same on integer data (exact products), ${INTEGER_DURATION:-30s}"
  "$bundle/orbitbench" board "agent://127.0.0.1:$port" --secret-file "$secret" --duration "${INTEGER_DURATION:-30s}" \
    --workload gemm --dtype bf16 --data integer --size 8192 --timeout 30 | tee "$out/board_integer.txt"
  local integer_rc=${PIPESTATUS[0]}
  [ "$board_rc" -eq 0 ] && board_rc=$integer_rc
  echo "== HBM bandwidth kernel, ${HBM_DURATION:-10s}"
  "$bundle/orbitbench" board "agent://127.0.0.1:$port" --secret-file "$secret" --duration "${HBM_DURATION:-10s}" \
    --workload hbm --warmup 2 --timeout 30 | tee "$out/board_hbm.txt"
  set -e
  kill "$agent_pid" 2>/dev/null || true
  wait "$agent_pid" 2>/dev/null || true
  echo "orbitbench board exit $board_rc"
  tail -5 "$out/agent.log"

  echo "== PyTorch peer on the same card, on each kind of data"
  python3 scripts/torch_matmul_tflops.py --seconds "${TORCH_SECONDS:-20}" | tee "$out/torch_randn.txt" | tail -1 || true
  python3 scripts/torch_matmul_tflops.py --seconds "${TORCH_SECONDS:-20}" --data ints | tee "$out/torch_ints.txt" | tail -1 || true

  local ours_randn ours_integer torch_randn torch_ints
  ours_randn=$(awk '/^gemm_bf16_randn_median/ {print $2}' "$out/board.txt")
  ours_integer=$(awk '/^gemm_bf16_integer_median/ {print $2}' "$out/board_integer.txt")
  torch_randn=$(awk '/^torch_bf16_tflops_median/ {print $2}' "$out/torch_randn.txt")
  torch_ints=$(awk '/^torch_bf16_ints_tflops_median/ {print $2}' "$out/torch_ints.txt")
  {
    echo "== gpu-check summary"
    head -2 "$out/card.csv" | tail -1
    grep -E '^(telemetry_completeness|sdc_count|ecc|clock_event_reasons)' "$out/board.txt" || true
    echo "integer run: $(grep -E '^sdc_count' "$out/board_integer.txt" || echo 'no sdc_count')"
    grep -E '^hbm_' "$out/board_hbm.txt" || true
    awk -v o="$ours_randn" -v t="$torch_randn" 'BEGIN {
      printf "randn:   agent bf16 GEMM %s TFLOP/s; torch.matmul %s TFLOP/s (ratio %.3f; goal >= 0.97)\n", o, t, (t > 0 ? o / t : 0) }'
    awk -v o="$ours_integer" -v t="$torch_ints" 'BEGIN {
      printf "integer: agent bf16 GEMM %s TFLOP/s; torch.matmul %s TFLOP/s (ratio %.3f)\n", o, t, (t > 0 ? o / t : 0) }'
  } | tee "$out/summary.txt"
  return "$board_rc"
}

case "${1:-}" in
  build) build ;;
  run) run ;;
  *) echo "usage: scripts/gpu-check.sh build|run" >&2; exit 2 ;;
esac
