#pragma once
// The arithmetic behind the silent-data-corruption check, shared by the CUDA kernels and the
// host (so it is unit-tested without a GPU). C++17 and no CUDA headers: nvcc compiles it too.
//
// GEMM inputs are small integers (times a power of two for fp16) chosen by a hash of
// (matrix, row, column), |value| <= M(n) with n·M(n)² <= 2^23. Every product is exact, and
// every partial sum of a dot product — in any order, any split, any tensor-core grouping — is
// an integer (a multiple of 2^-10 for fp16) below 2^23 in magnitude, hence exact in fp32.
// So the fp32 accumulator of every C entry is the exact dot product and the bf16/fp16 output is
// that exact value rounded once (round to nearest even): bit-identical whatever algorithm
// cuBLAS picks. The checksum of a buffer is Σ mix64(word + index·K) (mod 2^64) over its
// 32-bit words: independent of the order of the summation, position-sensitive, and any change
// of a single word always changes it (mix64 is a bijection).
#include <cstddef>
#include <cstdint>

#if defined(__CUDACC__)
#define OB_HOST_DEVICE __host__ __device__
#else
#define OB_HOST_DEVICE
#endif

namespace ob::drivers::cuda::sdc {

enum class OutputFormat { bf16, fp16, fp32 };  // C's element type (tf32 writes fp32)

// Bound on Σ_k |a_ik·b_kj| (in units of the inputs' integers): one bit below fp32's 24-bit
// significand, a margin against any accumulator that keeps one bit less than fp32.
constexpr std::uint64_t kMaxAbsDotSum = std::uint64_t{1} << 23;
constexpr int kMaxMagnitude = 127;  // |input| <= 127: exact in bf16, fp16 and tf32
// fp16 inputs are integer·2^-5, so C = integer·2^-10 stays below 2^13 (fp16's max is 65504).
constexpr int kFp16InputShift = 5;
constexpr std::uint32_t kMaxGemmN = 1U << 23;  // n·1² <= 2^23
constexpr std::uint64_t kChecksumIndexMultiplier = 0x9E3779B97F4A7C15ULL;
constexpr std::uint64_t kInputSeed = 0x6F72626974626E63ULL;  // "orbitbnc"
constexpr std::uint64_t kHbmSeed = 0x68626D7061747465ULL;    // "hbmpatte"

// splitmix64's finalizer: a bijection on 64-bit words.
OB_HOST_DEVICE inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

// One 32-bit word's contribution to a checksum; word_index counts 32-bit words from the start.
OB_HOST_DEVICE inline std::uint64_t word_hash(std::uint64_t word_index, std::uint32_t word) {
  return mix64(word + word_index * kChecksumIndexMultiplier);
}

// Largest |input| for an n×n×n product: n·M² <= kMaxAbsDotSum, at most kMaxMagnitude; 0 when
// n is too large for exact products.
int input_magnitude(std::uint32_t n);

// The integer behind A (matrix 0) or B (matrix 1) at (row, col), in [-magnitude, magnitude].
OB_HOST_DEVICE inline int input_value(int matrix, std::uint32_t row, std::uint32_t col, int magnitude) {
  const std::uint64_t key = (static_cast<std::uint64_t>(row) << 32) | col;
  const std::uint64_t h = mix64(key ^ (kInputSeed + static_cast<std::uint64_t>(matrix) * kChecksumIndexMultiplier));
  const auto span = static_cast<std::uint64_t>(2 * magnitude + 1);
  return static_cast<int>(h % span) - magnitude;
}

// The HBM kernel's source buffer: one pseudo-random word per 32-bit index.
OB_HOST_DEVICE inline std::uint32_t hbm_pattern_word(std::uint64_t word_index) {
  return static_cast<std::uint32_t>(mix64(word_index ^ kHbmSeed));
}

// C(row, col) = Σ_k A(row, k)·B(k, col) in the inputs' integers (exact, on the host: O(n)).
std::int64_t exact_product_entry(std::uint32_t n, int magnitude, std::uint32_t row, std::uint32_t col);

// The bit pattern cuBLAS must write for an exact dot product `integer_value`·2^-scale_shift:
// the value rounded once to the output format (round to nearest, ties to even).
std::uint32_t output_bits(OutputFormat format, std::int64_t integer_value, int scale_shift);

std::uint16_t float_to_bf16_bits(float value);  // round to nearest even
std::uint16_t float_to_fp16_bits(float value);  // round to nearest even, overflow to inf

// Host twin of the device checksum: words[i] has word index first_word_index + i.
std::uint64_t checksum_words(const std::uint32_t* words, std::size_t count, std::uint64_t first_word_index = 0);

}  // namespace ob::drivers::cuda::sdc
