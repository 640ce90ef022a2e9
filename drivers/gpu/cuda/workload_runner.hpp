#pragma once
// The workload's thread, independent of CUDA: keeps two batches queued on the engine, sizes
// them from the measured iteration time, follows the duty cycle, closes a window when its busy
// time reaches window_s (the batch that closes it also takes the checksum) and counts windows
// whose checksum differs from the reference. Compiled in both builds (a fake engine tests it).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drivers/gpu/cuda/engine.hpp"
#include "drivers/gpu/cuda/gpu_workload.hpp"

namespace ob::drivers::cuda {

constexpr std::uint32_t kDefaultGemmN = 8192;
constexpr std::uint32_t kDefaultHbmBufferMib = 2048;
constexpr double kTflop = 1e12;
constexpr double kGigabyte = 1e9;

// Empty when the config can run; otherwise what is wrong with it.
std::string validate_config(const WorkloadConfig& config);
std::uint32_t gemm_n(const WorkloadConfig& config);               // size, 0 = kDefaultGemmN
std::uint64_t hbm_buffer_bytes(const WorkloadConfig& config);     // size MiB, 0 = kDefaultHbmBufferMib

class WorkloadRunner final : public GpuWorkload {
 public:
  // Starts the thread; `unit` names throughput = work / busy s / work_per_unit.
  WorkloadRunner(const WorkloadConfig& config, std::unique_ptr<Engine> engine, std::string unit,
                 double work_per_unit);
  ~WorkloadRunner() override;

  void stop() override;
  WorkloadStats stats() const override;
  std::vector<WorkloadWindow> take_windows() override;
  void inject_corruption(std::uint32_t bit_mask) override;

 private:
  struct InFlight {
    int slot = 0;
    std::uint64_t iterations = 0;
    double estimate_s = 0;
    std::uint64_t window_id = 0;
    bool closes_window = false;
  };

  void run();
  void fail(const std::string& error);
  void close_window(double busy_s, std::uint64_t iterations, bool checksum_ok);

  const WorkloadConfig config_;
  const std::unique_ptr<Engine> engine_;
  const double work_per_unit_;
  const double batch_target_s_;

  mutable std::mutex mutex_;  // guards stats_, windows_; stop_requested_ is set under it
  std::condition_variable wake_;
  std::atomic<bool> stop_requested_{false};
  WorkloadStats stats_;
  std::vector<WorkloadWindow> windows_;
  std::atomic<std::uint32_t> corruption_mask_{0};  // 0: none requested
  std::mutex join_mutex_;
  std::thread thread_;
};

}  // namespace ob::drivers::cuda
