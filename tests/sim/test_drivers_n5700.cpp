// ScpiPowerSupply's Keysight N5700 dialect against the simulated N5767A (a lab with one N5767A
// feeding one board): identity, set and measure at H100-class power, regulation and protection
// trips read from the status registers (STAT:OPER:COND? CV/CC bits, STAT:QUES:COND? OV/OC bits).
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "drivers/common/run_until_ready.hpp"
#include "drivers/instrument_factory.hpp"
#include "drivers/scpi/scpi_dialect.hpp"
#include "fixtures/keysight_n5700_server.hpp"
#include "fixtures/sim_lab.hpp"

using namespace ob::drivers;
using namespace std::chrono_literals;

namespace {

template <class R>
std::string describe(const R& result) {
  return result ? std::string() : result.error().message();
}

struct N5700Lab {
  N5700Lab() : lab(make_options()) { lab.start(); }
  static ob::fixtures::SimLabOptions make_options() {
    ob::fixtures::SimLabOptions options;
    options.speed = 10;
    options.instruments = {{"psu-hp", ob::fixtures::SimModel::n5767a, 0, 1, 0},
                           {"chamber", ob::fixtures::SimModel::espec_p300, 0, 1, 0},
                           {"agent", ob::fixtures::SimModel::gpu_agent, 0, 1, 0}};
    options.board_feeds = {{"psu-hp", 1, "chamber"}};
    return options;
  }
  std::unique_ptr<PowerSupply> make_psu() {
    InstrumentOptions options;
    options.timeout = 1000ms;
    return make_power_supply(io.get_executor(), "psu-hp", parse_uri(lab.uri("psu-hp")), options);
  }
  asio::io_context io;
  ob::fixtures::SimLab lab;
};

}  // namespace

BOOST_AUTO_TEST_CASE(trip_bits_decode_from_the_status_word) {
  const auto& commands = find_scpi_dialect("N5767A")->dialect->commands;
  BOOST_TEST(*decode_trip(commands, true, 1, "1") == true);    // OV
  BOOST_TEST(*decode_trip(commands, false, 1, "1") == false);
  BOOST_TEST(*decode_trip(commands, false, 1, "+2") == true);  // OC
  BOOST_TEST(*decode_trip(commands, true, 1, "1024") == false);  // UNR only
  BOOST_TEST(!decode_trip(commands, true, 1, "YES"));
  BOOST_TEST(*decode_regulation(commands, 1, "256") == PsuRegulation::constant_voltage);
  BOOST_TEST(*decode_regulation(commands, 1, "1024") == PsuRegulation::constant_current);
  // The E36300's flag replies are unchanged.
  const auto& flags = find_scpi_dialect("E36312A")->dialect->commands;
  BOOST_TEST(*decode_trip(flags, true, 1, "1") == true);
  BOOST_TEST(*decode_trip(flags, true, 1, "0") == false);
}

BOOST_FIXTURE_TEST_SUITE(sim_lab_n5767a, N5700Lab)

BOOST_AUTO_TEST_CASE(identifies_sets_and_measures_at_board_power) {
  BOOST_TEST(lab.uri("psu-hp").find("model=n5767a") != std::string::npos);
  auto psu = make_psu();
  auto identity = run_until_ready(io, psu->configure());
  BOOST_REQUIRE_MESSAGE(identity, describe(identity));
  BOOST_TEST(identity->model == "N5767A");
  BOOST_REQUIRE(psu->channel_count() == 1);
  BOOST_TEST(psu->channel_spec(1).max_current_a == 25.0);
  BOOST_TEST(psu->capabilities().regulation);
  BOOST_TEST(psu->capabilities().protection_status);
  BOOST_TEST(!psu->capabilities().watchdog);
  BOOST_REQUIRE(run_until_ready(io, psu->set_voltage(1, 48.0)));
  BOOST_REQUIRE(run_until_ready(io, psu->set_current_limit(1, 20.0)));
  BOOST_REQUIRE(run_until_ready(io, psu->set_output(1, true)));
  auto reading = run_until_ready(io, psu->measure(1));
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST(reading->output_on);
  BOOST_TEST(std::abs(reading->voltage_v - 48.0) < 0.1);
  BOOST_TEST(reading->regulation == PsuRegulation::constant_voltage);
  BOOST_TEST(!reading->ovp_tripped.value_or(true));
  BOOST_TEST(!reading->ocp_tripped.value_or(true));
  auto over = run_until_ready(io, psu->set_voltage(1, 61.0));  // the N5767A is a 60 V supply
  BOOST_REQUIRE(!over);
  BOOST_TEST(over.error().kind == FaultKind::out_of_range);
  BOOST_REQUIRE(run_until_ready(io, psu->safe_state()));
  auto off = run_until_ready(io, psu->measure(1));
  BOOST_REQUIRE(off);
  BOOST_TEST(!off->output_on);
}

BOOST_AUTO_TEST_CASE(an_ovp_trip_reads_back_from_the_questionable_register_and_clears) {
  auto psu = make_psu();
  BOOST_REQUIRE(run_until_ready(io, psu->configure()));
  BOOST_REQUIRE(run_until_ready(io, psu->set_voltage(1, 12.0)));
  BOOST_REQUIRE(run_until_ready(io, psu->set_current_limit(1, 10.0)));
  BOOST_REQUIRE(run_until_ready(io, psu->configure_ovp(1, 10.0, true)));  // below the setting
  BOOST_REQUIRE(run_until_ready(io, psu->set_output(1, true)));
  auto status = run_until_ready(io, psu->protection_status(1));
  BOOST_REQUIRE_MESSAGE(status, describe(status));
  BOOST_TEST(status->ovp_tripped.value_or(false));
  BOOST_TEST(!status->ocp_tripped.value_or(true));
  auto reading = run_until_ready(io, psu->measure(1));
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST(!reading->output_on);
  BOOST_TEST(reading->ovp_tripped.value_or(false));
  BOOST_REQUIRE(run_until_ready(io, psu->configure_ovp(1, 15.0, true)));
  BOOST_REQUIRE(run_until_ready(io, psu->clear_protection(1)));
  auto cleared = run_until_ready(io, psu->protection_status(1));
  BOOST_REQUIRE(cleared);
  BOOST_TEST(!cleared->any_tripped());
}

BOOST_AUTO_TEST_SUITE_END()
