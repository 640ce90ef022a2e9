// The simulated Espec chamber controller's command set, without sockets.
#include <boost/test/unit_test.hpp>
#include <string>

#include "fixtures/espec_chamber_server.hpp"
#include "fixtures/lab_state.hpp"

namespace {

struct EspecFixture {
  double physics_time_s = 0;
  ob::fixtures::LabState lab{ob::fixtures::PhysicsParams{}, 1, [this] { return physics_time_s; }};
  ob::fixtures::EspecChamberServer chamber{lab};
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(espec_chamber, EspecFixture)

BOOST_AUTO_TEST_CASE(identifies_itself) {
  BOOST_TEST(chamber.execute("ROM?") == "P300 Ver 1.06 SIM\r\n");
  BOOST_TEST(chamber.execute("TYPE?\r\n") == "T,P300,150\r\n");  // drybulb,controller,tempmax
  BOOST_TEST(chamber.execute("ALARM?") == "0\r\n");
  BOOST_TEST(chamber.execute("") == "");
}

BOOST_AUTO_TEST_CASE(reports_temperature_setpoint_and_limits) {
  BOOST_TEST(chamber.execute("TEMP?") == "22.0,22.0,150.0,-40.0\r\n");
  BOOST_TEST(chamber.execute("MON?") == "22.0,0,STANDBY,0\r\n");
  BOOST_TEST(chamber.execute("MODE?") == "STANDBY\r\n");
}

BOOST_AUTO_TEST_CASE(setpoint_is_echoed_and_the_air_ramps_to_it) {
  BOOST_TEST(chamber.execute("TEMP, S40.0") == "OK:TEMP, S40.0\r\n");
  BOOST_TEST(chamber.execute("MODE,CONSTANT") == "OK:MODE,CONSTANT\r\n");
  physics_time_s = 60;  // one minute at 5 °C/min
  BOOST_TEST(chamber.execute("TEMP?") == "27.0,40.0,150.0,-40.0\r\n");
  BOOST_TEST(chamber.execute("MON?") == "27.0,0,CONSTANT,0\r\n");
  BOOST_TEST(lab.snapshot().chamber.running);
  BOOST_TEST(lab.snapshot().chamber.setpoint_c == 40.0);
  BOOST_TEST(chamber.execute("MODE, STANDBY") == "OK:MODE, STANDBY\r\n");
  BOOST_TEST(!lab.snapshot().chamber.running);
}

BOOST_AUTO_TEST_CASE(limits_bound_the_setpoint) {
  BOOST_TEST(chamber.execute("TEMP, S30.0 H35.0 L0.0") == "OK:TEMP, S30.0 H35.0 L0.0\r\n");
  BOOST_TEST(chamber.execute("TEMP?") == "22.0,30.0,35.0,0.0\r\n");
  BOOST_TEST(chamber.execute("TEMP, S40.0") == "NA:DATA OUT OF RANGE\r\n");
  BOOST_TEST(chamber.execute("TEMP, S200") == "NA:DATA OUT OF RANGE\r\n");
  BOOST_TEST(chamber.execute("TEMP, H160") == "NA:DATA OUT OF RANGE\r\n");  // beyond the chamber
  BOOST_TEST(chamber.execute("TEMP, L40") == "NA:DATA OUT OF RANGE\r\n");   // low above high
  BOOST_TEST(chamber.execute("TEMP?") == "22.0,30.0,35.0,0.0\r\n");        // all unchanged
  BOOST_TEST(chamber.execute("TEMP, S-10 H150 L-40") == "OK:TEMP, S-10 H150 L-40\r\n");
  BOOST_TEST(chamber.execute("TEMP?") == "22.0,-10.0,150.0,-40.0\r\n");
}

BOOST_AUTO_TEST_CASE(bad_commands_and_parameters_are_refused) {
  BOOST_TEST(chamber.execute("TEMP, X25") == "NA:PARA ERR\r\n");
  BOOST_TEST(chamber.execute("TEMP, Sabc") == "NA:PARA ERR\r\n");
  BOOST_TEST(chamber.execute("TEMP,") == "NA:PARA ERR\r\n");
  BOOST_TEST(chamber.execute("TEMP, S25 S26") == "NA:PARA ERR\r\n");
  BOOST_TEST(chamber.execute("MODE,FAST") == "NA:PARA ERR\r\n");
  BOOST_TEST(chamber.execute("POWER,MAYBE") == "NA:PARA ERR\r\n");
  BOOST_TEST(chamber.execute("TEMP?,1") == "NA:PARA ERR\r\n");
  BOOST_TEST(chamber.execute("HELLO?") == "NA:CMD ERR\r\n");
  BOOST_TEST(chamber.execute("*IDN?") == "NA:CMD ERR\r\n");
}

BOOST_AUTO_TEST_CASE(power_switches_operation) {
  BOOST_TEST(chamber.execute("POWER,OFF") == "OK:POWER,OFF\r\n");
  BOOST_TEST(chamber.execute("MODE?") == "OFF\r\n");
  BOOST_TEST(chamber.execute("POWER?") == "OFF\r\n");
  BOOST_TEST(chamber.execute("POWER,ON") == "OK:POWER,ON\r\n");
  BOOST_TEST(chamber.execute("MODE?") == "CONSTANT\r\n");
}

BOOST_AUTO_TEST_CASE(rs485_address_prefix_and_lower_case_are_accepted) {
  BOOST_TEST(chamber.execute("1,TEMP?") == "22.0,22.0,150.0,-40.0\r\n");
  BOOST_TEST(chamber.execute("mode,constant") == "OK:mode,constant\r\n");
  BOOST_TEST(chamber.execute("MODE?") == "CONSTANT\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
