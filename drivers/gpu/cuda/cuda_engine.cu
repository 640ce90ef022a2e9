// The CUDA side of the workload: cuBLAS GEMM (bf16, fp16, tf32, fp32) and an HBM copy kernel,
// each batch timed with a pair of CUDA events, followed when asked by an on-device checksum of
// the result (sdc_reference.hpp says why the result is bit-exact). Nothing here aborts: every
// CUDA/cuBLAS status is returned as a message naming the call.
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "drivers/gpu/cuda/cuda_engine.hpp"
#include "drivers/gpu/cuda/sdc_reference.hpp"

namespace ob::drivers::cuda {

namespace {

constexpr int kThreadsPerBlock = 256;
constexpr int kBlocksPerSm = 8;
constexpr int kWarpSize = 32;
constexpr std::size_t kVectorBytes = 16;                        // uint4
constexpr std::size_t kGemmWorkspaceBytes = 32 * 1024 * 1024;   // cuBLAS' recommendation for Hopper
constexpr std::uint64_t kTimingIterations = 3;                   // setup's estimate of one iteration
constexpr int kSelfCheckEntries = 16;                            // C entries checked against the host
constexpr double kMsPerS = 1000.0;

// "cublasGemmEx(handle_, …)" → "cublasGemmEx": the call, not its arguments.
std::string call_name(const char* expression) {
  const char* paren = std::strchr(expression, '(');
  return paren ? std::string(expression, paren) : std::string(expression);
}

std::string cuda_failure(const char* expression, cudaError_t status) {
  return call_name(expression) + " failed: " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")";
}

std::string cublas_failure(const char* expression, cublasStatus_t status) {
  return call_name(expression) + " failed: " + cublasGetStatusName(status) + " (" + cublasGetStatusString(status) + ")";
}

#define OB_CUDA_TRY(call)                                               \
  do {                                                                  \
    if (const cudaError_t ob_status = (call); ob_status != cudaSuccess) \
      return cuda_failure(#call, ob_status);                            \
  } while (0)

#define OB_CUBLAS_TRY(call)                                                         \
  do {                                                                              \
    if (const cublasStatus_t ob_status = (call); ob_status != CUBLAS_STATUS_SUCCESS) \
      return cublas_failure(#call, ob_status);                                      \
  } while (0)

std::size_t round_up_to_vector(std::size_t bytes) { return (bytes + kVectorBytes - 1) / kVectorBytes * kVectorBytes; }

std::string hex(std::uint64_t value) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

// ---- kernels -------------------------------------------------------------------------------

__device__ __forceinline__ std::size_t grid_start() { return blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; }
__device__ __forceinline__ std::size_t grid_stride() { return gridDim.x * static_cast<std::size_t>(blockDim.x); }

__device__ __forceinline__ void store_input(__nv_bfloat16* out, float value) { *out = __float2bfloat16_rn(value); }
__device__ __forceinline__ void store_input(__half* out, float value) { *out = __float2half_rn(value); }
__device__ __forceinline__ void store_input(float* out, float value) { *out = value; }

// Column-major n×n: element (row, col) at row + col·n. Integer data: integer·scale (exact);
// randn data (magnitude 0): sdc::randn_input_value, rounded once to T.
template <typename T>
__global__ void fill_input_kernel(T* matrix, std::uint32_t n, int which, int magnitude, float scale) {
  const std::size_t count = static_cast<std::size_t>(n) * n;
  for (std::size_t i = grid_start(); i < count; i += grid_stride()) {
    const auto row = static_cast<std::uint32_t>(i % n);
    const auto col = static_cast<std::uint32_t>(i / n);
    const float value = magnitude == 0 ? sdc::randn_input_value(which, row, col)
                                       : static_cast<float>(sdc::input_value(which, row, col, magnitude)) * scale;
    store_input(matrix + i, value);
  }
}

__global__ void fill_pattern_kernel(std::uint32_t* words, std::size_t count) {
  for (std::size_t i = grid_start(); i < count; i += grid_stride()) words[i] = sdc::hbm_pattern_word(i);
}

// dst = src, 16 bytes per access, four independent loads in flight per thread.
__global__ void copy_kernel(const uint4* __restrict__ src, uint4* __restrict__ dst, std::size_t count) {
  const std::size_t stride = grid_stride();
  std::size_t i = grid_start();
  for (; i + 3 * stride < count; i += 4 * stride) {
    const uint4 a = src[i];
    const uint4 b = src[i + stride];
    const uint4 c = src[i + 2 * stride];
    const uint4 d = src[i + 3 * stride];
    dst[i] = a;
    dst[i + stride] = b;
    dst[i + 2 * stride] = c;
    dst[i + 3 * stride] = d;
  }
  for (; i < count; i += stride) dst[i] = src[i];
}

__device__ __forceinline__ unsigned long long warp_sum(unsigned long long value) {
  for (int offset = kWarpSize / 2; offset > 0; offset /= 2) value += __shfl_down_sync(0xFFFFFFFFU, value, offset);
  return value;
}

// *sum += Σ word_hash(index, word) over `count` uint4 (sum zeroed by the caller).
__global__ void checksum_kernel(const uint4* __restrict__ data, std::size_t count, unsigned long long* sum) {
  unsigned long long local = 0;
  for (std::size_t i = grid_start(); i < count; i += grid_stride()) {
    const uint4 v = data[i];
    const std::uint64_t word = i * 4;
    local += sdc::word_hash(word, v.x) + sdc::word_hash(word + 1, v.y) + sdc::word_hash(word + 2, v.z) +
             sdc::word_hash(word + 3, v.w);
  }
  __shared__ unsigned long long warp_sums[kThreadsPerBlock / kWarpSize];
  const unsigned lane = threadIdx.x % kWarpSize;
  const unsigned warp = threadIdx.x / kWarpSize;
  local = warp_sum(local);
  if (lane == 0) warp_sums[warp] = local;
  __syncthreads();
  if (warp != 0) return;
  local = lane < blockDim.x / kWarpSize ? warp_sums[lane] : 0;
  local = warp_sum(local);
  if (lane == 0) atomicAdd(sum, local);
}

__global__ void flip_bits_kernel(std::uint32_t* words, std::size_t index, std::uint32_t mask) { words[index] ^= mask; }

// ---- the engine: slots of events, checksum, lifetime ------------------------------------------

class CudaEngine : public Engine {
 public:
  ~CudaEngine() override {
    // Best effort: the device may be in an error state; nothing here may throw or abort.
    (void)cudaSetDevice(device_);
    if (stream_) (void)cudaStreamSynchronize(stream_);
    for (auto& slot : slots_) {
      for (cudaEvent_t event : {slot.start, slot.stop, slot.done}) {
        if (event) (void)cudaEventDestroy(event);
      }
    }
    if (device_sums_) (void)cudaFree(device_sums_);
    if (host_sums_) (void)cudaFreeHost(host_sums_);
    if (stream_) (void)cudaStreamDestroy(stream_);
  }

  std::string bind_thread() override {
    OB_CUDA_TRY(cudaSetDevice(device_));
    return {};
  }

  std::string enqueue(int slot_index, std::uint64_t iterations, bool checksum, std::uint32_t corrupt_mask) override {
    Slot& slot = slots_[slot_index];
    OB_CUDA_TRY(cudaEventRecord(slot.start, stream_));
    for (std::uint64_t i = 0; i < iterations; ++i) {
      if (auto error = run_iteration(); !error.empty()) return error;
    }
    OB_CUDA_TRY(cudaEventRecord(slot.stop, stream_));
    slot.has_checksum = checksum;
    if (checksum) {
      if (corrupt_mask != 0) {
        flip_bits_kernel<<<1, 1, 0, stream_>>>(static_cast<std::uint32_t*>(result_),
                                               result_bytes_ / sizeof(std::uint32_t) / 2, corrupt_mask);
        OB_CUDA_TRY(cudaGetLastError());
      }
      if (auto error = enqueue_checksum(slot_index); !error.empty()) return error;
    }
    OB_CUDA_TRY(cudaEventRecord(slot.done, stream_));
    return {};
  }

  std::string wait(int slot_index, double* busy_s, std::uint64_t* checksum) override {
    const Slot& slot = slots_[slot_index];
    OB_CUDA_TRY(cudaEventSynchronize(slot.done));
    float elapsed_ms = 0;
    OB_CUDA_TRY(cudaEventElapsedTime(&elapsed_ms, slot.start, slot.stop));
    *busy_s = elapsed_ms / kMsPerS;
    *checksum = slot.has_checksum ? host_sums_[slot_index] : 0;
    return {};
  }

  std::string drain() override {
    OB_CUDA_TRY(cudaStreamSynchronize(stream_));
    return {};
  }

  std::uint64_t reference_checksum() const override { return reference_checksum_; }
  double iteration_estimate_s() const override { return iteration_estimate_s_; }

 protected:
  struct Slot {
    cudaEvent_t start = nullptr;
    cudaEvent_t stop = nullptr;
    cudaEvent_t done = nullptr;  // after the checksum's copy to host_sums_
    bool has_checksum = false;
  };

  virtual std::string run_iteration() = 0;

  std::string init_common(int device) {
    device_ = device;
    // CUDA's last error is per host thread and sticky until read: an earlier failure on this
    // thread (another start() on a device that does not exist) must not fail this one.
    (void)cudaGetLastError();
    if (const cudaError_t set = cudaSetDevice(device_); set != cudaSuccess) {
      (void)cudaGetLastError();
      return cuda_failure("cudaSetDevice(device_)", set);
    }
    int sm_count = 0;
    OB_CUDA_TRY(cudaDeviceGetAttribute(&sm_count, cudaDevAttrMultiProcessorCount, device_));
    grid_blocks_ = sm_count * kBlocksPerSm;
    OB_CUDA_TRY(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    for (auto& slot : slots_) {
      // Blocking sync: the workload thread sleeps while it waits instead of spinning a core.
      for (cudaEvent_t* event : {&slot.start, &slot.stop, &slot.done}) {
        OB_CUDA_TRY(cudaEventCreateWithFlags(event, cudaEventBlockingSync));
      }
    }
    OB_CUDA_TRY(cudaMalloc(&device_sums_, sizeof(unsigned long long) * kSlots));
    OB_CUDA_TRY(cudaMallocHost(&host_sums_, sizeof(std::uint64_t) * kSlots));
    return {};
  }

  // The first result is in place (result_): its checksum becomes the reference, then a few
  // timed iterations give the first estimate of one iteration's time.
  std::string take_reference() {
    if (auto error = enqueue(0, 0, true, 0); !error.empty()) return error;
    double busy_s = 0;
    if (auto error = wait(0, &busy_s, &reference_checksum_); !error.empty()) return error;
    if (auto error = enqueue(1, kTimingIterations, true, 0); !error.empty()) return error;
    std::uint64_t checksum = 0;
    if (auto error = wait(1, &busy_s, &checksum); !error.empty()) return error;
    if (checksum != reference_checksum_) {
      return "self-check failed: the result's checksum changed between identical runs (" + hex(reference_checksum_) +
             " then " + hex(checksum) + ")";
    }
    iteration_estimate_s_ = busy_s / static_cast<double>(kTimingIterations);
    return {};
  }

  std::string enqueue_checksum(int slot_index) {
    unsigned long long* sum = device_sums_ + slot_index;
    OB_CUDA_TRY(cudaMemsetAsync(sum, 0, sizeof *sum, stream_));
    checksum_kernel<<<grid_blocks_, kThreadsPerBlock, 0, stream_>>>(static_cast<const uint4*>(result_),
                                                                    result_bytes_ / kVectorBytes, sum);
    OB_CUDA_TRY(cudaGetLastError());
    OB_CUDA_TRY(cudaMemcpyAsync(host_sums_ + slot_index, sum, sizeof *sum, cudaMemcpyDeviceToHost, stream_));
    return {};
  }

  int device_ = 0;
  int grid_blocks_ = 1;
  cudaStream_t stream_ = nullptr;
  std::array<Slot, kSlots> slots_{};
  unsigned long long* device_sums_ = nullptr;
  std::uint64_t* host_sums_ = nullptr;  // pinned
  void* result_ = nullptr;              // what the checksum covers (a multiple of 16 bytes)
  std::size_t result_bytes_ = 0;
  std::uint64_t reference_checksum_ = 0;
  double iteration_estimate_s_ = 0;
};

// ---- GEMM ------------------------------------------------------------------------------------

struct GemmFormat {
  cudaDataType_t input_type;
  cudaDataType_t output_type;
  std::size_t input_bytes;
  std::size_t output_bytes;
  cublasComputeType_t compute;
  cublasMath_t math;
  sdc::OutputFormat output;
  sdc::InputFormat input;
  int input_shift;  // integer data: inputs are integer·2^-input_shift
  const char* name;
};

GemmFormat gemm_format(GemmType type) {
  // bf16/fp16: what torch.matmul does (16-bit in and out, fp32 accumulate); split-K partials
  // are reduced in fp32, never in the 16-bit output type, so the output is rounded only once.
  const auto tensor_math = static_cast<cublasMath_t>(CUBLAS_DEFAULT_MATH | CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION);
  switch (type) {
    case GemmType::bf16:
      return {CUDA_R_16BF, CUDA_R_16BF, 2, 2, CUBLAS_COMPUTE_32F, tensor_math, sdc::OutputFormat::bf16,
              sdc::InputFormat::bf16, 0, "bf16"};
    case GemmType::fp16:
      return {CUDA_R_16F, CUDA_R_16F, 2, 2, CUBLAS_COMPUTE_32F, tensor_math, sdc::OutputFormat::fp16,
              sdc::InputFormat::fp16, sdc::kFp16InputShift, "fp16"};
    case GemmType::tf32:
      return {CUDA_R_32F, CUDA_R_32F, 4, 4, CUBLAS_COMPUTE_32F_FAST_TF32, CUBLAS_TF32_TENSOR_OP_MATH,
              sdc::OutputFormat::fp32, sdc::InputFormat::tf32, 0, "tf32"};
    case GemmType::fp32:
      return {CUDA_R_32F, CUDA_R_32F, 4, 4, CUBLAS_COMPUTE_32F, CUBLAS_DEFAULT_MATH, sdc::OutputFormat::fp32,
              sdc::InputFormat::fp32, 0, "fp32"};
  }
  return gemm_format(GemmType::bf16);
}

class GemmEngine final : public CudaEngine {
 public:
  ~GemmEngine() override {
    (void)cudaSetDevice(device_);
    if (stream_) (void)cudaStreamSynchronize(stream_);
    if (handle_) (void)cublasDestroy(handle_);
    for (void* buffer : {a_, b_, c_, workspace_}) {
      if (buffer) (void)cudaFree(buffer);
    }
  }

  std::string init(GemmType type, GemmData data, std::uint32_t n, int device) {
    format_ = gemm_format(type);
    data_ = data;
    n_ = n;
    if (data_ == GemmData::integer) {
      magnitude_ = sdc::input_magnitude(n);
      if (magnitude_ == 0) return "gemm size " + std::to_string(n) + " is too large for exact integer products";
    }
    if (auto error = init_common(device); !error.empty()) return error;
    const std::size_t elements = static_cast<std::size_t>(n) * n;
    const std::size_t input_bytes = round_up_to_vector(elements * format_.input_bytes);
    result_bytes_ = round_up_to_vector(elements * format_.output_bytes);
    OB_CUDA_TRY(cudaMalloc(&a_, input_bytes));
    OB_CUDA_TRY(cudaMalloc(&b_, input_bytes));
    OB_CUDA_TRY(cudaMalloc(&c_, result_bytes_));
    OB_CUDA_TRY(cudaMalloc(&workspace_, kGemmWorkspaceBytes));
    result_ = c_;
    // Zero first: the padding up to 16 bytes is part of the checksum and must be deterministic.
    OB_CUDA_TRY(cudaMemsetAsync(a_, 0, input_bytes, stream_));
    OB_CUDA_TRY(cudaMemsetAsync(b_, 0, input_bytes, stream_));
    OB_CUDA_TRY(cudaMemsetAsync(c_, 0, result_bytes_, stream_));
    if (auto error = fill_inputs(); !error.empty()) return error;

    OB_CUBLAS_TRY(cublasCreate(&handle_));
    OB_CUBLAS_TRY(cublasSetStream(handle_, stream_));
    OB_CUBLAS_TRY(cublasSetWorkspace(handle_, workspace_, kGemmWorkspaceBytes));
    OB_CUBLAS_TRY(cublasSetMathMode(handle_, format_.math));
    OB_CUBLAS_TRY(cublasSetPointerMode(handle_, CUBLAS_POINTER_MODE_HOST));

    if (auto error = run_iteration(); !error.empty()) return error;
    OB_CUDA_TRY(cudaStreamSynchronize(stream_));
    if (auto error = check_entries(); !error.empty()) return error;
    return take_reference();
  }

  double work_per_iteration() const override {
    const auto n = static_cast<double>(n_);
    return 2 * n * n * n;
  }

 protected:
  std::string run_iteration() override {
    const int n = static_cast<int>(n_);
    OB_CUBLAS_TRY(cublasGemmEx(handle_, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha_, a_, format_.input_type, n, b_,
                               format_.input_type, n, &beta_, c_, format_.output_type, n, format_.compute,
                               CUBLAS_GEMM_DEFAULT));
    return {};
  }

 private:
  template <typename T>
  std::string fill(void* matrix, int which, float scale) {
    // magnitude_ stays 0 for randn data: the kernel's sign to fill with randn values.
    fill_input_kernel<T><<<grid_blocks_, kThreadsPerBlock, 0, stream_>>>(static_cast<T*>(matrix), n_, which, magnitude_,
                                                                          scale);
    OB_CUDA_TRY(cudaGetLastError());
    return {};
  }

  std::string fill_inputs() {
    const float scale = 1.0F / static_cast<float>(1 << format_.input_shift);
    for (int which = 0; which < 2; ++which) {
      void* matrix = which == 0 ? a_ : b_;
      std::string error;
      switch (format_.input_type) {
        case CUDA_R_16BF: error = fill<__nv_bfloat16>(matrix, which, scale); break;
        case CUDA_R_16F: error = fill<__half>(matrix, which, scale); break;
        default: error = fill<float>(matrix, which, scale); break;
      }
      if (!error.empty()) return error;
    }
    return {};
  }

  // A few entries of the first product against the host: integers bit-exact (catches a wrong
  // input formula or an output rounding that is not the single round-to-nearest we rely on),
  // randn within sdc::randn_entry_tolerance (catches wrong inputs or a wrong product).
  std::string check_entries() {
    for (int entry = 0; entry < kSelfCheckEntries; ++entry) {
      std::uint32_t row = 0;
      std::uint32_t col = 0;
      switch (entry) {
        case 0: break;
        case 1: row = n_ - 1; col = n_ - 1; break;
        case 2: col = n_ - 1; break;
        case 3: row = n_ - 1; break;
        default:
          row = static_cast<std::uint32_t>(sdc::mix64(2 * static_cast<std::uint64_t>(entry)) % n_);
          col = static_cast<std::uint32_t>(sdc::mix64(2 * static_cast<std::uint64_t>(entry) + 1) % n_);
      }
      const std::size_t offset = (row + static_cast<std::size_t>(col) * n_) * format_.output_bytes;
      std::uint32_t device_bits = 0;  // little-endian: a 16-bit element lands in the low half
      OB_CUDA_TRY(cudaMemcpy(&device_bits, static_cast<const char*>(c_) + offset, format_.output_bytes,
                             cudaMemcpyDeviceToHost));
      if (data_ == GemmData::randn) {
        if (auto error = check_randn_entry(row, col, device_bits); !error.empty()) return error;
        continue;
      }
      const std::int64_t exact = sdc::exact_product_entry(n_, magnitude_, row, col);
      const std::uint32_t expected_bits = sdc::output_bits(format_.output, exact, 2 * format_.input_shift);
      if (device_bits != expected_bits) {
        return std::string("GEMM self-check failed (") + format_.name + ", n=" + std::to_string(n_) + "): C(" +
               std::to_string(row) + "," + std::to_string(col) + ") is " + hex(device_bits) + ", the exact product " +
               std::to_string(exact) + " rounds to " + hex(expected_bits);
      }
    }
    return {};
  }

  std::string check_randn_entry(std::uint32_t row, std::uint32_t col, std::uint32_t device_bits) const {
    const sdc::RandnEntry reference = sdc::randn_product_entry(format_.input, n_, row, col);
    const double tolerance = sdc::randn_entry_tolerance(format_.input, format_.output, n_, reference);
    const double device_value = sdc::output_value(format_.output, device_bits);
    if (std::fabs(device_value - reference.value) <= tolerance) return {};
    char detail[160];
    std::snprintf(detail, sizeof detail, "C(%u,%u) is %.6g (%s), the host's product %.6g ± %.3g", row, col, device_value,
                  hex(device_bits).c_str(), reference.value, tolerance);
    return std::string("GEMM self-check failed (") + format_.name + ", randn, n=" + std::to_string(n_) + "): " + detail;
  }

  GemmFormat format_{};
  GemmData data_ = GemmData::randn;
  std::uint32_t n_ = 0;
  int magnitude_ = 0;
  cublasHandle_t handle_ = nullptr;
  void* a_ = nullptr;
  void* b_ = nullptr;
  void* c_ = nullptr;
  void* workspace_ = nullptr;
  const float alpha_ = 1.0F;
  const float beta_ = 0.0F;
};

// ---- HBM -------------------------------------------------------------------------------------

class HbmEngine final : public CudaEngine {
 public:
  ~HbmEngine() override {
    (void)cudaSetDevice(device_);
    if (stream_) (void)cudaStreamSynchronize(stream_);
    for (void* buffer : {src_, dst_}) {
      if (buffer) (void)cudaFree(buffer);
    }
  }

  std::string init(std::uint64_t buffer_bytes, int device) {
    if (buffer_bytes == 0 || buffer_bytes % kVectorBytes != 0) return "HBM buffer size must be a positive multiple of 16 bytes";
    if (auto error = init_common(device); !error.empty()) return error;
    bytes_ = buffer_bytes;
    OB_CUDA_TRY(cudaMalloc(&src_, bytes_));
    OB_CUDA_TRY(cudaMalloc(&dst_, bytes_));
    result_ = dst_;
    result_bytes_ = bytes_;
    const std::size_t words = bytes_ / sizeof(std::uint32_t);
    fill_pattern_kernel<<<grid_blocks_, kThreadsPerBlock, 0, stream_>>>(static_cast<std::uint32_t*>(src_), words);
    OB_CUDA_TRY(cudaGetLastError());
    if (auto error = run_iteration(); !error.empty()) return error;
    OB_CUDA_TRY(cudaStreamSynchronize(stream_));
    // A few words of the copy against the host's pattern.
    for (std::size_t index : {std::size_t{0}, words / 2, words - 1}) {
      std::uint32_t word = 0;
      OB_CUDA_TRY(cudaMemcpy(&word, static_cast<const std::uint32_t*>(dst_) + index, sizeof word, cudaMemcpyDeviceToHost));
      if (word != sdc::hbm_pattern_word(index)) {
        return "HBM self-check failed: word " + std::to_string(index) + " is " + hex(word) + ", expected " +
               hex(sdc::hbm_pattern_word(index));
      }
    }
    return take_reference();
  }

  double work_per_iteration() const override { return 2.0 * static_cast<double>(bytes_); }

 protected:
  std::string run_iteration() override {
    copy_kernel<<<grid_blocks_, kThreadsPerBlock, 0, stream_>>>(static_cast<const uint4*>(src_), static_cast<uint4*>(dst_),
                                                                bytes_ / kVectorBytes);
    OB_CUDA_TRY(cudaGetLastError());
    return {};
  }

 private:
  std::size_t bytes_ = 0;
  void* src_ = nullptr;
  void* dst_ = nullptr;
};

}  // namespace

std::unique_ptr<Engine> make_gemm_engine(GemmType type, GemmData data, std::uint32_t n, int device, std::string* error) {
  auto engine = std::make_unique<GemmEngine>();
  if (auto failure = engine->init(type, data, n, device); !failure.empty()) {
    *error = std::move(failure);
    return nullptr;
  }
  return engine;
}

std::unique_ptr<Engine> make_hbm_engine(std::uint64_t buffer_bytes, int device, std::string* error) {
  auto engine = std::make_unique<HbmEngine>();
  if (auto failure = engine->init(buffer_bytes, device); !failure.empty()) {
    *error = std::move(failure);
    return nullptr;
  }
  return engine;
}

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();  // clear the error so later calls start clean
    return 0;
  }
  return count;
}

}  // namespace ob::drivers::cuda
