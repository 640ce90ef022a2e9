// Station and campaign files: bad input is refused with file:line, the field, and the reason.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "bench/config/campaign_config.hpp"
#include "bench/config/config_error.hpp"
#include "bench/config/yaml_reader.hpp"

namespace {

const std::string kStation =
    "station: bench-1\n"
    "instruments:\n"
    "  psu-a: { uri: \"scpi+tcp://127.0.0.1:5025\", model: DP832 }\n"
    "  chamber: { uri: \"espec+tcp://127.0.0.1:10001\", max_ramp_c_per_min: 3 }\n"
    "duts:\n"
    "  board-07:\n"
    "    agent: \"agent://127.0.0.1:7600\"\n"
    "    supply: { instrument: psu-a, channel: 2, voltage_v: 12, max_voltage_v: 12.6, max_current_a: 3 }\n"
    "    limits: { board_temp_c: 80 }\n";

const std::string kCampaign =
    "campaign: c1\n"
    "station: station.yaml\n"
    "orbit: { preset: leo-650, start: 2026-06-21T00:00:00Z }\n"
    "spacecraft: { radiator_area_m2: 2.5, array_pointing: single_axis }\n"
    "lab: { qualification: protoqualification }\n"
    "speed: 60\n"
    "plan:\n"
    "  - baseline: { chamber_c: 20, duration: 5m }\n"
    "  - replay: { orbits: 2 }\n"
    "  - reference: { duration: 1h }\n"
    "limits: { throughput_degradation_pct: { max: 2.5 } }\n";

ob::bench::CampaignConfig parse(const std::string& campaign, const std::string& station = kStation) {
  return ob::bench::parse_campaign("campaign.yaml", campaign, [&](const std::string&, std::string& label) {
    label = "station.yaml";
    return station;
  });
}

// The message of the ConfigError a parse throws.
template <class F>
std::string error_of(F&& parse_call) {
  try {
    parse_call();
  } catch (const ob::bench::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  BOOST_REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_CASE(valid_files_parse) {
  const auto config = parse(kCampaign);
  BOOST_TEST(config.name == "c1");
  BOOST_TEST(config.station.name == "bench-1");
  BOOST_TEST(config.profile.orbit.preset == "leo-650");
  BOOST_TEST(*config.profile.start_utc == "2026-06-21T00:00:00Z");
  BOOST_TEST(config.profile.spacecraft.radiator_area_m2 == 2.5);
  BOOST_TEST(ob::profiles::to_string(config.profile.spacecraft.array_pointing) == "single_axis");
  BOOST_TEST(config.profile.spacecraft.battery_capacity_wh == ob::profiles::Spacecraft{}.battery_capacity_wh);
  BOOST_TEST(ob::profiles::to_string(config.profile.lab.qualification) == "protoqualification");
  BOOST_TEST(config.speed == 60);
  BOOST_REQUIRE(config.plan.size() == 3u);
  BOOST_TEST(config.plan[0].duration_s == 300);
  BOOST_TEST(config.plan[0].chamber_c == 20);
  BOOST_TEST(config.plan[1].orbits == 2);
  BOOST_TEST(config.plan[2].duration_s == 3600);
  BOOST_TEST(*config.limits.max_throughput_degradation_pct == 2.5);
  BOOST_TEST(config.station.duts[0].supply.channel == 2);
  BOOST_TEST(config.station.duts[0].limits.board_temp_c == 80);
  BOOST_TEST(config.station.instruments[1].max_ramp_c_per_min == 3);
}

BOOST_AUTO_TEST_CASE(campaign_limits_per_dut_and_the_chamber_band) {
  std::string campaign = kCampaign;
  replace(campaign, "limits: { throughput_degradation_pct: { max: 2.5 } }",
          "limits: { sdc_count: { max: 0 }, ecc_uncorrected: { max: 0 }, board_temp_c: { max: 83 }, chamber_band_c: 2 }");
  const auto config = parse(campaign);
  BOOST_TEST(config.limits.max_sdc_count.value_or(-1) == 0.0);
  BOOST_TEST(config.limits.max_ecc_uncorrected.value_or(-1) == 0.0);
  BOOST_TEST(config.limits.max_board_temp_c.value_or(-1) == 83.0);
  BOOST_TEST(config.limits.chamber_band_c.value_or(-1) == 2.0);
  BOOST_TEST(!config.limits.max_throughput_degradation_pct.has_value());
  replace(campaign, "sdc_count: { max: 0 }", "sdc_count: { min: 0 }");
  const auto message = error_of([&] { parse(campaign); });
  BOOST_TEST(message.find("campaign.yaml:11: limits.sdc_count.min: unknown key") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(embedded_campaign_parses) {
  const auto config = ob::bench::load_embedded_campaign();
  BOOST_TEST(config.station.simulated);
  BOOST_TEST(config.plan.size() == 3u);
}

BOOST_AUTO_TEST_CASE(unknown_key_names_line_and_field) {
  std::string campaign = kCampaign;
  replace(campaign, "speed: 60", "sped: 60");
  const auto message = error_of([&] { parse(campaign); });
  BOOST_TEST(message.find("campaign.yaml:6: sped: unknown key") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(misspelt_limit_is_refused_not_ignored) {
  std::string station = kStation;
  replace(station, "board_temp_c: 80", "board_tmp_c: 80");
  const auto message = error_of([&] { parse(kCampaign, station); });
  BOOST_TEST(message.find("station.yaml:9: duts.board-07.limits.board_tmp_c: unknown key") != std::string::npos, message);
}

// A key given twice is refused naming both lines, at any depth (issue 19): yaml-cpp keeps both
// and a lookup sees one, so a doubled safety limit would be half-ignored.
BOOST_AUTO_TEST_CASE(a_key_given_twice_is_refused_naming_both_lines) {
  std::string station = kStation;
  replace(station, "max_current_a: 3 }", "max_current_a: 3, max_current_a: 30 }");
  auto message = error_of([&] { parse(kCampaign, station); });
  BOOST_TEST(message.find("station.yaml:8: key 'max_current_a' is given twice (first at line 8)") != std::string::npos, message);
  std::string campaign = kCampaign;
  replace(campaign, "speed: 60\n", "speed: 60\nspeed: 6000\n");
  message = error_of([&] { parse(campaign); });
  BOOST_TEST(message.find("campaign.yaml:7: key 'speed' is given twice (first at line 6)") != std::string::npos, message);
  campaign = kCampaign;
  replace(campaign, "  - reference: { duration: 1h }", "  - reference: { duration: 1h, duration: 2h }");
  message = error_of([&] { parse(campaign); });
  BOOST_TEST(message.find("campaign.yaml:10: key 'duration' is given twice") != std::string::npos, message);
}

// A tab in the indentation is named as a tab, with its line.
BOOST_AUTO_TEST_CASE(a_tab_indented_file_is_told_about_the_tab) {
  std::string campaign = kCampaign;
  replace(campaign, "  - replay: { orbits: 2 }", "\t- replay: { orbits: 2 }");
  const auto message = error_of([&] { parse(campaign); });
  BOOST_TEST(message.find("campaign.yaml:9: YAML syntax: a tab in the indentation") != std::string::npos, message);
}

// Aliases nest without the duplicate-key walk visiting each expansion: 10^8 paths, one walk.
BOOST_AUTO_TEST_CASE(nested_aliases_cost_their_size) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (char level = 'b'; level <= 'i'; ++level) {
    bomb += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 10; ++i) bomb += (i ? ", *" : "*") + previous;
    bomb += "]\n";
    previous = std::string(1, level);
  }
  const auto message = error_of([&] { parse(kCampaign + bomb); });
  BOOST_TEST(message.find("unknown key") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(out_of_range_values_name_the_range) {
  std::string station = kStation;
  replace(station, "voltage_v: 12,", "voltage_v: 14,");
  const auto message = error_of([&] { parse(kCampaign, station); });
  BOOST_TEST(message.find("station.yaml:8: duts.board-07.supply.voltage_v: 14 is outside 0.1 … 12.6") != std::string::npos,
             message);
}

BOOST_AUTO_TEST_CASE(bad_values_are_refused) {
  auto expect = [](std::string campaign, const std::string& from, const std::string& to, const std::string& needle) {
    replace(campaign, from, to);
    const auto message = error_of([&] { parse(campaign); });
    BOOST_TEST(message.find(needle) != std::string::npos, message);
  };
  expect(kCampaign, "preset: leo-650", "preset: leo-9000", "campaign.yaml:3: orbit: unknown orbit preset 'leo-9000'");
  expect(kCampaign, "preset: leo-650,", "preset: leo-650, elements: \"alt=500km,inc=40\",", "campaign.yaml:3: orbit: give exactly one of");
  expect(kCampaign, "preset: leo-650,", "elements: \"alt=500km,inc=forty\",", "campaign.yaml:3: orbit:");
  expect(kCampaign, "start: 2026-06-21T00:00:00Z", "start: midsummer", "campaign.yaml:3: orbit:");
  expect(kCampaign, "radiator_area_m2: 2.5", "radiator_area_m2: -1", "campaign.yaml:4: spacecraft.radiator_area_m2:");
  expect(kCampaign, "radiator_area_m2: 2.5", "radiator_aera_m2: 2.5", "campaign.yaml:4: spacecraft.radiator_aera_m2: unknown key");
  expect(kCampaign, "array_pointing: single_axis", "array_pointing: wobbly", "campaign.yaml:4: spacecraft.array_pointing: 'wobbly' is not one of");
  expect(kCampaign, "qualification: protoqualification", "chamber_max_c: 300", "campaign.yaml:5: lab.chamber_max_c: unknown key");
  expect(kCampaign, "duration: 5m", "duration: five", "campaign.yaml:8: plan[0].baseline.duration: 'five' is not a positive duration");
  expect(kCampaign, "- replay: { orbits: 2 }", "- replay: { orbits: two }", "plan[1].replay.orbits: 'two' is not a number");
  expect(kCampaign, "- replay: { orbits: 2 }", "- soak: { orbits: 2 }", "campaign.yaml:9: plan[1]: unknown step 'soak'");
  expect(kCampaign, "speed: 60", "speed: 0", "campaign.yaml:6: speed: 0 is outside");
  expect(kCampaign, "campaign: c1\n", "", "campaign.yaml:1: campaign: missing (required)");
}

// workload.data: randn by default (real work's power draw), integer on request, nothing else;
// the HBM kernel has no input data to choose.
BOOST_AUTO_TEST_CASE(workload_data_and_its_errors) {
  BOOST_TEST(parse(kCampaign).workload.data == "randn");
  const auto with_workload = [](const std::string& workload) { return kCampaign + "workload: " + workload + "\n"; };
  const auto integer = parse(with_workload("{ kind: gemm, dtype: bf16, data: integer }")).workload;
  BOOST_TEST(integer.data == "integer");
  BOOST_TEST(integer.dtype == "bf16");
  const auto wrong = error_of([&] { parse(with_workload("{ data: ints }")); });
  BOOST_TEST(wrong.find("campaign.yaml:12: workload.data: 'ints': expected randn or integer") != std::string::npos, wrong);
  const auto hbm = error_of([&] { parse(with_workload("{ kind: hbm, data: integer }")); });
  BOOST_TEST(hbm.find("workload.data:") != std::string::npos, hbm);
  BOOST_TEST(hbm.find("only a gemm workload has input data (kind is hbm)") != std::string::npos, hbm);
}

BOOST_AUTO_TEST_CASE(station_structure_errors) {
  auto expect = [](std::string station, const std::string& from, const std::string& to, const std::string& needle) {
    replace(station, from, to);
    const auto message = error_of([&] { parse(kCampaign, station); });
    BOOST_TEST(message.find(needle) != std::string::npos, message);
  };
  expect(kStation, "instrument: psu-a", "instrument: psu-z",
         "station.yaml:8: duts.board-07.supply.instrument: 'psu-z' is not a power supply");
  expect(kStation, "uri: \"scpi+tcp://127.0.0.1:5025\"", "uri: \"scpi+tcp://127.0.0.1:99999\"",
         "station.yaml:3: instruments.psu-a.uri: 'scpi+tcp://127.0.0.1:99999': port '99999'");
  expect(kStation, "uri: \"espec+tcp://127.0.0.1:10001\"", "uri: \"foo://x\"",
         "instruments.chamber.uri: unknown scheme 'foo' in 'foo://x' (orbitbench drives scpi+tcp, scpi+serial, espec+tcp");
  // The kind comes from the instrument registry; a `kind:` that disagrees with the scheme's is refused.
  expect(kStation, "uri: \"espec+tcp://127.0.0.1:10001\"", "uri: \"espec+tcp://127.0.0.1:10001\", kind: psu",
         "instruments.chamber.kind: psu disagrees with the URI: espec+tcp reaches a chamber");
  expect(kStation, "uri: \"espec+tcp://127.0.0.1:10001\"", "uri: \"sim://oven\"",
         "cannot tell the instrument kind from 'sim://oven'; add kind: psu | chamber | sensors");
}

// `results:` (issue 20): where the station pushes, and how often; a wrong value names its line.
BOOST_AUTO_TEST_CASE(station_results_push_and_its_errors) {
  const std::string pushed = kStation + "results: { push: \"postgresql://orbitbench@lab-db/results\", every: 2m }\n";
  const auto config = parse(kCampaign, pushed);
  BOOST_TEST(config.station.results.push_url == "postgresql://orbitbench@lab-db/results");
  BOOST_TEST(config.station.results.push_every_s == 120.0);
  BOOST_TEST(parse(kCampaign).station.results.push_url.empty());
  BOOST_TEST(parse(kCampaign).station.results.push_every_s == 30.0);
  auto message_for = [](const std::string& results) { return error_of([&] { parse(kCampaign, kStation + results); }); };
  BOOST_TEST(message_for("results: { push: \"lab.db\" }\n").find(
                 "station.yaml:10: results.push: expected a PostgreSQL URL (postgresql://USER@HOST/DB)") != std::string::npos,
             message_for("results: { push: \"lab.db\" }\n"));
  BOOST_TEST(message_for("results: { push: \"postgresql://x/y\", every: 0.5s }\n").find("results.every: must be between 1s and 1d") !=
             std::string::npos);
  BOOST_TEST(message_for("results: { push: \"postgresql://x/y\", every: 5 }\n").find("results.every") != std::string::npos);
  BOOST_TEST(message_for("results: { pusch: \"postgresql://x/y\" }\n").find("pusch") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(prompt_steps_and_their_errors) {
  auto with_step = [](const std::string& step) {
    std::string campaign = kCampaign;
    campaign.replace(campaign.find("  - replay:"), 0, "  - " + step + "\n");
    return campaign;
  };
  const auto config = parse(with_step("prompt: { text: \"Reading, degC\", expect: number, timeout: 2m, on_timeout: skip }"));
  BOOST_REQUIRE(config.plan.size() == 4u);
  BOOST_TEST((config.plan[1].kind == ob::bench::PhaseKind::prompt));
  BOOST_TEST(config.plan[1].prompt->text == "Reading, degC");
  BOOST_TEST((config.plan[1].prompt->expect == ob::bench::PromptExpect::number));
  BOOST_TEST(config.plan[1].prompt->timeout_s == 120.0);
  BOOST_TEST(config.plan[1].prompt->skip_on_timeout);
  const auto defaults = parse(with_step("prompt: { text: \"Close the door\" }")).plan[1].prompt;
  BOOST_TEST((defaults->expect == ob::bench::PromptExpect::confirm));
  BOOST_TEST(defaults->timeout_s == 1800.0);
  BOOST_TEST(!defaults->skip_on_timeout);
  auto message_for = [&](const std::string& step) { return error_of([&] { parse(with_step(step)); }); };
  BOOST_TEST(message_for("prompt: { text: \"x\", expect: maybe }").find("campaign.yaml:9: plan[1].prompt.expect: 'maybe': expected confirm, text or number") !=
                 std::string::npos,
             message_for("prompt: { text: \"x\", expect: maybe }"));
  BOOST_TEST(message_for("prompt: { text: \"x\", on_timeout: wait }").find("'wait': expected abort or skip") != std::string::npos);
  BOOST_TEST(message_for("prompt: { text: \"x\", timeout: 8d }").find("plan[1].prompt.timeout: expected 1s to 7d") != std::string::npos);
  BOOST_TEST(message_for("prompt: { text: \"  \" }").find("plan[1].prompt.text: is empty") != std::string::npos);
  BOOST_TEST(message_for("prompt: { expect: text }").find("text") != std::string::npos);
  BOOST_TEST(message_for("prompt: { text: \"x\", colour: red }").find("colour") != std::string::npos);
  std::string only_prompts = kCampaign.substr(0, kCampaign.find("plan:")) + "plan:\n  - prompt: { text: \"x\" }\n";
  BOOST_TEST(error_of([&] { parse(only_prompts); }).find("has only prompts") != std::string::npos);
}

const std::string kSensorStation =
    "station: bench-2\n"
    "instruments:\n"
    "  psu-a: { uri: \"scpi+tcp://127.0.0.1:5025\" }\n"
    "  chamber: { uri: \"espec+tcp://127.0.0.1:10001\" }\n"
    "  tc: { uri: \"iio:ip:10.0.0.5\" }\n"
    "duts:\n"
    "  board-07:\n"
    "    agent: \"agent://127.0.0.1:7600\"\n"
    "    supply: { instrument: psu-a, channel: 2, voltage_v: 12, max_voltage_v: 12.6, max_current_a: 3 }\n"
    "    sensors:\n"
    "      heatsink_temp_c: { channel: max31856/temp, max: 85 }\n"
    "      rail_power_w: ina226/power2\n";

BOOST_AUTO_TEST_CASE(station_sensors_map_iio_channels_to_duts) {
  const auto config = parse(kCampaign, kSensorStation);
  const auto* hub = config.station.find_instrument("tc");
  BOOST_REQUIRE(hub != nullptr);
  BOOST_TEST((hub->kind == ob::bench::InstrumentKind::sensors));
  const auto& sensors = config.station.duts.front().sensors;
  BOOST_REQUIRE(sensors.size() == 2u);
  BOOST_TEST(sensors[0].name == "heatsink_temp_c");
  BOOST_TEST(sensors[0].channel == "max31856/temp");
  BOOST_TEST(sensors[0].hub == "tc");  // the station's only sensors instrument
  BOOST_TEST(sensors[0].max.value_or(0) == 85.0);
  BOOST_TEST(!sensors[0].min.has_value());
  BOOST_TEST(sensors[1].channel == "ina226/power2");
  BOOST_TEST(!sensors[1].max.has_value());
}

BOOST_AUTO_TEST_CASE(station_sensor_errors_name_the_field) {
  auto expect = [](const std::string& from, const std::string& to, const std::string& needle) {
    std::string station = kSensorStation;
    replace(station, from, to);
    const auto message = error_of([&] { parse(kCampaign, station); });
    BOOST_TEST(message.find(needle) != std::string::npos, message);
  };
  expect("channel: max31856/temp", "channel: max31856", "station.yaml:11: duts.board-07.sensors.heatsink_temp_c: 'max31856' is not DEVICE/CHANNEL");
  expect("rail_power_w: ina226/power2", "rail_power: ina226/power2", "sensors.rail_power: a sensor's name ends with its unit");
  expect("rail_power_w: ina226/power2", "power_w: ina226/power2", "'power_w' is a channel the GPU board itself reports");
  expect("max: 85 }", "max: 85, hub: psu-a }", "sensors.heatsink_temp_c.hub: 'psu-a' is not a sensors instrument");
  expect("max: 85 }", "max: 85, min: 90 }", "sensors.heatsink_temp_c.min: must be below max");
  expect("max: 85 }", "maxi: 85 }", "station.yaml:11: duts.board-07.sensors.heatsink_temp_c.maxi: unknown key");
  expect("  tc: { uri: \"iio:ip:10.0.0.5\" }\n", "", "no sensors instrument (uri: iio:…) is declared");
  expect("iio:ip:10.0.0.5", "iio:ip:10.0.0.5:99999", "station.yaml:5: instruments.tc.uri: port '99999' is out of range");
  expect("iio:ip:10.0.0.5", "iio:spi:0", "unknown IIO backend 'spi'");
  expect("  tc: { uri: \"iio:ip:10.0.0.5\" }\n",
         "  tc: { uri: \"iio:ip:10.0.0.5\" }\n  tc2: { uri: \"iio:local:\" }\n",
         "several sensors instruments are declared: say which with hub:");
}

BOOST_AUTO_TEST_CASE(yaml_syntax_error_names_the_line) {
  const auto message = error_of([&] { parse("campaign: c1\nplan: [\n"); });
  BOOST_TEST(message.find("campaign.yaml:") == 0u, message);
  BOOST_TEST(message.find("YAML syntax") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(durations) {
  BOOST_TEST(*ob::bench::parse_duration_s("90s") == 90);
  BOOST_TEST(*ob::bench::parse_duration_s("10m") == 600);
  BOOST_TEST(*ob::bench::parse_duration_s("1.5h") == 5400);
  BOOST_TEST(*ob::bench::parse_duration_s("1d") == 86400);
  BOOST_TEST(*ob::bench::parse_duration_s("1h30m") == 5400);
  BOOST_TEST(*ob::bench::parse_duration_s("2d12h") == 216000);
  BOOST_TEST(*ob::bench::parse_duration_s("1d2h3m4.5s") == 93784.5);
  BOOST_TEST(*ob::bench::parse_duration_s("0s") == 0);
  // A bare number has no unit to read it by; units come largest first, each once.
  for (const char* bad : {"42", "", "m", "1 h", "-5s", "30m1h", "1h1h", "1hm", "h1", "1.5", "1x", "infs", "1h30"}) {
    BOOST_TEST(!ob::bench::parse_duration_s(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(tle_orbit_errors_name_the_tle_file_and_line) {
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / ("ob-config-tle-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // The ISS's line 1 with its checksum digit changed from 7 to 8.
  std::ofstream(dir / "bad.tle") << "ISS (ZARYA)\n"
                                    "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2928\n"
                                    "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\n";
  std::string campaign = kCampaign;
  replace(campaign, "preset: leo-650,", "tle: " + (dir / "bad.tle").string() + ",");
  const auto message = error_of([&] {
    ob::bench::parse_campaign((dir / "campaign.yaml").string(), campaign, [&](const std::string&, std::string& label) {
      label = "station.yaml";
      return kStation;
    });
  });
  BOOST_TEST(message.find("campaign.yaml:3: orbit:") != std::string::npos, message);
  BOOST_TEST(message.find("bad.tle:2:") != std::string::npos, message);
  BOOST_TEST(message.find("checksum") != std::string::npos, message);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(plans_expand_repeats_reference_checks_and_thermal_cycles) {
  std::string campaign = kCampaign;
  replace(campaign, "  - replay: { orbits: 2 }\n",
          "  - replay: { orbits: 5, reference_every: 2 }\n"
          "  - repeat:\n"
          "      times: 2\n"
          "      steps:\n"
          "        - thermal_cycle: { level: custom, cold_c: 0, hot_c: 40, cycles: 3, soak: 20m, functional_test: 5m }\n"
          "        - reference: { chamber_c: 30, duration: 2m }\n");
  const auto config = parse(campaign);
  using ob::bench::PhaseKind;
  // baseline, replay 2, reference, replay 2, reference, replay 1, 2 × (3 cycles + reference), reference
  BOOST_REQUIRE(config.plan.size() == 1u + 5u + 8u + 1u);
  BOOST_TEST((config.plan[1].kind == PhaseKind::replay));
  BOOST_TEST(config.plan[1].orbits == 2);
  BOOST_TEST(config.plan[1].orbit_offset == 0);
  BOOST_TEST((config.plan[2].kind == PhaseKind::reference));
  BOOST_TEST(config.plan[2].chamber_c == 20);  // the baseline's conditions
  BOOST_TEST(config.plan[2].duration_s == 300);
  BOOST_TEST(config.plan[3].orbit_offset == 2);
  BOOST_TEST(config.plan[5].orbit_offset == 4);
  BOOST_TEST(config.plan[5].orbits == 1);
  BOOST_TEST((config.plan[6].kind == PhaseKind::thermal_cycle));
  BOOST_TEST(config.plan[6].cycle == 1);
  BOOST_TEST(config.plan[8].cycle == 3);
  BOOST_TEST(config.plan[8].program_first == 6u);
  BOOST_TEST(config.plan[8].label_prefix == "repeat 1/2: ");
  BOOST_TEST(config.plan[8].thermal->hot_c == 40);
  BOOST_TEST(config.plan[8].thermal->soak_s == 1200);
  BOOST_TEST(config.plan[9].chamber_c == 30);
  BOOST_TEST(config.plan[10].program_first == 10u);  // the second repeat's own program
  BOOST_TEST(config.plan[12].label_prefix == "repeat 2/2: ");
  BOOST_TEST((config.plan.back().kind == PhaseKind::reference));
}

BOOST_AUTO_TEST_CASE(a_qualification_step_takes_its_cycles_from_the_level) {
  std::string campaign = kCampaign;
  replace(campaign, "  - replay: { orbits: 2 }\n", "  - thermal_cycle: { level: acceptance, predicted_c: [-10, 45] }\n");
  const auto config = parse(campaign);
  BOOST_REQUIRE(config.plan.size() == 2u + 14u);
  const auto& program = *config.plan[1].thermal;
  BOOST_TEST(program.cold_c == -24);
  BOOST_TEST(program.hot_c == 61);
  BOOST_TEST(program.deviations.empty());
}

BOOST_AUTO_TEST_CASE(bad_plan_steps_name_the_field) {
  auto expect = [](const std::string& step, const std::string& needle) {
    std::string campaign = kCampaign;
    replace(campaign, "  - replay: { orbits: 2 }\n", step);
    const auto message = error_of([&] { parse(campaign); });
    BOOST_TEST(message.find(needle) != std::string::npos, message);
  };
  expect("  - thermal_cycle: { level: heroic }\n", "campaign.yaml:9: plan[1].thermal_cycle.level: unknown level 'heroic'");
  expect("  - thermal_cycle: { level: custom, cold_c: 0, hot_c: 40 }\n",
         "plan[1].thermal_cycle.cycles: a custom step needs its number of cycles");
  expect("  - thermal_cycle: { level: custom, cold_c: 50, hot_c: 40, cycles: 2 }\n",
         "plan[1].thermal_cycle.hot_c: the hot plateau must lie above the cold one");
  expect("  - thermal_cycle: { level: acceptance, ramp_c_per_min: 0.5 }\n",
         "plan[1].thermal_cycle.ramp_c_per_min: never slower than 1.0 °C/min");
  expect("  - thermal_cycle: { level: acceptance, predicted_c: [40] }\n", "plan[1].thermal_cycle.predicted_c: expected [min, max]");
  expect("  - thermal_cycle: { level: acceptance, dwell: 1h }\n", "plan[1].thermal_cycle.dwell: unknown key");
  expect("  - repeat: { times: 2 }\n", "plan[1].repeat.steps: expected a non-empty list of steps");
  expect("  - repeat: { times: 2, steps: [ { soak: {} } ] }\n", "plan[1].repeat.steps[0]: unknown step 'soak'");
  expect("  - replay: { orbits: 2, reference_every: { orbits: 1, chamber: 3 } }\n",
         "plan[1].replay.reference_every.chamber: unknown key");
  expect("  - repeat: { times: 1000, steps: [ { repeat: { times: 1000, steps: [ { replay: {} } ] } } ] }\n",
         "expands the plan past 100000 runs");
  // Found by fuzzing (tests/fuzz/corpus/config/): refused before they cost memory or reach undefined behaviour.
  const std::string replays_99999 = "  - replay: { orbits: 781.25, reference_every: 0.015625 }\n";  // 50000 + 49999 runs
  expect(replays_99999 + replays_99999, "campaign.yaml:10: plan[2]: expands the plan past 100000 runs");
  expect("  - thermal_cycle: { level: acceptance, cold_c: 0, hot_c: 0.001 }\n",
         "plan[1].thermal_cycle.hot_c: a range of 0.001 K is too narrow: the level would require more than 100000 cycles");
  expect("  - thermal_cycle: { level: acceptance, predicted_c: [.nan, 45] }\n",
         "campaign.yaml:9: plan[1].thermal_cycle.predicted_c[0]: '.nan' is not a number");
  expect("  - { [replay]: { orbits: 2 } }\n", "campaign.yaml:9: plan[1]: a key must be text, not a mapping or list");
}

BOOST_AUTO_TEST_CASE(keys_and_file_names_the_system_refuses_are_config_errors) {
  std::string station = kStation;
  replace(station, "  chamber: {", "  ? { psu-b: 1 }\n  : { uri: \"scpi+tcp://127.0.0.1:5026\" }\n  chamber: {");
  BOOST_TEST(error_of([&] { parse(kCampaign, station); }) ==
             "station.yaml:4: instruments: a key must be text, not a mapping or list");
  std::string campaign = kCampaign;
  replace(campaign, "speed: 60\n", "speed: 60\nprofile: " + std::string(300, 'p') + "\n");
  replace(campaign, "orbit: { preset: leo-650, start: 2026-06-21T00:00:00Z }\n", "");
  BOOST_TEST(error_of([&] { parse(campaign); }) == "campaign.yaml:6: profile: " + std::string(300, 'p') + ": File name too long");
}

BOOST_AUTO_TEST_CASE(interlocks_name_known_channels_and_their_action) {
  std::string campaign = kCampaign +
                         "interlocks:\n"
                         "  rail_over_current: { channel: supply_current_a, above: 2.8 }\n"
                         "  chamber_deviation: { channel: chamber.deviation_c, above: 5, for: 10m }\n"
                         "  hot_die: { channel: gpu_temp_c, above: 88, for: 30s, action: safe_state }\n";
  const auto config = parse(campaign);
  BOOST_REQUIRE(config.interlocks.size() == 3u);
  BOOST_TEST(config.interlocks[0].name == "rail_over_current");
  BOOST_TEST((config.interlocks[0].action == ob::bench::InterlockAction::isolate));
  BOOST_TEST((config.interlocks[1].action == ob::bench::InterlockAction::safe_state));  // a chamber channel: the station
  BOOST_TEST(config.interlocks[1].for_s == 600);
  BOOST_TEST((config.interlocks[2].action == ob::bench::InterlockAction::safe_state));

  auto expect = [](const std::string& interlock, const std::string& needle) {
    const auto message = error_of([&] { parse(kCampaign + "interlocks:\n" + interlock); });
    BOOST_TEST(message.find(needle) != std::string::npos, message);
  };
  expect("  x: { channel: rail_amps, above: 3 }\n", "campaign.yaml:13: interlocks.x.channel: 'rail_amps' is not a channel of this station");
  expect("  x: { channel: gpu_temp_c }\n", "interlocks.x: give above, below or both");
  expect("  x: { channel: gpu_temp_c, above: 80, below: 90 }\n", "interlocks.x.below: must lie under above");
  expect("  x: { channel: chamber.air_temp_c, above: 80, action: isolate }\n", "interlocks.x.action: a chamber channel concerns every board");
  expect("  x: { channel: gpu_temp_c, above: 80, action: shrug }\n", "interlocks.x.action: 'shrug': expected isolate or safe_state");
  expect("  x: { channel: gpu_temp_c, above: 80, when: 3s }\n", "interlocks.x.when: unknown key");
}

BOOST_AUTO_TEST_CASE(a_replay_may_be_given_as_a_duration) {
  std::string campaign = kCampaign;
  replace(campaign, "  - replay: { orbits: 2 }\n", "  - replay: { duration: 1d, reference_every: 5 }\n");
  const auto config = parse(campaign);
  // leo-650: a 97.7-minute orbit, so a day is 14.7 orbits: 5 + ref + 5 + ref + 4.7.
  double orbits = 0;
  int replays = 0;
  for (const auto& phase : config.plan) {
    if (phase.kind != ob::bench::PhaseKind::replay) continue;
    orbits += phase.orbits;
    ++replays;
  }
  BOOST_TEST(replays == 3);
  BOOST_TEST(orbits > 14.0);
  BOOST_TEST(orbits < 15.5);
  std::string both = kCampaign;
  replace(both, "  - replay: { orbits: 2 }\n", "  - replay: { orbits: 2, duration: 1d }\n");
  BOOST_TEST(error_of([&] { parse(both); }).find("plan[1].replay.duration: give either orbits or duration") != std::string::npos);
}

// The shipped examples parse (the real-bench pair is not run here: it needs the hardware).
BOOST_AUTO_TEST_CASE(the_shipped_examples_parse) {
  const std::string examples = std::string(OB_SOURCE_DIR) + "/examples/";
  const auto real = ob::bench::load_campaign_file(examples + "leo-550-qualification.yaml");
  BOOST_TEST(real.station.name == "thermal-bay-2");
  BOOST_TEST(real.station.duts.size() == 2u);
  BOOST_TEST(real.station.instruments.size() == 4u);
  BOOST_TEST(real.plan.size() == 1u + 5u + 1u);  // baseline, 10 + ref + 10 + ref + 10, reference
  BOOST_TEST(real.interlocks.size() == 2u);
  const auto cycling = ob::bench::load_campaign_file(examples + "thermal-cycling.yaml");
  BOOST_TEST(cycling.plan.size() == 1u + 14u + 1u);
  const auto quick = ob::bench::load_campaign_file(examples + "quick-campaign.yaml");
  BOOST_TEST(quick.station.duts.size() == 3u);
}

// Issue 18 item 10: every file a user hands us is read with a size cap. A campaign naming
// /dev/zero as its station, or a campaign file of 5 MiB, is refused with a message naming the
// file, never read until the allocator gives up; a TLE file likewise.
BOOST_AUTO_TEST_CASE(oversized_and_endless_input_files_are_refused_by_name) {
  const auto dir = std::filesystem::temp_directory_path() / ("ob-caps-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto campaign = dir / "endless.yaml";
  std::ofstream(campaign) << "campaign: c\nstation: /dev/zero\nplan:\n  - baseline: { duration: 1m }\n";
  std::string message;
  try {
    (void)ob::bench::load_campaign_file(campaign.string());
  } catch (const std::exception& e) {
    message = e.what();
  }
  BOOST_TEST(message.find("/dev/zero: larger than 4 MiB") != std::string::npos, message);
  const auto huge = dir / "huge.yaml";
  {
    std::ofstream out(huge);
    out << "campaign: c\n# " << std::string(5 << 20, 'x') << "\n";
  }
  message.clear();
  try {
    (void)ob::bench::load_campaign_file(huge.string());
  } catch (const std::exception& e) {
    message = e.what();
  }
  BOOST_TEST(message.find("huge.yaml: larger than 4 MiB") != std::string::npos, message);
  std::filesystem::remove_all(dir);
}
