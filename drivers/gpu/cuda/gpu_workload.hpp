#pragma once
// The agent's load on the board: cuBLAS GEMM (bf16, fp16, tf32, fp32) or an HBM bandwidth
// kernel, run on its own thread, continuous or duty-cycled. Throughput is measured per window
// (TFLOP/s or GB/s, timed with CUDA events) and every window's result is checked against a
// reference checksum, so silent data corruption is counted, not missed. This header needs no
// CUDA headers; without ORBITBENCH_WITH_CUDA, start() says the agent was built without CUDA.
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

namespace ob::drivers::cuda {

enum class WorkloadKind { gemm, hbm };
enum class Dtype { bf16, fp16, tf32, fp32 };
// What the GEMM multiplies: randn (normally distributed, the power draw of real training; the
// default) or small integers (exact products; draw ~10 % less power per FLOP on an H100, so the
// board clocks higher at the same cap). sdc_reference.hpp says how each is checked.
enum class InputData { randn, integer };

std::expected<WorkloadKind, std::string> parse_workload_kind(const std::string& text);  // "gemm" | "hbm"
std::expected<Dtype, std::string> parse_dtype(const std::string& text);  // "bf16" | "fp16" | "tf32" | "fp32"
std::expected<InputData, std::string> parse_input_data(const std::string& text);  // "randn" | "integer"
const char* to_string(WorkloadKind kind);
const char* to_string(Dtype dtype);
const char* to_string(InputData data);

struct WorkloadConfig {
  WorkloadKind kind = WorkloadKind::gemm;
  Dtype dtype = Dtype::bf16;
  InputData data = InputData::randn;  // gemm only
  std::uint32_t size = 8192;   // gemm: n of an n×n×n product; hbm: MiB per buffer (0 = default)
  double window_s = 1.0;       // one throughput figure + one checksum per window
  double duty_cycle = 1.0;     // fraction of each period under load (1 = continuous)
  double period_s = 10.0;      // duty-cycle period
  int device = 0;              // CUDA device ordinal
};

struct WorkloadWindow {
  double end_unix_time_s = 0;
  double duration_s = 0;       // busy time of the window (CUDA events)
  double throughput = 0;       // TFLOP/s (gemm) or GB/s (hbm)
  std::uint64_t iterations = 0;
  bool checksum_ok = true;     // false = silent data corruption in this window
};

struct WorkloadStats {
  bool running = false;
  std::string unit;            // "TFLOP/s" | "GB/s"
  std::uint64_t windows = 0;
  std::uint64_t iterations = 0;
  std::uint64_t sdc_count = 0;  // windows whose checksum differed from the reference
  double last_throughput = 0;
  std::string error;            // a CUDA/cuBLAS failure that stopped the workload
};

class GpuWorkload {
 public:
  // Allocates, fills inputs deterministically, computes the reference checksum, starts the thread.
  static std::expected<std::unique_ptr<GpuWorkload>, std::string> start(const WorkloadConfig& config);
  static bool available();  // built with CUDA and a device is present
  virtual ~GpuWorkload() = default;  // stops and frees

  virtual void stop() = 0;  // returns when the GPU is idle
  virtual WorkloadStats stats() const = 0;
  virtual std::vector<WorkloadWindow> take_windows() = 0;  // windows completed since the last call
  // Test hook: corrupt the next window's result (XOR `bit_mask` into one 32-bit word in the middle
  // of it) so the checksum must catch it. bf16/fp16 results hold two elements per word.
  virtual void inject_corruption(std::uint32_t bit_mask = 1U) = 0;
};

}  // namespace ob::drivers::cuda
