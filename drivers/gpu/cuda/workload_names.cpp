#include "drivers/gpu/cuda/gpu_workload.hpp"

namespace ob::drivers::cuda {

std::expected<WorkloadKind, std::string> parse_workload_kind(const std::string& text) {
  if (text == "gemm" || text.empty()) return WorkloadKind::gemm;
  if (text == "hbm") return WorkloadKind::hbm;
  return std::unexpected("unknown workload kind '" + text + "' (gemm | hbm)");
}

std::expected<Dtype, std::string> parse_dtype(const std::string& text) {
  if (text == "bf16" || text.empty()) return Dtype::bf16;
  if (text == "fp16") return Dtype::fp16;
  if (text == "tf32") return Dtype::tf32;
  if (text == "fp32") return Dtype::fp32;
  return std::unexpected("unknown data type '" + text + "' (bf16 | fp16 | tf32 | fp32)");
}

std::expected<InputData, std::string> parse_input_data(const std::string& text) {
  if (text == "randn" || text.empty()) return InputData::randn;
  if (text == "integer") return InputData::integer;
  return std::unexpected("unknown workload data '" + text + "' (randn | integer)");
}

const char* to_string(InputData data) { return data == InputData::randn ? "randn" : "integer"; }

const char* to_string(WorkloadKind kind) { return kind == WorkloadKind::gemm ? "gemm" : "hbm"; }

const char* to_string(Dtype dtype) {
  switch (dtype) {
    case Dtype::bf16: return "bf16";
    case Dtype::fp16: return "fp16";
    case Dtype::tf32: return "tf32";
    case Dtype::fp32: return "fp32";
  }
  return "?";
}

}  // namespace ob::drivers::cuda
