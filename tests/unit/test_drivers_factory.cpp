// URI -> driver selection and configuration errors, and range refusal happening before any
// network I/O (the drivers point at a loopback port nobody listens on).
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "drivers/common/run_until_ready.hpp"
#include "drivers/instrument_factory.hpp"
#include "drivers/psu/scpi_power_supply.hpp"

using namespace ob::drivers;
using namespace std::chrono_literals;

namespace {

// A loopback port that was free a moment ago: connecting to it is refused at once.
std::uint16_t unused_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

InstrumentOptions fast_options() {
  InstrumentOptions options;
  options.timeout = 500ms;
  options.reconnect_attempts = 1;
  options.reconnect_backoff = 1ms;
  return options;
}

bool message_contains(const std::invalid_argument& error, const std::string& text) {
  return std::string(error.what()).find(text) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(factory)

BOOST_AUTO_TEST_CASE(scpi_tcp_makes_a_power_supply_knowing_the_station_model) {
  asio::io_context io;
  auto psu = make_power_supply(io.get_executor(), "psu-a", parse_uri("scpi+tcp://127.0.0.1:5025?model=dp832"), {});
  BOOST_REQUIRE(psu);
  BOOST_TEST(psu->channel_count() == 3);  // from the dialect table, before connecting
  BOOST_TEST(psu->channel_spec(3).max_voltage_v == 5.0);
  BOOST_TEST(psu->channel_spec(4).max_voltage_v == 0.0);
}

BOOST_AUTO_TEST_CASE(station_model_alone_also_works) {
  asio::io_context io;
  InstrumentOptions options;
  options.model = "E36312A";
  auto psu = make_power_supply(io.get_executor(), "psu-a", parse_uri("scpi+tcp://lab-psu"), options);
  BOOST_TEST(psu->channel_count() == 3);
  BOOST_TEST(psu->channel_spec(1).max_current_a == 5.0);
}

// The raw socket's default port is the model family's: Rigol 5555, Keysight (and R&S, Siglent)
// 5025; a port in the URI wins; neither a port nor a model is refused, naming both defaults.
BOOST_AUTO_TEST_CASE(scpi_tcp_default_port_is_the_model_familys) {
  asio::io_context io;
  auto endpoint = [&](const std::string& uri, const std::string& station_model = "") {
    InstrumentOptions options;
    options.model = station_model;
    auto psu = make_power_supply(io.get_executor(), "psu-a", parse_uri(uri), options);
    return dynamic_cast<ScpiPowerSupply&>(*psu).endpoint();
  };
  BOOST_TEST(endpoint("scpi+tcp://10.0.4.21?model=dp832") == "10.0.4.21:5555");
  BOOST_TEST(endpoint("scpi+tcp://10.0.4.21", "DP832") == "10.0.4.21:5555");
  BOOST_TEST(endpoint("scpi+tcp://10.0.4.22?model=e36312a") == "10.0.4.22:5025");
  BOOST_TEST(endpoint("scpi+tcp://10.0.4.23", "NGP814") == "10.0.4.23:5025");
  BOOST_TEST(endpoint("scpi+tcp://10.0.4.21:5025?model=dp832") == "10.0.4.21:5025");  // said: kept
  BOOST_CHECK_EXCEPTION(make_power_supply(io.get_executor(), "psu-b", parse_uri("scpi+tcp://10.0.4.22"), {}),
                        std::invalid_argument, [](const auto& e) {
                          return message_contains(e, "psu-b") && message_contains(e, "no port") &&
                                 message_contains(e, "Rigol 5555") && message_contains(e, "5025");
                        });
}

BOOST_AUTO_TEST_CASE(unknown_scheme_names_instrument_and_supported_schemes) {
  asio::io_context io;
  auto check = [](const std::invalid_argument& e) {
    return message_contains(e, "psu-a") && message_contains(e, "visa+tcp") && message_contains(e, "scpi+tcp");
  };
  BOOST_CHECK_EXCEPTION(make_power_supply(io.get_executor(), "psu-a", parse_uri("visa+tcp://h:1"), {}),
                        std::invalid_argument, check);
}

BOOST_AUTO_TEST_CASE(scheme_of_another_kind_is_refused) {
  asio::io_context io;
  BOOST_CHECK_EXCEPTION(make_power_supply(io.get_executor(), "psu-a", parse_uri("espec+tcp://h"), {}),
                        std::invalid_argument, [](const auto& e) { return message_contains(e, "power supply"); });
  BOOST_CHECK_EXCEPTION(make_thermal_chamber(io.get_executor(), "chamber", parse_uri("scpi+tcp://h"), {}),
                        std::invalid_argument, [](const auto& e) {
                          return message_contains(e, "chamber") && message_contains(e, "espec+tcp");
                        });
}

BOOST_AUTO_TEST_CASE(unknown_query_key_and_path_are_refused) {
  asio::io_context io;
  BOOST_CHECK_EXCEPTION(make_power_supply(io.get_executor(), "psu-a", parse_uri("scpi+tcp://h?modle=dp832"), {}),
                        std::invalid_argument, [](const auto& e) { return message_contains(e, "modle"); });
  BOOST_CHECK_THROW(make_thermal_chamber(io.get_executor(), "chamber", parse_uri("espec+tcp://h?model=x"), {}),
                    std::invalid_argument);
  BOOST_CHECK_THROW(make_power_supply(io.get_executor(), "psu-a", parse_uri("scpi+tcp://h/inst0"), {}),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(uri_model_disagreeing_with_station_model) {
  asio::io_context io;
  InstrumentOptions options;
  options.model = "E36312A";
  BOOST_CHECK_EXCEPTION(make_power_supply(io.get_executor(), "psu-a", parse_uri("scpi+tcp://h?model=dp832"), options),
                        std::invalid_argument, [](const auto& e) { return message_contains(e, "disagrees"); });
  options.model = "DP832";  // same model, other spelling
  BOOST_CHECK_NO_THROW(make_power_supply(io.get_executor(), "psu-a", parse_uri("scpi+tcp://h?model=dp832"), options));
}

BOOST_AUTO_TEST_CASE(bad_options_are_configuration_errors) {
  asio::io_context io;
  InstrumentOptions options;
  options.min_temp_c = 50;
  options.max_temp_c = 10;
  BOOST_CHECK_THROW(make_thermal_chamber(io.get_executor(), "chamber", parse_uri("espec+tcp://h"), options),
                    std::invalid_argument);
  InstrumentOptions zero_timeout;
  zero_timeout.timeout = 0ms;
  BOOST_CHECK_THROW(make_power_supply(io.get_executor(), "psu-a", parse_uri("scpi+tcp://h"), zero_timeout),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(malformed_uris_throw_uri_error) {
  BOOST_CHECK_THROW(parse_uri("scpi+tcp:/h"), UriError);
  BOOST_CHECK_THROW(parse_uri("scpi+tcp://h:99999"), UriError);
  BOOST_CHECK_THROW(parse_uri("scpi+tcp://:5025"), UriError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(range_refusal)

BOOST_AUTO_TEST_CASE(psu_refuses_out_of_range_before_any_io) {
  asio::io_context io;
  const auto port = unused_port();
  auto psu = make_power_supply(io.get_executor(), "psu-a",
                               parse_uri("scpi+tcp://127.0.0.1:" + std::to_string(port) + "?model=dp832"), fast_options());
  auto expect_refused = [&](Status status) {
    BOOST_REQUIRE(!status);
    BOOST_TEST(status.error().kind == FaultKind::out_of_range, status.error().message());
    BOOST_TEST(status.error().instrument == "psu-a");
  };
  expect_refused(run_until_ready(io, psu->set_voltage(1, 30.5)));
  expect_refused(run_until_ready(io, psu->set_voltage(3, 5.5)));  // CH3 is a 5 V channel
  expect_refused(run_until_ready(io, psu->set_voltage(1, -1)));
  expect_refused(run_until_ready(io, psu->set_voltage(1, std::numeric_limits<double>::quiet_NaN())));
  expect_refused(run_until_ready(io, psu->set_current_limit(2, 3.01)));
  expect_refused(run_until_ready(io, psu->set_voltage(4, 1)));
  expect_refused(run_until_ready(io, psu->set_output(0, true)));
  auto reading = run_until_ready(io, psu->measure(9));
  BOOST_REQUIRE(!reading);
  BOOST_TEST(reading.error().kind == FaultKind::out_of_range);

  // The same call in range does go to the network, and finds nobody there.
  auto sent = run_until_ready(io, psu->set_voltage(1, 5));
  BOOST_REQUIRE(!sent);
  BOOST_TEST(sent.error().kind == FaultKind::link_lost, sent.error().message());
  BOOST_TEST(sent.error().detail.find(std::to_string(port)) != std::string::npos, sent.error().detail);
}

BOOST_AUTO_TEST_CASE(chamber_refuses_setpoints_outside_station_limits_before_any_io) {
  asio::io_context io;
  auto options = fast_options();
  options.min_temp_c = -10;
  options.max_temp_c = 60;
  auto chamber = make_thermal_chamber(io.get_executor(), "chamber",
                                      parse_uri("espec+tcp://127.0.0.1:" + std::to_string(unused_port())), options);
  BOOST_TEST(chamber->spec().max_temp_c == 60.0);
  BOOST_TEST(chamber->spec().min_temp_c == -10.0);
  for (double temp_c : {60.5, -10.5, std::numeric_limits<double>::infinity()}) {
    auto status = run_until_ready(io, chamber->set_setpoint(temp_c));
    BOOST_REQUIRE(!status);
    BOOST_TEST(status.error().kind == FaultKind::out_of_range, status.error().message());
  }
  auto sent = run_until_ready(io, chamber->set_setpoint(25));
  BOOST_REQUIRE(!sent);
  BOOST_TEST(sent.error().kind == FaultKind::link_lost, sent.error().message());
}

BOOST_AUTO_TEST_CASE(psu_without_known_model_needs_configure) {
  asio::io_context io;
  auto psu = make_power_supply(io.get_executor(), "psu-a", parse_uri("scpi+tcp://127.0.0.1:1"), fast_options());
  BOOST_TEST(psu->channel_count() == 0);
  BOOST_CHECK_THROW(run_until_ready(io, psu->set_voltage(1, 5)), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()
