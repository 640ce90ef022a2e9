// SCPI dialect tables, reply parsers, command templates and number formatting: pure code.
#include <boost/test/unit_test.hpp>
#include <clocale>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "drivers/chamber/espec_chamber.hpp"
#include "drivers/common/number_text.hpp"
#include "drivers/scpi/scpi_dialect.hpp"

using namespace ob::drivers;

BOOST_AUTO_TEST_SUITE(dialect_tables)

BOOST_AUTO_TEST_CASE(rigol_dp832_found_by_idn_model) {
  auto match = find_scpi_dialect("DP832");
  BOOST_REQUIRE(match);
  BOOST_TEST(match->dialect->family == "Rigol DP800");
  BOOST_TEST(match->model->name == "DP832");
  BOOST_REQUIRE_EQUAL(match->model->channels.size(), 3u);
  BOOST_TEST(match->model->channels[0].max_voltage_v == 30.0);
  BOOST_TEST(match->model->channels[1].max_current_a == 3.0);
  BOOST_TEST(match->model->channels[2].max_voltage_v == 5.0);
  BOOST_TEST(match->model->channels[2].max_current_a == 3.0);
  BOOST_TEST(match->dialect->commands.select_channel == ":INST:NSEL {ch}");
}

BOOST_AUTO_TEST_CASE(lookup_is_case_insensitive_and_knows_variants) {
  BOOST_TEST(find_scpi_dialect("dp832a")->model->name == "DP832");
  BOOST_TEST(find_scpi_dialect(" DP821 ")->model->channels.size() == 2u);
  BOOST_TEST(find_scpi_dialect("DP811")->model->channels.size() == 1u);
  BOOST_TEST(find_scpi_dialect("DP831")->model->channels[0].max_voltage_v == 8.0);
}

BOOST_AUTO_TEST_CASE(keysight_e36312a_found_by_idn_model) {
  auto match = find_scpi_dialect("E36312A");
  BOOST_REQUIRE(match);
  BOOST_TEST(match->dialect->family == "Keysight E36300");
  BOOST_REQUIRE_EQUAL(match->model->channels.size(), 3u);
  BOOST_TEST(match->model->channels[0].max_voltage_v == 6.0);
  BOOST_TEST(match->model->channels[0].max_current_a == 5.0);
  BOOST_TEST(match->model->channels[1].max_voltage_v == 25.0);
  BOOST_TEST(match->model->channels[2].max_current_a == 1.0);
  BOOST_TEST(match->dialect->commands.select_channel.empty());
  BOOST_TEST(match->dialect->commands.measure_power.empty());
}

BOOST_AUTO_TEST_CASE(unknown_models_are_not_matched) {
  BOOST_TEST(!find_scpi_dialect("DP900"));
  BOOST_TEST(!find_scpi_dialect("XDP832"));  // whole-field match, not a substring
  BOOST_TEST(!find_scpi_dialect("DP8320"));
  BOOST_TEST(!find_scpi_dialect(""));
  BOOST_TEST(supported_scpi_models().find("E36312A") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_table_template_renders) {
  for (const auto& dialect : scpi_dialects()) {
    const auto& c = dialect.commands;
    for (const auto* tmpl : {&c.select_channel, &c.set_voltage, &c.set_current, &c.output_on, &c.output_off,
                             &c.query_output, &c.measure_voltage, &c.measure_current, &c.measure_power, &c.error_query}) {
      BOOST_CHECK_NO_THROW(render_command(*tmpl, {{"ch", "1"}, {"v", "1.000"}, {"a", "1.000"}}));
    }
    BOOST_TEST(!dialect.models.empty());
    for (const auto& model : dialect.models) BOOST_TEST(find_scpi_dialect(model.name)->model == &model);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(templates)

BOOST_AUTO_TEST_CASE(rigol_commands) {
  const auto& c = find_scpi_dialect("DP832")->dialect->commands;
  BOOST_TEST(render_command(c.select_channel, {{"ch", "2"}}) == ":INST:NSEL 2");
  BOOST_TEST(render_command(c.set_voltage, {{"v", format_fixed(5, 3)}}) == ":SOUR:VOLT 5.000");
  BOOST_TEST(render_command(c.output_on, {{"ch", "3"}}) == ":OUTP CH3,ON");
  BOOST_TEST(render_command(c.measure_voltage, {{"ch", "1"}}) == ":MEAS:VOLT? CH1");
  BOOST_TEST(needs_channel_select(c.set_voltage));
  BOOST_TEST(!needs_channel_select(c.output_on));
}

BOOST_AUTO_TEST_CASE(keysight_channel_list_commands) {
  const auto& c = find_scpi_dialect("E36312A")->dialect->commands;
  BOOST_TEST(render_command(c.set_voltage, {{"ch", "1"}, {"v", format_fixed(5, 3)}}) == "VOLT 5.000,(@1)");
  BOOST_TEST(render_command(c.set_current, {{"ch", "2"}, {"a", format_fixed(0.25, 4)}}) == "CURR 0.2500,(@2)");
  BOOST_TEST(render_command(c.output_off, {{"ch", "3"}}) == "OUTP OFF,(@3)");
  BOOST_TEST(render_command(c.measure_current, {{"ch", "1"}}) == "MEAS:CURR? (@1)");
  BOOST_TEST(!needs_channel_select(c.set_voltage));
}

BOOST_AUTO_TEST_CASE(missing_or_broken_placeholders_throw) {
  BOOST_CHECK_THROW(render_command("VOLT {v},(@{ch})", {{"ch", "1"}}), std::invalid_argument);
  BOOST_CHECK_THROW(render_command("VOLT {v", {{"v", "1"}}), std::invalid_argument);
  BOOST_TEST(render_command("*IDN?", {}) == "*IDN?");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(numbers)

BOOST_AUTO_TEST_CASE(fixed_point_formatting) {
  BOOST_TEST(format_fixed(5, 3) == "5.000");
  BOOST_TEST(format_fixed(12.3456, 1) == "12.3");
  BOOST_TEST(format_fixed(0.0005, 3) == "0.001");  // 0.0005 is stored just above the tie
  BOOST_TEST(format_fixed(-0.0001, 3) == "0.000");  // no "-0.000"
  BOOST_TEST(format_fixed(-12.25, 1) == "-12.2");
  BOOST_TEST(format_fixed(30, 0) == "30");
}

BOOST_AUTO_TEST_CASE(formatting_ignores_the_c_locale) {
  const char* previous = std::setlocale(LC_NUMERIC, nullptr);
  const std::string saved = previous ? previous : "C";
  bool switched = false;
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "C.UTF-8"}) {
    if (std::setlocale(LC_NUMERIC, name)) {
      switched = true;
      break;
    }
  }
  BOOST_TEST(format_fixed(5.5, 3) == "5.500");
  BOOST_TEST(parse_number("5.5").value() == 5.5);
  std::setlocale(LC_NUMERIC, saved.c_str());
  BOOST_TEST_MESSAGE("locale switched: " << switched);
}

BOOST_AUTO_TEST_CASE(number_parsing) {
  BOOST_TEST(parse_number("5.000").value() == 5.0);
  BOOST_TEST(parse_number(" +5.00000E+00\r").value() == 5.0);
  BOOST_TEST(parse_number("-0.25").value() == -0.25);
  BOOST_TEST(!parse_number("5V"));
  BOOST_TEST(!parse_number(""));
  BOOST_TEST(!parse_number("1,2"));
  BOOST_TEST(!parse_number("nan"));
  BOOST_TEST(parse_integer("+0").value() == 0);
  BOOST_TEST(!parse_integer("1.5"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(replies)

BOOST_AUTO_TEST_CASE(idn_four_fields) {
  auto id = parse_idn_reply("RIGOL TECHNOLOGIES,DP832,DP8C233203778,00.01.16\r\n");
  BOOST_REQUIRE(id);
  BOOST_TEST(id->vendor == "RIGOL TECHNOLOGIES");
  BOOST_TEST(id->model == "DP832");
  BOOST_TEST(id->serial == "DP8C233203778");
  BOOST_TEST(id->firmware == "00.01.16");
}

BOOST_AUTO_TEST_CASE(idn_siglent_five_fields) {
  auto id = parse_idn_reply("Siglent Technologies,SPD3303X-E,SPD3XIDX5R3677,1.01.01.02.07R2,V3.0");
  BOOST_REQUIRE(id);
  BOOST_TEST(id->model == "SPD3303X-E");
  BOOST_TEST(id->firmware == "1.01.01.02.07R2,V3.0");
}

BOOST_AUTO_TEST_CASE(idn_malformed) {
  BOOST_TEST(!parse_idn_reply("RIGOL,DP832,SN"));
  BOOST_TEST(!parse_idn_reply("RIGOL,,SN,FW"));
  BOOST_TEST(!parse_idn_reply(""));
}

BOOST_AUTO_TEST_CASE(error_queue_forms) {
  auto none = parse_error_reply("+0,\"No error\"");
  BOOST_REQUIRE(none);
  BOOST_TEST(!none->is_error());
  BOOST_TEST(none->text == "No error");

  auto range = parse_error_reply("-222,\"Data out of range\"\n");
  BOOST_REQUIRE(range);
  BOOST_TEST(range->code == -222);
  BOOST_TEST(range->text == "Data out of range");
  BOOST_TEST(range->is_error());

  auto old_siglent = parse_error_reply("0 No Error");
  BOOST_REQUIRE(old_siglent);
  BOOST_TEST(old_siglent->code == 0);
  BOOST_TEST(old_siglent->text == "No Error");

  auto new_siglent = parse_error_reply("+0, No Error");
  BOOST_REQUIRE(new_siglent);
  BOOST_TEST(!new_siglent->is_error());
  BOOST_TEST(new_siglent->text == "No Error");

  auto spaced = parse_error_reply("-113, \"Undefined header\"");
  BOOST_REQUIRE(spaced);
  BOOST_TEST(spaced->code == -113);
  BOOST_TEST(spaced->text == "Undefined header");

  BOOST_TEST(!parse_error_reply("No error"));
  BOOST_TEST(!parse_error_reply(""));
}

BOOST_AUTO_TEST_CASE(output_state) {
  BOOST_TEST(parse_on_off("ON").value());
  BOOST_TEST(!parse_on_off("off").value());
  BOOST_TEST(parse_on_off("1\n").value());
  BOOST_TEST(!parse_on_off("0").value());
  BOOST_TEST(!parse_on_off("CV"));
}

BOOST_AUTO_TEST_CASE(espec_type_and_rom) {
  auto dry = parse_espec_type("T,P300,150\r\n");
  BOOST_REQUIRE(dry);
  BOOST_TEST(dry->drybulb == "T");
  BOOST_TEST(!dry->wetbulb);
  BOOST_TEST(dry->controller == "P300");
  BOOST_TEST(dry->temp_max_c == 150.0);
  auto humid = parse_espec_type("T,S,SCP220,100");
  BOOST_REQUIRE(humid);
  BOOST_TEST(*humid->wetbulb == "S");
  BOOST_TEST(humid->controller == "SCP220");
  BOOST_TEST(humid->temp_max_c == 100.0);
  BOOST_TEST(!parse_espec_type("SCP-220,ETH,SIM"));  // no tempmax
  BOOST_TEST(!parse_espec_type("T,,150"));
  BOOST_TEST(!parse_espec_type("150"));
  BOOST_TEST(!parse_espec_type("NA:CMD ERR"));
  BOOST_TEST(espec_model_from_rom("P300 Ver 1.06\r\n") == "P300");
  BOOST_TEST(espec_model_from_rom("  ") == "");
}

BOOST_AUTO_TEST_CASE(espec_temp_and_mon) {
  auto temp = parse_espec_temp("26.4,0.0,140.0,-50.0\r\n");
  BOOST_REQUIRE(temp);
  BOOST_TEST(temp->pv_c == 26.4);
  BOOST_TEST(temp->sp_c == 0.0);
  BOOST_TEST(temp->high_limit_c == 140.0);
  BOOST_TEST(temp->low_limit_c == -50.0);
  BOOST_TEST(!parse_espec_temp("26.4,0.0,140.0"));
  BOOST_TEST(!parse_espec_temp("NA:CMD ERR"));

  auto mon = parse_espec_mon("24.1,100,CONSTANT,0");
  BOOST_REQUIRE(mon);
  BOOST_TEST(mon->air_temp_c == 24.1);
  BOOST_TEST(mon->running);
  BOOST_TEST(mon->alarm_count == 0);
  auto standby = parse_espec_mon("24.1,STANDBY,2");  // temperature-only controller
  BOOST_REQUIRE(standby);
  BOOST_TEST(!standby->running);
  BOOST_TEST(standby->alarm_count == 2);
  BOOST_TEST(!parse_espec_mon("24.1"));
  BOOST_TEST(!parse_espec_mon("x,100,CONSTANT,0"));
}

BOOST_AUTO_TEST_SUITE_END()

// `;`-compound queries (IEEE 488.2 §7.4 / §8.4.1): the program message the driver sends and the
// response message it splits.
BOOST_AUTO_TEST_SUITE(compound_queries)

BOOST_AUTO_TEST_CASE(units_after_the_first_restart_at_the_root) {
  // Without the `:` after `;`, MEAS:CURR? would continue MEAS:VOLT?'s path (MEAS:MEAS:CURR?).
  BOOST_TEST(join_compound_queries({"MEAS:VOLT? (@1)", "MEAS:CURR? (@1)", "OUTP? (@1)"}) ==
             "MEAS:VOLT? (@1);:MEAS:CURR? (@1);:OUTP? (@1)");
  // Already rooted units and common commands keep their form.
  BOOST_TEST(join_compound_queries({":MEAS:VOLT? CH1", ":MEAS:CURR? CH1", "*OPC?"}) ==
             ":MEAS:VOLT? CH1;:MEAS:CURR? CH1;*OPC?");
  BOOST_TEST(join_compound_queries({"MEAS:VOLT?"}) == "MEAS:VOLT?");
  BOOST_TEST(join_compound_queries({}).empty());
}

BOOST_AUTO_TEST_CASE(reply_splits_at_semicolons_and_keeps_commas) {
  using Fields = std::vector<std::string>;
  BOOST_TEST(split_compound_reply("+5.0E+00;+1.2E-01;1\n") == (Fields{"+5.0E+00", "+1.2E-01", "1"}));
  // A unit of its own may hold commas (a channel list's answer, an error entry).
  BOOST_TEST(split_compound_reply("1,0;+0,\"No error\"") == (Fields{"1,0", "+0,\"No error\""}));
  // ';' inside a quoted string is data, not a separator.
  BOOST_TEST(split_compound_reply("\"a;b\";'c;d';2") == (Fields{"\"a;b\"", "'c;d'", "2"}));
  BOOST_TEST(split_compound_reply(" 1 ; 2 ") == (Fields{"1", "2"}));
  BOOST_TEST(split_compound_reply("") == (Fields{""}));
  BOOST_TEST(split_compound_reply("1;;3") == (Fields{"1", "", "3"}));
}

BOOST_AUTO_TEST_CASE(no_family_batches_until_two_sources_confirm_it) {
  // drivers/README.md "Compound queries" says why each family is unbatched; flipping one is a
  // table change that must come with its sources.
  for (const auto& dialect : scpi_dialects()) BOOST_TEST(!dialect.compound_queries, dialect.family);
}

BOOST_AUTO_TEST_SUITE_END()
