// The GPU workload's randn data on the CPU: the inputs are normally distributed (the power draw
// of real work), the host's reference entry and its tolerance hold for a product accumulated in
// fp32 in the orders a GPU may use, and a flipped exponent bit or top mantissa bit of an output
// entry lands far outside that tolerance. The per-window check itself is the bit-exact checksum
// (test_agent_workload_names); this is the setup's check of the first product.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "drivers/gpu/cuda/gpu_workload.hpp"
#include "drivers/gpu/cuda/sdc_reference.hpp"

namespace cu = ob::drivers::cuda;
namespace sdc = ob::drivers::cuda::sdc;

namespace {

// tf32 inside a tensor core: fp32 with 10 explicit mantissa bits, rounded to nearest.
float round_to_tf32(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  const std::uint32_t rounded = (bits + 0xFFFU + ((bits >> 13) & 1U)) & ~0x1FFFU;
  return std::bit_cast<float>(rounded);
}

struct Case {
  sdc::InputFormat input;
  sdc::OutputFormat output;
};

// C(row, col) as a GPU might compute it: fp32 products accumulated in fp32, either in one
// running sum or in k-blocks of `block` whose partial sums are then added (a tensor core's MMA
// tiles, split-K); then rounded once to the output format.
std::uint32_t device_like_entry(const Case& c, std::uint32_t n, std::uint32_t row, std::uint32_t col, std::uint32_t block) {
  float total = 0;
  for (std::uint32_t k0 = 0; k0 < n; k0 += block) {
    float partial = 0;
    for (std::uint32_t k = k0; k < std::min(n, k0 + block); ++k) {
      auto a = static_cast<float>(sdc::stored_randn_input(c.input, 0, row, k));
      auto b = static_cast<float>(sdc::stored_randn_input(c.input, 1, k, col));
      if (c.input == sdc::InputFormat::tf32) {
        a = round_to_tf32(a);
        b = round_to_tf32(b);
      }
      partial += a * b;
    }
    total += partial;
  }
  switch (c.output) {
    case sdc::OutputFormat::bf16: return sdc::float_to_bf16_bits(total);
    case sdc::OutputFormat::fp16: return sdc::float_to_fp16_bits(total);
    case sdc::OutputFormat::fp32: return std::bit_cast<std::uint32_t>(total);
  }
  return 0;
}

// The lowest exponent bit (×2 or ÷2) and the top mantissa bit (±25..50 %) of one element.
std::vector<std::uint32_t> damaging_bits(sdc::OutputFormat output) {
  switch (output) {
    case sdc::OutputFormat::bf16: return {1U << 7, 1U << 6, 1U << 14};
    case sdc::OutputFormat::fp16: return {1U << 10, 1U << 9, 1U << 14};
    case sdc::OutputFormat::fp32: return {1U << 23, 1U << 22, 1U << 30};
  }
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(randn_names_and_default) {
  BOOST_TEST((cu::parse_input_data("randn").value() == cu::InputData::randn));
  BOOST_TEST((cu::parse_input_data("").value() == cu::InputData::randn));
  BOOST_TEST((cu::parse_input_data("integer").value() == cu::InputData::integer));
  BOOST_TEST(cu::parse_input_data("ints").error().find("randn | integer") != std::string::npos);
  BOOST_TEST(cu::to_string(cu::InputData::integer) == std::string("integer"));
  BOOST_TEST(cu::to_string(cu::WorkloadConfig{}.data) == std::string("randn"));  // real work's power draw by default
}

BOOST_AUTO_TEST_CASE(randn_inputs_are_normally_distributed) {
  constexpr std::uint32_t kSide = 1024;
  double sum = 0;
  double sum_sq = 0;
  double sum_4 = 0;
  double within_1_sd = 0;
  double within_2_sd = 0;
  float largest = 0;
  std::set<std::uint16_t> distinct_bf16;
  for (std::uint32_t row = 0; row < kSide; ++row) {
    for (std::uint32_t col = 0; col < kSide; ++col) {
      const float x = sdc::randn_input_value(row % 2, row, col);
      sum += x;
      sum_sq += static_cast<double>(x) * x;
      sum_4 += std::pow(static_cast<double>(x), 4);
      within_1_sd += std::fabs(x) < 1 ? 1 : 0;
      within_2_sd += std::fabs(x) < 2 ? 1 : 0;
      largest = std::max(largest, std::fabs(x));
      distinct_bf16.insert(sdc::float_to_bf16_bits(x));
    }
  }
  const double count = static_cast<double>(kSide) * kSide;
  const double mean = sum / count;
  const double variance = sum_sq / count - mean * mean;
  BOOST_TEST(std::fabs(mean) < 0.005);
  BOOST_TEST(variance == 1.0, boost::test_tools::tolerance(0.01));
  BOOST_TEST(within_1_sd / count == 0.6827, boost::test_tools::tolerance(0.01));  // normal: 68.27 %
  BOOST_TEST(within_2_sd / count == 0.9545, boost::test_tools::tolerance(0.01));  // normal: 95.45 %
  BOOST_TEST(sum_4 / count / (variance * variance) == 2.85, boost::test_tools::tolerance(0.02));  // Irwin-Hall(8): 3 − 1.2/8
  BOOST_TEST(largest < 4.9F);
  BOOST_TEST(distinct_bf16.size() > 2000U);  // full mantissas toggling, as real weights do
  BOOST_TEST(sdc::randn_input_value(0, 5, 9) != sdc::randn_input_value(1, 5, 9));
  BOOST_TEST(sdc::randn_input_value(0, 5, 9) == sdc::randn_input_value(0, 5, 9));
}

BOOST_AUTO_TEST_CASE(reference_entry_tolerates_any_accumulation_order_and_catches_bit_flips) {
  const std::vector<Case> cases = {{sdc::InputFormat::bf16, sdc::OutputFormat::bf16},
                                   {sdc::InputFormat::fp16, sdc::OutputFormat::fp16},
                                   {sdc::InputFormat::tf32, sdc::OutputFormat::fp32},
                                   {sdc::InputFormat::fp32, sdc::OutputFormat::fp32}};
  for (const std::uint32_t n : {512U, 8192U}) {
    for (const auto& c : cases) {
      int flips_caught = 0;
      int flips_tried = 0;
      double worst_ratio = 0;
      for (std::uint32_t entry = 0; entry < 12; ++entry) {
        const std::uint32_t row = (entry * 2654435761U) % n;
        const std::uint32_t col = (entry * 40503U + 17U) % n;
        const sdc::RandnEntry reference = sdc::randn_product_entry(c.input, n, row, col);
        const double tolerance = sdc::randn_entry_tolerance(c.input, c.output, n, reference);
        for (const std::uint32_t block : {n, 32U, 256U}) {
          const std::uint32_t bits = device_like_entry(c, n, row, col, block);
          const double error = std::fabs(sdc::output_value(c.output, bits) - reference.value);
          worst_ratio = std::max(worst_ratio, error / tolerance);
          BOOST_TEST_REQUIRE(error <= tolerance, "n=" << n << " C(" << row << "," << col << ") block " << block
                                                      << ": off by " << error << ", tolerance " << tolerance);
          // Entries of ordinary size (over a tenth of C's standard deviation, sqrt(n)): any
          // exponent flip or top-mantissa flip must fail the check.
          if (std::fabs(reference.value) < 0.1 * std::sqrt(static_cast<double>(n))) continue;
          for (const std::uint32_t mask : damaging_bits(c.output)) {
            ++flips_tried;
            const double flipped = sdc::output_value(c.output, bits ^ mask);
            if (!(std::fabs(flipped - reference.value) <= tolerance)) ++flips_caught;
          }
        }
      }
      BOOST_TEST(flips_tried > 20);
      BOOST_TEST(flips_caught == flips_tried, "n=" << n << ": " << flips_caught << " of " << flips_tried << " caught");
      BOOST_TEST_MESSAGE("n=" << n << " output " << static_cast<int>(c.output) << ": worst error/tolerance " << worst_ratio);
    }
  }
}

// The tolerance is not so loose that a wrong input formula passes: the entry of the transposed
// inputs (what a row/column mix-up on the device gives) is far outside it.
BOOST_AUTO_TEST_CASE(tolerance_rejects_a_wrong_product) {
  constexpr std::uint32_t kN = 2048;
  int rejected = 0;
  for (std::uint32_t entry = 0; entry < 10; ++entry) {
    const std::uint32_t row = entry * 97 % kN;
    const std::uint32_t col = (entry * 389 + 3) % kN;
    const auto reference = sdc::randn_product_entry(sdc::InputFormat::bf16, kN, row, col);
    const auto transposed = sdc::randn_product_entry(sdc::InputFormat::bf16, kN, col, row);
    const double tolerance = sdc::randn_entry_tolerance(sdc::InputFormat::bf16, sdc::OutputFormat::bf16, kN, reference);
    if (std::fabs(transposed.value - reference.value) > tolerance) ++rejected;
  }
  BOOST_TEST(rejected >= 9);
}
