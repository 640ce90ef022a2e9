#pragma once
// What the agent serves: one host with N GPUs. The real one is HostBackend (NVML + the CUDA
// workload); the simulated lab's is fixtures/simulated_gpu_backend. AgentServer calls it on its
// own io_context thread only, so implementations need no locking against the server; they
// should return quickly (sample() from a cache where reading the hardware is slow).
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "drivers/gpu/agent.pb.h"

namespace ob::drivers::agent {

struct AgentError {
  ob::agent::pb::Error::Code code = ob::agent::pb::Error::INTERNAL;
  std::string message;
};

template <typename T>
using AgentResult = std::expected<T, AgentError>;
using AgentStatus = std::expected<void, AgentError>;

struct GpuDescription {
  std::string vendor = "NVIDIA";
  std::string name;
  std::string uuid;
  std::string serial;
  std::string driver_version;
  double power_limit_min_w = 0;
  double power_limit_max_w = 0;
  double power_limit_default_w = 0;
};

struct BackendCapabilities {
  std::vector<std::string> workload_kinds;  // "gemm", "hbm"
  std::vector<std::string> dtypes;          // "bf16", "fp16", "tf32", "fp32"
  bool workload_available = false;
  bool sdc_check = false;
  std::vector<std::string> workload_data = {"randn", "integer"};  // GEMM inputs; empty: not a choice
};

struct WorkloadRequest {
  std::string kind = "gemm";
  std::string dtype = "bf16";
  std::string data = "randn";  // GEMM inputs: randn | integer
  std::uint32_t size = 0;   // 0 = the backend's default
  double duty_cycle = 1.0;  // (0, 1]
  double period_s = 10.0;
};

class AgentBackend {
 public:
  virtual ~AgentBackend() = default;

  virtual unsigned gpu_count() const = 0;
  virtual BackendCapabilities capabilities() const = 0;
  // gpu < gpu_count() in every call below (the server checks).
  virtual AgentResult<GpuDescription> describe(unsigned gpu) = 0;
  // The GPU's values now; board_time_s = unix time of the reading. sample_seq is the server's.
  virtual ob::agent::pb::Telemetry sample(unsigned gpu) = 0;
  // What goes into the telemetry ring this sampling period. A backend that samples on a clock
  // of its own (a real host's NVML thread) returns every reading taken since the last call, so
  // no reading is doubled or skipped when the two clocks drift; the default takes one now.
  virtual std::vector<ob::agent::pb::Telemetry> take_samples(unsigned gpu) { return {sample(gpu)}; }
  // The server has checked the range against describe()'s limits and read-only mode.
  virtual AgentStatus set_power_cap(unsigned gpu, double power_w) = 0;
  virtual AgentStatus start_workload(unsigned gpu, const WorkloadRequest& workload) = 0;
  virtual AgentStatus stop_workload(unsigned gpu) = 0;  // stopping an idle GPU succeeds
};

}  // namespace ob::drivers::agent
