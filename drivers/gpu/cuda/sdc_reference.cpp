#include "drivers/gpu/cuda/sdc_reference.hpp"

#include <bit>
#include <cmath>

namespace ob::drivers::cuda::sdc {

int input_magnitude(std::uint32_t n) {
  if (n == 0 || n > kMaxGemmN) return 0;
  const std::uint64_t max_square = kMaxAbsDotSum / n;
  auto magnitude = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(max_square)));
  while (magnitude * magnitude > max_square) --magnitude;  // the floating sqrt may overshoot by one
  while ((magnitude + 1) * (magnitude + 1) <= max_square) ++magnitude;
  return static_cast<int>(magnitude > kMaxMagnitude ? kMaxMagnitude : magnitude);
}

std::int64_t exact_product_entry(std::uint32_t n, int magnitude, std::uint32_t row, std::uint32_t col) {
  std::int64_t sum = 0;
  for (std::uint32_t k = 0; k < n; ++k) {
    sum += static_cast<std::int64_t>(input_value(0, row, k, magnitude)) * input_value(1, k, col, magnitude);
  }
  return sum;
}

namespace {

constexpr double kFp32Unit = 0x1p-23;  // fp32 round-to-nearest's 2^-24, with one bit of margin
constexpr double kTf32Unit = 0x1p-10;  // tf32 keeps 10 explicit mantissa bits; truncation's bound
constexpr double kLambda = 8;          // Higham-Mary: fails with probability < 2·exp(−32)

double output_unit(OutputFormat output) {
  switch (output) {
    case OutputFormat::bf16: return 0x1p-8;
    case OutputFormat::fp16: return 0x1p-11;
    case OutputFormat::fp32: return 0x1p-24;
  }
  return 1;
}

float bf16_bits_to_float(std::uint16_t bits) { return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16); }

float fp16_bits_to_float(std::uint16_t bits) {
  const int exponent = (bits >> 10) & 0x1F;
  const int mantissa = bits & 0x3FF;
  const float sign = (bits & 0x8000U) != 0 ? -1.0F : 1.0F;
  if (exponent == 0x1F) return mantissa == 0 ? sign * INFINITY : NAN;
  if (exponent == 0) return sign * std::ldexp(static_cast<float>(mantissa), -24);
  return sign * std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
}

}  // namespace

double stored_randn_input(InputFormat input, int matrix, std::uint32_t row, std::uint32_t col) {
  const float value = randn_input_value(matrix, row, col);
  switch (input) {
    case InputFormat::bf16: return bf16_bits_to_float(float_to_bf16_bits(value));
    case InputFormat::fp16: return fp16_bits_to_float(float_to_fp16_bits(value));
    case InputFormat::tf32:
    case InputFormat::fp32: return value;
  }
  return value;
}

RandnEntry randn_product_entry(InputFormat input, std::uint32_t n, std::uint32_t row, std::uint32_t col) {
  RandnEntry entry;
  for (std::uint32_t k = 0; k < n; ++k) {
    const double product = stored_randn_input(input, 0, row, k) * stored_randn_input(input, 1, k, col);
    entry.value += product;
    entry.abs_sum += std::fabs(product);
    entry.square_sum += product * product;
  }
  return entry;
}

double randn_entry_tolerance(InputFormat input, OutputFormat output, std::uint32_t n, const RandnEntry& entry) {
  double accumulation = kLambda * std::sqrt(static_cast<double>(n)) * kFp32Unit * entry.abs_sum;
  if (input == InputFormat::tf32) {
    accumulation += 2 * kTf32Unit * (kLambda * std::sqrt(entry.square_sum) + std::fabs(entry.value));
  }
  return output_unit(output) * (std::fabs(entry.value) + accumulation) + accumulation;
}

double output_value(OutputFormat format, std::uint32_t bits) {
  switch (format) {
    case OutputFormat::bf16: return bf16_bits_to_float(static_cast<std::uint16_t>(bits));
    case OutputFormat::fp16: return fp16_bits_to_float(static_cast<std::uint16_t>(bits));
    case OutputFormat::fp32: return std::bit_cast<float>(bits);
  }
  return 0;
}

std::uint16_t float_to_bf16_bits(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  if ((bits & 0x7FFFFFFFU) > 0x7F800000U) return static_cast<std::uint16_t>((bits >> 16) | 0x0040U);  // quiet NaN
  const std::uint32_t rounding_bias = 0x7FFFU + ((bits >> 16) & 1U);
  return static_cast<std::uint16_t>((bits + rounding_bias) >> 16);
}

std::uint16_t float_to_fp16_bits(float value) {
  constexpr std::uint32_t kFloatInf = 0x7F800000U;
  constexpr std::uint32_t kHalfOverflow = 0x477FF000U;  // 65520: rounds to inf
  constexpr std::uint32_t kHalfMinNormal = 0x38800000U;  // 2^-14
  constexpr std::uint32_t kExponentRebias = 0x38000000U;  // (127 - 15) << 23
  const auto bits = std::bit_cast<std::uint32_t>(value);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000U);
  const std::uint32_t magnitude = bits & 0x7FFFFFFFU;
  if (magnitude > kFloatInf) return static_cast<std::uint16_t>(sign | 0x7E00U);
  if (magnitude >= kHalfOverflow) return static_cast<std::uint16_t>(sign | 0x7C00U);
  if (magnitude < kHalfMinNormal) {  // fp16 subnormal (or zero): units of 2^-24
    const std::uint32_t exponent = magnitude >> 23;
    const std::uint32_t mantissa = (magnitude & 0x7FFFFFU) | (exponent == 0 ? 0U : 0x800000U);
    const std::uint32_t shift = 126U - (exponent == 0 ? 1U : exponent);
    if (shift >= 32) return sign;
    std::uint32_t result = mantissa >> shift;
    const std::uint32_t remainder = mantissa & ((1U << shift) - 1U);
    const std::uint32_t half = 1U << (shift - 1U);
    if (remainder > half || (remainder == half && (result & 1U) != 0)) ++result;
    return static_cast<std::uint16_t>(sign | result);
  }
  std::uint32_t result = (magnitude - kExponentRebias) >> 13;
  const std::uint32_t remainder = magnitude & 0x1FFFU;
  if (remainder > 0x1000U || (remainder == 0x1000U && (result & 1U) != 0)) ++result;
  return static_cast<std::uint16_t>(sign | result);
}

std::uint32_t output_bits(OutputFormat format, std::int64_t integer_value, int scale_shift) {
  // |integer_value| <= 2^23, so the float below is exact; the only rounding is the output's.
  const auto value = std::ldexp(static_cast<float>(integer_value), -scale_shift);
  switch (format) {
    case OutputFormat::bf16: return float_to_bf16_bits(value);
    case OutputFormat::fp16: return float_to_fp16_bits(value);
    case OutputFormat::fp32: return std::bit_cast<std::uint32_t>(value);
  }
  return 0;
}

std::uint64_t checksum_words(const std::uint32_t* words, std::size_t count, std::uint64_t first_word_index) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < count; ++i) sum += word_hash(first_word_index + i, words[i]);
  return sum;
}

}  // namespace ob::drivers::cuda::sdc
