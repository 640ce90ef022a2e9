// Line transports other than the SCPI/Espec TCP sockets: SerialLineClient over a pseudo-terminal
// pair (the test plays a Rigol DP832 / an RS-485 Espec controller on the master side) and the
// Watlow F4T's SCPI-like port against a tiny line server inside the test.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/read_until.hpp>
#include <asio/write.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "drivers/chamber/espec_chamber.hpp"
#include "drivers/chamber/watlow_f4t_scpi.hpp"
#include "drivers/common/run_until_ready.hpp"
#include "drivers/instrument_factory.hpp"
#include "drivers/transport/deadline.hpp"

using namespace ob::drivers;
using namespace std::chrono_literals;

namespace {

using Handler = std::function<std::optional<std::string>(const std::string&)>;

template <class R>
std::string describe(const R& result) {
  return result ? std::string() : result.error().message();
}

// Reads "\n"-terminated lines (a trailing "\r" stripped) and writes the handler's reply + "\n".
template <class Stream>
asio::awaitable<void> serve_lines(Stream& stream, Handler handler) {
  std::string rx;
  for (;;) {
    auto [ec, length] = co_await asio::async_read_until(stream, asio::dynamic_buffer(rx), '\n', kNoThrow);
    if (ec) co_return;
    std::string line = rx.substr(0, length);
    rx.erase(0, length);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    auto reply = handler(line);
    if (!reply) continue;
    std::string out = *reply + "\n";
    auto [wec, written] = co_await asio::async_write(stream, asio::buffer(out), kNoThrow);
    (void)written;
    if (wec) co_return;
  }
}

// A pseudo-terminal pair: the driver opens slave_name; the test serves on the master. The test
// keeps a slave descriptor open too, so the master never sees EIO while the driver reopens.
struct Pty {
  Pty() {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) throw std::runtime_error("no pseudo-terminal");
    master_fd = master;
    slave_name = ::ptsname(master);
    slave_keep = ::open(slave_name.c_str(), O_RDWR | O_NOCTTY);
    if (slave_keep < 0) throw std::runtime_error("cannot open " + slave_name);
  }
  ~Pty() { ::close(slave_keep); }
  int master_fd = -1;  // handed to a stream_descriptor, which closes it
  std::string slave_name;
  int slave_keep = -1;
};

InstrumentOptions fast_options() {
  InstrumentOptions options;
  options.timeout = 300ms;
  options.reconnect_attempts = 2;
  options.reconnect_backoff = 20ms;
  return options;
}

struct PtyFixture {
  PtyFixture() : master(io, pty.master_fd) {}
  void serve(Handler handler) {
    asio::co_spawn(io, serve_lines(master, std::move(handler)), asio::detached);
  }
  asio::io_context io;
  Pty pty;
  asio::posix::stream_descriptor master;
  std::vector<std::string> received;
};

std::optional<std::string> dp832(const std::string& line) {
  if (line == "*IDN?") return "RIGOL TECHNOLOGIES,DP832,DP8C233203778,00.01.16";
  if (line.find("ERR?") != std::string::npos) return "0,\"No error\"";
  if (line.find("OUTP:MODE?") != std::string::npos) return "CV";
  if (line.find("OUTP?") != std::string::npos) return "ON";
  if (line.find("MEAS:VOLT?") != std::string::npos) return "5.000";
  if (line.find("MEAS:CURR?") != std::string::npos) return "0.250";
  if (line.find("MEAS:POWE?") != std::string::npos) return "1.250";
  if (line.find('?') != std::string::npos) return "0";
  return std::nullopt;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(serial_pty, PtyFixture)

BOOST_AUTO_TEST_CASE(dp832_over_a_serial_port) {
  serve([this](const std::string& line) {
    received.push_back(line);
    return dp832(line);
  });
  auto uri = parse_uri("scpi+serial://" + pty.slave_name + "?baud=9600&model=dp832");
  BOOST_TEST(uri.path == pty.slave_name.substr(1));
  auto psu = make_power_supply(io.get_executor(), "psu-serial", uri, fast_options());
  auto identity = run_until_ready(io, psu->configure());
  BOOST_REQUIRE_MESSAGE(identity, describe(identity));
  BOOST_TEST(identity->model == "DP832");
  auto set = run_until_ready(io, psu->set_voltage(1, 5.0));
  BOOST_REQUIRE_MESSAGE(set, describe(set));
  bool sent_voltage = false;
  for (const auto& line : received) sent_voltage = sent_voltage || line.starts_with(":SOUR:VOLT 5");
  BOOST_TEST(sent_voltage);
  auto reading = run_until_ready(io, psu->measure(1));
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST(reading->voltage_v == 5.0);
  BOOST_TEST(reading->current_a == 0.25);
  BOOST_TEST(received.front() == "*IDN?");
}

BOOST_AUTO_TEST_CASE(silent_device_times_out_then_reopens) {
  bool silent = true;
  serve([&](const std::string& line) -> std::optional<std::string> {
    if (silent) return std::nullopt;
    return dp832(line);
  });
  auto psu = make_power_supply(io.get_executor(), "psu-serial", parse_uri("scpi+serial://" + pty.slave_name),
                               fast_options());
  const auto start = SteadyClock::now();
  auto first = run_until_ready(io, psu->configure());
  BOOST_REQUIRE(!first);
  BOOST_TEST(first.error().kind == FaultKind::timeout, first.error().message());
  BOOST_TEST((SteadyClock::now() - start < 2s));
  silent = false;
  auto second = run_until_ready(io, psu->configure());
  BOOST_REQUIRE_MESSAGE(second, describe(second));
  BOOST_TEST(psu->reconnect_count() == 1u);
  BOOST_TEST(psu->last_reconnect_reason().find("timeout") != std::string::npos, psu->last_reconnect_reason());
}

BOOST_AUTO_TEST_CASE(missing_device_is_link_lost) {
  auto psu = make_power_supply(io.get_executor(), "psu-serial", parse_uri("scpi+serial:///dev/orbitbench-no-such-tty"),
                               fast_options());
  auto identity = run_until_ready(io, psu->configure());
  BOOST_REQUIRE(!identity);
  BOOST_TEST(identity.error().kind == FaultKind::link_lost, identity.error().message());
}

BOOST_AUTO_TEST_CASE(espec_rs485_address_prefix_and_alarms) {
  serve([this](const std::string& line) -> std::optional<std::string> {
    received.push_back(line);
    if (line == "1,ROM?") return "SCP220 Ver 2.01";
    if (line == "1,TYPE?") return "T,S,SCP220,100";  // drybulb,wetbulb,controller,tempmax
    if (line == "1,TEMP?") return "23.0,25.0,150.0,-40.0";
    if (line == "1,MON?") return "23.0,100,CONSTANT,2";
    if (line == "1,ALARM?") return "2,7,12";
    return "NA:CMD ERR";
  });
  auto chamber = make_thermal_chamber(io.get_executor(), "chamber-485",
                                      parse_uri("espec+serial://" + pty.slave_name + "?baud=19200&address=1"),
                                      fast_options());
  auto identity = run_until_ready(io, chamber->configure());
  BOOST_REQUIRE_MESSAGE(identity, describe(identity));
  BOOST_TEST(identity->model == "SCP220");  // from ROM?, not TYPE?'s first field (the sensor)
  BOOST_TEST(identity->firmware == "SCP220 Ver 2.01");
  BOOST_TEST(chamber->spec().max_temp_c == 100.0);  // TYPE?'s tempmax caps TEMP?'s 150 °C limit
  auto reading = run_until_ready(io, chamber->read());
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST(reading->alarm_count == 2);
  BOOST_TEST((reading->alarms == std::vector<std::string>{"7", "12"}));
  BOOST_TEST(reading->setpoint_c == 25.0);
  BOOST_REQUIRE(!received.empty());
  BOOST_TEST(received.front() == "1,ROM?");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(serial_uri_rejections) {
  asio::io_context io;
  const auto options = fast_options();
  const auto psu = [&](const std::string& uri) { return make_power_supply(io.get_executor(), "p", parse_uri(uri), options); };
  const auto chamber = [&](const std::string& uri) {
    return make_thermal_chamber(io.get_executor(), "c", parse_uri(uri), options);
  };
  BOOST_CHECK_NO_THROW(psu("scpi+serial:///dev/ttyUSB0?baud=115200&model=dp832"));
  BOOST_CHECK_THROW(psu("scpi+serial://host/dev/ttyUSB0"), std::invalid_argument);
  BOOST_CHECK_THROW(psu("scpi+serial:///dev/ttyUSB0?baud=1234"), std::invalid_argument);
  BOOST_CHECK_THROW(psu("scpi+serial:///dev/ttyUSB0?address=1"), std::invalid_argument);
  BOOST_CHECK_THROW(psu("scpi+tcp:///dev/ttyUSB0"), std::invalid_argument);
  BOOST_CHECK_NO_THROW(chamber("espec+serial:///dev/ttyS0?baud=9600&address=1"));
  BOOST_CHECK_THROW(chamber("espec+serial:///dev/ttyS0?address=0"), std::invalid_argument);
  BOOST_CHECK_THROW(chamber("espec+serial:///dev/ttyS0?model=x"), std::invalid_argument);
  BOOST_CHECK_NO_THROW(chamber("watlow-f4t+tcp://10.0.0.8?loop=2"));
  BOOST_CHECK_THROW(chamber("watlow-f4t+tcp://10.0.0.8?loop=5"), std::invalid_argument);
  BOOST_CHECK_THROW(chamber("watlow-f4t+tcp://10.0.0.8?unit=1"), std::invalid_argument);
  BOOST_CHECK_THROW(parse_uri("scpi+serial://"), UriError);
}

BOOST_AUTO_TEST_CASE(espec_alarm_reply_parser) {
  BOOST_TEST(parse_espec_alarm("0").value().count == 0);
  BOOST_TEST(parse_espec_alarm("0").value().codes.empty());
  auto one = parse_espec_alarm("1,3");
  BOOST_REQUIRE(one);
  BOOST_TEST(one->count == 1);
  BOOST_TEST((one->codes == std::vector<std::string>{"3"}));
  BOOST_TEST(!parse_espec_alarm("x"));
  BOOST_TEST(!parse_espec_alarm("1,3,4"));
  BOOST_TEST(!parse_espec_alarm("-1"));
}

// Watlow F4T SCPI-like port (TCP, "\n") played by a line server on loopback.
BOOST_AUTO_TEST_CASE(watlow_f4t_scpi_port) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket peer(io);
  std::string unit = "C";
  double setpoint = 20.0;
  std::vector<std::string> received;
  Handler f4t = [&](const std::string& line) -> std::optional<std::string> {
    received.push_back(line);
    if (line == ":UNIT:TEMPERATURE?") return unit;
    if (line == ":SOURCE:CLOOP2:PVALUE?") return unit == "C" ? "21.5" : "70.7";
    if (line == ":SOURCE:CLOOP2:SPOINT?") return std::to_string(setpoint);
    if (line.starts_with(":SOURCE:CLOOP2:SPOINT ")) setpoint = std::stod(line.substr(22));
    return std::nullopt;
  };
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    auto [ec] = co_await acceptor.async_accept(peer, kNoThrow);
    if (!ec) co_await serve_lines(peer, f4t);
  }, asio::detached);
  auto options = fast_options();
  options.max_temp_c = 100;
  const auto port = std::to_string(acceptor.local_endpoint().port());
  auto chamber = make_thermal_chamber(io.get_executor(), "f4t", parse_uri("watlow-f4t+tcp://127.0.0.1:" + port + "?loop=2"),
                                      options);
  auto identity = run_until_ready(io, chamber->configure());
  BOOST_REQUIRE_MESSAGE(identity, describe(identity));
  BOOST_TEST(identity->model == "F4T");
  auto set = run_until_ready(io, chamber->set_setpoint(25));
  BOOST_REQUIRE_MESSAGE(set, describe(set));
  BOOST_TEST(setpoint == 25.0);
  BOOST_TEST(std::ranges::count(received, std::string(":SOURCE:CLOOP2:SPOINT 25.0")) == 1);
  auto reading = run_until_ready(io, chamber->read());
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST(reading->air_temp_c == 21.5);
  BOOST_TEST(reading->setpoint_c == 25.0);
  const auto sent = received.size();
  auto refused = run_until_ready(io, chamber->set_setpoint(150));
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().kind == FaultKind::out_of_range);
  BOOST_TEST(received.size() == sent);  // nothing sent
  BOOST_REQUIRE(run_until_ready(io, chamber->safe_state()));
  BOOST_TEST(setpoint == 23.0);
  // A controller showing °F: the driver still speaks °C.
  unit = "F";
  BOOST_REQUIRE(run_until_ready(io, chamber->activate()));
  BOOST_REQUIRE(run_until_ready(io, chamber->set_setpoint(50)));
  BOOST_TEST(setpoint == 122.0);
  auto in_f = run_until_ready(io, chamber->read());
  BOOST_REQUIRE_MESSAGE(in_f, describe(in_f));
  BOOST_TEST(std::abs(in_f->setpoint_c - 50.0) < 1e-9);
  BOOST_TEST(std::abs(in_f->air_temp_c - 21.5) < 0.01);
}
