// GpuWorkload::start/available with CUDA (the CUDA-free build compiles
// gpu_workload_unavailable.cpp instead, and this file to nothing).
#ifdef ORBITBENCH_WITH_CUDA
#include <utility>

#include "drivers/gpu/cuda/cuda_engine.hpp"
#include "drivers/gpu/cuda/gpu_workload.hpp"
#include "drivers/gpu/cuda/workload_runner.hpp"

namespace ob::drivers::cuda {

namespace {

GemmType gemm_type(Dtype dtype) {
  switch (dtype) {
    case Dtype::bf16: return GemmType::bf16;
    case Dtype::fp16: return GemmType::fp16;
    case Dtype::tf32: return GemmType::tf32;
    case Dtype::fp32: return GemmType::fp32;
  }
  return GemmType::bf16;
}

}  // namespace

std::expected<std::unique_ptr<GpuWorkload>, std::string> GpuWorkload::start(const WorkloadConfig& config) {
  if (auto error = validate_config(config); !error.empty()) return std::unexpected(error);
  std::string error;
  if (config.kind == WorkloadKind::gemm) {
    const GemmData data = config.data == InputData::randn ? GemmData::randn : GemmData::integer;
    auto engine = make_gemm_engine(gemm_type(config.dtype), data, gemm_n(config), config.device, &error);
    if (!engine) return std::unexpected(error);
    return std::make_unique<WorkloadRunner>(config, std::move(engine), "TFLOP/s", kTflop);
  }
  auto engine = make_hbm_engine(hbm_buffer_bytes(config), config.device, &error);
  if (!engine) return std::unexpected(error);
  return std::make_unique<WorkloadRunner>(config, std::move(engine), "GB/s", kGigabyte);
}

bool GpuWorkload::available() { return cuda_device_count() > 0; }

}  // namespace ob::drivers::cuda
#endif  // ORBITBENCH_WITH_CUDA
