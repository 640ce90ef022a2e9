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
//
// Randn data (the default: the power draw of real work) is not exact: each C entry is a sum of
// rounded products whose rounding depends on cuBLAS' algorithm. What makes it checkable is
// cuBLAS' documented reproducibility: the same call, on the same handle, stream and workspace,
// on a GPU of the same architecture and SM count, gives bit-identical results every time
// (cuBLAS guide, 2.1.4 "Results reproducibility": with one stream, or with a workspace of its own
// per stream given by cublasSetWorkspace, as GemmEngine does; atomics are off by default). So the first
// product's checksum is the reference and every window's product must match it bit for bit, the
// same test as for integers. The first product itself is checked against the host: a few
// entries recomputed in double from the very inputs the device holds (randn_input_value gives
// the host and the device the same float) must lie within randn_entry_tolerance.
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
constexpr std::uint64_t kRandnSeed = 0x72616E646E6F726DULL;  // "randnorm"
// Randn inputs: the sum S of 8 uniform 16-bit integers (Irwin-Hall), centred and scaled to unit
// variance: mean 8·65535/2, variance 8·(65536²−1)/12. |value| <= 4.9; excess kurtosis −0.15.
constexpr int kRandnTerms = 8;
constexpr std::int32_t kRandnMean = 262140;
constexpr float kRandnScale = 1.86881243e-05F;  // 1/sqrt(8·(65536²−1)/12), rounded to float

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

// A randn-like input at (row, col) of A (matrix 0) or B (matrix 1), before rounding to the input
// type. Integer arithmetic up to one float multiply (exact int→float, |S−mean| < 2^19), so the
// host and the device compute the same float. Callers must not let it fuse into an FMA.
OB_HOST_DEVICE inline float randn_input_value(int matrix, std::uint32_t row, std::uint32_t col) {
  const std::uint64_t key = (static_cast<std::uint64_t>(row) << 32) | col;
  const std::uint64_t first = mix64(key ^ (kRandnSeed + static_cast<std::uint64_t>(matrix) * kChecksumIndexMultiplier));
  const std::uint64_t words[2] = {first, mix64(first ^ kRandnSeed)};  // kRandnTerms of 16 bits
  std::int32_t sum = 0;
  for (int term = 0; term < kRandnTerms; ++term) {
    sum += static_cast<std::int32_t>((words[term / 4] >> (16 * (term % 4))) & 0xFFFFU);
  }
  return static_cast<float>(sum - kRandnMean) * kRandnScale;
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

// Randn data on the host: the input as the device stores it (rounded to `input`), one C entry
// in double (exact to far below the tolerance) and the bound the device's entry must meet.
enum class InputFormat { bf16, fp16, tf32, fp32 };
double stored_randn_input(InputFormat input, int matrix, std::uint32_t row, std::uint32_t col);
struct RandnEntry {
  double value = 0;       // Σ_k a_ik·b_kj in double from the stored inputs
  double abs_sum = 0;     // Σ_k |a_ik·b_kj|
  double square_sum = 0;  // Σ_k (a_ik·b_kj)²
};
RandnEntry randn_product_entry(InputFormat input, std::uint32_t n, std::uint32_t row, std::uint32_t col);
// |device − value| allowed, the sum of:
// - fp32 accumulation of n terms in any order: Higham and Mary's probabilistic bound
//   λ·sqrt(n)·u·abs_sum (SIAM J. Sci. Comput. 41(5), 2019; it fails with probability below
//   2·exp(−λ²/2), 3e-14 for λ = 8), with u = 2^-23, one bit of margin over fp32's 2^-24 for a
//   tensor-core accumulator. The worst case, n·u·abs_sum, is 90 times wider at n = 8192 and would
//   let a flipped mantissa bit through;
// - tf32 only: its rounding (or truncation) of fp32 inputs inside the tensor cores, relative
//   2^-10 per input: 2·2^-10·(λ·sqrt(square_sum) + |value|), random part and bias;
// - the output's one rounding: half an ulp, 2^-8 relative for bf16, 2^-11 fp16, 2^-24 fp32.
// An exponent flip or a flip of the output's top mantissa bit moves an entry by at least a
// quarter of its magnitude: outside the tolerance for any entry over a tenth of C's standard
// deviation (tests/unit/test_agent_randn_data.cpp).
double randn_entry_tolerance(InputFormat input, OutputFormat output, std::uint32_t n, const RandnEntry& entry);
// The float behind an output element's bits (bf16/fp16 in the low 16 bits).
double output_value(OutputFormat format, std::uint32_t bits);

std::uint16_t float_to_bf16_bits(float value);  // round to nearest even
std::uint16_t float_to_fp16_bits(float value);  // round to nearest even, overflow to inf

// Host twin of the device checksum: words[i] has word index first_word_index + i.
std::uint64_t checksum_words(const std::uint32_t* words, std::size_t count, std::uint64_t first_word_index = 0);

}  // namespace ob::drivers::cuda::sdc
