#include "bench/config/config_schema.hpp"

#include <map>
#include <stdexcept>

#include "drivers/instrument_registry.hpp"

namespace ob::bench {

namespace {

// instruments.<name>.uri: every scheme of the instrument registry, and the simulated lab's names.
std::string_view uri_meaning() {
  static const std::string meaning = [] {
    std::string text = "how to reach it: ";
    for (const auto& entry : drivers::instrument_schemes()) {
      text += entry.transport == drivers::Transport::libiio ? "iio:ip:…, iio:local:, iio:usb:…"
                                                            : std::string(entry.scheme) + "://";
      text += ", ";
    }
    return text + "sim://NAME (the schemes: orbitbench schema)";
  }();
  return meaning;
}

}  // namespace

const std::vector<SchemaSection>& config_schema() {
  static const std::vector<SchemaSection> schema = {
      // ---- station file ----
      {"station", "",
       {{"station", "the station's name (required)"},
        {"simulated", "true: the controller starts the simulated lab itself (or give sim:// URIs)"},
        {"instruments", "name → instrument (at least one supply and one chamber)"},
        {"duts", "name → board under test"},
        {"results", "where results go besides the station's file: a lab's PostgreSQL"}}},
      {"station", "results",
       {{"push", "postgresql://USER@HOST/DB: push the database there while recording (orbitbench db push), "
                 "on its own thread; an outage only delays it"},
        {"every", "how often (default 30s; 1s to 1d)"}}},
      {"station", "instruments.<name>",
       {{"uri", uri_meaning()},
        {"kind", "psu, chamber or sensors (default: from the URI)"},
        {"model", "the expected model, checked against *IDN? (default: as identified)"},
        {"timeout_s", "deadline of one exchange"},
        {"min_temp_c", "chamber: lowest setpoint allowed"},
        {"max_temp_c", "chamber: highest setpoint allowed"},
        {"max_ramp_c_per_min", "chamber: fastest ramp it may be driven at"},
        {"ramp_clock", "chamber: wall (a real chamber, default) or profile (a simulated lab at the campaign's speed)"},
        {"sample_period_s", "wall seconds between its readings and setpoint updates (default: the campaign's)"}}},
      {"station", "duts.<name>",
       {{"agent", "the board's GPU agent: agent://HOST:PORT[?gpu=N&secret_file=F] or sim://agent[?gpu=N] "
                  "(on a real supply: a dry run, the simulated board powered from the supply's readback)"},
        {"secret_file", "the agent's shared secret (a 0600 file), relative to the station file"},
        {"gpu_index", "the GPU on the agent's host"},
        {"supply", "the PSU channel feeding the board"},
        {"limits", "the board's own limits (interlocks)"},
        {"sensors", "IIO channels measuring the board: name_with_unit → DEVICE/CHANNEL or a mapping"},
        {"sample_period_s", "wall seconds between the board's telemetry samples (default: the campaign's)"}}},
      {"station", "duts.<name>.supply",
       {{"instrument", "the supply's name under instruments"},
        {"channel", "its output channel"},
        {"voltage_v", "the set voltage"},
        {"max_voltage_v", "over-voltage protection level; setpoints above are refused"},
        {"max_current_a", "the highest current limit ever set"}}},
      {"station", "duts.<name>.limits",
       {{"board_temp_c", "interlock: above this GPU temperature the board is isolated (default 85)"},
        {"max_power_w", "the highest power cap the board is given"}}},
      {"station", "duts.<name>.sensors.<channel>",
       {{"channel", "DEVICE/CHANNEL in the IIO context (device by name, label or id)"},
        {"hub", "the sensors instrument, when the station has several"},
        {"min", "interlock: below this the board is isolated"},
        {"max", "interlock: above this the board is isolated"}}},
      // ---- campaign file ----
      {"campaign", "",
       {{"campaign", "the campaign's name (required)"},
        {"station", "the station file, relative to the campaign file (required)"},
        {"orbit", "the orbit to replay (needed when the plan replays)"},
        {"profile", "instead of orbit: a profile file made with orbitbench profile -o"},
        {"spacecraft", "a spacecraft file or inline fields (docs/spacecraft.md)"},
        {"lab", "the campaign's lab-mapping choices (docs/spacecraft.md)"},
        {"profile_step_s", "profile grid step (default 10)"},
        {"workload", "what the boards run"},
        {"speed", "profile seconds per wall second (default 1)"},
        {"sample_period_s", "wall seconds between telemetry samples (default 0.1)"},
        {"plan", "the steps, in order (required)"},
        {"limits", "verdicts and the chamber band"},
        {"interlocks", "name → the campaign's own interlocks"},
        {"soak", "when baseline and reference runs start measuring: once the bench is stable"},
        {"on_chamber_alarm", "abort (default: safe state, exit 3) or pause (hold the profile clock until it clears)"},
        {"accept_thermal_infeasibility", "replay an orbit the chamber cannot follow (default false: refused)"}}},
      {"campaign", "orbit",
       {{"preset", "a named orbit (orbitbench profile --help lists them)"},
        {"tle", "a TLE file, relative to the campaign file"},
        {"sat", "the set in a TLE file with several: name or catalogue number"},
        {"elements", "\"alt=550km,inc=53,raan=0,…\""},
        {"start", "UTC start, 2026-12-01T00:00:00Z (default: the orbit's epoch)"}}},
      {"campaign", "lab",
       {{"qualification", "the level the chamber margins follow: acceptance, protoqualification, qualification"},
        {"chamber_tracks", "what the chamber reproduces: baseplate or board"},
        {"dut_self_heating_k_per_w", "the board's rise over the chamber air per watt"},
        {"chamber_tolerance_k", "how far the chamber may lag the profile"},
        {"cap_scaling", "how the spacecraft's budget maps to the board's cap"},
        {"psu_voltage_mode", "what the supply's voltage follows"},
        {"current_margin", "PSU current limit headroom over the capped draw"}}},
      {"campaign", "workload",
       {{"kind", "gemm or hbm"},
        {"dtype", "bf16, fp16 or fp32"},
        {"data", "GEMM inputs: randn (default; real work's power draw) or integer (exact products, ~10 % faster)"},
        {"size", "matrix size (GEMM) or buffer size"}}},
      {"campaign", "plan[].baseline",
       {{"chamber_c", "constant chamber air (default 25)"}, {"duration", "how long, e.g. 10m (default 10m)"}}},
      {"campaign", "plan[].reference",
       {{"chamber_c", "constant chamber air (default 25)"}, {"duration", "how long, e.g. 10m (default 10m)"}}},
      {"campaign", "plan[].replay",
       {{"orbits", "orbits of the profile to replay (default 1)"},
        {"duration", "or how long: as many orbits as fit, e.g. 12h"},
        {"reference_every", "K or { orbits, chamber_c, duration }: a reference check every K orbits"}}},
      {"campaign", "plan[].replay.reference_every",
       {{"orbits", "K"}, {"chamber_c", "the check's chamber air"}, {"duration", "the check's length"}}},
      {"campaign", "plan[].thermal_cycle",
       {{"level", "qualification, protoqualification, acceptance or custom (required)"},
        {"predicted_c", "[min, max]: the unit's predicted extremes"},
        {"cold_c", "the cold plateau (instead of predicted_c)"},
        {"hot_c", "the hot plateau (instead of predicted_c)"},
        {"cycles", "default: what the level requires at this range"},
        {"ramp_c_per_min", "average ramp (default 3)"},
        {"soak", "soak per plateau (default 1h)"},
        {"soak_first_last", "soak on the first and last cycle (default 6h)"},
        {"functional_test", "the end of each soak the functional test is judged over (default 10m)"},
        {"ambient_c", "where the first cycle starts and the last ends (default 25)"},
        {"power_fraction", "the boards' power cap during the cycles, of their full cap (default 1)"}}},
      {"campaign", "plan[].repeat", {{"times", "how many times"}, {"steps", "the steps to repeat"}}},
      {"campaign", "plan[].prompt",
       {{"text", "what the operator is asked to do or tell (required)"},
        {"expect", "confirm (default), text or number: the answer wanted"},
        {"timeout", "how long to wait for an answer (default 30m)"},
        {"on_timeout", "abort (default: the safe state) or skip"}}},
      {"campaign", "limits",
       {{"throughput_degradation_pct", "{ max }: reference vs baseline loss allowed, in %"},
        {"chamber_band_c", "air further than this from its setpoint pauses the profile clock"},
        {"sdc_count", "{ max }: results failing their checksum, per DUT over the campaign"},
        {"ecc_uncorrected", "{ max }: new uncorrected ECC errors, per DUT over the campaign"},
        {"board_temp_c", "{ max }: the hottest GPU temperature, per DUT"},
        {"chamber_tracking_k", "{ p95, max }: chamber air against the orbit's target, per run (default p95 2 K)"},
        {"chamber_alarm_s", "on_chamber_alarm: pause — wall seconds an alarm may last (default 600)"}}},
      {"campaign", "limits.<limit>", {{"max", "the highest value that passes"}}},
      {"campaign", "limits.chamber_tracking_k",
       {{"p95", "the 95th percentile of the tracking error, K (default 2)"}, {"max", "the largest tracking error, K"}}},
      {"campaign", "soak",
       {{"band_k", "chamber air within this of its setpoint (default 1)"},
        {"max_slope_c_per_min", "every board's temperature changing less than this (default 0.2)"},
        {"hold", "both holding this long, profile time (default 5m)"},
        {"timeout", "the run fails when not stable after this, profile time (default 60m)"}}},
      {"campaign", "interlocks.<name>",
       {{"channel", "a DUT channel (board, supply_*, sensor) or chamber.air_temp_c / chamber.deviation_c"},
        {"above", "trips above this"},
        {"below", "trips below this"},
        {"for", "how long (profile time) before it trips (default 0)"},
        {"action", "isolate (the board) or safe_state (the station)"}}},
  };
  return schema;
}

const std::vector<std::string_view>& schema_keys(std::string_view file, std::string_view path) {
  static const auto index = [] {
    std::map<std::pair<std::string_view, std::string_view>, std::vector<std::string_view>> keys;
    for (const auto& section : config_schema()) {
      auto& list = keys[{section.file, section.path}];
      for (const auto& key : section.keys) list.push_back(key.key);
    }
    return keys;
  }();
  const auto found = index.find({file, path});
  if (found == index.end()) {
    throw std::logic_error("config schema: no section '" + std::string(path) + "' in the " + std::string(file) + " file");
  }
  return found->second;
}

std::string schema_markdown() {
  std::string text;
  std::string_view file;
  for (const auto& section : config_schema()) {
    if (section.file != file) {
      // The station file ends with the schemes its instruments' URIs may use.
      if (file == "station") text += "### instrument URI schemes\n\n" + drivers::schemes_markdown() + "\n";
      file = section.file;
      text += "## " + std::string(file) + " file\n";
    }
    text += "\n### " + (section.path.empty() ? std::string("(top level)") : std::string(section.path)) +
            "\n\n| key | meaning |\n| --- | --- |\n";
    for (const auto& key : section.keys) text += "| `" + std::string(key.key) + "` | " + std::string(key.meaning) + " |\n";
    text += "\n";
  }
  return text;
}

}  // namespace ob::bench
