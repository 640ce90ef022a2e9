// WatlowF4tChamber over Modbus TCP against a minimal Modbus TCP server written here (a holding
// register map, FC 3/6/16, exception 2 for unmapped registers), so the driver is tested
// without the simulated lab's F4T. Also: exceptions as nak, deadlines, reconnect events.
#include <array>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "drivers/chamber/watlow_f4t.hpp"
#include "drivers/common/run_until_ready.hpp"
#include "drivers/instrument_factory.hpp"
#include "fixtures/sim_lab.hpp"

using namespace ob::drivers;
using namespace std::chrono_literals;
using asio::ip::tcp;

namespace {

constexpr auto kNoThrowToken = asio::experimental::as_tuple(asio::use_awaitable);

template <class R>
std::string describe(const R& result) {
  return result ? std::string() : result.error().message();
}

struct ModbusServerState {
  std::map<std::uint16_t, std::uint16_t> registers;
  bool silent = false;     // read requests, never answer
  bool drop_next = false;  // close the connection on the next request
  int requests = 0;
  int connections = 0;
};

void put_float(ModbusServerState& state, std::uint16_t address, float value) {
  auto [low, high] = float_to_words_low_first(value);
  state.registers[address] = low;
  state.registers[static_cast<std::uint16_t>(address + 1)] = high;
}

float get_float(const ModbusServerState& state, std::uint16_t address) {
  return float_from_words_low_first(state.registers.at(address), state.registers.at(static_cast<std::uint16_t>(address + 1)));
}

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

std::vector<std::uint8_t> handle(ModbusServerState& state, const std::vector<std::uint8_t>& pdu) {
  const std::uint8_t function = pdu.at(0);
  auto exception = [function](std::uint8_t code) { return std::vector<std::uint8_t>{static_cast<std::uint8_t>(function | 0x80), code}; };
  auto mapped = [&](std::uint16_t address, std::uint16_t count) {
    for (std::uint16_t i = 0; i < count; ++i) {
      if (!state.registers.contains(static_cast<std::uint16_t>(address + i))) return false;
    }
    return true;
  };
  const std::uint16_t address = be16(&pdu[1]);
  if (function == 3) {
    const std::uint16_t count = be16(&pdu[3]);
    if (!mapped(address, count)) return exception(2);
    std::vector<std::uint8_t> out{3, static_cast<std::uint8_t>(count * 2)};
    for (std::uint16_t i = 0; i < count; ++i) put16(out, state.registers[static_cast<std::uint16_t>(address + i)]);
    return out;
  }
  if (function == 6) {
    if (!mapped(address, 1)) return exception(2);
    const std::uint16_t value = be16(&pdu[3]);
    // Control mode (Watlow: 62 Off, 10 Auto, 54 Manual); the mode in effect (2814+o) follows it.
    if (address >= 2730 && address % 160 == 2730 % 160) {
      if (value != 62 && value != 10 && value != 54) return exception(3);
      state.registers[static_cast<std::uint16_t>(address + (2814 - 2730))] = value;
    }
    state.registers[address] = value;
    return pdu;
  }
  if (function == 16) {
    const std::uint16_t count = be16(&pdu[3]);
    if (!mapped(address, count)) return exception(2);
    for (std::uint16_t i = 0; i < count; ++i) state.registers[static_cast<std::uint16_t>(address + i)] = be16(&pdu[6 + 2 * i]);
    return std::vector<std::uint8_t>(pdu.begin(), pdu.begin() + 5);
  }
  return exception(1);
}

asio::awaitable<void> serve(tcp::socket socket, std::shared_ptr<ModbusServerState> state) {
  for (;;) {
    std::array<std::uint8_t, 7> header{};
    auto [ec, n] = co_await asio::async_read(socket, asio::buffer(header), kNoThrowToken);
    if (ec) co_return;
    std::vector<std::uint8_t> pdu(be16(&header[4]) - 1U);
    auto [ec2, n2] = co_await asio::async_read(socket, asio::buffer(pdu), kNoThrowToken);
    if (ec2) co_return;
    ++state->requests;
    if (state->drop_next) {
      state->drop_next = false;
      co_return;
    }
    if (state->silent) continue;
    auto response = handle(*state, pdu);
    std::vector<std::uint8_t> adu(header.begin(), header.begin() + 4);
    put16(adu, static_cast<std::uint16_t>(response.size() + 1));
    adu.push_back(header[6]);
    adu.insert(adu.end(), response.begin(), response.end());
    auto [ec3, n3] = co_await asio::async_write(socket, asio::buffer(adu), kNoThrowToken);
    if (ec3) co_return;
  }
}

struct F4tFixture {
  F4tFixture() : state(std::make_shared<ModbusServerState>()) {
    const auto r = f4t_registers(1);
    put_float(*state, r.range_min, -70.0f);
    put_float(*state, r.range_max, 180.0f);
    put_float(*state, r.setpoint, 20.0f);
    put_float(*state, r.current_setpoint, 20.0f);
    put_float(*state, r.process_value, 23.5f);
    state->registers[r.loop_mode] = 62;    // Off
    state->registers[r.active_mode] = 62;
    state->registers[1328] = 15;           // display units °C
    for (int alarm = 1; alarm <= 6; ++alarm) state->registers[f4t_alarm_state_register(alarm)] = 61;  // none
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
    asio::co_spawn(
        io,
        [acceptor = std::move(acceptor), state = state]() mutable -> asio::awaitable<void> {
          for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(kNoThrowToken);
            if (ec) co_return;
            ++state->connections;
            asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), state), asio::detached);
          }
        },
        asio::detached);
  }
  std::unique_ptr<ThermalChamber> make(const std::string& query = "", std::chrono::milliseconds timeout = 500ms) {
    InstrumentOptions options;
    options.timeout = timeout;
    options.reconnect_attempts = 2;
    options.reconnect_backoff = 10ms;
    options.min_temp_c = -40;
    options.max_temp_c = 150;
    return make_thermal_chamber(io.get_executor(), "chamber-f4t",
                                parse_uri("watlow-f4t+modbus://127.0.0.1:" + std::to_string(port) + query), options);
  }
  asio::io_context io;
  std::shared_ptr<ModbusServerState> state;
  std::uint16_t port = 0;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(watlow_f4t_modbus, F4tFixture)

BOOST_AUTO_TEST_CASE(configure_reads_range_and_intersects_station_limits) {
  auto chamber = make();
  auto identity = run_until_ready(io, chamber->configure());
  BOOST_TEST_REQUIRE(identity.has_value(), describe(identity));
  BOOST_TEST(identity->vendor == "Watlow");
  BOOST_TEST(identity->model == "F4T");
  BOOST_TEST(chamber->spec().min_temp_c == -40.0);
  BOOST_TEST(chamber->spec().max_temp_c == 150.0);
  auto* f4t = dynamic_cast<WatlowF4tChamber*>(chamber.get());
  BOOST_REQUIRE(f4t && f4t->chamber_limits());
  BOOST_TEST(f4t->chamber_limits()->min_temp_c == -70.0);
}

BOOST_AUTO_TEST_CASE(setpoint_activate_read_and_safe_state) {
  auto chamber = make();
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->configure()).has_value());
  const auto r = f4t_registers(1);
  auto set = run_until_ready(io, chamber->set_setpoint(-12.5));
  BOOST_TEST_REQUIRE(set.has_value(), describe(set));
  BOOST_TEST(get_float(*state, r.setpoint) == -12.5f);
  BOOST_TEST(state->registers[r.setpoint] == float_to_words_low_first(-12.5f).first);  // low word first

  auto on = run_until_ready(io, chamber->activate());
  BOOST_TEST_REQUIRE(on.has_value(), describe(on));
  BOOST_TEST(state->registers[r.loop_mode] == 10u);  // Auto: closed loop
  auto reading = run_until_ready(io, chamber->read());
  BOOST_TEST_REQUIRE(reading.has_value(), describe(reading));
  BOOST_TEST(reading->air_temp_c == 23.5);
  BOOST_TEST(reading->setpoint_c == -12.5);
  BOOST_TEST(reading->running);
  BOOST_TEST(reading->alarm_count == 0);

  auto ramping = run_until_ready(io, dynamic_cast<WatlowF4tChamber&>(*chamber).ramping_setpoint());
  BOOST_TEST_REQUIRE(ramping.has_value());
  BOOST_TEST(*ramping == 20.0);

  auto safe = run_until_ready(io, chamber->safe_state());
  BOOST_TEST_REQUIRE(safe.has_value(), describe(safe));
  BOOST_TEST(state->registers[r.loop_mode] == 62u);  // Off
  BOOST_TEST(!run_until_ready(io, chamber->read())->running);
}

// What counts is the mode in effect (2814), not the one written: Manual from the front panel is
// open loop, not regulating; a value the F4T does not have is a protocol fault.
BOOST_AUTO_TEST_CASE(the_active_mode_decides_running) {
  auto chamber = make();
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->configure()).has_value());
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->activate()).has_value());
  const auto r = f4t_registers(1);
  BOOST_TEST(run_until_ready(io, chamber->read())->running);
  state->registers[r.active_mode] = 54;  // Manual, written on the front panel
  BOOST_TEST(!run_until_ready(io, chamber->read())->running);
  state->registers[r.active_mode] = 99;
  auto odd = run_until_ready(io, chamber->read());
  BOOST_REQUIRE(!odd);
  BOOST_TEST(odd.error().kind == FaultKind::protocol);
  BOOST_TEST(odd.error().detail.find("2814 holds 99") != std::string::npos, odd.error().message());
}

// Display units °F (register 1328 = 30, Watlow's factory default): every temperature register
// is read and written in °F; the driver speaks °C.
BOOST_AUTO_TEST_CASE(fahrenheit_display_units_are_converted_both_ways) {
  const auto r = f4t_registers(1);
  state->registers[1328] = 30;
  put_float(*state, r.range_min, -94.0f);  // -70 °C
  put_float(*state, r.range_max, 356.0f);  // 180 °C
  put_float(*state, r.process_value, 74.3f);  // 23.5 °C
  put_float(*state, r.setpoint, 68.0f);       // 20 °C
  auto chamber = make();
  auto identity = run_until_ready(io, chamber->configure());
  BOOST_TEST_REQUIRE(identity.has_value(), describe(identity));
  auto* f4t = dynamic_cast<WatlowF4tChamber*>(chamber.get());
  BOOST_REQUIRE(f4t && f4t->chamber_limits());
  BOOST_TEST(f4t->chamber_limits()->min_temp_c == -70.0, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(f4t->chamber_limits()->max_temp_c == 180.0, boost::test_tools::tolerance(1e-4));
  auto reading = run_until_ready(io, chamber->read());
  BOOST_TEST_REQUIRE(reading.has_value(), describe(reading));
  BOOST_TEST(reading->air_temp_c == 23.5, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(reading->setpoint_c == 20.0, boost::test_tools::tolerance(1e-4));
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->set_setpoint(-12.5)).has_value());
  BOOST_TEST(get_float(*state, r.setpoint) == 9.5f);  // -12.5 °C in °F, not -12.5
  // A value that is neither: refused at configure(), naming the register.
  state->registers[1328] = 16;
  auto odd = run_until_ready(io, make()->configure());
  BOOST_REQUIRE(!odd);
  BOOST_TEST(odd.error().kind == FaultKind::protocol);
  BOOST_TEST(odd.error().detail.find("1328 holds 16") != std::string::npos, odd.error().message());
}

// Each alarm's state: Startup (88), None (61) and Blocked (12) are quiet; others are raised.
BOOST_AUTO_TEST_CASE(alarm_states_are_read_into_the_reading) {
  auto chamber = make();
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->configure()).has_value());
  state->registers[f4t_alarm_state_register(1)] = 88;
  state->registers[f4t_alarm_state_register(2)] = 7;
  state->registers[f4t_alarm_state_register(3)] = 12;
  state->registers[f4t_alarm_state_register(6)] = 28;
  auto reading = run_until_ready(io, chamber->read());
  BOOST_TEST_REQUIRE(reading.has_value(), describe(reading));
  BOOST_TEST(reading->alarm_count == 2);
  BOOST_REQUIRE(reading->alarms.size() == 2u);
  BOOST_TEST(reading->alarms[0] == "alarm 2: alarm high");
  BOOST_TEST(reading->alarms[1] == "alarm 6: error");
  // A controller with fewer alarm blocks than asked for: the read names the register.
  auto more = make("?alarms=7");
  BOOST_TEST_REQUIRE(run_until_ready(io, more->configure()).has_value());
  auto missing = run_until_ready(io, more->read());
  BOOST_REQUIRE(!missing);
  BOOST_TEST(missing.error().detail.find("1956") != std::string::npos, missing.error().message());
}

BOOST_AUTO_TEST_CASE(out_of_range_setpoint_is_refused_before_sending) {
  auto chamber = make();
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->configure()).has_value());
  const int before = state->requests;
  auto hot = run_until_ready(io, chamber->set_setpoint(151));
  BOOST_REQUIRE(!hot);
  BOOST_TEST(hot.error().kind == FaultKind::out_of_range);
  BOOST_TEST(state->requests == before);
}

BOOST_AUTO_TEST_CASE(modbus_exception_is_a_nak_naming_the_code) {
  auto chamber = make("?loop=2");  // loop 2's registers are not mapped in this server
  auto identity = run_until_ready(io, chamber->configure());
  BOOST_REQUIRE(!identity);
  BOOST_TEST(identity.error().kind == FaultKind::nak);
  BOOST_TEST(identity.error().detail.find("Modbus exception 2 (illegal data address)") != std::string::npos,
             identity.error().message());
  BOOST_TEST(identity.error().detail.find("2934") != std::string::npos, identity.error().message());
}

BOOST_AUTO_TEST_CASE(ramp_rate_is_not_supported) {
  auto chamber = make();
  auto ramp = run_until_ready(io, chamber->set_ramp_rate(2.0));
  BOOST_REQUIRE(!ramp);
  BOOST_TEST(ramp.error().kind == FaultKind::nak);
}

BOOST_AUTO_TEST_CASE(silence_is_a_timeout_then_the_link_is_reconnected_and_reported) {
  auto chamber = make("", 200ms);
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->configure()).has_value());
  state->silent = true;
  const auto start = std::chrono::steady_clock::now();
  auto reading = run_until_ready(io, chamber->read());
  BOOST_REQUIRE(!reading);
  BOOST_TEST(reading.error().kind == FaultKind::timeout);
  BOOST_TEST((std::chrono::steady_clock::now() - start < 1s));
  state->silent = false;
  auto again = run_until_ready(io, chamber->read());
  BOOST_TEST_REQUIRE(again.has_value(), describe(again));
  BOOST_TEST(chamber->reconnect_count() == 1u);
  BOOST_TEST(chamber->last_reconnect_reason().find("timeout") != std::string::npos, chamber->last_reconnect_reason());
}

BOOST_AUTO_TEST_CASE(a_link_dropped_while_idle_is_replayed_once) {
  auto chamber = make();
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->configure()).has_value());
  state->drop_next = true;
  auto reading = run_until_ready(io, chamber->read());
  BOOST_TEST_REQUIRE(reading.has_value(), describe(reading));
  BOOST_TEST(chamber->reconnect_count() == 1u);
  BOOST_TEST(chamber->last_reconnect_reason().find("replayed") != std::string::npos, chamber->last_reconnect_reason());
  BOOST_TEST(state->connections == 2);
}

BOOST_AUTO_TEST_CASE(nobody_listening_is_link_lost) {
  tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto free_port = probe.local_endpoint().port();
  probe.close();
  InstrumentOptions options;
  options.timeout = 300ms;
  auto chamber = make_thermal_chamber(io.get_executor(), "c", parse_uri("watlow-f4t+modbus://127.0.0.1:" + std::to_string(free_port)),
                                      options);
  auto identity = run_until_ready(io, chamber->configure());
  BOOST_REQUIRE(!identity);
  BOOST_TEST(identity.error().kind == FaultKind::link_lost);
}

BOOST_AUTO_TEST_SUITE_END()

// The same driver against the simulated lab's F4T (fixtures/watlow_f4t_server), and the
// E36312A dialect's protection/watchdog/regulation commands against its Keysight server.
struct SimLabFixture {
  SimLabFixture() : lab(make_options()) { lab.start(); }
  static ob::fixtures::SimLabOptions make_options() {
    ob::fixtures::SimLabOptions options;
    options.speed = 10;
    options.boards = 1;
    return options;
  }
  InstrumentOptions options() const {
    InstrumentOptions o;
    o.timeout = 1000ms;
    o.reconnect_attempts = 2;
    o.reconnect_backoff = 20ms;
    return o;
  }
  asio::io_context io;
  ob::fixtures::SimLab lab;
};

BOOST_FIXTURE_TEST_SUITE(sim_lab_f4t_and_e36312a, SimLabFixture)

BOOST_AUTO_TEST_CASE(f4t_configure_set_activate_read_safe_state) {
  auto chamber = make_thermal_chamber(io.get_executor(), "chamber-f4t", parse_uri(lab.f4t_uri()), options());
  auto identity = run_until_ready(io, chamber->configure());
  BOOST_TEST_REQUIRE(identity.has_value(), describe(identity));
  BOOST_TEST(identity->model == "F4T");
  auto set = run_until_ready(io, chamber->set_setpoint(30.0));
  BOOST_TEST_REQUIRE(set.has_value(), describe(set));
  auto on = run_until_ready(io, chamber->activate());
  BOOST_TEST_REQUIRE(on.has_value(), describe(on));
  auto reading = run_until_ready(io, chamber->read());
  BOOST_TEST_REQUIRE(reading.has_value(), describe(reading));
  BOOST_TEST(reading->setpoint_c == 30.0);
  BOOST_TEST(reading->running);
  BOOST_TEST(reading->air_temp_c > -100.0);
  auto safe = run_until_ready(io, chamber->safe_state());
  BOOST_TEST_REQUIRE(safe.has_value(), describe(safe));
  BOOST_TEST(!run_until_ready(io, chamber->read())->running);
}

// Off (62) written is not Off in effect: the active mode (2814) read back is (issue 18 item 6).
BOOST_AUTO_TEST_CASE(f4t_safe_state_reads_the_active_mode_back) {
  auto chamber = make_thermal_chamber(io.get_executor(), "chamber-f4t", parse_uri(lab.f4t_uri()), options());
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->configure()).has_value());
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->set_setpoint(30.0)).has_value());
  BOOST_TEST_REQUIRE(run_until_ready(io, chamber->activate()).has_value());
  BOOST_TEST_REQUIRE(lab.control("fault chamber-f4t ignore-off") == "OK");
  auto ignored = run_until_ready(io, chamber->safe_state());
  BOOST_TEST_REQUIRE(!ignored.has_value());
  BOOST_TEST(ignored.error().kind == FaultKind::instrument_error, ignored.error().message());
  BOOST_TEST(ignored.error().detail.starts_with("control mode still 10 after writing Off (62)"), ignored.error().detail);
  auto again = run_until_ready(io, chamber->safe_state());
  BOOST_TEST_REQUIRE(again.has_value(), describe(again));
  BOOST_TEST(!run_until_ready(io, chamber->read())->running);
}

BOOST_AUTO_TEST_CASE(e36312a_regulation_protection_and_watchdog) {
  auto psu = make_power_supply(io.get_executor(), "psu-e36312a", parse_uri(lab.e36312a_uri()), options());
  auto identity = run_until_ready(io, psu->configure());
  BOOST_TEST_REQUIRE(identity.has_value(), describe(identity));
  BOOST_TEST(psu->capabilities().watchdog);
  auto ovp = run_until_ready(io, psu->configure_ovp(2, 20.0, true));
  BOOST_TEST_REQUIRE(ovp.has_value(), describe(ovp));
  auto ovp_level_only = run_until_ready(io, psu->configure_ocp(2, 0.5, true));  // level not programmable
  BOOST_REQUIRE(!ovp_level_only);
  BOOST_TEST(ovp_level_only.error().kind == FaultKind::nak);
  auto ocp = run_until_ready(io, psu->configure_ocp(2, std::nullopt, true));
  BOOST_TEST_REQUIRE(ocp.has_value(), describe(ocp));
  auto status = run_until_ready(io, psu->protection_status(2));
  BOOST_TEST_REQUIRE(status.has_value(), describe(status));
  BOOST_TEST(!status->any_tripped());
  auto cleared = run_until_ready(io, psu->clear_protection(2));
  BOOST_TEST_REQUIRE(cleared.has_value(), describe(cleared));
  auto watchdog = run_until_ready(io, psu->configure_watchdog(true, 30.0));
  BOOST_TEST_REQUIRE(watchdog.has_value(), describe(watchdog));
  auto watchdog_off = run_until_ready(io, psu->configure_watchdog(false, 0));
  BOOST_TEST_REQUIRE(watchdog_off.has_value(), describe(watchdog_off));
  auto bad_delay = run_until_ready(io, psu->configure_watchdog(true, 0.1));
  BOOST_REQUIRE(!bad_delay);
  BOOST_TEST(bad_delay.error().kind == FaultKind::out_of_range);

  BOOST_TEST_REQUIRE(run_until_ready(io, psu->set_voltage(1, 5.0)).has_value());
  BOOST_TEST_REQUIRE(run_until_ready(io, psu->set_output(1, true)).has_value());
  auto reading = run_until_ready(io, psu->measure(1));
  BOOST_TEST_REQUIRE(reading.has_value(), describe(reading));
  BOOST_TEST(reading->output_on);
  BOOST_TEST((reading->regulation == PsuRegulation::constant_voltage || reading->regulation == PsuRegulation::constant_current));
  BOOST_TEST_REQUIRE(run_until_ready(io, psu->safe_state()).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
