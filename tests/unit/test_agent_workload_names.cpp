// The GPU workload's CPU side: names, the without-CUDA error, the exact-checksum arithmetic
// (sdc_reference) and the workload thread (workload_runner) driven by a fake engine.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "drivers/gpu/cuda/engine.hpp"
#include "drivers/gpu/cuda/gpu_workload.hpp"
#include "drivers/gpu/cuda/sdc_reference.hpp"
#include "drivers/gpu/cuda/workload_runner.hpp"

namespace {

namespace cu = ob::drivers::cuda;
namespace sdc = ob::drivers::cuda::sdc;
using Clock = std::chrono::steady_clock;

float bits_to_float(std::uint32_t bits) {
  float value = 0;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// Sleeps instead of computing: a batch takes iterations × iteration_s; the checksum is the
// reference unless the batch was told to corrupt.
class FakeEngine final : public cu::Engine {
 public:
  static constexpr std::uint64_t kReference = 0x1234;
  explicit FakeEngine(double iteration_s, int fail_after_batches = -1)
      : iteration_s_(iteration_s), fail_after_batches_(fail_after_batches) {}

  std::string bind_thread() override { return {}; }
  std::string enqueue(int slot, std::uint64_t iterations, bool checksum, std::uint32_t corrupt_mask) override {
    if (fail_after_batches_ >= 0 && batches_++ >= fail_after_batches_) return "cublasGemmEx failed: CUBLAS_STATUS_EXECUTION_FAILED";
    slots_[slot] = {iterations, checksum ? kReference ^ corrupt_mask : 0};
    if (corrupt_mask != 0) corrupt_masks_->push_back(corrupt_mask);  // the runner's thread only
    return {};
  }
  // The masks the runner asked to flip (read after the runner stopped).
  std::shared_ptr<std::vector<std::uint32_t>> corrupt_masks() const { return corrupt_masks_; }
  std::string wait(int slot, double* busy_s, std::uint64_t* checksum) override {
    *busy_s = static_cast<double>(slots_[slot].iterations) * iteration_s_;
    std::this_thread::sleep_for(std::chrono::duration<double>(*busy_s));
    *checksum = slots_[slot].checksum;
    return {};
  }
  std::string drain() override { return {}; }
  std::uint64_t reference_checksum() const override { return kReference; }
  double work_per_iteration() const override { return 1e12; }
  double iteration_estimate_s() const override { return iteration_s_; }

 private:
  struct Slot {
    std::uint64_t iterations = 0;
    std::uint64_t checksum = 0;
  };
  double iteration_s_;
  int fail_after_batches_;
  int batches_ = 0;
  std::array<Slot, kSlots> slots_{};
  std::shared_ptr<std::vector<std::uint32_t>> corrupt_masks_ = std::make_shared<std::vector<std::uint32_t>>();
};

cu::WorkloadConfig fake_config(double window_s) {
  cu::WorkloadConfig config;
  config.window_s = window_s;
  return config;
}

}  // namespace

BOOST_AUTO_TEST_CASE(names_round_trip) {
  for (const auto kind : {cu::WorkloadKind::gemm, cu::WorkloadKind::hbm}) {
    BOOST_TEST((cu::parse_workload_kind(cu::to_string(kind)).value() == kind));
  }
  for (const auto dtype : {cu::Dtype::bf16, cu::Dtype::fp16, cu::Dtype::tf32, cu::Dtype::fp32}) {
    BOOST_TEST((cu::parse_dtype(cu::to_string(dtype)).value() == dtype));
  }
  BOOST_TEST((cu::parse_workload_kind("").value() == cu::WorkloadKind::gemm));
  BOOST_TEST((cu::parse_dtype("").value() == cu::Dtype::bf16));
  BOOST_TEST(std::string(cu::to_string(cu::Dtype::tf32)) == "tf32");
  BOOST_TEST(std::string(cu::to_string(cu::WorkloadKind::hbm)) == "hbm");
  BOOST_TEST(!cu::parse_workload_kind("fft").has_value());
  BOOST_TEST(cu::parse_dtype("int8").error().find("int8") != std::string::npos);
}

#ifndef ORBITBENCH_WITH_CUDA
BOOST_AUTO_TEST_CASE(without_cuda_start_says_so) {
  BOOST_TEST(!cu::GpuWorkload::available());
  const auto workload = cu::GpuWorkload::start(cu::WorkloadConfig{});
  BOOST_REQUIRE(!workload.has_value());
  BOOST_TEST(workload.error() == "this agent was built without CUDA (ORBITBENCH_WITH_CUDA=OFF)");
}
#endif

BOOST_AUTO_TEST_CASE(config_validation) {
  BOOST_TEST(cu::validate_config(cu::WorkloadConfig{}).empty());
  auto config = cu::WorkloadConfig{};
  config.duty_cycle = 1.5;
  BOOST_TEST(!cu::validate_config(config).empty());
  config = {};
  config.duty_cycle = 0.5;
  config.period_s = 0;
  BOOST_TEST(!cu::validate_config(config).empty());
  config = {};
  config.window_s = 0;
  BOOST_TEST(!cu::validate_config(config).empty());
  config = {};
  config.size = sdc::kMaxGemmN + 1;
  BOOST_TEST(!cu::validate_config(config).empty());
  config = {};
  config.size = 0;
  BOOST_TEST(cu::gemm_n(config) == cu::kDefaultGemmN);
  config.kind = cu::WorkloadKind::hbm;
  BOOST_TEST(cu::hbm_buffer_bytes(config) == std::uint64_t{2048} * 1024 * 1024);
}

BOOST_AUTO_TEST_CASE(input_magnitude_keeps_every_partial_sum_exact) {
  BOOST_TEST(sdc::input_magnitude(1) == sdc::kMaxMagnitude);
  BOOST_TEST(sdc::input_magnitude(4096) == 45);
  BOOST_TEST(sdc::input_magnitude(8192) == 32);
  BOOST_TEST(sdc::input_magnitude(sdc::kMaxGemmN) == 1);
  BOOST_TEST(sdc::input_magnitude(sdc::kMaxGemmN + 1) == 0);
  for (std::uint32_t n : {1U, 3U, 100U, 1000U, 4096U, 8191U, 8192U, 16384U, 65536U, 1U << 20}) {
    const auto m = static_cast<std::uint64_t>(sdc::input_magnitude(n));
    BOOST_TEST(n * m * m <= sdc::kMaxAbsDotSum);
    BOOST_TEST((m == sdc::kMaxMagnitude || n * (m + 1) * (m + 1) > sdc::kMaxAbsDotSum));
  }
}

BOOST_AUTO_TEST_CASE(input_values_cover_their_range) {
  const int magnitude = sdc::input_magnitude(8192);
  int lowest = 0;
  int highest = 0;
  double sum = 0;
  constexpr int kSamples = 100000;
  for (int i = 0; i < kSamples; ++i) {
    const int v = sdc::input_value(i % 2, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i * 7), magnitude);
    lowest = std::min(lowest, v);
    highest = std::max(highest, v);
    sum += v;
  }
  BOOST_TEST(lowest == -magnitude);
  BOOST_TEST(highest == magnitude);
  BOOST_TEST(std::abs(sum / kSamples) < 1.0);
  BOOST_TEST(sdc::input_value(0, 5, 9, magnitude) != sdc::input_value(1, 5, 9, magnitude));  // A and B differ (mostly)
}

BOOST_AUTO_TEST_CASE(float_to_16_bit_rounds_to_nearest_even) {
  BOOST_TEST(sdc::float_to_bf16_bits(1.0F) == 0x3F80U);
  BOOST_TEST(sdc::float_to_bf16_bits(-2.0F) == 0xC000U);
  BOOST_TEST(sdc::float_to_bf16_bits(256.0F) == 0x4380U);
  BOOST_TEST(sdc::float_to_bf16_bits(257.0F) == 0x4380U);  // tie → even (256)
  BOOST_TEST(sdc::float_to_bf16_bits(259.0F) == 0x4382U);  // tie → even (260)
  BOOST_TEST(sdc::float_to_bf16_bits(258.5F) == 0x4381U);  // 258.5 → 258
  BOOST_TEST(sdc::float_to_fp16_bits(1.0F) == 0x3C00U);
  BOOST_TEST(sdc::float_to_fp16_bits(-2.0F) == 0xC000U);
  BOOST_TEST(sdc::float_to_fp16_bits(65504.0F) == 0x7BFFU);
  BOOST_TEST(sdc::float_to_fp16_bits(65520.0F) == 0x7C00U);  // overflow → inf
  BOOST_TEST(sdc::float_to_fp16_bits(2049.0F) == 0x6800U);   // tie → even (2048)
  BOOST_TEST(sdc::float_to_fp16_bits(2051.0F) == 0x6802U);   // tie → even (2052)
  BOOST_TEST(sdc::float_to_fp16_bits(std::ldexp(1.0F, -24)) == 0x0001U);  // smallest subnormal
  BOOST_TEST(sdc::float_to_fp16_bits(std::ldexp(1.0F, -25)) == 0x0000U);  // tie → even (0)
  BOOST_TEST(sdc::float_to_fp16_bits(std::ldexp(3.0F, -25)) == 0x0002U);  // tie → even (2·2^-24)
  BOOST_TEST(sdc::float_to_fp16_bits(std::ldexp(1.0F, -14)) == 0x0400U);  // smallest normal
  BOOST_TEST(sdc::float_to_fp16_bits(0.0F) == 0x0000U);
  // Every fp16 value converts back to itself.
  for (std::uint32_t h = 0; h < 0x7C00U; ++h) {
    const int exponent = static_cast<int>(h >> 10);
    const int mantissa = static_cast<int>(h & 0x3FFU);
    const float value = exponent == 0 ? std::ldexp(static_cast<float>(mantissa), -24)
                                      : std::ldexp(static_cast<float>(1024 + mantissa), exponent - 25);
    BOOST_TEST_REQUIRE(sdc::float_to_fp16_bits(value) == h);
  }
}

// A small product summed in three different orders in fp32 gives the same bits as the exact
// integer arithmetic: the property that makes cuBLAS' output independent of its algorithm.
BOOST_AUTO_TEST_CASE(fp32_accumulation_is_exact_in_any_order) {
  constexpr std::uint32_t kN = 96;
  const int magnitude = sdc::input_magnitude(kN);
  // Worst-case inputs: every product at the bound, all of one sign.
  BOOST_TEST(kN * static_cast<std::uint64_t>(magnitude) * static_cast<std::uint64_t>(magnitude) <= sdc::kMaxAbsDotSum);
  for (int shift : {0, 2 * sdc::kFp16InputShift}) {
    const float scale = std::ldexp(1.0F, -shift / 2);
    for (std::uint32_t row = 0; row < kN; row += 7) {
      for (std::uint32_t col = 0; col < kN; col += 5) {
        float forward = 0;
        float backward = 0;
        float pairwise_even = 0;
        float pairwise_odd = 0;
        for (std::uint32_t k = 0; k < kN; ++k) {
          const float a = static_cast<float>(sdc::input_value(0, row, k, magnitude)) * scale;
          const float b = static_cast<float>(sdc::input_value(1, k, col, magnitude)) * scale;
          forward += a * b;
          (k % 2 == 0 ? pairwise_even : pairwise_odd) += a * b;
        }
        for (std::uint32_t k = kN; k-- > 0;) {
          backward += static_cast<float>(sdc::input_value(0, row, k, magnitude)) * scale *
                      (static_cast<float>(sdc::input_value(1, k, col, magnitude)) * scale);
        }
        const std::int64_t exact = sdc::exact_product_entry(kN, magnitude, row, col);
        const std::uint32_t exact_bits = sdc::output_bits(sdc::OutputFormat::fp32, exact, shift);
        BOOST_TEST(std::ldexp(static_cast<double>(exact), -shift) == static_cast<double>(forward));
        BOOST_TEST(sdc::output_bits(sdc::OutputFormat::fp32, exact, shift) == exact_bits);
        BOOST_TEST(bits_to_float(exact_bits) == forward);
        BOOST_TEST(bits_to_float(exact_bits) == backward);
        BOOST_TEST(bits_to_float(exact_bits) == pairwise_even + pairwise_odd);
        BOOST_TEST(sdc::output_bits(sdc::OutputFormat::bf16, exact, shift) == sdc::float_to_bf16_bits(forward));
      }
    }
  }
  // The bound itself: n·M² at the limit is still exact in fp32, and so is fp16's scaled value.
  BOOST_TEST(static_cast<double>(static_cast<float>(sdc::kMaxAbsDotSum)) == static_cast<double>(sdc::kMaxAbsDotSum));
  BOOST_TEST(sdc::output_bits(sdc::OutputFormat::fp16, static_cast<std::int64_t>(sdc::kMaxAbsDotSum), 2 * sdc::kFp16InputShift) ==
             0x7000U);  // 2^23·2^-10 = 8192: finite in fp16
}

BOOST_AUTO_TEST_CASE(checksum_catches_every_single_bit_flip_and_swaps) {
  std::vector<std::uint32_t> words(64);
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = sdc::hbm_pattern_word(i);
  const std::uint64_t reference = sdc::checksum_words(words.data(), words.size());
  // Order-independent: two halves summed separately give the same total.
  BOOST_TEST(sdc::checksum_words(words.data(), 32) + sdc::checksum_words(words.data() + 32, 32, 32) == reference);
  for (std::size_t i = 0; i < words.size(); ++i) {
    for (int bit = 0; bit < 32; ++bit) {
      words[i] ^= 1U << bit;
      BOOST_TEST_REQUIRE(sdc::checksum_words(words.data(), words.size()) != reference);
      words[i] ^= 1U << bit;
    }
  }
  std::swap(words[3], words[40]);
  BOOST_TEST(sdc::checksum_words(words.data(), words.size()) != reference);
}

BOOST_AUTO_TEST_CASE(runner_windows_sdc_and_stop) {
  constexpr double kIterationS = 0.002;
  auto engine = std::make_unique<FakeEngine>(kIterationS);
  const auto corrupt_masks = engine->corrupt_masks();
  auto runner = std::make_unique<cu::WorkloadRunner>(fake_config(0.2), std::move(engine), "TFLOP/s", cu::kTflop);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  auto windows = runner->take_windows();
  BOOST_TEST(windows.size() >= 2U);
  for (const auto& window : windows) {
    BOOST_TEST(window.checksum_ok);
    BOOST_TEST(window.duration_s > 0.15);
    BOOST_TEST(window.duration_s < 0.3);
    BOOST_TEST(window.throughput == 1.0 / kIterationS, boost::test_tools::tolerance(1e-6));
  }
  runner->inject_corruption(0x4000U);  // a bf16 element's top exponent bit below the sign
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const auto after = runner->take_windows();
  BOOST_TEST(std::count_if(after.begin(), after.end(), [](const auto& w) { return !w.checksum_ok; }) == 1);
  const auto before_stop = Clock::now();
  runner->stop();
  BOOST_TEST(*corrupt_masks == std::vector<std::uint32_t>{0x4000U}, boost::test_tools::per_element());
  BOOST_TEST(std::chrono::duration<double>(Clock::now() - before_stop).count() < 0.2);
  const auto stats = runner->stats();
  BOOST_TEST(stats.sdc_count == 1U);
  BOOST_TEST(!stats.running);
  BOOST_TEST(stats.error.empty());
  BOOST_TEST(stats.unit == "TFLOP/s");
  BOOST_TEST(stats.windows == windows.size() + after.size() + runner->take_windows().size());
}

BOOST_AUTO_TEST_CASE(runner_duty_cycle_halves_the_work) {
  constexpr double kIterationS = 0.001;
  auto config = fake_config(0.1);
  auto continuous = std::make_unique<cu::WorkloadRunner>(config, std::make_unique<FakeEngine>(kIterationS), "TFLOP/s", cu::kTflop);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  continuous->stop();
  config.duty_cycle = 0.5;
  config.period_s = 0.4;
  auto cycled = std::make_unique<cu::WorkloadRunner>(config, std::make_unique<FakeEngine>(kIterationS), "TFLOP/s", cu::kTflop);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  const auto before_stop = Clock::now();
  cycled->stop();
  BOOST_TEST(std::chrono::duration<double>(Clock::now() - before_stop).count() < 0.1);
  const double ratio = static_cast<double>(cycled->stats().iterations) / static_cast<double>(continuous->stats().iterations);
  BOOST_TEST(ratio > 0.35);
  BOOST_TEST(ratio < 0.65);
}

BOOST_AUTO_TEST_CASE(runner_engine_error_stops_with_message) {
  cu::WorkloadRunner runner(fake_config(0.2), std::make_unique<FakeEngine>(0.001, 3), "TFLOP/s", cu::kTflop);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto stats = runner.stats();
  BOOST_TEST(!stats.running);
  BOOST_TEST(stats.error.find("cublasGemmEx") != std::string::npos);
  runner.stop();  // after a failure: returns at once
}
