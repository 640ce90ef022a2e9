#pragma once
// The CUDA engines (cuda_engine.cu): cuBLAS GEMM and the HBM copy kernel. C++17, no CUDA
// headers; only built with ORBITBENCH_WITH_CUDA.
#include <cstdint>
#include <memory>
#include <string>

#include "drivers/gpu/cuda/engine.hpp"

namespace ob::drivers::cuda {

enum class GemmType { bf16, fp16, tf32, fp32 };
enum class GemmData { randn, integer };  // sdc_reference.hpp: how each is checked

// Allocates A, B, C (n×n), fills A and B, runs the first product, checks a few entries of C
// against the host (integers: bit-exact; randn: within sdc::randn_entry_tolerance) and takes its
// checksum as the reference. nullptr + *error on failure (everything allocated is freed).
std::unique_ptr<Engine> make_gemm_engine(GemmType type, GemmData data, std::uint32_t n, int device, std::string* error);
// Two buffers of `buffer_bytes` (a multiple of 16): src filled with a pattern, copied to dst.
std::unique_ptr<Engine> make_hbm_engine(std::uint64_t buffer_bytes, int device, std::string* error);
// cudaGetDeviceCount, 0 on any error (no driver, no device).
int cuda_device_count();

}  // namespace ob::drivers::cuda
