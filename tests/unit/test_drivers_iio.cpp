// IIO sensor driver without a server: URI handling, channel addresses, unit conversion, the
// factory's configuration errors and (with libiio) configure() against an XML-only context,
// which has the structure but answers every attribute read with ENOSYS.
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "drivers/common/run_until_ready.hpp"
#include "drivers/iio/sensor.hpp"
#include "drivers/instrument_factory.hpp"

using namespace ob::drivers;

BOOST_AUTO_TEST_CASE(ip_uris_keep_libiio_text_without_prefix) {
  auto uri = parse_iio_uri("iio:ip:127.0.0.1:30432");
  BOOST_REQUIRE(uri);
  BOOST_TEST(uri->backend == "ip");
  BOOST_TEST(uri->host == "127.0.0.1");
  BOOST_TEST(uri->port.value_or(0) == 30432);
  BOOST_TEST(uri->libiio_uri == "ip:127.0.0.1:30432");

  auto bare = parse_iio_uri("ip:bench-pi.local");  // the prefix may be left out
  BOOST_REQUIRE(bare);
  BOOST_TEST(bare->host == "bench-pi.local");
  BOOST_TEST(!bare->port.has_value());
  BOOST_TEST(bare->libiio_uri == "ip:bench-pi.local");

  auto v6 = parse_iio_uri("iio:ip:[::1]:30431");
  BOOST_REQUIRE(v6);
  BOOST_TEST(v6->host == "::1");
  BOOST_TEST(v6->port.value_or(0) == 30431);
}

BOOST_AUTO_TEST_CASE(local_usb_xml_uris) {
  BOOST_TEST(parse_iio_uri("iio:local:")->libiio_uri == "local:");
  BOOST_TEST(parse_iio_uri("iio:usb:")->libiio_uri == "usb:");
  BOOST_TEST(parse_iio_uri("iio:usb:3.32.5")->libiio_uri == "usb:3.32.5");
  BOOST_TEST(parse_iio_uri("iio:xml:/tmp/ctx.xml")->backend == "xml");
}

BOOST_AUTO_TEST_CASE(malformed_uris_say_why) {
  for (const char* text : {"iio:", "iio:ip:", "iio:ip:host:", "iio:ip:host:99999", "iio:ip:host:0", "iio:ip:host:x1",
                           "iio:ip:::1:30431", "iio:ip:[::1", "iio:serial:/dev/ttyUSB0", "iio:local:x", "iio:usb:a.b",
                           "iio:xml:", "scpi+tcp://10.0.0.5", "nothing"}) {
    std::string why;
    BOOST_TEST(!parse_iio_uri(text, &why).has_value(), text);
    BOOST_TEST(!why.empty(), text);
  }
}

BOOST_AUTO_TEST_CASE(channel_addresses) {
  auto address = parse_channel_address("ina226/voltage1");
  BOOST_REQUIRE(address);
  BOOST_TEST(address->device == "ina226");
  BOOST_TEST(address->channel == "voltage1");
  BOOST_TEST(parse_channel_address("iio:device1/temp")->device == "iio:device1");
  for (const char* text : {"ina226", "/voltage1", "ina226/", "a/b/c", ""}) BOOST_TEST(!parse_channel_address(text).has_value(), text);
}

BOOST_AUTO_TEST_CASE(milli_units_become_si) {
  BOOST_TEST(std::string(iio_unit_for_channel("temp").unit) == "°C");
  BOOST_TEST(std::string(iio_unit_for_channel("voltage1").unit) == "V");
  BOOST_TEST(std::string(iio_unit_for_channel("current3").unit) == "A");
  BOOST_TEST(std::string(iio_unit_for_channel("power2").unit) == "W");
  BOOST_TEST(std::string(iio_unit_for_channel("timestamp").unit) == "");
  // MAX31856: 1/128 °C per LSB = 7.8125 m°C; 3200 LSB = 25 °C.
  BOOST_TEST(iio_convert(3200, 7.8125, 0, "temp") == 25.0, boost::test_tools::tolerance(1e-12));
  // INA226 bus voltage: 1.25 mV per LSB; 9600 LSB = 12 V. Shunt: 2.5 µV per LSB (scale 0.0025 mV).
  BOOST_TEST(iio_convert(9600, 1.25, 0, "voltage1") == 12.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(iio_convert(400, 0.0025, 0, "voltage0") == 0.001, boost::test_tools::tolerance(1e-12));
  // Current 1 mA/LSB, power 25 mW/LSB.
  BOOST_TEST(iio_convert(1500, 1.0, 0, "current3") == 1.5, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(iio_convert(720, 25.0, 0, "power2") == 18.0, boost::test_tools::tolerance(1e-12));
  // Offset is added to raw before scaling (IIO ABI).
  BOOST_TEST(iio_convert(100, 2.0, -50, "temp") == 0.1, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(factory_refuses_bad_configuration) {
  asio::io_context io;
  auto message = [&](const std::string& uri, SensorHubOptions options) -> std::string {
    try {
      (void)make_sensor_hub(io.get_executor(), "sensors-a", uri, options);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  BOOST_TEST(message("iio:ip:", {}).starts_with("sensors-a: iio:ip:"));
  BOOST_TEST(message("espec+tcp://host", {}).find("sensors-a") == 0);
  SensorHubOptions bad_channel;
  bad_channel.channels = {"ina226"};
  BOOST_TEST(message("iio:ip:127.0.0.1", bad_channel).find("'ina226' is not DEVICE/CHANNEL") != std::string::npos);
  SensorHubOptions bad_timeout;
  bad_timeout.timeout = std::chrono::milliseconds(0);
  BOOST_TEST(message("iio:ip:127.0.0.1", bad_timeout).find("timeouts must be positive") != std::string::npos);
#if !defined(ORBITBENCH_WITH_IIO)
  BOOST_TEST(message("iio:ip:127.0.0.1", {}).find("without libiio") != std::string::npos);
#endif
}

#if defined(ORBITBENCH_WITH_IIO)
namespace {

std::string write_xml_context() {
  const auto path = std::filesystem::temp_directory_path() / ("ob_iio_ctx_" + std::to_string(::getpid()) + ".xml");
  std::ofstream(path) << R"(<?xml version="1.0" encoding="utf-8"?>
<context name="xml" description="test"><device id="iio:device0" name="ina226"><channel id="voltage0" type="input"><attribute name="raw" filename="in_voltage0_raw"/></channel><channel id="voltage1" type="input"><attribute name="raw" filename="in_voltage1_raw"/><attribute name="scale" filename="in_voltage1_scale"/></channel><channel id="power2" type="input"><attribute name="raw" filename="in_power2_raw"/></channel></device><device id="iio:device1" name="max31856"><channel id="temp" type="input"><attribute name="raw" filename="in_temp_raw"/></channel></device></context>
)";
  return path.string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(configure_resolves_channels_and_names_missing_ones) {
  const auto xml = write_xml_context();
  asio::io_context io;
  SensorHubOptions options;
  options.channels = {"ina226/voltage1", "iio:device1/temp"};
  auto hub = make_sensor_hub(io.get_executor(), "sensors-a", "iio:xml:" + xml, options);
  auto identity = run_until_ready(io, hub->configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), (identity ? std::string() : identity.error().message()));
  BOOST_TEST(identity->vendor == "IIO");
  BOOST_TEST(identity->model.find("ina226") != std::string::npos);

  auto listed = run_until_ready(io, hub->list_channels());
  BOOST_REQUIRE(listed.has_value());
  BOOST_TEST(listed->size() == 4u);

  // The XML backend has no values: a fault, not a crash, and not a reconnect.
  auto reading = run_until_ready(io, hub->read("ina226/voltage1"));
  BOOST_REQUIRE(!reading.has_value());
  BOOST_TEST(reading.error().kind == FaultKind::instrument_error);
  BOOST_TEST(reading.error().message().find("ina226/voltage1 raw") != std::string::npos);
  BOOST_TEST(hub->reconnect_count() == 0);

  auto unknown = run_until_ready(io, hub->read("ina226/current9"));
  BOOST_REQUIRE(!unknown.has_value());
  BOOST_TEST(unknown.error().kind == FaultKind::protocol);
  BOOST_TEST(unknown.error().message().find("voltage0, voltage1, power2") != std::string::npos);

  options.channels = {"ina226/voltage9"};
  auto missing_channel = make_sensor_hub(io.get_executor(), "sensors-a", "iio:xml:" + xml, options);
  auto fault = run_until_ready(io, missing_channel->configure());
  BOOST_REQUIRE(!fault.has_value());
  BOOST_TEST(fault.error().kind == FaultKind::protocol);
  BOOST_TEST(fault.error().message() ==
             "sensors-a: protocol error: ina226/voltage9: no input channel 'voltage9' on ina226 (channels: voltage0, voltage1, power2)");

  options.channels = {"ina219/voltage1"};
  auto missing_device = make_sensor_hub(io.get_executor(), "sensors-a", "iio:xml:" + xml, options);
  fault = run_until_ready(io, missing_device->configure());
  BOOST_REQUIRE(!fault.has_value());
  BOOST_TEST(fault.error().message().find("no device 'ina219'") != std::string::npos);
  BOOST_TEST(fault.error().message().find("(devices: ina226, max31856)") != std::string::npos);
  std::filesystem::remove(xml);
}

BOOST_AUTO_TEST_CASE(unreachable_context_is_a_link_fault) {
  asio::io_context io;
  SensorHubOptions options;
  options.connect_timeout = std::chrono::milliseconds(3000);
  auto hub = make_sensor_hub(io.get_executor(), "sensors-a", "iio:ip:127.0.0.1:1", options);  // nothing listens on 1
  auto identity = run_until_ready(io, hub->configure());
  BOOST_REQUIRE(!identity.has_value());
  BOOST_TEST_MESSAGE(identity.error().message());
  BOOST_TEST(identity.error().kind == FaultKind::link_lost);
  BOOST_TEST(identity.error().message().find("ip:127.0.0.1:1") != std::string::npos);
  auto read = run_until_ready(io, hub->read("ina226/voltage1"));  // retries with back-off, then a fault
  BOOST_REQUIRE(!read.has_value());
  BOOST_TEST(read.error().kind == FaultKind::link_lost);
  BOOST_TEST(hub->reconnect_count() == 0);
}
#endif
