// The NVML backend against tests/support/fake_nvml (an H100's idle readings behind NVML's C ABI).
#include <dlfcn.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "drivers/gpu/nvml/nvml_device.hpp"

namespace nvml = ob::drivers::nvml;

namespace {

// The fake's control functions, found in the same loaded copy NvmlLibrary::open uses
// (dlopen of one path twice yields one copy).
struct FakeNvml {
  void* handle = nullptr;
  void (*reset)() = nullptr;
  void (*set_error)(const char*, int) = nullptr;
  void (*set_unsupported)(const char*) = nullptr;
  void (*set_power_mw)(unsigned) = nullptr;
  void (*set_permission_denied)(int) = nullptr;
  unsigned (*calls)(const char*) = nullptr;
  int (*init_depth)() = nullptr;
  unsigned (*last_power_limit_mw)() = nullptr;

  explicit FakeNvml(const char* path) : handle(dlopen(path, RTLD_NOW | RTLD_LOCAL)) {
    BOOST_TEST_REQUIRE(handle != nullptr, "cannot load the fake NVML " << path);
    bind(reset, "fake_nvml_reset");
    bind(set_error, "fake_nvml_set_error");
    bind(set_unsupported, "fake_nvml_set_unsupported");
    bind(set_power_mw, "fake_nvml_set_power_mw");
    bind(set_permission_denied, "fake_nvml_set_permission_denied");
    bind(calls, "fake_nvml_calls");
    bind(init_depth, "fake_nvml_init_depth");
    bind(last_power_limit_mw, "fake_nvml_last_power_limit_mw");
    reset();
  }
  ~FakeNvml() { dlclose(handle); }
  FakeNvml(const FakeNvml&) = delete;
  FakeNvml& operator=(const FakeNvml&) = delete;

  template <class Fn>
  void bind(Fn& fn, const char* name) {
    fn = reinterpret_cast<Fn>(dlsym(handle, name));
    BOOST_TEST_REQUIRE(fn != nullptr, "fake NVML lacks " << name);
  }
};

struct Fixture {
  FakeNvml fake{OB_FAKE_NVML_PATH};
  std::vector<std::string> notices;

  // Every case lets go of what it opened: NVML's init/shutdown pairs balance.
  ~Fixture() { BOOST_TEST(fake.init_depth() == 0); }

  std::shared_ptr<nvml::NvmlLibrary> open(const char* path = OB_FAKE_NVML_PATH) {
    auto library = nvml::NvmlLibrary::open(path, [this](const std::string& text) { notices.push_back(text); });
    BOOST_TEST_REQUIRE(library.has_value(), (library ? "" : library.error()));
    return *library;
  }
  std::unique_ptr<nvml::NvmlDevice> device0(nvml::NvmlLibrary& library) {
    auto device = library.device(0);
    BOOST_TEST_REQUIRE(device.has_value(), (device ? "" : device.error()));
    return std::move(*device);
  }
  std::size_t notices_containing(const std::string& text) const {
    return std::count_if(notices.begin(), notices.end(),
                         [&](const std::string& notice) { return notice.find(text) != std::string::npos; });
  }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(agent_nvml, Fixture)

BOOST_AUTO_TEST_CASE(opens_the_fake_and_counts_one_device) {
  auto library = open();
  BOOST_TEST(fake.init_depth() == 1);
  BOOST_TEST(fake.calls("nvmlInit_v2") == 1u);
  auto count = library->device_count();
  BOOST_TEST_REQUIRE(count.has_value());
  BOOST_TEST(*count == 1u);
  auto missing = library->device(1);
  BOOST_TEST_REQUIRE(!missing.has_value());
  BOOST_TEST(missing.error() == "nvmlDeviceGetHandleByIndex_v2(1): Invalid Argument");
}

BOOST_AUTO_TEST_CASE(identity_has_the_h100_fields_in_our_units) {
  auto library = open();
  auto device = device0(*library);
  BOOST_TEST(device->index() == 0u);
  auto id = device->identity();
  BOOST_TEST_REQUIRE(id.has_value(), (id ? "" : id.error()));
  BOOST_TEST(id->name == "NVIDIA H100 80GB HBM3");
  BOOST_TEST(id->uuid == "GPU-0b3e5a9c-7d41-4f2e-9c1a-fa4e00000001");
  BOOST_TEST(id->serial == "1650123456789");
  BOOST_TEST(id->driver_version == "580.159.04");
  BOOST_TEST(id->nvml_version == "13.580.159.04");
  BOOST_TEST(id->power_limit_min_w == 200.0);
  BOOST_TEST(id->power_limit_max_w == 700.0);
  BOOST_TEST(id->power_limit_default_w == 700.0);
  BOOST_TEST_REQUIRE(id->shutdown_temp_c.has_value());
  BOOST_TEST(*id->shutdown_temp_c == 95.0);
  BOOST_TEST_REQUIRE(id->slowdown_temp_c.has_value());
  BOOST_TEST(*id->slowdown_temp_c == 89.0);
  BOOST_TEST_REQUIRE(id->sm_clock_max_mhz.has_value());
  BOOST_TEST(*id->sm_clock_max_mhz == 1980.0);
  BOOST_TEST(device->unsupported().empty());
  BOOST_TEST(notices.empty());
}

BOOST_AUTO_TEST_CASE(sample_reads_every_field_in_our_units) {
  auto library = open();
  auto device = device0(*library);
  fake.set_power_mw(332658);
  const auto s = device->sample();
  BOOST_TEST(s.unix_time_s > 1.7e9);  // after 2023: the system clock, not a steady one
  BOOST_TEST_REQUIRE(s.power_w.has_value());
  BOOST_TEST(*s.power_w == 332.658, boost::test_tools::tolerance(1e-9));
  BOOST_TEST_REQUIRE(s.energy_j.has_value());
  BOOST_TEST(*s.energy_j == 2421.774, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(s.gpu_temp_c.value_or(-1) == 45.0);
  BOOST_TEST(s.mem_temp_c.value_or(-1) == 45.0);
  BOOST_TEST(s.sm_clock_mhz.value_or(-1) == 345.0);
  BOOST_TEST(s.mem_clock_mhz.value_or(-1) == 2619.0);
  BOOST_TEST(s.clock_event_reasons.value_or(0) == 0x1u);
  BOOST_TEST(fake.calls("nvmlDeviceGetCurrentClocksEventReasons") == 1u);
  BOOST_TEST(fake.calls("nvmlDeviceGetCurrentClocksThrottleReasons") == 0u);
  BOOST_TEST(s.power_limit_w.value_or(-1) == 700.0);
  BOOST_TEST(s.utilization_gpu_pct.value_or(-1) == 7.0);
  BOOST_TEST(s.utilization_mem_pct.value_or(-1) == 2.0);
  BOOST_TEST(s.memory_total_bytes.value_or(-1) == 85520809984.0);
  BOOST_TEST(s.memory_used_bytes.value_or(-1) == 503316480.0);
  BOOST_TEST(s.ecc_corrected.value_or(99) == 3u);
  BOOST_TEST(s.ecc_uncorrected.value_or(99) == 0u);
  BOOST_TEST(s.remapped_rows_correctable.value_or(99) == 1u);
  BOOST_TEST(s.remapped_rows_uncorrectable.value_or(99) == 0u);
  BOOST_TEST_REQUIRE(s.violation_power_s.has_value());
  BOOST_TEST(*s.violation_power_s == 75.428490912, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(s.violation_thermal_s.value_or(-1) == 0.0);
  BOOST_TEST(s.pstate.value_or(99) == 0u);
  BOOST_TEST(notices.empty());
}

BOOST_AUTO_TEST_CASE(not_supported_is_reported_once_and_not_called_again) {
  auto library = open();
  auto device = device0(*library);
  fake.set_unsupported("nvmlDeviceGetSerial");
  fake.set_unsupported("nvmlDeviceGetPowerUsage");
  auto id = device->identity();
  BOOST_TEST_REQUIRE(id.has_value());
  BOOST_TEST(id->serial.empty());
  BOOST_TEST(id->name == "NVIDIA H100 80GB HBM3");  // one unsupported call spoils nothing else
  for (int i = 0; i < 3; ++i) {
    const auto s = device->sample();
    BOOST_TEST(!s.power_w.has_value());
    BOOST_TEST(s.gpu_temp_c.has_value());
  }
  BOOST_TEST(device->identity().has_value());
  BOOST_TEST(fake.calls("nvmlDeviceGetSerial") == 1u);
  BOOST_TEST(fake.calls("nvmlDeviceGetPowerUsage") == 1u);
  BOOST_TEST(fake.calls("nvmlDeviceGetTemperature") == 3u);
  BOOST_TEST(notices_containing("GPU 0: nvmlDeviceGetSerial: Not Supported") == 1u);
  BOOST_TEST(notices_containing("GPU 0: nvmlDeviceGetPowerUsage: Not Supported") == 1u);
  BOOST_TEST(notices.size() == 2u);
  const auto unsupported = device->unsupported();
  BOOST_TEST(unsupported == (std::vector<std::string>{"nvmlDeviceGetSerial", "nvmlDeviceGetPowerUsage"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_variant_not_supported_leaves_the_others) {
  auto library = open();
  auto device = device0(*library);
  // The fake answers Not Supported for thresholds 4..7 only; ours (0, 1) stay readable.
  fake.set_unsupported("nvmlDeviceGetFieldValues");
  device->sample();
  const auto s = device->sample();
  BOOST_TEST(!s.mem_temp_c.has_value());
  BOOST_TEST(fake.calls("nvmlDeviceGetFieldValues") == 1u);
  BOOST_TEST(notices_containing("nvmlDeviceGetFieldValues(MEMORY_TEMP): Not Supported") == 1u);
}

BOOST_AUTO_TEST_CASE(a_transient_error_empties_the_field_is_noticed_once_and_retried) {
  auto library = open();
  auto device = device0(*library);
  fake.set_error("nvmlDeviceGetTemperature", 999);
  BOOST_TEST(!device->sample().gpu_temp_c.has_value());
  BOOST_TEST(!device->sample().gpu_temp_c.has_value());
  BOOST_TEST(notices_containing("GPU 0: nvmlDeviceGetTemperature(GPU): Unknown Error") == 1u);
  fake.set_error("nvmlDeviceGetTemperature", 0);
  BOOST_TEST(device->sample().gpu_temp_c.value_or(-1) == 45.0);
  BOOST_TEST(fake.calls("nvmlDeviceGetTemperature") == 3u);
  BOOST_TEST(device->unsupported().empty());
}

BOOST_AUTO_TEST_CASE(a_lost_gpu_fails_identity) {
  auto library = open();
  auto device = device0(*library);
  fake.set_error("nvmlDeviceGetName", 15);
  auto id = device->identity();
  BOOST_TEST_REQUIRE(!id.has_value());
  BOOST_TEST(id.error() == "GPU 0: nvmlDeviceGetName: GPU is lost");
}

BOOST_AUTO_TEST_CASE(missing_library_is_a_clear_error) {
  auto library = nvml::NvmlLibrary::open("/nonexistent/libnvidia-ml.so.1");
  BOOST_TEST_REQUIRE(!library.has_value());
  BOOST_TEST(contains(library.error(), "cannot load NVML from '/nonexistent/libnvidia-ml.so.1'"), library.error());
  BOOST_TEST(contains(library.error(), "No such file"), library.error());
}

BOOST_AUTO_TEST_CASE(a_library_without_nvml_init_names_the_symbol) {
  auto library = nvml::NvmlLibrary::open("libc.so.6");
  BOOST_TEST_REQUIRE(!library.has_value());
  BOOST_TEST(contains(library.error(), "does not export nvmlInit_v2"), library.error());
}

BOOST_AUTO_TEST_CASE(failed_init_is_an_error_with_nvml_text) {
  fake.set_error("nvmlInit_v2", 9);
  auto library = nvml::NvmlLibrary::open(OB_FAKE_NVML_PATH);
  BOOST_TEST_REQUIRE(!library.has_value());
  BOOST_TEST(contains(library.error(), "nvmlInit_v2 failed"), library.error());
  BOOST_TEST(contains(library.error(), "Driver Not Loaded"), library.error());
  BOOST_TEST(fake.calls("nvmlShutdown") == 0u);  // nothing to balance
}

BOOST_AUTO_TEST_CASE(missing_required_count_symbol_names_it) {
  FakeNvml sparse{OB_FAKE_NVML_SPARSE_PATH};
  auto library = open(OB_FAKE_NVML_SPARSE_PATH);
  auto count = library->device_count();
  BOOST_TEST_REQUIRE(!count.has_value());
  BOOST_TEST(contains(count.error(), "nvmlDeviceGetCount_v2"), count.error());
}

BOOST_AUTO_TEST_CASE(missing_optional_symbols_fall_back_or_are_reported_once) {
  FakeNvml sparse{OB_FAKE_NVML_SPARSE_PATH};
  auto library = open(OB_FAKE_NVML_SPARSE_PATH);
  auto device = device0(*library);
  device->sample();
  const auto s = device->sample();
  // Older drivers name it ...ThrottleReasons: used, silently.
  BOOST_TEST(s.clock_event_reasons.value_or(0) == 0x1u);
  BOOST_TEST(sparse.calls("nvmlDeviceGetCurrentClocksThrottleReasons") == 2u);
  BOOST_TEST(!s.energy_j.has_value());
  BOOST_TEST(s.power_w.has_value());
  BOOST_TEST(notices_containing("GPU 0: nvmlDeviceGetTotalEnergyConsumption: not exported") == 1u);
  BOOST_TEST(notices.size() == 1u);
  BOOST_TEST(device->unsupported() == (std::vector<std::string>{"nvmlDeviceGetTotalEnergyConsumption"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(set_power_limit_passes_milliwatts) {
  auto library = open();
  auto device = device0(*library);
  auto done = device->set_power_limit_w(450.5);
  BOOST_TEST_REQUIRE(done.has_value(), (done ? "" : done.error()));
  BOOST_TEST(fake.last_power_limit_mw() == 450500u);
  BOOST_TEST(device->sample().power_limit_w.value_or(-1) == 450.5);
}

BOOST_AUTO_TEST_CASE(set_power_limit_reports_nvml_permission_error) {
  auto library = open();
  auto device = device0(*library);
  fake.set_permission_denied(1);
  auto done = device->set_power_limit_w(500);
  BOOST_TEST_REQUIRE(!done.has_value());
  BOOST_TEST(contains(done.error(), "Insufficient Permissions"), done.error());
  BOOST_TEST(contains(done.error(), "500000 mW"), done.error());
  BOOST_TEST(fake.last_power_limit_mw() == 0u);
}

BOOST_AUTO_TEST_CASE(set_power_limit_outside_the_constraints_is_refused_before_sending) {
  auto library = open();
  auto device = device0(*library);
  for (double power_w : {150.0, 701.0, 0.0, -5.0}) {
    auto done = device->set_power_limit_w(power_w);
    BOOST_TEST(!done.has_value(), power_w << " W was accepted");
  }
  BOOST_TEST(fake.calls("nvmlDeviceSetPowerManagementLimit") == 0u);
}

BOOST_AUTO_TEST_CASE(shutdown_runs_when_the_last_reference_goes) {
  auto library = open();
  auto device = device0(*library);
  library.reset();
  BOOST_TEST(fake.calls("nvmlShutdown") == 0u);  // the device still needs NVML
  BOOST_TEST(device->sample().power_w.has_value());
  device.reset();
  BOOST_TEST(fake.calls("nvmlShutdown") == 1u);
  BOOST_TEST(fake.init_depth() == 0);
}

BOOST_AUTO_TEST_CASE(notices_are_optional) {
  auto library = nvml::NvmlLibrary::open(OB_FAKE_NVML_PATH);
  BOOST_TEST_REQUIRE(library.has_value());
  auto device = (*library)->device(0);
  BOOST_TEST_REQUIRE(device.has_value());
  fake.set_unsupported("nvmlDeviceGetPowerUsage");
  BOOST_TEST(!(*device)->sample().power_w.has_value());
  BOOST_TEST((*device)->unsupported().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
