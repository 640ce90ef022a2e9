// EspecChamber against the simulated lab's Espec controller (fixtures::SimLab).
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "drivers/chamber/espec_chamber.hpp"
#include "drivers/common/run_until_ready.hpp"
#include "drivers/instrument_factory.hpp"
#include "fixtures/sim_lab.hpp"

using namespace ob::drivers;
using namespace std::chrono_literals;

namespace {

// The fault's message, or "" for a value (Boost evaluates a check's message eagerly).
template <class R>
std::string describe(const R& result) {
  return result ? std::string() : result.error().message();
}

struct LabFixture {
  LabFixture() : lab(make_options()) { lab.start(); }
  static ob::fixtures::SimLabOptions make_options() {
    ob::fixtures::SimLabOptions options;
    options.speed = 10;
    return options;
  }
  std::unique_ptr<ThermalChamber> make_chamber(std::optional<double> min_c = {}, std::optional<double> max_c = {}) {
    InstrumentOptions options;
    options.timeout = 1000ms;
    options.reconnect_attempts = 2;
    options.reconnect_backoff = 20ms;
    options.min_temp_c = min_c;
    options.max_temp_c = max_c;
    return make_thermal_chamber(io.get_executor(), "chamber", parse_uri(lab.chamber_uri()), options);
  }
  asio::io_context io;
  ob::fixtures::SimLab lab;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sim_lab_espec, LabFixture)

BOOST_AUTO_TEST_CASE(configure_identifies_and_reads_limits) {
  auto chamber = make_chamber();
  auto identity = run_until_ready(io, chamber->configure());
  BOOST_REQUIRE_MESSAGE(identity, describe(identity));
  BOOST_TEST(identity->vendor == "ESPEC");
  BOOST_TEST(identity->model == "P300");  // ROM?'s first word (TYPE? starts with the sensor type)
  BOOST_TEST(!identity->firmware.empty());
  const auto& physics = lab.options().physics;
  BOOST_TEST(chamber->spec().min_temp_c == physics.chamber_min_c);
  BOOST_TEST(chamber->spec().max_temp_c == physics.chamber_max_c);
}

BOOST_AUTO_TEST_CASE(station_limits_narrow_the_spec) {
  auto chamber = make_chamber(-10.0, 85.0);
  BOOST_REQUIRE(run_until_ready(io, chamber->configure()));
  BOOST_TEST(chamber->spec().min_temp_c == -10.0);
  BOOST_TEST(chamber->spec().max_temp_c == 85.0);
  auto refused = run_until_ready(io, chamber->set_setpoint(90));
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().kind == FaultKind::out_of_range, refused.error().message());
  BOOST_TEST(lab.snapshot().chamber.setpoint_c != 90.0);
}

BOOST_AUTO_TEST_CASE(setpoint_activate_read_safe_state) {
  auto chamber = make_chamber();
  BOOST_REQUIRE(run_until_ready(io, chamber->configure()));
  auto set = run_until_ready(io, chamber->set_setpoint(45.5));
  BOOST_REQUIRE_MESSAGE(set, describe(set));
  BOOST_TEST(lab.snapshot().chamber.setpoint_c == 45.5);
  BOOST_REQUIRE(run_until_ready(io, chamber->activate()));

  auto reading = run_until_ready(io, chamber->read());
  BOOST_REQUIRE_MESSAGE(reading, describe(reading));
  BOOST_TEST(reading->setpoint_c == 45.5);
  BOOST_TEST(reading->running);
  BOOST_TEST(reading->alarm_count == 0);
  BOOST_TEST(std::abs(reading->air_temp_c - lab.snapshot().chamber.air_c) < 1.0);

  BOOST_REQUIRE(run_until_ready(io, chamber->safe_state()));
  auto standby = run_until_ready(io, chamber->read());
  BOOST_REQUIRE(standby);
  BOOST_TEST(!standby->running);
}

// MODE,STANDBY answered OK is not standby: MON? read back is (issue 18 item 6).
BOOST_AUTO_TEST_CASE(safe_state_reads_the_mode_back_and_names_a_chamber_still_running) {
  auto chamber = make_chamber();
  BOOST_REQUIRE(run_until_ready(io, chamber->configure()));
  BOOST_REQUIRE(run_until_ready(io, chamber->set_setpoint(30)));
  BOOST_REQUIRE(run_until_ready(io, chamber->activate()));
  BOOST_REQUIRE(lab.control("fault chamber ignore-off 1") == "OK");
  auto ignored = run_until_ready(io, chamber->safe_state());
  BOOST_REQUIRE(!ignored);
  BOOST_TEST(ignored.error().kind == FaultKind::instrument_error, ignored.error().message());
  BOOST_TEST(ignored.error().detail.starts_with("still in CONSTANT mode after MODE,STANDBY ('MON?' -> "), ignored.error().detail);
  BOOST_TEST(lab.snapshot().chamber.running);
  auto again = run_until_ready(io, chamber->safe_state());
  BOOST_REQUIRE_MESSAGE(again, describe(again));
  BOOST_TEST(!lab.snapshot().chamber.running);
}

BOOST_AUTO_TEST_CASE(chamber_limits_win_over_a_wider_station_max) {
  auto chamber = make_chamber(std::nullopt, 400.0);
  BOOST_REQUIRE(run_until_ready(io, chamber->configure()));
  const double chamber_max_c = lab.options().physics.chamber_max_c;
  BOOST_TEST(chamber->spec().max_temp_c == chamber_max_c);
  auto refused = run_until_ready(io, chamber->set_setpoint(chamber_max_c + 10));
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().kind == FaultKind::out_of_range, refused.error().message());

  // Sent raw, past the pre-check, the controller itself says no.
  auto espec = dynamic_cast<EspecChamber*>(chamber.get());
  BOOST_REQUIRE(espec);
  auto nak = run_until_ready(io, espec->raw_command("TEMP, S" + std::to_string(static_cast<int>(chamber_max_c) + 10)));
  BOOST_REQUIRE(!nak);
  BOOST_TEST(nak.error().kind == FaultKind::nak, nak.error().message());
  BOOST_TEST(nak.error().detail.find("NA:DATA OUT OF RANGE") != std::string::npos, nak.error().detail);
}

BOOST_AUTO_TEST_CASE(nak_from_set_setpoint_before_configure) {
  // Before configure() only the station's (too wide) limits are known: the setpoint goes out
  // and the controller's NA: reply comes back as a nak fault.
  auto chamber = make_chamber(std::nullopt, 400.0);
  auto nak = run_until_ready(io, chamber->set_setpoint(300));
  BOOST_REQUIRE(!nak);
  BOOST_TEST(nak.error().kind == FaultKind::nak, nak.error().message());
  BOOST_TEST(nak.error().instrument == "chamber");
  BOOST_TEST(nak.error().detail.find("TEMP, S300.0") != std::string::npos, nak.error().detail);
}

BOOST_AUTO_TEST_CASE(link_lost_then_reconnect) {
  auto chamber = make_chamber();
  BOOST_REQUIRE(run_until_ready(io, chamber->configure()));
  const auto port = lab.chamber_port();
  lab.stop();
  auto lost = run_until_ready(io, chamber->read());
  BOOST_REQUIRE(!lost);
  BOOST_TEST(lost.error().kind == FaultKind::link_lost, lost.error().message());
  auto options = make_options();
  options.chamber_port = port;
  ob::fixtures::SimLab again(options);
  again.start();
  auto status = run_until_ready(io, chamber->safe_state());
  BOOST_REQUIRE_MESSAGE(status, describe(status));
  BOOST_TEST(chamber->reconnect_count() >= 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(sim_lab_espec_alarms, LabFixture)

BOOST_AUTO_TEST_CASE(injected_alarm_shows_up_in_read) {
  auto chamber = make_chamber();
  BOOST_REQUIRE(run_until_ready(io, chamber->configure()));
  auto quiet = run_until_ready(io, chamber->read());
  BOOST_REQUIRE_MESSAGE(quiet, describe(quiet));
  BOOST_TEST(quiet->alarm_count == 0);
  BOOST_TEST(quiet->alarms.empty());
  lab.control("fault chamber alarm 3");
  auto alarmed = run_until_ready(io, chamber->read());
  BOOST_REQUIRE_MESSAGE(alarmed, describe(alarmed));
  BOOST_TEST(alarmed->alarm_count == 1);
  BOOST_TEST((alarmed->alarms == std::vector<std::string>{"3"}));
  BOOST_TEST(!alarmed->running);
  lab.control("fault chamber clear");
  auto cleared = run_until_ready(io, chamber->read());
  BOOST_REQUIRE_MESSAGE(cleared, describe(cleared));
  BOOST_TEST(cleared->alarms.empty());
}

BOOST_AUTO_TEST_SUITE_END()
