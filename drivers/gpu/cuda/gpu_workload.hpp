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

std::expected<WorkloadKind, std::string> parse_workload_kind(const std::string& text);  // "gemm" | "hbm"
std::expected<Dtype, std::string> parse_dtype(const std::string& text);  // "bf16" | "fp16" | "tf32" | "fp32"
const char* to_string(WorkloadKind kind);
const char* to_string(Dtype dtype);

struct WorkloadConfig {
  WorkloadKind kind = WorkloadKind::gemm;
  Dtype dtype = Dtype::bf16;
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
  // Test hook: corrupt the next window's result (one flipped bit) so the checksum must catch it.
  virtual void inject_corruption() = 0;
};

}  // namespace ob::drivers::cuda
