// The NVML backend against the machine's real libnvidia-ml.so.1 (skipped, and reported
// skipped, where there is none). READ-ONLY: it never sets a power limit or anything else on the board.
//   ORBITBENCH_HW_NVML_LIBRARY=/path/libnvidia-ml.so.1 overrides the library; ORBITBENCH_HW_NVML_GPU the index.
#include <boost/test/unit_test.hpp>

#include "../support/hw_skips.hpp"
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "drivers/gpu/nvml/nvml_device.hpp"

namespace nvml = ob::drivers::nvml;

namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value ? value : fallback;
}

}  // namespace

using ob::test::hw::ReportWhenAllSkipped;
BOOST_TEST_GLOBAL_FIXTURE(ReportWhenAllSkipped);

BOOST_AUTO_TEST_CASE(real_nvml_identifies_and_samples_at_10_hz,
                     *ob::test::hw::needs("no usable NVML here (ORBITBENCH_HW_NVML_LIBRARY, else libnvidia-ml.so.1)", [] {
                       return nvml::NvmlLibrary::open(env_or("ORBITBENCH_HW_NVML_LIBRARY", "libnvidia-ml.so.1"),
                                                      [](const std::string&) {})
                           .has_value();
                     })) {
  const std::string path = env_or("ORBITBENCH_HW_NVML_LIBRARY", "libnvidia-ml.so.1");
  auto library = nvml::NvmlLibrary::open(path, [](const std::string& notice) { BOOST_TEST_MESSAGE(notice); });
  BOOST_TEST_REQUIRE(library.has_value(), (library ? "" : library.error()));
  auto count = (*library)->device_count();
  BOOST_TEST_REQUIRE(count.has_value(), (count ? "" : count.error()));
  BOOST_TEST_REQUIRE(*count >= 1u);
  const auto index = static_cast<unsigned>(std::stoul(env_or("ORBITBENCH_HW_NVML_GPU", "0")));
  auto device = (*library)->device(index);
  BOOST_TEST_REQUIRE(device.has_value(), (device ? "" : device.error()));
  auto& gpu = **device;

  auto id = gpu.identity();
  BOOST_TEST_REQUIRE(id.has_value(), (id ? "" : id.error()));
  BOOST_TEST_MESSAGE("GPU " << index << ": " << id->name << " " << id->uuid << " driver " << id->driver_version
                            << " NVML " << id->nvml_version << ", power limit " << id->power_limit_min_w << "–"
                            << id->power_limit_max_w << " W (default " << id->power_limit_default_w << " W)");
  BOOST_TEST(!id->name.empty());
  BOOST_TEST(id->uuid.starts_with("GPU-"), id->uuid);
  BOOST_TEST(!id->driver_version.empty());
  BOOST_TEST(id->power_limit_max_w >= id->power_limit_min_w);

  constexpr int kSamples = 20;
  constexpr auto kPeriod = std::chrono::milliseconds(100);  // 10 Hz
  double previous_s = 0;
  auto next = std::chrono::steady_clock::now();
  for (int i = 0; i < kSamples; ++i) {
    const auto s = gpu.sample();
    BOOST_TEST_CONTEXT("sample " << i) {
      BOOST_TEST(s.unix_time_s > previous_s);
      BOOST_TEST_REQUIRE(s.power_w.has_value());
      BOOST_TEST(*s.power_w > 0.0);
      BOOST_TEST(*s.power_w < 2000.0);
      BOOST_TEST_REQUIRE(s.gpu_temp_c.has_value());
      BOOST_TEST(*s.gpu_temp_c > 0.0);
      BOOST_TEST(*s.gpu_temp_c < 120.0);
      BOOST_TEST_REQUIRE(s.sm_clock_mhz.has_value());
      BOOST_TEST(*s.sm_clock_mhz > 0.0);
    }
    if (i == 0 || i == kSamples - 1) {
      BOOST_TEST_MESSAGE("sample " << i << ": " << s.power_w.value_or(-1) << " W, " << s.gpu_temp_c.value_or(-1)
                                   << " °C, mem " << s.mem_temp_c.value_or(-1) << " °C, SM "
                                   << s.sm_clock_mhz.value_or(-1) << " MHz, reasons 0x" << std::hex
                                   << s.clock_event_reasons.value_or(0) << std::dec << ", pstate P"
                                   << s.pstate.value_or(99));
    }
    previous_s = s.unix_time_s;
    next += kPeriod;
    std::this_thread::sleep_until(next);
  }
  for (const auto& call : gpu.unsupported()) BOOST_TEST_MESSAGE("unsupported here: " << call);
}
