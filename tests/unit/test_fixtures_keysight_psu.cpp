// The simulated Keysight E36312A without sockets: channel lists, protection, status, the IEEE
// 488.2 status model, and the output watchdog on a hand-moved clock.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>

#include "fixtures/keysight_psu_server.hpp"
#include "fixtures/lab_state.hpp"

namespace {

using namespace std::chrono_literals;
using ob::fixtures::KeysightPsuServer;

// An E36312A as supply 1 of a lab whose board 0 hangs on its CH2 (the DP832 would be supply 0).
struct E36312aFixture {
  static ob::fixtures::LabTopology topology() {
    ob::fixtures::LabTopology topology;
    topology.supplies = 2;
    topology.boards = {{1, 1, 0}};
    return topology;
  }
  double physics_time_s = 0;
  ob::fixtures::LabState lab{ob::fixtures::PhysicsParams{}, topology(), [this] { return physics_time_s; }};
  KeysightPsuServer psu{lab, 1};
  KeysightPsuServer::Clock::time_point t0 = KeysightPsuServer::Clock::now();

  std::string next_error() { return psu.execute("SYST:ERR?", t0); }
  const ob::fixtures::PsuChannelSnapshot& channel(int index) {
    return lab.now().state().supplies[1][static_cast<std::size_t>(index)];
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(keysight_psu, E36312aFixture)

BOOST_AUTO_TEST_CASE(identity_and_reset_state) {
  BOOST_TEST(psu.execute("*IDN?") == "Keysight Technologies,E36312A,MY59002391,2.1.0-1.0.4-1.12\n");
  BOOST_TEST(psu.execute("OUTP? (@1:3)") == "0,0,0\n");
  BOOST_TEST(psu.execute("VOLT? (@1)") == "+0.00000000E+00\n");
  BOOST_TEST(psu.execute("CURR? (@1,2)") == "+5.00000000E+00,+1.00000000E+00\n");  // CH1 5 A, CH2 1 A
  BOOST_TEST(psu.execute("VOLT:PROT? (@1,3)") == "+6.60000000E+00,+2.75000000E+01\n");
  BOOST_TEST(next_error() == "+0,\"No error\"\n");
}

BOOST_AUTO_TEST_CASE(channel_lists_and_the_selected_channel) {
  BOOST_TEST(psu.execute("VOLT 12,(@2,3);:OUTP ON,(@2)").empty());
  BOOST_TEST(channel(1).set_voltage_v == 12.0);
  BOOST_TEST(channel(2).set_voltage_v == 12.0);
  BOOST_TEST(psu.execute("OUTP? (@1,2)") == "0,1\n");
  BOOST_TEST(lab.now().state().boards[0].powered);
  BOOST_TEST(psu.execute("MEAS:CURR? (@2)") == "+3.33333333E-01\n");  // 4 W idle at 12 V

  BOOST_TEST(psu.execute("INST:NSEL 3;VOLT 2.5").empty());
  BOOST_TEST(channel(2).set_voltage_v == 2.5);
  BOOST_TEST(psu.execute("INST:NSEL?;VOLT?") == "3;+2.50000000E+00\n");
  BOOST_TEST(psu.execute("INST CH1;INST?") == "CH1\n");

  // All or nothing: 7 V is in range for CH2 but not CH1.
  BOOST_TEST(psu.execute("VOLT 7,(@2,1)").empty());
  BOOST_TEST(next_error() == "-222,\"Data out of range\"\n");
  BOOST_TEST(channel(1).set_voltage_v == 12.0);
  BOOST_TEST(psu.execute("VOLT 1,(@0)").empty());
  BOOST_TEST(next_error() == "-224,\"Illegal parameter value\"\n");
  BOOST_TEST(psu.execute("VOLT (@1),1").empty());  // the channel list goes last
  BOOST_TEST(next_error() == "-102,\"Syntax error\"\n");
}

BOOST_AUTO_TEST_CASE(ocp_trips_when_the_board_drives_the_channel_into_cc) {
  psu.execute("VOLT 12,(@2);CURR 0.5,(@2);:CURR:PROT:STAT ON,(@2);:OUTP ON,(@2)");
  BOOST_TEST(psu.execute("CURR:PROT:TRIP? (@2)") == "0\n");  // idle: 0.33 A
  BOOST_TEST(lab.now().start_workload(0));                  // 30 W at 12 V wants 2.5 A
  BOOST_TEST(psu.execute("CURR:PROT:TRIP? (@2);OUTP? (@2)") == "1;0\n");
  BOOST_TEST(psu.execute("STAT:QUES:INST:ISUM2:COND?") == "8\n");
  BOOST_TEST(psu.execute("OUTP ON,(@2)").empty());  // latched until cleared
  BOOST_TEST(next_error() == "-221,\"Settings conflict\"\n");
  psu.execute("OUTP:PROT:CLE (@2);:CURR:PROT:STAT OFF,(@2);:OUTP ON,(@2)");
  BOOST_TEST(psu.execute("OUTP? (@2)") == "1\n");
  BOOST_TEST(lab.now().start_workload(0));
  BOOST_TEST(psu.execute("STAT:QUES:INST:ISUM2:COND?") == "1\n");  // current-limited: CC
}

BOOST_AUTO_TEST_CASE(ieee_488_status_model) {
  BOOST_TEST(psu.execute("*ESE 60;*SRE 32;*ESE?;*SRE?") == "60;32\n");
  BOOST_TEST(psu.execute("*STB?") == "0\n");
  psu.execute("BOGUS");
  // Error queue (4) + event summary (32) + master summary (64, since SRE enables bit 5).
  BOOST_TEST(psu.execute("*STB?") == "100\n");
  BOOST_TEST(psu.execute("*ESR?") == "32\n");  // command error; reading clears it
  BOOST_TEST(psu.execute("*ESR?") == "0\n");
  psu.execute("*OPC");
  BOOST_TEST(psu.execute("*ESR?") == "1\n");
  psu.execute("*CLS");
  BOOST_TEST(psu.queued_errors() == 0u);
  BOOST_TEST(psu.execute("*OPC?;*TST?") == "1;0\n");
  BOOST_TEST(psu.execute("*WAI;SYST:REM").empty());
  BOOST_TEST(psu.remote());
  BOOST_TEST(psu.execute("*ESE 300").empty());
  BOOST_TEST(next_error() == "-222,\"Data out of range\"\n");
  BOOST_TEST(psu.execute("*IDN? 1").empty());
  BOOST_TEST(next_error() == "-108,\"Parameter not allowed\"\n");
}

BOOST_AUTO_TEST_CASE(watchdog_switches_outputs_off_after_silence) {
  psu.execute("VOLT 12,(@2);OUTP ON,(@1:3);:OUTP:PROT:WDOG:DEL 2;:OUTP:PROT:WDOG ON", t0);
  BOOST_TEST(psu.execute("OUTP:PROT:WDOG?;:OUTP:PROT:WDOG:DEL?", t0) == "1;+2.00000000E+00\n");
  psu.check_watchdog(t0 + 1900ms);
  BOOST_TEST(channel(1).output_on);
  psu.execute("*OPC?", t0 + 1900ms);  // any traffic restarts the delay
  psu.check_watchdog(t0 + 3800ms);
  BOOST_TEST(channel(1).output_on);
  psu.check_watchdog(t0 + 3900ms);
  BOOST_TEST(psu.watchdog_expired());
  BOOST_TEST(!channel(0).output_on);
  BOOST_TEST(!channel(1).output_on);
  BOOST_TEST(!lab.now().state().boards[0].powered);

  psu.execute("OUTP ON,(@2);:OUTP:PROT:WDOG OFF", t0 + 4s);
  psu.check_watchdog(t0 + 100s);
  BOOST_TEST(channel(1).output_on);  // off: never fires
  BOOST_TEST(psu.execute("OUTP:PROT:WDOG:DEL 0.5", t0).empty());
  BOOST_TEST(next_error() == "-222,\"Data out of range\"\n");
}

BOOST_AUTO_TEST_SUITE_END()
