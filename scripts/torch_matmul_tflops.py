#!/usr/bin/env python3
"""The PyTorch peer of the agent's GEMM workload: bf16 n×n×n torch.matmul (default n=8192),
timed with CUDA events in windows of --window-s seconds for --seconds S. Prints one line per
window (`unix_time tflops`) and finally `torch_bf16_tflops_median VALUE`. Exit 77 (skip)
when torch or a CUDA device is missing.

--data randn (default) is the usual benchmark; --data ints uses integers in
[-magnitude, magnitude] (the agent's workload: exact products, so every result can be checked
against a reference checksum; n=8192 uses magnitude 32). Fewer toggling bits draw less power,
so the fair peer of the agent is torch on the same kind of data; the line is then
`torch_bf16_ints_tflops_median VALUE`."""
import argparse
import statistics
import sys
import time

SKIP = 77


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--window-s", type=float, default=1.0)
    parser.add_argument("--n", type=int, default=8192)
    parser.add_argument("--device", type=int, default=0)
    parser.add_argument("--data", choices=["randn", "ints"], default="randn")
    parser.add_argument("--magnitude", type=int, default=32)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("torch is not installed: skipped", file=sys.stderr)
        return SKIP
    if not torch.cuda.is_available():
        print("no CUDA device for torch: skipped", file=sys.stderr)
        return SKIP

    torch.cuda.set_device(args.device)
    n = args.n
    if args.data == "ints":
        m = args.magnitude
        a = torch.randint(-m, m + 1, (n, n), device="cuda").to(torch.bfloat16)
        b = torch.randint(-m, m + 1, (n, n), device="cuda").to(torch.bfloat16)
    else:
        a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
        b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    flop = 2.0 * n * n * n
    for _ in range(3):  # warm-up: cuBLAS heuristics, clocks
        torch.matmul(a, b)
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    torch.matmul(a, b)
    stop.record()
    stop.synchronize()
    per_iteration_s = max(start.elapsed_time(stop) / 1000.0, 1e-6)
    iterations = max(1, int(args.window_s / per_iteration_s))

    windows = []
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        start.record()
        for _ in range(iterations):
            torch.matmul(a, b)
        stop.record()
        stop.synchronize()
        busy_s = start.elapsed_time(stop) / 1000.0
        tflops = flop * iterations / busy_s / 1e12
        windows.append(tflops)
        print(f"{time.time():.3f} {tflops:.1f}", flush=True)
        iterations = max(1, round(iterations * args.window_s / busy_s))
    label = "torch_bf16_tflops_median" if args.data == "randn" else "torch_bf16_ints_tflops_median"
    print(f"{label} {statistics.median(windows):.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
