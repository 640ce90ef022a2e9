// IioSensorHub through real libiio against the simulated lab's iiod ("sensors": per board one
// INA226 and one MAX31856). Guarded: it needs libiio (ORBITBENCH_WITH_IIO) and a lab with
// SimLab::sensors_uri(); otherwise one case says why it did nothing.
#include <boost/test/unit_test.hpp>

#if defined(ORBITBENCH_WITH_IIO) && __has_include("fixtures/iiod_server.hpp")
#include <asio/io_context.hpp>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "drivers/common/run_until_ready.hpp"
#include "drivers/instrument_factory.hpp"
#include "fixtures/sim_lab.hpp"

using namespace ob::drivers;

namespace {

template <class Lab>
std::optional<std::string> sensors_uri(const Lab& lab) {
  if constexpr (requires { lab.sensors_uri(); }) {
    return lab.sensors_uri();
  } else {
    return std::nullopt;
  }
}

struct Lab {
  ob::fixtures::SimLab lab{ob::fixtures::SimLabOptions{}};
  Lab() { lab.start(); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(reads_thermocouple_and_rails_in_si_units, Lab) {
  auto uri = sensors_uri(lab);
  if (!uri) {
    BOOST_TEST_MESSAGE("SimLab has no sensors_uri(): nothing to test");
    return;
  }
  asio::io_context io;
  SensorHubOptions options;
  options.channels = {"max31856/temp", "ina226/voltage1", "ina226/current3", "ina226/power2"};
  auto hub = make_sensor_hub(io.get_executor(), "sensors", *uri, options);
  auto identity = run_until_ready(io, hub->configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), (identity ? std::string() : identity.error().message()));
  BOOST_TEST(identity->firmware.find("0.24") != std::string::npos);

  auto readings = run_until_ready(io, hub->read_all());
  BOOST_REQUIRE_MESSAGE(readings.has_value(), (readings ? std::string() : readings.error().message()));
  BOOST_REQUIRE_EQUAL(readings->size(), 4u);
  const auto& temp = (*readings)[0];
  const auto& bus = (*readings)[1];
  const auto& current = (*readings)[2];
  const auto& power = (*readings)[3];
  BOOST_TEST(temp.unit == "°C");
  BOOST_TEST(bus.unit == "V");
  BOOST_TEST(current.unit == "A");
  BOOST_TEST(power.unit == "W");
  BOOST_TEST_MESSAGE("temp " << temp.value << " °C, bus " << bus.value << " V, " << current.value << " A, " << power.value << " W");
  BOOST_TEST((temp.value > -40 && temp.value < 150));  // a lab, not m°C
  BOOST_TEST((bus.value >= -0.1 && bus.value < 40));    // INA226 bus range, not mV
  BOOST_TEST(std::isfinite(current.value));
  BOOST_TEST(std::isfinite(power.value));
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  BOOST_TEST(std::abs(now - temp.t_s) < 60);

  auto single = run_until_ready(io, hub->read("iio:device1/temp"));  // by IIO id too
  BOOST_REQUIRE(single.has_value());
  BOOST_TEST(std::abs(single->value - temp.value) < 5);
  BOOST_TEST(hub->reconnect_count() == 0);
}

BOOST_FIXTURE_TEST_CASE(buffered_capture_keeps_the_device_timestamps, Lab) {
  auto uri = sensors_uri(lab);
  if (!uri) return;
  asio::io_context io;
  SensorHubOptions options;
  options.channels = {"board0-rail/voltage1"};
  auto hub = make_sensor_hub(io.get_executor(), "sensors", *uri, options);
  BOOST_REQUIRE(run_until_ready(io, hub->configure()).has_value());
  const auto single = run_until_ready(io, hub->read("board0-rail/voltage1"));
  BOOST_REQUIRE(single.has_value());

  std::vector<std::string> channels{"board0-rail/voltage1", "board0-rail/power2", "board0-rail/current3"};
  const double before_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto block = run_until_ready(io, hub->capture(channels, 40, 200));
  BOOST_REQUIRE_MESSAGE(block.has_value(), (block ? std::string() : block.error().message()));
  BOOST_TEST(block->device_timestamps);
  BOOST_REQUIRE_EQUAL(block->values.size(), 3u);
  BOOST_REQUIRE_EQUAL(block->t_s.size(), 40u);
  for (const auto& series : block->values) BOOST_REQUIRE_EQUAL(series.size(), 40u);
  BOOST_TEST(block->units[0] == "V");
  BOOST_TEST(block->units[1] == "W");
  BOOST_TEST(block->units[2] == "A");
  // 200 Hz written to in_sampling_frequency: the device's timestamps are 5 ms apart, near now.
  for (std::size_t k = 1; k < block->t_s.size(); ++k) {
    BOOST_TEST(std::abs(block->t_s[k] - block->t_s[k - 1] - 0.005) < 1e-6);
  }
  BOOST_TEST(std::abs(block->t_s.front() - before_s) < 5.0);
  // The buffered bus voltage is the same quantity a single read gives.
  for (double v : block->values[0]) BOOST_TEST(std::abs(v - single->value) < 0.05, v << " V vs single " << single->value << " V");

  // What cannot be captured is named.
  std::vector<std::string> thermocouple{"board0-thermocouple/temp"};
  auto not_scan = run_until_ready(io, hub->capture(thermocouple, 10, 0));
  BOOST_REQUIRE(!not_scan.has_value());
  BOOST_TEST(not_scan.error().detail.find("board0-thermocouple/temp: not a scan element") != std::string::npos,
             not_scan.error().detail);
  // The buffer was closed: single reads still work afterwards.
  BOOST_TEST(run_until_ready(io, hub->read("board0-rail/power2")).has_value());
}

namespace {

struct TwoBoardLab {
  static ob::fixtures::SimLabOptions options() {
    ob::fixtures::SimLabOptions o;
    o.boards = 2;
    return o;
  }
  ob::fixtures::SimLab lab{options()};
  TwoBoardLab() { lab.start(); }
};

std::unique_ptr<SensorHub> configured_hub(asio::io_context& io, const std::string& uri, std::vector<std::string> channels) {
  SensorHubOptions options;
  options.channels = std::move(channels);
  auto hub = make_sensor_hub(io.get_executor(), "sensors", uri, options);
  auto identity = run_until_ready(io, hub->configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), (identity ? std::string() : identity.error().message()));
  return hub;
}

std::vector<SensorReading> read_all(asio::io_context& io, SensorHub& hub) {
  auto readings = run_until_ready(io, hub.read_all());
  BOOST_REQUIRE_MESSAGE(readings.has_value(), (readings ? std::string() : readings.error().message()));
  BOOST_REQUIRE_EQUAL(readings->size(), hub.channels().size());
  return *readings;
}

}  // namespace

// The INA226 has a buffer-capable timestamp channel: read_all() takes one scan of its configured
// channels and gives them the device's timestamp; the MAX31856 has none: attribute reads, no
// device timestamp.
BOOST_FIXTURE_TEST_CASE(readings_carry_the_device_timestamp_of_one_scan_per_device, TwoBoardLab) {
  asio::io_context io;
  auto hub = configured_hub(io, lab.sensors_uri(),
                            {"board0-rail/voltage1", "board0-thermocouple/temp", "board1-rail/current3", "board0-rail/power2"});
  const auto first = read_all(io, *hub);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto second = read_all(io, *hub);
  for (const auto* readings : {&first, &second}) {
    const auto& rail0_v = (*readings)[0];
    const auto& thermocouple = (*readings)[1];
    const auto& rail1_a = (*readings)[2];
    const auto& rail0_w = (*readings)[3];
    BOOST_TEST(rail0_v.unit == "V");
    BOOST_TEST(thermocouple.unit == "°C");
    BOOST_TEST(rail1_a.unit == "A");
    BOOST_TEST(rail0_w.unit == "W");
    BOOST_REQUIRE(rail0_v.device_t_s.has_value());
    BOOST_REQUIRE(rail0_w.device_t_s.has_value());
    BOOST_REQUIRE(rail1_a.device_t_s.has_value());
    BOOST_TEST(!thermocouple.device_t_s.has_value());
    BOOST_TEST(*rail0_v.device_t_s == *rail0_w.device_t_s);  // one scan of board0-rail
    BOOST_TEST(std::abs(*rail0_v.device_t_s - rail0_v.t_s) < 5.0);  // CLOCK_REALTIME, near the host's
    BOOST_TEST((thermocouple.value > -40 && thermocouple.value < 150));
  }
  BOOST_TEST(*second[0].device_t_s > *first[0].device_t_s);
  BOOST_TEST(*second[2].device_t_s > *first[2].device_t_s);

  const auto single = run_until_ready(io, hub->read("iio:device0/voltage1"));  // read(): its own scan
  BOOST_REQUIRE(single.has_value());
  BOOST_REQUIRE(single->device_t_s.has_value());
  BOOST_TEST(*single->device_t_s > *second[0].device_t_s);
  BOOST_TEST(std::abs(single->value - second[0].value) < 0.05);
  const auto thermocouple = run_until_ready(io, hub->read("max31856/temp_ambient"));
  BOOST_REQUIRE(thermocouple.has_value());
  BOOST_TEST(!thermocouple->device_t_s.has_value());
  BOOST_TEST(hub->reconnect_count() == 0);
}

// `fault sensors freeze DEVICE`: the device's scans repeat their timestamp and values, the other
// devices' keep advancing; `thaw` (or `clear`) lets it advance again.
BOOST_FIXTURE_TEST_CASE(a_frozen_device_timestamp_stops_advancing, TwoBoardLab) {
  asio::io_context io;
  auto hub = configured_hub(io, lab.sensors_uri(), {"board0-rail/voltage1", "board0-rail/power2", "board1-rail/voltage1"});
  const auto before = read_all(io, *hub);
  BOOST_TEST(lab.control("fault sensors freeze board0-rail") == "OK");
  const auto frozen_a = read_all(io, *hub);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto frozen_b = read_all(io, *hub);
  BOOST_REQUIRE(frozen_a[0].device_t_s && frozen_b[0].device_t_s && before[0].device_t_s);
  BOOST_TEST(*frozen_a[0].device_t_s == *before[0].device_t_s);  // the last timestamp it produced, again
  BOOST_TEST(*frozen_b[0].device_t_s == *frozen_a[0].device_t_s);
  BOOST_TEST(frozen_b[0].value == frozen_a[0].value);
  BOOST_TEST(frozen_b[1].value == frozen_a[1].value);
  BOOST_TEST(frozen_b[0].t_s > frozen_a[0].t_s);  // the host's clock still moves
  BOOST_TEST(*frozen_b[2].device_t_s > *frozen_a[2].device_t_s);  // board1-rail is not frozen

  BOOST_TEST(lab.control("fault sensors thaw board0-rail") == "OK");
  const auto thawed = read_all(io, *hub);
  BOOST_TEST(*thawed[0].device_t_s > *frozen_b[0].device_t_s);

  BOOST_TEST(lab.control("fault sensors freeze iio:device2") == "OK");  // board1-rail by its IIO id
  const auto again_a = read_all(io, *hub);
  const auto again_b = read_all(io, *hub);
  BOOST_TEST(*again_b[2].device_t_s == *again_a[2].device_t_s);
  BOOST_TEST(lab.control("fault sensors clear") == "OK");
  const auto cleared = read_all(io, *hub);
  BOOST_TEST(*cleared[2].device_t_s > *again_b[2].device_t_s);
  BOOST_TEST(hub->reconnect_count() == 0);
}

BOOST_FIXTURE_TEST_CASE(missing_device_or_channel_is_named_at_configure, Lab) {
  auto uri = sensors_uri(lab);
  if (!uri) {
    BOOST_TEST_MESSAGE("SimLab has no sensors_uri(): nothing to test");
    return;
  }
  asio::io_context io;
  SensorHubOptions options;
  options.channels = {"ina226/voltage9"};
  auto hub = make_sensor_hub(io.get_executor(), "sensors", *uri, options);
  auto fault = run_until_ready(io, hub->configure());
  BOOST_REQUIRE(!fault.has_value());
  BOOST_TEST(fault.error().kind == FaultKind::protocol);
  BOOST_TEST(fault.error().message().find("no input channel 'voltage9' on ina226") != std::string::npos);
  BOOST_TEST(fault.error().message().find("voltage1") != std::string::npos);

  options.channels = {"ina219/voltage1"};
  hub = make_sensor_hub(io.get_executor(), "sensors", *uri, options);
  fault = run_until_ready(io, hub->configure());
  BOOST_REQUIRE(!fault.has_value());
  BOOST_TEST(fault.error().message().find("no device 'ina219'") != std::string::npos);
  BOOST_TEST(fault.error().message().find("max31856") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(lost_server_is_a_fault_not_a_crash, Lab) {
  auto uri = sensors_uri(lab);
  if (!uri) {
    BOOST_TEST_MESSAGE("SimLab has no sensors_uri(): nothing to test");
    return;
  }
  asio::io_context io;
  SensorHubOptions options;
  options.channels = {"max31856/temp"};
  options.timeout = std::chrono::milliseconds(300);
  options.reconnect_backoff = std::chrono::milliseconds(20);
  auto hub = make_sensor_hub(io.get_executor(), "sensors", *uri, options);
  auto identity = run_until_ready(io, hub->configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), (identity ? std::string() : identity.error().message()));
  BOOST_REQUIRE(run_until_ready(io, hub->read("max31856/temp")).has_value());
  lab.stop();
  auto lost = run_until_ready(io, hub->read("max31856/temp"));
  BOOST_REQUIRE(!lost.has_value());
  BOOST_TEST_MESSAGE(lost.error().message());
  BOOST_TEST((lost.error().kind == FaultKind::link_lost || lost.error().kind == FaultKind::timeout));
  BOOST_TEST(hub->reconnect_count() == 0);
}

#else
BOOST_AUTO_TEST_CASE(iio_sim_not_built) {
  BOOST_TEST_MESSAGE("built without libiio or without fixtures/iiod_server.hpp: nothing to test");
}
#endif
