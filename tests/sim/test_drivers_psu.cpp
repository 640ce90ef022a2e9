// ScpiPowerSupply against the simulated lab's DP832 (fixtures::SimLab), plus small loopback
// fakes for the failure modes the lab does not produce on demand (silence, dropped links).
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drivers/common/run_until_ready.hpp"
#include "drivers/instrument_factory.hpp"
#include "drivers/psu/scpi_power_supply.hpp"
#include "fixtures/keysight_psu_server.hpp"
#include "fixtures/lab_state.hpp"
#include "fixtures/scpi_psu_server.hpp"
#include "fixtures/sim_lab.hpp"

using namespace ob::drivers;
using namespace std::chrono_literals;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// The fault's message, or "" for a value (Boost evaluates a check's message eagerly).
template <class R>
std::string describe(const R& result) {
  return result ? std::string() : result.error().message();
}

constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);
const auto kLoopback = asio::ip::make_address("127.0.0.1");
constexpr double kVoltTolerance = 0.01;

InstrumentOptions fast_options(std::chrono::milliseconds timeout = 1000ms) {
  InstrumentOptions options;
  options.timeout = timeout;
  options.reconnect_attempts = 2;
  options.reconnect_backoff = 20ms;
  return options;
}

long elapsed_ms(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

struct LabFixture {
  LabFixture() : lab(make_options()) { lab.start(); }
  static ob::fixtures::SimLabOptions make_options() {
    ob::fixtures::SimLabOptions options;
    options.speed = 10;
    options.boards = 1;
    return options;
  }
  std::unique_ptr<PowerSupply> make_psu(InstrumentOptions options = fast_options()) {
    return make_power_supply(io.get_executor(), "psu-a", parse_uri(lab.psu_uri()), options);
  }
  asio::io_context io;
  ob::fixtures::SimLab lab;
};

// A loopback server: `reply(line)` gives the reply for one received line (terminator removed);
// nullopt = stay silent; `drop` = close the connection instead of answering.
struct FakeInstrument {
  std::function<std::optional<std::string>(const std::string&)> reply;
  std::shared_ptr<bool> drop_next = std::make_shared<bool>(false);
  std::shared_ptr<int> connections = std::make_shared<int>(0);
  std::uint16_t port = 0;
};

asio::awaitable<void> fake_session(tcp::socket socket, FakeInstrument fake) {
  std::string buffer;
  for (;;) {
    auto [ec, n] = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n', kNoThrow);
    if (ec) co_return;
    std::string line = buffer.substr(0, n);
    buffer.erase(0, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (*fake.drop_next) {
      *fake.drop_next = false;
      co_return;  // closes the socket
    }
    auto reply = fake.reply(line);
    if (!reply) continue;
    *reply += "\n";
    auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(*reply), kNoThrow);
    if (write_ec) co_return;
  }
}

void start_fake(asio::io_context& io, FakeInstrument& fake) {
  tcp::acceptor acceptor(io, {kLoopback, 0});
  fake.port = acceptor.local_endpoint().port();
  asio::co_spawn(
      io,
      [acceptor = std::move(acceptor), fake]() mutable -> asio::awaitable<void> {
        for (;;) {
          auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
          if (ec) co_return;
          ++*fake.connections;
          asio::co_spawn(acceptor.get_executor(), fake_session(std::move(socket), fake), asio::detached);
        }
      },
      asio::detached);
}

// Just enough of a DP832 for configure() and a set command; silent on measurements.
std::optional<std::string> minimal_dp832(const std::string& line) {
  if (line == "*IDN?") return "RIGOL TECHNOLOGIES,DP832,DP8FAKE,00.01.16";
  if (line == ":SYST:ERR?") return "0,\"No error\"";
  return std::nullopt;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sim_lab_dp832, LabFixture)

BOOST_AUTO_TEST_CASE(configure_identifies_the_dp832) {
  auto psu = make_psu();
  auto identity = run_until_ready(io, psu->configure());
  BOOST_REQUIRE_MESSAGE(identity, describe(identity));
  BOOST_TEST(identity->vendor == "RIGOL TECHNOLOGIES");
  BOOST_TEST(identity->model == "DP832");
  BOOST_TEST(!identity->serial.empty());
  BOOST_TEST(psu->channel_count() == 3);
  BOOST_TEST(psu->channel_spec(3).max_voltage_v == 5.0);
}

BOOST_AUTO_TEST_CASE(station_model_mismatch_fails_configure) {
  auto options = fast_options();
  options.model = "E36312A";
  auto psu = make_power_supply(io.get_executor(), "psu-a",
                               parse_uri("scpi+tcp://127.0.0.1:" + std::to_string(lab.psu_port())), options);
  auto identity = run_until_ready(io, psu->configure());
  BOOST_REQUIRE(!identity);
  BOOST_TEST(identity.error().detail.find("DP832") != std::string::npos, identity.error().detail);
  BOOST_TEST(identity.error().detail.find("E36312A") != std::string::npos, identity.error().detail);
}

BOOST_AUTO_TEST_CASE(set_then_measure) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  auto check = [](Status status) { BOOST_REQUIRE_MESSAGE(status, describe(status)); };
  check(run_until_ready(io, psu->set_voltage(1, 12)));  // powers board 1 (above its undervoltage)
  check(run_until_ready(io, psu->set_current_limit(1, 2.5)));
  check(run_until_ready(io, psu->set_output(1, true)));
  check(run_until_ready(io, psu->set_voltage(2, 5)));
  check(run_until_ready(io, psu->set_output(2, true)));

  auto ch1 = run_until_ready(io, psu->measure(1));
  BOOST_REQUIRE_MESSAGE(ch1, describe(ch1));
  BOOST_TEST(ch1->output_on);
  BOOST_TEST(std::abs(ch1->voltage_v - 12.0) < kVoltTolerance);
  BOOST_TEST(ch1->current_a > 0.0);  // the idle board draws power
  BOOST_TEST(std::abs(ch1->power_w - ch1->voltage_v * ch1->current_a) < 0.05);

  auto ch2 = run_until_ready(io, psu->measure(2));
  BOOST_REQUIRE(ch2);
  BOOST_TEST(ch2->output_on);
  BOOST_TEST(std::abs(ch2->voltage_v - 5.0) < kVoltTolerance);
  BOOST_TEST(ch2->current_a == 0.0);  // nothing on CH2

  auto ch3 = run_until_ready(io, psu->measure(3));
  BOOST_REQUIRE(ch3);
  BOOST_TEST(!ch3->output_on);

  const auto snapshot = lab.snapshot();
  BOOST_TEST(snapshot.psu[0].set_voltage_v == 12.0);
  BOOST_TEST(snapshot.psu[0].current_limit_a == 2.5);
  BOOST_TEST(snapshot.psu[1].set_voltage_v == 5.0);  // the channel select went to CH2
}

BOOST_AUTO_TEST_CASE(out_of_range_is_refused_and_nothing_reaches_the_instrument) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  BOOST_REQUIRE(run_until_ready(io, psu->set_voltage(3, 3.3)));
  auto refused = run_until_ready(io, psu->set_voltage(3, 6));  // CH3 is 5 V
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().kind == FaultKind::out_of_range, refused.error().message());
  BOOST_TEST(lab.snapshot().psu[2].set_voltage_v == 3.3);
  auto scpi = dynamic_cast<ScpiPowerSupply*>(psu.get());
  BOOST_REQUIRE(scpi);
  auto entry = parse_error_reply(run_until_ready(io, scpi->raw_command(":SYST:ERR?")).value());
  BOOST_REQUIRE(entry);
  BOOST_TEST(!entry->is_error(), entry->text);
}

BOOST_AUTO_TEST_CASE(queued_instrument_error_surfaces_on_the_next_set) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  auto scpi = dynamic_cast<ScpiPowerSupply*>(psu.get());
  BOOST_REQUIRE(run_until_ready(io, scpi->raw_command(":BOGUS:HEADER 1")));  // queues -113
  auto status = run_until_ready(io, psu->set_voltage(1, 5));
  BOOST_REQUIRE(!status);
  BOOST_TEST(status.error().kind == FaultKind::instrument_error, status.error().message());
  BOOST_TEST(status.error().detail.find("-113") != std::string::npos, status.error().detail);
  BOOST_TEST(status.error().detail.find(":SOUR:VOLT 5.000") != std::string::npos, status.error().detail);
  // The queue was drained: the next command is clean.
  auto again = run_until_ready(io, psu->set_voltage(1, 5));
  BOOST_TEST(again.has_value(), describe(again));
}

BOOST_AUTO_TEST_CASE(instrument_rejecting_a_value_is_an_instrument_error) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  auto scpi = dynamic_cast<ScpiPowerSupply*>(psu.get());
  // Raw, past the range check: the instrument itself refuses and queues -222.
  BOOST_REQUIRE(run_until_ready(io, scpi->raw_command(":INST:NSEL 3")));
  BOOST_REQUIRE(run_until_ready(io, scpi->raw_command(":SOUR:VOLT 9")));
  auto status = run_until_ready(io, psu->set_output(3, false));
  BOOST_REQUIRE(!status);
  BOOST_TEST(status.error().kind == FaultKind::instrument_error, status.error().message());
  BOOST_TEST(status.error().detail.find("-222") != std::string::npos, status.error().detail);
}

BOOST_AUTO_TEST_CASE(safe_state_turns_every_output_off) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  for (int ch = 1; ch <= 3; ++ch) {
    BOOST_REQUIRE(run_until_ready(io, psu->set_voltage(ch, 1)));
    BOOST_REQUIRE(run_until_ready(io, psu->set_output(ch, true)));
  }
  for (const auto& channel : lab.snapshot().psu) BOOST_TEST(channel.output_on);
  auto status = run_until_ready(io, psu->safe_state());
  BOOST_REQUIRE_MESSAGE(status, describe(status));
  for (const auto& channel : lab.snapshot().psu) BOOST_TEST(!channel.output_on);
  for (int ch = 1; ch <= 3; ++ch) BOOST_TEST(!run_until_ready(io, psu->measure(ch)).value().output_on);
}

// "Accepted" is not "off": each output is read back, and one still on is named (issue 18 item 6).
BOOST_AUTO_TEST_CASE(safe_state_reads_every_output_back_and_names_one_still_on) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  for (int ch = 1; ch <= 3; ++ch) {
    BOOST_REQUIRE(run_until_ready(io, psu->set_voltage(ch, 1)));
    BOOST_REQUIRE(run_until_ready(io, psu->set_output(ch, true)));
  }
  BOOST_REQUIRE(lab.control("fault psu ignore-off 2 1") == "OK");
  auto welded = run_until_ready(io, psu->safe_state());
  BOOST_REQUIRE(!welded);
  BOOST_TEST(welded.error().kind == FaultKind::instrument_error, welded.error().message());
  BOOST_TEST(welded.error().message() == "psu-a: instrument error: CH2 still ON after the off command");
  BOOST_TEST(lab.snapshot().psu[1].output_on);
  BOOST_TEST(!lab.snapshot().psu[0].output_on);
  auto again = run_until_ready(io, psu->safe_state());  // the relay let go: confirmed this time
  BOOST_REQUIRE_MESSAGE(again, describe(again));
  for (const auto& channel : lab.snapshot().psu) BOOST_TEST(!channel.output_on);
}

BOOST_AUTO_TEST_CASE(safe_state_works_without_configure) {
  {
    auto setup = make_psu();
    BOOST_REQUIRE(run_until_ready(io, setup->configure()));
    BOOST_REQUIRE(run_until_ready(io, setup->set_voltage(2, 3)));
    BOOST_REQUIRE(run_until_ready(io, setup->set_output(2, true)));
  }
  BOOST_TEST(lab.snapshot().psu[1].output_on);
  auto fresh = make_power_supply(io.get_executor(), "psu-a",
                                 parse_uri("scpi+tcp://127.0.0.1:" + std::to_string(lab.psu_port())), fast_options());
  auto status = run_until_ready(io, fresh->safe_state());  // identifies on the way
  BOOST_REQUIRE_MESSAGE(status, describe(status));
  BOOST_TEST(!lab.snapshot().psu[1].output_on);
}

BOOST_AUTO_TEST_CASE(link_lost_then_reconnect_when_the_lab_comes_back) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  BOOST_REQUIRE(run_until_ready(io, psu->set_voltage(1, 12)));
  BOOST_REQUIRE(run_until_ready(io, psu->set_output(1, true)));
  const auto port = lab.psu_port();
  lab.stop();  // closes every connection

  auto lost = run_until_ready(io, psu->measure(1));
  BOOST_REQUIRE(!lost);
  BOOST_TEST(lost.error().kind == FaultKind::link_lost, lost.error().message());

  auto options = make_options();
  options.psu_port = port;
  ob::fixtures::SimLab again(options);
  again.start();
  auto reading = run_until_ready(io, psu->measure(1));  // reconnects first
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST(psu->reconnect_count() >= 1u);
  BOOST_REQUIRE(run_until_ready(io, psu->set_output(1, true)));
  BOOST_REQUIRE(run_until_ready(io, psu->safe_state()));
  BOOST_TEST(!again.snapshot().psu[0].output_on);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fake_instruments)

BOOST_AUTO_TEST_CASE(silent_instrument_times_out_within_the_deadline) {
  asio::io_context io;
  FakeInstrument fake;
  fake.reply = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };  // accepts, never replies
  start_fake(io, fake);
  auto psu = make_power_supply(io.get_executor(), "psu-a",
                               parse_uri("scpi+tcp://127.0.0.1:" + std::to_string(fake.port) + "?model=dp832"),
                               fast_options(250ms));
  const auto start = Clock::now();
  auto identity = run_until_ready(io, psu->configure());
  const auto elapsed = elapsed_ms(start);
  BOOST_REQUIRE(!identity);
  BOOST_TEST(identity.error().kind == FaultKind::timeout, identity.error().message());
  BOOST_TEST(identity.error().detail.find("*IDN?") != std::string::npos, identity.error().detail);
  BOOST_TEST(elapsed >= 240);
  BOOST_TEST(elapsed < 750);

  // Likewise for a measurement after a good configure.
  FakeInstrument second;
  second.reply = minimal_dp832;
  start_fake(io, second);
  auto psu2 = make_power_supply(io.get_executor(), "psu-b",
                                parse_uri("scpi+tcp://127.0.0.1:" + std::to_string(second.port)), fast_options(250ms));
  BOOST_REQUIRE(run_until_ready(io, psu2->configure()));
  const auto measure_start = Clock::now();
  auto reading = run_until_ready(io, psu2->measure(1));
  BOOST_REQUIRE(!reading);
  BOOST_TEST(reading.error().kind == FaultKind::timeout, reading.error().message());
  BOOST_TEST(reading.error().instrument == "psu-b");
  BOOST_TEST(elapsed_ms(measure_start) < 750);
}

BOOST_AUTO_TEST_CASE(dropped_link_is_reconnected_and_the_command_replayed) {
  asio::io_context io;
  FakeInstrument fake;
  fake.reply = minimal_dp832;
  start_fake(io, fake);
  auto psu = make_power_supply(io.get_executor(), "psu-a",
                               parse_uri("scpi+tcp://127.0.0.1:" + std::to_string(fake.port)), fast_options());
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  *fake.drop_next = true;  // the instrument drops the connection on the next line
  auto status = run_until_ready(io, psu->set_voltage(1, 5));
  BOOST_REQUIRE_MESSAGE(status, describe(status));
  BOOST_TEST(psu->reconnect_count() == 1u);
  BOOST_TEST(*fake.connections == 2);
}

BOOST_AUTO_TEST_CASE(unsupported_model_is_reported) {
  asio::io_context io;
  FakeInstrument fake;
  fake.reply = [](const std::string& line) -> std::optional<std::string> {
    if (line == "*IDN?") return "ACME,PSU9000,1,1";
    return std::nullopt;
  };
  start_fake(io, fake);
  auto psu = make_power_supply(io.get_executor(), "psu-a",
                               parse_uri("scpi+tcp://127.0.0.1:" + std::to_string(fake.port)), fast_options());
  auto identity = run_until_ready(io, psu->configure());
  BOOST_REQUIRE(!identity);
  BOOST_TEST(identity.error().detail.find("PSU9000") != std::string::npos, identity.error().detail);
  BOOST_TEST(identity.error().detail.find("DP832") != std::string::npos, identity.error().detail);  // lists supported
}

BOOST_AUTO_TEST_SUITE_END()

// Protection, regulation and capability calls against the simulated DP832 (which answers
// :OUTP:OVP:VAL / :OUTP:OVP / :OUTP:OVP:QUES? / :OUTP:OVP:CLEAR, the same for OCP, and :OUTP:MODE?).
BOOST_FIXTURE_TEST_SUITE(sim_lab_dp832_protection, LabFixture)

BOOST_AUTO_TEST_CASE(regulation_is_reported_with_measurements) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  BOOST_TEST(psu->capabilities().regulation);
  BOOST_TEST(!psu->capabilities().watchdog);
  BOOST_REQUIRE(run_until_ready(io, psu->set_voltage(1, 12.0)));
  BOOST_REQUIRE(run_until_ready(io, psu->set_output(1, true)));
  auto reading = run_until_ready(io, psu->measure(1));
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST((reading->regulation == PsuRegulation::constant_voltage || reading->regulation == PsuRegulation::constant_current));
  auto regulation = run_until_ready(io, psu->regulation(1));
  BOOST_REQUIRE_MESSAGE(regulation, describe(regulation));
  BOOST_TEST(*regulation != PsuRegulation::unknown);
  auto off = run_until_ready(io, psu->measure(2));  // output off: nothing regulates
  BOOST_REQUIRE(off);
  BOOST_TEST(off->regulation == PsuRegulation::unknown);
  BOOST_REQUIRE(run_until_ready(io, psu->safe_state()));
}

BOOST_AUTO_TEST_CASE(ovp_ocp_configure_status_and_clear) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  auto ovp = run_until_ready(io, psu->configure_ovp(1, 13.5, true));
  BOOST_REQUIRE_MESSAGE(ovp, describe(ovp));
  auto ocp = run_until_ready(io, psu->configure_ocp(1, 2.5, true));
  BOOST_REQUIRE_MESSAGE(ocp, describe(ocp));
  auto state = run_until_ready(io, psu->protection_status(1));
  BOOST_REQUIRE_MESSAGE(state, describe(state));
  BOOST_TEST(state->ovp_tripped.has_value());
  BOOST_TEST(!state->any_tripped());
  auto cleared = run_until_ready(io, psu->clear_protection(1));
  BOOST_REQUIRE_MESSAGE(cleared, describe(cleared));
  auto disabled = run_until_ready(io, psu->configure_ovp(1, std::nullopt, false));
  BOOST_REQUIRE_MESSAGE(disabled, describe(disabled));
}

BOOST_AUTO_TEST_CASE(protection_levels_are_range_checked_before_sending) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  auto high = run_until_ready(io, psu->configure_ovp(3, 6.0, true));  // CH3 is 5 V: 5.5 V at most
  BOOST_REQUIRE(!high);
  BOOST_TEST(high.error().kind == FaultKind::out_of_range);
  auto zero = run_until_ready(io, psu->configure_ocp(1, 0.0, true));
  BOOST_REQUIRE(!zero);
  BOOST_TEST(zero.error().kind == FaultKind::out_of_range);
}

BOOST_AUTO_TEST_CASE(watchdog_is_a_nak_naming_the_model) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  auto watchdog = run_until_ready(io, psu->configure_watchdog(true, 5.0));
  BOOST_REQUIRE(!watchdog);
  BOOST_TEST(watchdog.error().kind == FaultKind::nak);
  BOOST_TEST(watchdog.error().detail.find("not supported by DP832") != std::string::npos, watchdog.error().detail);
}

BOOST_AUTO_TEST_SUITE_END()

// Compound queries (ScpiDialect::compound_queries; no family batches yet, so these tests turn it
// on per instrument with ScpiPsuOptions::compound_queries). The lab's servers run in-process
// behind a loopback socket that counts the lines it receives.
namespace {

using Lines = std::shared_ptr<std::vector<std::string>>;

FakeInstrument counted(std::function<std::string(std::string_view)> execute, Lines lines) {
  FakeInstrument fake;
  fake.reply = [execute = std::move(execute), lines](const std::string& line) -> std::optional<std::string> {
    lines->push_back(line);
    std::string reply = execute(line);
    if (reply.empty()) return std::nullopt;  // a message without a query
    if (reply.back() == '\n') reply.pop_back();
    return reply;
  };
  return fake;
}

ScpiPsuOptions psu_options(std::optional<bool> compound_queries, const std::string& name = "psu-k") {
  ScpiPsuOptions options;
  options.link.instrument = name;
  options.link.timeout = 1000ms;
  options.link.reconnect_attempts = 2;
  options.link.reconnect_backoff = 20ms;
  options.compound_queries = compound_queries;
  return options;
}

// Board 0 hangs on the E36312A's CH2 (supply 1); the DP832 is supply 0. Physics time stands still.
struct SupplyBench {
  static ob::fixtures::LabTopology topology() {
    ob::fixtures::LabTopology topology;
    topology.supplies = 2;
    topology.boards = {{1, 1, 0}};
    return topology;
  }
  std::unique_ptr<ScpiPowerSupply> connect(bool keysight, std::optional<bool> compound_queries) {
    FakeInstrument fake = keysight ? counted([this](std::string_view line) { return e36312a.execute(line); }, lines)
                                   : counted([this](std::string_view line) { return dp832.execute(line); }, lines);
    start_fake(io, fake);
    return std::make_unique<ScpiPowerSupply>(io.get_executor(), "127.0.0.1", fake.port, psu_options(compound_queries));
  }
  // Lines received since the last call.
  std::vector<std::string> take_lines() { return std::exchange(*lines, {}); }

  asio::io_context io;
  double physics_time_s = 100;
  ob::fixtures::LabState lab{ob::fixtures::PhysicsParams{}, topology(), [this] { return physics_time_s; }};
  ob::fixtures::KeysightPsuServer e36312a{lab, 1};
  ob::fixtures::ScpiPsuServer dp832{lab, 0};
  Lines lines = std::make_shared<std::vector<std::string>>();
};

void require_ok(const Status& status) { BOOST_REQUIRE_MESSAGE(status, describe(status)); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(compound_queries, SupplyBench)

BOOST_AUTO_TEST_CASE(batched_measure_is_one_query_line_per_channel_and_reads_the_same) {
  auto batched = connect(true, true);
  auto separate = connect(true, std::nullopt);  // the E36300's table entry: not batched
  BOOST_REQUIRE(run_until_ready(io, batched->configure()));
  BOOST_REQUIRE(run_until_ready(io, separate->configure()));
  BOOST_TEST(batched->batches_queries());
  BOOST_TEST(!separate->batches_queries());
  require_ok(run_until_ready(io, batched->set_voltage(2, 12)));  // powers board 0
  require_ok(run_until_ready(io, batched->set_output(2, true)));
  take_lines();

  for (int ch = 1; ch <= 3; ++ch) {
    auto one = run_until_ready(io, batched->measure(ch));
    BOOST_REQUIRE_MESSAGE(one, describe(one));
    const auto sent = take_lines();
    BOOST_REQUIRE_EQUAL(sent.size(), 1u);  // voltage, current, output, regulation, OVP, OCP: one line
    BOOST_TEST(sent[0] == "MEAS:VOLT? (@" + std::to_string(ch) + ");:MEAS:CURR? (@" + std::to_string(ch) + ");:OUTP? (@" +
                              std::to_string(ch) + ");:STAT:QUES:INST:ISUM" + std::to_string(ch) + ":COND?;:VOLT:PROT:TRIP? (@" +
                              std::to_string(ch) + ");:CURR:PROT:TRIP? (@" + std::to_string(ch) + ")");

    auto each = run_until_ready(io, separate->measure(ch));
    BOOST_REQUIRE_MESSAGE(each, describe(each));
    BOOST_TEST(take_lines().size() == 6u);  // unchanged: one line per query
    BOOST_TEST(one->voltage_v == each->voltage_v);
    BOOST_TEST(one->current_a == each->current_a);
    BOOST_TEST(one->output_on == each->output_on);
    BOOST_TEST((one->regulation == each->regulation));
    BOOST_TEST((one->ovp_tripped == each->ovp_tripped));
    BOOST_TEST((one->ocp_tripped == each->ocp_tripped));
  }
  auto ch2 = run_until_ready(io, batched->measure(2)).value();
  BOOST_TEST(ch2.output_on);
  BOOST_TEST(std::abs(ch2.voltage_v - 12.0) < kVoltTolerance);
  BOOST_TEST(ch2.current_a > 0.0);
  BOOST_TEST((ch2.regulation == PsuRegulation::constant_voltage));
  BOOST_TEST((ch2.ovp_tripped == false && ch2.ocp_tripped == false));

  take_lines();
  auto protection = run_until_ready(io, batched->protection_status(2));
  BOOST_REQUIRE_MESSAGE(protection, describe(protection));
  BOOST_TEST(take_lines() == (std::vector<std::string>{"VOLT:PROT:TRIP? (@2);:CURR:PROT:TRIP? (@2)"}));
  BOOST_TEST(!protection->any_tripped());
}

BOOST_AUTO_TEST_CASE(a_trip_reads_back_through_the_compound_reply) {
  auto psu = connect(true, true);
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  require_ok(run_until_ready(io, psu->set_voltage(2, 12)));
  require_ok(run_until_ready(io, psu->configure_ovp(2, 10.0, true)));  // 12 V over a 10 V OVP trips
  require_ok(run_until_ready(io, psu->set_output(2, true)));
  auto reading = run_until_ready(io, psu->measure(2));
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST(!reading->output_on);
  BOOST_TEST((reading->ovp_tripped == true));
  BOOST_TEST((reading->ocp_tripped == false));
}

BOOST_AUTO_TEST_CASE(unbatched_dp832_is_unchanged) {
  auto psu = connect(false, std::nullopt);
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  BOOST_TEST(!psu->batches_queries());
  take_lines();
  auto reading = run_until_ready(io, psu->measure(1));
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST(take_lines() == (std::vector<std::string>{":MEAS:VOLT? CH1", ":MEAS:CURR? CH1", ":OUTP? CH1", ":MEAS:POWE? CH1",
                                                        ":OUTP:MODE? CH1", ":OUTP:OVP:QUES? CH1", ":OUTP:OCP:QUES? CH1"}));
}

BOOST_AUTO_TEST_CASE(batched_dp832_sends_its_rooted_queries_as_they_are) {
  auto psu = connect(false, true);  // the DP800 is not batched in its table; forced here
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  take_lines();
  auto reading = run_until_ready(io, psu->measure(3));
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST(take_lines() == (std::vector<std::string>{":MEAS:VOLT? CH3;:MEAS:CURR? CH3;:OUTP? CH3;:MEAS:POWE? CH3;"
                                                        ":OUTP:MODE? CH3;:OUTP:OVP:QUES? CH3;:OUTP:OCP:QUES? CH3"}));
  BOOST_TEST(!reading->output_on);
}

BOOST_AUTO_TEST_SUITE_END()

// A compound reply that is not what was asked for.
BOOST_AUTO_TEST_SUITE(compound_replies_gone_wrong)

namespace {

// An E36312A whose compound answers come from `answer` (the line sent -> the reply line(s));
// every other line, and compound lines `answer` declines (nullopt), go to the simulated one.
struct OddE36312a {
  OddE36312a() {
    fake.reply = [this](const std::string& line) -> std::optional<std::string> {
      if (line.find(';') != std::string::npos && answer) {
        if (auto odd = answer(line)) return odd;
      }
      std::string reply = e36312a.execute(line);
      if (reply.empty()) return std::nullopt;
      reply.pop_back();
      return reply;
    };
    start_fake(io, fake);
    psu = std::make_unique<ScpiPowerSupply>(io.get_executor(), "127.0.0.1", fake.port, psu_options(true));
    BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  }
  asio::io_context io;
  double physics_time_s = 100;
  ob::fixtures::LabState lab{ob::fixtures::PhysicsParams{}, SupplyBench::topology(), [this] { return physics_time_s; }};
  ob::fixtures::KeysightPsuServer e36312a{lab, 1};
  FakeInstrument fake;
  std::unique_ptr<ScpiPowerSupply> psu;
  std::function<std::optional<std::string>(const std::string&)> answer;
};

}  // namespace

BOOST_AUTO_TEST_CASE(too_few_fields_is_a_protocol_fault_naming_the_instrument) {
  OddE36312a bench;
  int compound_lines = 0;
  bench.answer = [&](const std::string&) -> std::optional<std::string> {
    if (++compound_lines > 1) return std::nullopt;  // only the first one is short
    bench.e36312a.execute(":NO:SUCH?");             // the instrument queued why: -113
    return "+1.20000000E+01;+3.3E-01";
  };
  auto reading = run_until_ready(bench.io, bench.psu->measure(1));
  BOOST_REQUIRE(!reading);
  const auto& fault = reading.error();
  BOOST_TEST((fault.kind == FaultKind::protocol), fault.message());
  BOOST_TEST(fault.instrument == "psu-k");
  BOOST_TEST(fault.message().starts_with("psu-k: "), fault.message());
  BOOST_TEST(fault.detail.find("answered 2 field(s) where 6 were expected") != std::string::npos, fault.detail);
  BOOST_TEST(fault.detail.find("'MEAS:VOLT? (@1);:MEAS:CURR? (@1);") != std::string::npos, fault.detail);
  BOOST_TEST(fault.detail.find("'+1.20000000E+01;+3.3E-01'") != std::string::npos, fault.detail);
  BOOST_TEST(fault.detail.find("error queue then held -113 \"Undefined header\"") != std::string::npos, fault.detail);
  // The error queue was read there, so the next command is not blamed for it; the link was
  // opened afresh and says why.
  BOOST_TEST(bench.psu->reconnect_count() == 1u);
  BOOST_TEST(bench.psu->last_reconnect_reason().find("answered 2 field(s)") != std::string::npos,
             bench.psu->last_reconnect_reason());
  require_ok(run_until_ready(bench.io, bench.psu->set_voltage(1, 5)));
  auto again = run_until_ready(bench.io, bench.psu->measure(1));
  BOOST_REQUIRE_MESSAGE(again, describe(again));
  BOOST_TEST(!again->output_on);
}

BOOST_AUTO_TEST_CASE(too_many_fields_is_a_protocol_fault) {
  OddE36312a bench;
  bench.answer = [](const std::string&) -> std::optional<std::string> { return "1;2;3;4;5;6;7"; };
  auto reading = run_until_ready(bench.io, bench.psu->measure(3));
  BOOST_REQUIRE(!reading);
  BOOST_TEST((reading.error().kind == FaultKind::protocol));
  BOOST_TEST(reading.error().detail.find("answered 7 field(s) where 6 were expected") != std::string::npos,
             reading.error().detail);
}

BOOST_AUTO_TEST_CASE(one_line_per_query_leaves_no_stray_line_behind) {
  // An instrument that does not take compound queries the 488.2 way and answers each on a line of
  // its own: the first line is a short reply; the five after it must not be read as answers later.
  OddE36312a bench;
  bool once = false;
  bench.answer = [&](const std::string&) -> std::optional<std::string> {
    if (std::exchange(once, true)) return std::nullopt;
    return "+0.0E+00\n+0.0E+00\n0\n2\n0\n0";
  };
  auto reading = run_until_ready(bench.io, bench.psu->measure(2));
  BOOST_REQUIRE(!reading);
  BOOST_TEST((reading.error().kind == FaultKind::protocol));
  BOOST_TEST(reading.error().detail.find("answered 1 field(s) where 6 were expected") != std::string::npos,
             reading.error().detail);
  require_ok(run_until_ready(bench.io, bench.psu->set_voltage(2, 7.5)));
  auto again = run_until_ready(bench.io, bench.psu->measure(2));
  BOOST_REQUIRE_MESSAGE(again, describe(again));
  BOOST_TEST(!again->output_on);
  auto set = run_until_ready(bench.io, bench.psu->raw_command("VOLT? (@2)"));
  BOOST_REQUIRE(set);
  BOOST_TEST(std::abs(std::stod(*set) - 7.5) < kVoltTolerance);
}

BOOST_AUTO_TEST_CASE(an_unparsable_field_names_its_query) {
  OddE36312a bench;
  bench.answer = [](const std::string&) -> std::optional<std::string> { return "+5.0E+00;garbage;1;2;0;0"; };
  auto reading = run_until_ready(bench.io, bench.psu->measure(1));
  BOOST_REQUIRE(!reading);
  BOOST_TEST((reading.error().kind == FaultKind::protocol));
  BOOST_TEST(reading.error().instrument == "psu-k");
  BOOST_TEST(reading.error().detail.find("unparsable reply to 'MEAS:CURR? (@1)': 'garbage' (field 2 of 6") != std::string::npos,
             reading.error().detail);
}

BOOST_AUTO_TEST_SUITE_END()
