// Dialect tables for the newer SCPI families (resolved from real *IDN? replies, rendered),
// status-word decoding, and the Watlow F4T / Modbus TCP pure code: pure code, no I/O.
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "drivers/chamber/watlow_f4t.hpp"
#include "drivers/common/number_text.hpp"
#include "drivers/instrument_factory.hpp"
#include "drivers/scpi/scpi_dialect.hpp"
#include "drivers/transport/modbus_tcp.hpp"

using namespace ob::drivers;

namespace {

const ScpiMatch& match_idn(const std::string& idn) {
  static std::vector<ScpiMatch> keep;
  auto identity = parse_idn_reply(idn);
  BOOST_TEST_REQUIRE(identity.has_value());
  auto match = find_scpi_dialect(identity->model);
  BOOST_TEST_REQUIRE(match.has_value(), "no dialect for " << identity->model);
  keep.push_back(*match);
  return keep.back();
}

std::string render(const std::string& tmpl, const std::string& ch = "1") {
  return render_command(tmpl, {{"ch", ch}, {"v", "5.000"}, {"a", "1.000"}, {"s", "10"}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(new_dialects)

BOOST_AUTO_TEST_CASE(rohde_schwarz_ngp800_from_idn) {
  const auto& m = match_idn("Rohde&Schwarz,NGP814,5318.0002k04/101234,01.203 V1.1");
  BOOST_TEST(m.dialect->family == "Rohde & Schwarz NGP800");
  BOOST_REQUIRE_EQUAL(m.model->channels.size(), 4u);
  BOOST_TEST(m.model->channels[3].max_voltage_v == 32.0);
  BOOST_TEST(m.model->channels[3].max_current_a == 20.0);
  BOOST_TEST(m.model->channels[0].max_power_w == 200.0);
  const auto& c = m.dialect->commands;
  BOOST_TEST(render(c.select_channel, "3") == "INST:NSEL 3");
  BOOST_TEST(render(c.set_voltage) == "VOLT 5.000");
  BOOST_TEST(render(c.output_on) == "OUTP:SEL ON");
  BOOST_TEST(render(c.output_master_on) == "OUTP:GEN ON");
  BOOST_TEST(render(c.output_master_off) == "OUTP:GEN OFF");
  BOOST_TEST(render(c.ocp_on) == "FUSE:STAT ON");
  BOOST_TEST(c.set_ocp_level.empty());  // the fuse trips at the current limit
  BOOST_TEST(needs_channel_select(c.set_voltage));
  BOOST_TEST(decode_output_state(c, 1, "1").value());  // booleans 1/0
  BOOST_TEST(find_scpi_dialect("NGP824")->model->channels[0].max_voltage_v == 64.0);
}

BOOST_AUTO_TEST_CASE(rohde_schwarz_nge100_from_idn) {
  const auto& m = match_idn("Rohde&Schwarz,NGE103B,5601.3800k03/102345,1.54");
  BOOST_TEST(m.dialect->family == "Rohde & Schwarz NGE100");
  BOOST_TEST(m.model->channels.size() == 3u);
  BOOST_TEST(find_scpi_dialect("NGE102B")->model->channels.size() == 2u);
  BOOST_TEST(find_scpi_dialect("nge102")->model->name == "NGE102B");
  const auto& c = m.dialect->commands;
  BOOST_TEST(render(c.query_regulation, "2") == "STAT:QUES:INST:ISUM2:COND?");
  BOOST_TEST(decode_regulation(c, 2, "1").value() == PsuRegulation::constant_current);
  BOOST_TEST(decode_regulation(c, 2, "2").value() == PsuRegulation::constant_voltage);
  BOOST_TEST(decode_regulation(c, 2, "0").value() == PsuRegulation::unknown);
}

BOOST_AUTO_TEST_CASE(siglent_spd3303x_quirks) {
  const auto& m = match_idn("Siglent Technologies,SPD3303X-E,SPD3XIDX5R3677,1.01.01.02.07R2,V3.0");
  BOOST_TEST(m.dialect->family == "Siglent SPD3303X");
  BOOST_REQUIRE_EQUAL(m.model->channels.size(), 2u);  // CH3 is fixed, not programmable
  BOOST_TEST(m.model->channels[1].max_current_a == 3.2);
  BOOST_TEST(find_scpi_dialect("SPD3303X")->model == m.model);
  const auto& c = m.dialect->commands;
  BOOST_TEST(render(c.set_voltage, "2") == "CH2:VOLT 5.000");
  BOOST_TEST(render(c.output_on, "1") == "OUTP CH1,ON");
  BOOST_TEST(render(c.measure_power, "2") == "MEAS:POWE? CH2");
  BOOST_TEST(!needs_channel_select(c.set_voltage));
  BOOST_TEST(!parse_error_reply("0 No Error")->is_error());
  // SYST:STAT? 0x0031: CH1 CC (bit 0), CH1 on (bit 4), CH2 on (bit 5), CH2 CV (bit 1 clear).
  BOOST_TEST(decode_output_state(c, 1, "0x0031").value());
  BOOST_TEST(decode_output_state(c, 2, "0x0031").value());
  BOOST_TEST(!decode_output_state(c, 2, "0x0010").value());
  BOOST_TEST(decode_regulation(c, 1, "0x0031").value() == PsuRegulation::constant_current);
  BOOST_TEST(decode_regulation(c, 2, "0x0031").value() == PsuRegulation::constant_voltage);
  const auto caps = scpi_capabilities(c);
  BOOST_TEST(!caps.ovp);
  BOOST_TEST(!caps.watchdog);
  BOOST_TEST(caps.regulation);
}

BOOST_AUTO_TEST_CASE(keysight_e36313a_protection_and_watchdog) {
  const auto& m = match_idn("Keysight Technologies,E36313A,MY61004321,2.1.0-1.0.4-1.12");
  BOOST_REQUIRE_EQUAL(m.model->channels.size(), 3u);
  BOOST_TEST(m.model->channels[0].max_current_a == 10.0);
  BOOST_TEST(m.model->channels[2].max_voltage_v == 25.0);
  const auto& c = m.dialect->commands;
  BOOST_TEST(render(c.set_ovp_level, "2") == "VOLT:PROT 5.000,(@2)");
  BOOST_TEST(render(c.query_ocp_tripped, "3") == "CURR:PROT:TRIP? (@3)");
  BOOST_TEST(render(c.set_watchdog_delay) == "OUTP:PROT:WDOG:DEL 10");
  const auto caps = scpi_capabilities(c);
  BOOST_TEST(caps.watchdog);
  BOOST_TEST(caps.ovp_level);
  BOOST_TEST(!caps.ocp_level);
  BOOST_TEST(caps.ocp);
}

BOOST_AUTO_TEST_CASE(rigol_dp821_dp811_and_protection) {
  const auto& dp821 = match_idn("RIGOL TECHNOLOGIES,DP821A,DP8B1234,00.01.14");
  BOOST_REQUIRE_EQUAL(dp821.model->channels.size(), 2u);
  BOOST_TEST(dp821.model->channels[0].max_voltage_v == 60.0);
  BOOST_TEST(dp821.model->channels[1].max_current_a == 10.0);
  const auto& dp811 = match_idn("RIGOL TECHNOLOGIES,DP811,DP8A5678,00.01.14");
  BOOST_TEST(dp811.model->channels.size() == 1u);
  const auto& c = dp811.dialect->commands;
  BOOST_TEST(render(c.set_ovp_level, "2") == ":OUTP:OVP:VAL CH2,5.000");
  BOOST_TEST(render(c.query_regulation, "1") == ":OUTP:MODE? CH1");
  BOOST_TEST(decode_regulation(c, 1, "CC").value() == PsuRegulation::constant_current);
  BOOST_TEST(decode_regulation(c, 1, "UR").value() == PsuRegulation::unregulated);
  BOOST_TEST(!decode_regulation(c, 1, "XX"));
  BOOST_TEST(!scpi_capabilities(c).watchdog);
}

BOOST_AUTO_TEST_CASE(every_new_template_renders) {
  for (const auto& dialect : scpi_dialects()) {
    const auto& c = dialect.commands;
    for (const auto* tmpl : {&c.output_master_on, &c.output_master_off, &c.query_regulation, &c.set_ovp_level, &c.ovp_on,
                             &c.ovp_off, &c.query_ovp_tripped, &c.clear_ovp, &c.set_ocp_level, &c.ocp_on, &c.ocp_off,
                             &c.query_ocp_tripped, &c.clear_ocp, &c.watchdog_on, &c.watchdog_off, &c.set_watchdog_delay}) {
      BOOST_CHECK_NO_THROW(render(*tmpl));
    }
  }
}

BOOST_AUTO_TEST_CASE(flags_and_status_words) {
  BOOST_TEST(parse_flag("YES").value());
  BOOST_TEST(!parse_flag("no").value());
  BOOST_TEST(parse_flag("1").value());
  BOOST_TEST(!parse_flag("maybe"));
  BOOST_TEST(parse_status_word("0x0224").value() == 0x224u);
  BOOST_TEST(parse_status_word("+3").value() == 3u);
  BOOST_TEST(parse_status_word("+2.00000E+00").value() == 2u);
  BOOST_TEST(!parse_status_word("0xZZ"));
  BOOST_TEST(!parse_status_word("-1"));
  BOOST_TEST(std::string(to_string(PsuRegulation::constant_current)) == "CC");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(watlow_f4t_and_modbus)

BOOST_AUTO_TEST_CASE(float_words_low_first) {
  // 25.0f = 0x41C80000: low word 0x0000 first, then 0x41C8.
  auto [low, high] = float_to_words_low_first(25.0f);
  BOOST_TEST(low == 0x0000u);
  BOOST_TEST(high == 0x41C8u);
  // -40.5f = 0xC2220000; 23.4f = 0x41BB3333.
  auto words = float_to_words_low_first(23.4f);
  BOOST_TEST(words.first == 0x3333u);
  BOOST_TEST(words.second == 0x41BBu);
  BOOST_TEST(float_from_words_low_first(0x0000, 0xC222) == -40.5f);
  BOOST_TEST(float_from_words_low_first(0x3333, 0x41BB) == 23.4f);
}

BOOST_AUTO_TEST_CASE(register_maths_per_loop) {
  auto loop1 = f4t_registers(1);
  BOOST_TEST(loop1.setpoint == 2782u);
  BOOST_TEST(loop1.process_value == 2820u);
  BOOST_TEST(loop1.current_setpoint == 2810u);
  BOOST_TEST(loop1.range_min == 2774u);
  BOOST_TEST(loop1.range_max == 2776u);
  BOOST_TEST(loop1.loop_mode == 2730u);
  auto loop2 = f4t_registers(2);
  BOOST_TEST(loop2.setpoint == 2782u + 160u);
  BOOST_TEST(loop2.loop_mode == 2730u + 160u);
  BOOST_TEST(f4t_registers(4).process_value == 2820u + 480u);
  BOOST_CHECK_THROW(f4t_registers(0), std::invalid_argument);
  BOOST_CHECK_THROW(f4t_registers(5), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(modbus_frames) {
  const std::vector<std::uint8_t> read{3, 0x0A, 0xDE, 0x00, 0x02};  // 2782 = 0x0ADE
  BOOST_TEST(modbus_read_holding_pdu(2782, 2) == read);
  const std::vector<std::uint8_t> single{6, 0x0A, 0xAA, 0x00, 0x36};  // 2730 <- 54
  BOOST_TEST(modbus_write_single_pdu(2730, 54) == single);
  const std::vector<std::uint8_t> multiple{16, 0x0A, 0xDE, 0x00, 0x02, 0x04, 0x00, 0x00, 0x41, 0xC8};
  BOOST_TEST(modbus_write_multiple_pdu(2782, {0x0000, 0x41C8}) == multiple);
  const std::vector<std::uint8_t> adu{0x00, 0x07, 0x00, 0x00, 0x00, 0x06, 0x01, 3, 0x0A, 0xDE, 0x00, 0x02};
  BOOST_TEST(modbus_adu(7, 1, read) == adu);
  BOOST_TEST(std::string(modbus_exception_name(2)) == "illegal data address");
}

BOOST_AUTO_TEST_CASE(factory_makes_watlow_from_uri) {
  asio::io_context io;
  InstrumentOptions options;
  options.min_temp_c = -20;
  auto chamber = make_thermal_chamber(io.get_executor(), "chamber", parse_uri("watlow-f4t+modbus://10.0.0.8?unit=2&loop=2"),
                                      options);
  auto* f4t = dynamic_cast<WatlowF4tChamber*>(chamber.get());
  BOOST_REQUIRE(f4t != nullptr);
  BOOST_TEST(f4t->registers().setpoint == 2942u);
  BOOST_TEST(chamber->spec().min_temp_c == -20.0);
  BOOST_CHECK_THROW(make_thermal_chamber(io.get_executor(), "c", parse_uri("watlow-f4t+modbus://h?loop=5"), {}),
                    std::invalid_argument);
  BOOST_CHECK_THROW(make_thermal_chamber(io.get_executor(), "c", parse_uri("watlow-f4t+modbus://h?unit=x"), {}),
                    std::invalid_argument);
  BOOST_CHECK_THROW(make_thermal_chamber(io.get_executor(), "c", parse_uri("watlow-f4t+modbus://h?model=f4t"), {}),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
