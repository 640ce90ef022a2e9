// SCPI parsing (IEEE 488.2 message units, long/short forms, default nodes) and the simulated
// DP832's command set on top of it, without sockets.
#include <boost/test/unit_test.hpp>
#include <string>

#include "fixtures/lab_state.hpp"
#include "fixtures/scpi_parser.hpp"
#include "fixtures/scpi_psu_server.hpp"

namespace {

using ob::fixtures::parse_scpi_message;
using ob::fixtures::ScpiError;
using ob::fixtures::ScpiPattern;
using Header = std::vector<std::string>;

// A DP832 on a lab whose physics clock the test moves by hand.
struct Dp832Fixture {
  double physics_time_s = 0;
  ob::fixtures::LabState lab{ob::fixtures::PhysicsParams{}, 1, [this] { return physics_time_s; }};
  ob::fixtures::ScpiPsuServer psu{lab};

  std::string next_error() { return psu.execute("SYST:ERR?"); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(scpi_parser)

BOOST_AUTO_TEST_CASE(splits_compound_messages_and_keeps_the_header_context) {
  const auto units = parse_scpi_message("SOUR:VOLT 5;CURR 1 ; :MEAS:VOLT? CH2;*IDN?;;");
  BOOST_TEST_REQUIRE(units.size() == 4u);
  BOOST_TEST((units[0].header == Header{"SOUR", "VOLT"}));
  BOOST_TEST(units[0].context.empty());
  BOOST_TEST((units[0].parameters == Header{"5"}));
  BOOST_TEST((units[1].context == Header{"SOUR"}));
  BOOST_TEST((units[1].header == Header{"CURR"}));
  BOOST_TEST((units[1].parameters == Header{"1"}));
  BOOST_TEST(units[2].context.empty());  // a leading ':' goes back to the root
  BOOST_TEST(units[2].query);
  BOOST_TEST((units[2].header == Header{"MEAS", "VOLT"}));
  BOOST_TEST((units[2].parameters == Header{"CH2"}));
  BOOST_TEST(units[3].common);
  BOOST_TEST(units[3].query);
  BOOST_TEST((units[3].header == Header{"*IDN"}));
}

BOOST_AUTO_TEST_CASE(parameters_are_comma_separated_with_whitespace_allowed) {
  const auto units = parse_scpi_message(":APPL   CH1 ,  5.5 ,1");
  BOOST_TEST_REQUIRE(units.size() == 1u);
  BOOST_TEST((units[0].parameters == Header{"CH1", "5.5", "1"}));
  BOOST_TEST(!units[0].error.has_value());
}

BOOST_AUTO_TEST_CASE(malformed_units_carry_their_error) {
  const auto units = parse_scpi_message("VOLT,5;VOLT 5,,1;VO$LT 5;*ID-N?");
  BOOST_TEST_REQUIRE(units.size() == 4u);
  BOOST_TEST((units[0].error == ScpiError::invalid_separator));
  BOOST_TEST((units[1].error == ScpiError::syntax_error));
  BOOST_TEST((units[2].error == ScpiError::syntax_error));
  BOOST_TEST((units[3].error == ScpiError::syntax_error));
}

BOOST_AUTO_TEST_CASE(patterns_accept_long_short_and_default_nodes_case_insensitively) {
  const ScpiPattern voltage("[SOURce#]:VOLTage[:LEVel][:IMMediate][:AMPLitude]");
  BOOST_TEST(!voltage.query());
  BOOST_TEST(voltage.match({"SOURce", "VOLTage", "LEVel", "IMMediate", "AMPLitude"}).has_value());
  BOOST_TEST(voltage.match({"VOLT"}).has_value());
  BOOST_TEST(voltage.match({"volt"}).has_value());
  BOOST_TEST(voltage.match({"voltage", "ampl"}).has_value());
  BOOST_TEST(voltage.match({"sour", "volt", "lev"}).has_value());
  BOOST_TEST(!voltage.match({"VOLTAG"}).has_value());  // neither the short nor the long form
  BOOST_TEST(!voltage.match({"VOL"}).has_value());
  BOOST_TEST(!voltage.match({"SOUR"}).has_value());
  BOOST_TEST(!voltage.match({"VOLT", "AMPL", "LEV"}).has_value());  // order matters
  BOOST_TEST(voltage.match({"SOUR2", "VOLT"}).value() == 2);
  BOOST_TEST(voltage.match({"VOLT"}).value() == 0);

  const ScpiPattern identity("*IDN?");
  BOOST_TEST(identity.query());
  BOOST_TEST(identity.match({"*idn"}).has_value());

  const ScpiPattern measure("MEASure[:VOLTage][:DC]?");
  BOOST_TEST(measure.match({"MEAS"}).has_value());
  BOOST_TEST(!measure.match({"MEAS", "CURR"}).has_value());
}

BOOST_AUTO_TEST_CASE(numbers_booleans_and_keywords) {
  using ob::fixtures::parse_scpi_bool;
  using ob::fixtures::parse_scpi_number;
  const ob::fixtures::ScpiNumericRange range{0, 30, 1};
  BOOST_TEST(parse_scpi_number("5", "V", range).value() == 5.0);
  BOOST_TEST(parse_scpi_number("+5.25", "V", range).value() == 5.25);
  BOOST_TEST(parse_scpi_number("1.2E1", "V", range).value() == 12.0);
  BOOST_TEST(parse_scpi_number(".5", "V", range).value() == 0.5);
  BOOST_TEST(parse_scpi_number("-3", "V", range).value() == -3.0);
  BOOST_TEST(parse_scpi_number("12V", "V", range).value() == 12.0);
  BOOST_TEST(parse_scpi_number("500mA", "A", range).value() == 0.5, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(parse_scpi_number("MAX", "V", range).value() == 30.0);
  BOOST_TEST(parse_scpi_number("minimum", "V", range).value() == 0.0);
  BOOST_TEST(parse_scpi_number("DEF", "V", range).value() == 1.0);
  BOOST_TEST(!parse_scpi_number("abc", "V", range).has_value());
  BOOST_TEST(!parse_scpi_number("5X", "V", range).has_value());
  BOOST_TEST(!parse_scpi_number("nan", "V", range).has_value());
  BOOST_TEST(!parse_scpi_number("", "V", range).has_value());
  BOOST_TEST(parse_scpi_bool("on").value());
  BOOST_TEST(!parse_scpi_bool("OFF").value());
  BOOST_TEST(parse_scpi_bool("1").value());
  BOOST_TEST(!parse_scpi_bool("0").value());
  BOOST_TEST(!parse_scpi_bool("yes").has_value());
}

BOOST_AUTO_TEST_CASE(channel_lists_stay_one_parameter_and_expand) {
  const auto units = parse_scpi_message("VOLT 5, (@1,3);OUTP? (@1:3);MEAS:VOLT? (@2)");
  BOOST_TEST_REQUIRE(units.size() == 3u);
  BOOST_TEST((units[0].parameters == Header{"5", "(@1,3)"}));
  BOOST_TEST((units[1].parameters == Header{"(@1:3)"}));
  BOOST_TEST(!units[1].error.has_value());
  using ob::fixtures::parse_scpi_channel_list;
  BOOST_TEST((parse_scpi_channel_list("(@1,3)", 3) == std::vector<int>{1, 3}));
  BOOST_TEST((parse_scpi_channel_list(" (@1:3) ", 3) == std::vector<int>{1, 2, 3}));
  BOOST_TEST((parse_scpi_channel_list("(@3:2,1)", 3) == std::vector<int>{2, 3, 1}));
  BOOST_TEST(!parse_scpi_channel_list("(@4)", 3).has_value());
  BOOST_TEST(!parse_scpi_channel_list("(@)", 3).has_value());
  BOOST_TEST(!parse_scpi_channel_list("(@1,x)", 3).has_value());
  BOOST_TEST(!parse_scpi_channel_list("(1)", 3).has_value());
  BOOST_TEST(!parse_scpi_channel_list("(@1", 3).has_value());
  BOOST_TEST(ob::fixtures::scpi_error_event_bit(ScpiError::undefined_header) == 32);
  BOOST_TEST(ob::fixtures::scpi_error_event_bit(ScpiError::data_out_of_range) == 16);
  BOOST_TEST(ob::fixtures::scpi_error_event_bit(ScpiError::queue_overflow) == 8);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dp832_commands)

BOOST_FIXTURE_TEST_CASE(identifies_as_a_dp832, Dp832Fixture) {
  BOOST_TEST(psu.execute("*IDN?") == "RIGOL TECHNOLOGIES,DP832,DP8C000SIM0001,00.01.16\n");
  BOOST_TEST(psu.execute("*idn?") == "RIGOL TECHNOLOGIES,DP832,DP8C000SIM0001,00.01.16\n");
  BOOST_TEST(psu.execute("*OPC?") == "1\n");
  BOOST_TEST(psu.execute("*IDN?;*OPC?") == "RIGOL TECHNOLOGIES,DP832,DP8C000SIM0001,00.01.16;1\n");
  BOOST_TEST(next_error() == "+0,\"No error\"\n");
}

BOOST_FIXTURE_TEST_CASE(long_and_short_forms_set_the_same_thing, Dp832Fixture) {
  BOOST_TEST(psu.execute(":SOURce:VOLTage:LEVel:IMMediate:AMPLitude 12.5").empty());
  BOOST_TEST(psu.execute("VOLT?") == "12.500\n");
  BOOST_TEST(psu.execute("volt 3.3") == "");
  BOOST_TEST(psu.execute(":SOUR:VOLT:LEV:IMM:AMPL?") == "3.300\n");
  BOOST_TEST(psu.execute("SOURce1:CURRent 0.75") == "");
  BOOST_TEST(psu.execute("curr?") == "0.7500\n");
  BOOST_TEST(psu.execute("SOUR2:VOLT 7") == "");  // the suffix names the channel
  BOOST_TEST(psu.execute(":APPL? CH2") == "CH2,7.000,3.0000\n");
  BOOST_TEST(psu.execute("VOLT? MAX") == "30.000\n");
  BOOST_TEST(next_error() == "+0,\"No error\"\n");
}

BOOST_FIXTURE_TEST_CASE(channel_selection_and_apply, Dp832Fixture) {
  BOOST_TEST(psu.execute(":INST?") == "CH1\n");
  BOOST_TEST(psu.execute(":INST:NSEL 2") == "");
  BOOST_TEST(psu.execute(":INST:NSEL?") == "2\n");
  BOOST_TEST(psu.execute(":INSTrument:SELect CH3;:INST?") == "CH3\n");
  BOOST_TEST(psu.execute(":INST CH1") == "");
  BOOST_TEST(psu.execute(":APPL CH2,5,1") == "");
  BOOST_TEST(psu.execute(":APPL? CH2") == "CH2,5.000,1.0000\n");
  BOOST_TEST(psu.execute(":APPL? CH1") == "CH1,0.000,3.0000\n");
  BOOST_TEST(psu.execute(":INST:NSEL 2;:VOLT 7;:CURR 0.5;:APPL? CH2") == "CH2,7.000,0.5000\n");
  BOOST_TEST(psu.execute("SOUR:VOLT 6;CURR 0.25;:APPL?") == "CH2,6.000,0.2500\n");  // compound context
  BOOST_TEST(psu.execute(":SOUR:VOLT:LEV:IMM 4;CURR 0.125;:APPL?") == "CH2,4.000,0.1250\n");
  BOOST_TEST(next_error() == "+0,\"No error\"\n");
}

BOOST_FIXTURE_TEST_CASE(errors_are_queued_and_settings_left_unchanged, Dp832Fixture) {
  psu.execute(":APPL CH1,12,2");
  BOOST_TEST(psu.execute("VOLT 31").empty());
  BOOST_TEST(psu.execute("VOLT?") == "12.000\n");
  BOOST_TEST(next_error() == "-222,\"Data out of range\"\n");
  BOOST_TEST(next_error() == "+0,\"No error\"\n");

  BOOST_TEST(psu.execute(":APPL CH3,6").empty());  // CH3 is a 5 V channel
  BOOST_TEST(psu.execute(":APPL? CH3") == "CH3,0.000,3.0000\n");
  BOOST_TEST(psu.execute(":SYST:ERR?") == "-222,\"Data out of range\"\n");

  BOOST_TEST(psu.execute("CURR 3.5").empty());
  BOOST_TEST(psu.execute("BOGus:HEADer 1").empty());
  BOOST_TEST(psu.execute("FOO?").empty());  // an unknown query answers nothing
  BOOST_TEST(psu.execute("VOLT").empty());
  BOOST_TEST(psu.execute("VOLT 1,2").empty());
  BOOST_TEST(psu.execute("VOLT twelve").empty());
  BOOST_TEST(psu.execute("OUTP CH4,ON").empty());
  BOOST_TEST(psu.execute("VOLT,5").empty());
  BOOST_TEST(psu.queued_errors() == 8u);
  BOOST_TEST(next_error() == "-222,\"Data out of range\"\n");
  BOOST_TEST(next_error() == "-113,\"Undefined header\"\n");
  BOOST_TEST(next_error() == "-113,\"Undefined header\"\n");
  BOOST_TEST(next_error() == "-109,\"Missing parameter\"\n");
  BOOST_TEST(next_error() == "-108,\"Parameter not allowed\"\n");
  BOOST_TEST(next_error() == "-104,\"Data type error\"\n");
  BOOST_TEST(next_error() == "-224,\"Illegal parameter value\"\n");
  BOOST_TEST(next_error() == "-103,\"Invalid separator\"\n");
  BOOST_TEST(next_error() == "+0,\"No error\"\n");
  BOOST_TEST(psu.execute("VOLT?;CURR?") == "12.000;2.0000\n");

  // A good unit after a bad one in the same message still runs.
  BOOST_TEST(psu.execute("VOLT 99;CURR 1;CURR?") == "1.0000\n");
  BOOST_TEST(psu.execute("*CLS;SYST:ERR?") == "+0,\"No error\"\n");
}

BOOST_FIXTURE_TEST_CASE(error_queue_overflow_is_reported, Dp832Fixture) {
  for (int i = 0; i < 25; ++i) psu.execute("NOPE");
  BOOST_TEST(psu.queued_errors() == 20u);
  for (int i = 0; i < 19; ++i) BOOST_TEST(next_error() == "-113,\"Undefined header\"\n");
  BOOST_TEST(next_error() == "-350,\"Queue overflow\"\n");
  BOOST_TEST(next_error() == "+0,\"No error\"\n");
}

BOOST_FIXTURE_TEST_CASE(output_and_measurements_follow_the_board, Dp832Fixture) {
  BOOST_TEST(psu.execute(":OUTP?") == "OFF\n");
  BOOST_TEST(psu.execute(":MEAS:ALL? CH1") == "0.0000,0.0000,0.000\n");
  psu.execute(":APPL CH1,12,3");
  BOOST_TEST(psu.execute(":OUTP CH1,ON").empty());
  BOOST_TEST(psu.execute(":OUTP? CH1") == "ON\n");
  BOOST_TEST(psu.execute(":OUTP? CH2") == "OFF\n");
  // The board idles at 4 W: 12 V, 0.3333 A.
  BOOST_TEST(psu.execute(":MEAS:VOLT? CH1") == "12.0000\n");
  BOOST_TEST(psu.execute(":MEASure:CURRent? CH1") == "0.3333\n");
  BOOST_TEST(psu.execute(":MEAS:POWE?") == "4.000\n");
  BOOST_TEST(psu.execute(":MEAS?") == "12.0000\n");
  BOOST_TEST(psu.execute(":MEAS:ALL?") == "12.0000,0.3333,4.000\n");
  BOOST_TEST(psu.execute(":OUTP:MODE? CH1") == "CV\n");
  BOOST_TEST(lab.snapshot().boards[0].powered);

  psu.execute(":CURR 0.2");  // 2.4 W available < 4 W idle: constant current
  BOOST_TEST(psu.execute(":OUTP:MODE?") == "CC\n");
  BOOST_TEST(psu.execute(":MEAS:CURR?") == "0.2000\n");

  BOOST_TEST(psu.execute(":OUTP OFF").empty());
  BOOST_TEST(psu.execute(":OUTP?") == "OFF\n");
  BOOST_TEST(!lab.snapshot().boards[0].powered);
  BOOST_TEST(psu.execute(":OUTP 1;:OUTP?") == "ON\n");
  BOOST_TEST(psu.execute(":OUTP:STAT 0;:OUTP:STAT?") == "OFF\n");
  BOOST_TEST(next_error() == "+0,\"No error\"\n");
}

BOOST_FIXTURE_TEST_CASE(over_current_protection_trips_the_output, Dp832Fixture) {
  psu.execute(":APPL CH1,12,3;:OUTP CH1,ON");
  BOOST_TEST(psu.execute(":OUTP:OCP:VAL?") == "3.300\n");
  BOOST_TEST(psu.execute(":OUTP:OCP:VAL CH1,0.2").empty());
  BOOST_TEST(psu.execute(":OUTP:OCP:VAL? CH1") == "0.200\n");
  BOOST_TEST(psu.execute(":OUTP:OCP:QUES? CH1") == "NO\n");
  BOOST_TEST(psu.execute(":OUTP:OCP CH1,ON").empty());  // 0.333 A > 0.2 A
  BOOST_TEST(psu.execute(":OUTP:OCP? CH1") == "ON\n");
  BOOST_TEST(psu.execute(":OUTP:OCP:QUES? CH1") == "YES\n");
  BOOST_TEST(psu.execute(":OUTP? CH1") == "OFF\n");
  BOOST_TEST(psu.execute(":OUTP:OCP:CLEAR CH1;:OUTP:OCP:QUES? CH1") == "NO\n");
  BOOST_TEST(psu.execute(":OUTP:OCP:STAT OFF;:OUTP ON;:OUTP?") == "ON\n");

  BOOST_TEST(psu.execute(":OUTP:OVP:VAL 11;:OUTP:OVP ON").empty());
  BOOST_TEST(psu.execute(":OUTP:OVP:QUES?;:OUTP?") == "YES;OFF\n");
  BOOST_TEST(psu.execute(":OUTP:OVP:VAL 40").empty());  // over the 33 V OVP range
  BOOST_TEST(next_error() == "-222,\"Data out of range\"\n");
  BOOST_TEST(next_error() == "+0,\"No error\"\n");
}

BOOST_FIXTURE_TEST_CASE(reset_returns_to_a_safe_state, Dp832Fixture) {
  psu.execute(":APPL CH1,12,3;:OUTP CH1,ON;:INST CH2");
  BOOST_TEST(psu.execute("*RST").empty());
  BOOST_TEST(psu.execute(":OUTP? CH1;:APPL? CH1;:INST?") == "OFF;CH1,0.000,3.0000;CH1\n");
  BOOST_TEST(psu.execute(":SYST:REM").empty());
  BOOST_TEST(psu.remote());
  BOOST_TEST(psu.execute(":SYSTem:LOCal").empty());
  BOOST_TEST(!psu.remote());
}

BOOST_AUTO_TEST_SUITE_END()
