#pragma once
// The real agent backend: the host's GPUs through NVML (drivers/gpu/nvml, dlopen'ed) and the
// CUDA workload (drivers/gpu/cuda). A sampling thread reads every GPU at sample_hz, because NVML
// calls can block for milliseconds; sample() hands out the latest reading without blocking the
// server. Throughput and silent-data-corruption counts come from GpuWorkload::stats() and its
// windows. The CUDA device ordinal is taken to be the NVML index (run the agent with
// CUDA_DEVICE_ORDER=PCI_BUS_ID, as nvidia-smi numbers GPUs).
#include <atomic>
#include <condition_variable>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "drivers/gpu/agent/agent_backend.hpp"
#include "drivers/gpu/cuda/gpu_workload.hpp"
#include "drivers/gpu/nvml/nvml_device.hpp"

namespace ob::drivers::agent {

struct HostBackendOptions {
  std::string nvml_path = "libnvidia-ml.so.1";
  double sample_hz = 10;
  std::function<void(const std::string&)> log;  // NVML notices, workload errors
};

class HostBackend final : public AgentBackend {
 public:
  // Loads NVML, opens every GPU and reads its identity, starts the sampling thread.
  static std::expected<std::unique_ptr<HostBackend>, std::string> open(HostBackendOptions options);
  ~HostBackend() override;  // stops the sampling thread and every workload

  unsigned gpu_count() const override { return static_cast<unsigned>(gpus_.size()); }
  BackendCapabilities capabilities() const override;
  AgentResult<GpuDescription> describe(unsigned gpu) override;
  ob::agent::pb::Telemetry sample(unsigned gpu) override;
  std::vector<ob::agent::pb::Telemetry> take_samples(unsigned gpu) override;  // the thread's readings
  AgentStatus set_power_cap(unsigned gpu, double power_w) override;
  AgentStatus start_workload(unsigned gpu, const WorkloadRequest& workload) override;
  AgentStatus stop_workload(unsigned gpu) override;

 private:
  struct Gpu {
    std::unique_ptr<nvml::NvmlDevice> device;
    nvml::NvmlIdentity identity;
    std::unique_ptr<cuda::GpuWorkload> workload;
    bool workload_is_gemm = true;
    double last_tflops = 0;
    double last_gbps = 0;
    std::uint64_t sdc_before = 0;  // sdc counts of workloads that ran before the current one
    std::optional<double> energy_offset_j;  // NVML's count at the first reading
    ob::agent::pb::Telemetry latest;
    std::vector<ob::agent::pb::Telemetry> fresh;  // readings not yet taken by the server
    bool sampled = false;
    bool error_logged = false;  // the current workload's failure was logged
  };

  explicit HostBackend(HostBackendOptions options) : options_(std::move(options)) {}
  ob::agent::pb::Telemetry read(Gpu& gpu);  // with mutex_ held
  void sampling_loop();
  void log(const std::string& line) const;

  HostBackendOptions options_;
  std::shared_ptr<nvml::NvmlLibrary> library_;
  std::vector<Gpu> gpus_;
  std::mutex mutex_;  // NVML devices, workloads and latest readings
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread sampler_;
};

}  // namespace ob::drivers::agent
