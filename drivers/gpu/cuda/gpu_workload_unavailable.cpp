// GpuWorkload without CUDA (ORBITBENCH_WITH_CUDA=OFF): the agent still serves telemetry, but
// a workload request gets this error instead of a load.
#include "drivers/gpu/cuda/gpu_workload.hpp"

namespace ob::drivers::cuda {

std::expected<std::unique_ptr<GpuWorkload>, std::string> GpuWorkload::start(const WorkloadConfig& /*config*/) {
  return std::unexpected(std::string("this agent was built without CUDA (ORBITBENCH_WITH_CUDA=OFF)"));
}

bool GpuWorkload::available() { return false; }

}  // namespace ob::drivers::cuda
