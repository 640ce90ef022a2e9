// The GPU agent's CUDA workload on a real GPU: every dtype's GEMM, on randn and on integer data,
// and the HBM kernel deliver windows with throughput and clean checksums; injected bit flips (the
// lowest bit, an exponent bit, the top mantissa bit) are each counted exactly once; the duty
// cycle lowers the work done and stop() is prompt. Without a CUDA device (or in a build without
// CUDA) every case is skipped, and ctest says "Skipped" (tests/support/hw_skips.hpp).
// Opt-in: OB_GPU_BENCH_S=20 also runs bf16 n=8192 for that long (OB_GPU_BENCH_DATA=randn|integer,
// randn by default) and prints `orbitbench_bf16_tflops_median VALUE` (to compare with
// scripts/torch_matmul_tflops.py); OB_GPU_SOAK_S=3600 runs bf16 n=8192 randn for that long and
// requires no false alarm in any window.
#include <boost/test/unit_test.hpp>

#include "../support/hw_skips.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "drivers/gpu/cuda/gpu_workload.hpp"

namespace {

namespace cu = ob::drivers::cuda;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kTestN = 4096;
constexpr std::uint32_t kTestHbmMib = 1024;
constexpr double kWindowS = 0.5;
constexpr double kMaxStopS = 0.5;  // stop() returns within a window
constexpr auto kHalfRun = std::chrono::milliseconds(1500);

using ob::test::hw::ReportWhenAllSkipped;
BOOST_TEST_GLOBAL_FIXTURE(ReportWhenAllSkipped);

auto needs_cuda() {
  return ob::test::hw::needs("no CUDA device here (or the agent was built without CUDA)", [] { return cu::GpuWorkload::available(); });
}

std::unique_ptr<cu::GpuWorkload> start_workload(const cu::WorkloadConfig& config) {
  auto workload = cu::GpuWorkload::start(config);
  BOOST_REQUIRE_MESSAGE(workload.has_value(), "start failed: " << (workload ? std::string() : workload.error()));
  return std::move(*workload);
}

double stop_seconds(cu::GpuWorkload& workload) {
  const auto before = Clock::now();
  workload.stop();
  return std::chrono::duration<double>(Clock::now() - before).count();
}

double median_throughput(std::vector<cu::WorkloadWindow> windows) {
  if (windows.empty()) return 0;
  std::sort(windows.begin(), windows.end(), [](const auto& a, const auto& b) { return a.throughput < b.throughput; });
  return windows[windows.size() / 2].throughput;
}

// The bits to flip in one 32-bit word of the result: the lowest bit, then (randn data, where a
// checksum of rounded values must still see them) the lowest exponent bit and the top mantissa
// bit of the element in the word's low half.
std::vector<std::uint32_t> corruption_masks(const cu::WorkloadConfig& config) {
  if (config.kind != cu::WorkloadKind::gemm || config.data == cu::InputData::integer) return {1U};
  switch (config.dtype) {
    case cu::Dtype::bf16: return {1U, 1U << 7, 1U << 6};
    case cu::Dtype::fp16: return {1U, 1U << 10, 1U << 9};
    case cu::Dtype::tf32:
    case cu::Dtype::fp32: return {1U, 1U << 23, 1U << 22};
  }
  return {1U};
}

// 1.5 s clean, then one injected bit flip per mask, 1.5 s after each: exactly one window fails
// its checksum per flip.
void run_and_corrupt(const cu::WorkloadConfig& config, const std::string& label) {
  auto workload = start_workload(config);
  std::this_thread::sleep_for(kHalfRun);
  auto clean = workload->take_windows();
  BOOST_TEST_CONTEXT(label) {
    BOOST_TEST(clean.size() >= 2U);
    for (const auto& window : clean) {
      BOOST_TEST(window.throughput > 0);
      BOOST_TEST(window.iterations > 0U);
      BOOST_TEST(window.duration_s > 0);
      BOOST_TEST(window.checksum_ok);
    }
    BOOST_TEST(workload->stats().sdc_count == 0U);

    std::uint64_t flips = 0;
    std::size_t windows_after = 0;
    for (const std::uint32_t mask : corruption_masks(config)) {
      workload->inject_corruption(mask);
      std::this_thread::sleep_for(kHalfRun);
      ++flips;
      const auto after = workload->take_windows();
      windows_after += after.size();
      BOOST_TEST(std::count_if(after.begin(), after.end(), [](const auto& w) { return !w.checksum_ok; }) == 1,
                 "flip of mask 0x" << std::hex << mask);
      BOOST_TEST(workload->stats().sdc_count == flips);
    }
    const auto stats = workload->stats();
    BOOST_TEST(stats.error.empty(), stats.error);
    BOOST_TEST(stats.running);
    BOOST_TEST(stats.windows >= clean.size() + windows_after);  // one more may have closed since
    BOOST_TEST_MESSAGE(label << ": median " << median_throughput(clean) << " " << stats.unit << " over " << clean.size()
                             << " windows");
    const double stop_s = stop_seconds(*workload);
    BOOST_TEST(stop_s < kMaxStopS);
    BOOST_TEST(!workload->stats().running);
    BOOST_TEST(workload->stats().error.empty());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(gemm_every_dtype_and_data_checks_and_counts_injected_flips, *needs_cuda()) {
  for (const auto data : {cu::InputData::randn, cu::InputData::integer}) {
    for (const auto dtype : {cu::Dtype::bf16, cu::Dtype::fp16, cu::Dtype::tf32, cu::Dtype::fp32}) {
      cu::WorkloadConfig config;
      config.kind = cu::WorkloadKind::gemm;
      config.dtype = dtype;
      config.data = data;
      config.size = kTestN;
      config.window_s = kWindowS;
      run_and_corrupt(config, std::string("gemm ") + cu::to_string(dtype) + " " + cu::to_string(data));
    }
  }
}

BOOST_AUTO_TEST_CASE(hbm_copy_checks_and_counts_one_injected_flip, *needs_cuda()) {
  cu::WorkloadConfig config;
  config.kind = cu::WorkloadKind::hbm;
  config.size = kTestHbmMib;
  config.window_s = kWindowS;
  run_and_corrupt(config, "hbm");
}

BOOST_AUTO_TEST_CASE(duty_cycle_does_less_work, *needs_cuda()) {
  cu::WorkloadConfig config;
  config.size = kTestN;
  config.window_s = kWindowS;
  const auto run_s = std::chrono::seconds(4);

  auto continuous = start_workload(config);
  std::this_thread::sleep_for(run_s);
  BOOST_TEST(stop_seconds(*continuous) < kMaxStopS);
  const auto continuous_iterations = continuous->stats().iterations;

  config.duty_cycle = 0.5;
  config.period_s = 2.0;
  auto cycled = start_workload(config);
  std::this_thread::sleep_for(run_s);
  BOOST_TEST(stop_seconds(*cycled) < kMaxStopS);
  const auto stats = cycled->stats();
  BOOST_TEST(stats.error.empty(), stats.error);
  BOOST_TEST(stats.sdc_count == 0U);
  const double ratio = static_cast<double>(stats.iterations) / static_cast<double>(continuous_iterations);
  BOOST_TEST_MESSAGE("duty 0.5: " << stats.iterations << " iterations vs " << continuous_iterations << " continuous");
  BOOST_TEST(ratio > 0.3);  // two load phases of 1 s out of 4 s: about 0.5
  BOOST_TEST(ratio < 0.7);
  for (const auto& window : cycled->take_windows()) BOOST_TEST(window.duration_s < 2 * kWindowS);  // busy time only
}

BOOST_AUTO_TEST_CASE(bad_config_and_bad_device_are_errors_not_aborts, *needs_cuda()) {
  cu::WorkloadConfig config;
  config.duty_cycle = 2;
  BOOST_TEST(!cu::GpuWorkload::start(config).has_value());
  config = {};
  config.size = kTestN;
  config.device = 999;
  const auto workload = cu::GpuWorkload::start(config);
  BOOST_REQUIRE(!workload.has_value());
  BOOST_TEST_MESSAGE("device 999: " << workload.error());
  BOOST_TEST(workload.error().find("cudaSetDevice") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(destructor_stops_a_running_workload, *needs_cuda()) {
  cu::WorkloadConfig config;
  config.size = kTestN;
  config.window_s = kWindowS;
  auto workload = start_workload(config);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto before = Clock::now();
  workload.reset();
  BOOST_TEST(std::chrono::duration<double>(Clock::now() - before).count() < 1.0);
}

BOOST_AUTO_TEST_CASE(bf16_8192_throughput_opt_in,
                     *ob::test::hw::needs("OB_GPU_BENCH_S=<seconds> not set (the bf16 n=8192 throughput run is opt-in)",
                                          [] { return std::getenv("OB_GPU_BENCH_S") != nullptr; }) *
                         needs_cuda()) {
  const char* seconds_text = std::getenv("OB_GPU_BENCH_S");
  cu::WorkloadConfig config;  // bf16, n = 8192, 1 s windows: what scripts/torch_matmul_tflops.py measures
  if (const char* data = std::getenv("OB_GPU_BENCH_DATA")) {
    const auto parsed = cu::parse_input_data(data);
    BOOST_REQUIRE_MESSAGE(parsed.has_value(), (parsed ? std::string() : parsed.error()));
    config.data = *parsed;
  }
  auto workload = start_workload(config);
  std::this_thread::sleep_for(std::chrono::duration<double>(std::atof(seconds_text)));
  workload->stop();
  const auto windows = workload->take_windows();
  for (const auto& window : windows) {
    std::cout << "window " << window.end_unix_time_s << " " << window.throughput << " TFLOP/s " << window.iterations
              << " iterations " << window.duration_s << " s checksum " << (window.checksum_ok ? "ok" : "BAD") << "\n";
  }
  std::cout << "orbitbench_bf16_tflops_median " << median_throughput(windows) << std::endl;
  BOOST_TEST(workload->stats().sdc_count == 0U);
  BOOST_TEST(workload->stats().error.empty(), workload->stats().error);
  BOOST_TEST(windows.size() >= 1U);
}

// No false alarm over a long run on randn data: the bit-exact check rests on cuBLAS giving the
// same bits for the same call every time (sdc_reference.hpp).
BOOST_AUTO_TEST_CASE(randn_soak_has_no_false_alarm_opt_in,
                     *ob::test::hw::needs("OB_GPU_SOAK_S=<seconds> not set (the randn soak is opt-in)",
                                          [] { return std::getenv("OB_GPU_SOAK_S") != nullptr; }) *
                         needs_cuda()) {
  const double soak_s = std::atof(std::getenv("OB_GPU_SOAK_S"));
  cu::WorkloadConfig config;  // bf16, n = 8192, randn, 1 s windows
  auto workload = start_workload(config);
  std::this_thread::sleep_for(std::chrono::duration<double>(soak_s));
  workload->stop();
  const auto stats = workload->stats();
  std::cout << "randn_soak_windows " << stats.windows << " sdc " << stats.sdc_count << " iterations " << stats.iterations
            << std::endl;
  BOOST_TEST(stats.error.empty(), stats.error);
  BOOST_TEST(stats.sdc_count == 0U);
  BOOST_TEST(static_cast<double>(stats.windows) >= 0.9 * soak_s);
}
