#include "bench/config/campaign_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/board_channels.hpp"
#include "bench/config/model_config.hpp"
#include "bench/config/config_schema.hpp"
#include "bench/config/yaml_reader.hpp"
#include "bench/embedded_examples.hpp"

namespace ob::bench {
namespace {

// Campaign speed above this would leave too few samples per thermal time constant.
constexpr double kMaxSpeed = 10000;
// Repeats multiply: a plan expanding past this is a typo, not a campaign.
constexpr std::size_t kMaxPlanRuns = 100000;

// orbit: { preset: NAME | tle: FILE [sat: NAME|NUM] | elements: SPEC, start: UTC }
profiles::OrbitSource parse_orbit(const YamlReader& reader, const YAML::Node& node, const std::filesystem::path& directory,
                                  ProfileSpec& spec, std::optional<double>& period_s) {
  reader.allow_only(node, "orbit", schema_keys("campaign", "orbit"));
  profiles::OrbitSource source;
  const int given = (node["preset"] ? 1 : 0) + (node["tle"] ? 1 : 0) + (node["elements"] ? 1 : 0);
  if (given != 1) reader.fail(node, "orbit", "give exactly one of preset, tle, elements");
  if (auto preset = reader.optional_string(node, "orbit", "preset")) {
    source.kind = profiles::OrbitSource::Kind::preset;
    source.preset = *preset;
  } else if (auto tle = reader.optional_string(node, "orbit", "tle")) {
    source.kind = profiles::OrbitSource::Kind::tle;
    const std::filesystem::path path(*tle);
    source.tle_path = path.is_absolute() || directory.empty() ? path.string() : (directory / path).string();
    source.tle_selector = reader.optional_string(node, "orbit", "sat").value_or("");
  } else {
    source.kind = profiles::OrbitSource::Kind::elements;
    source.elements_spec = reader.string(node, "orbit", "elements");
  }
  if (node["sat"] && source.kind != profiles::OrbitSource::Kind::tle) {
    reader.fail(node["sat"], "orbit.sat", "selects a set in a tle file");
  }
  spec.start_utc = reader.optional_string(node, "orbit", "start");
  // Resolve now, so a bad TLE, preset or element set is reported against this file.
  try {
    const auto resolved = profiles::resolve_orbit(source);
    period_s = resolved.propagator.period_min() * 60.0;
    if (spec.start_utc) profiles::orbit::parse_iso8601_utc(*spec.start_utc);
  } catch (const std::exception& e) {
    reader.fail(node, "orbit", e.what());
  }
  return source;
}

// The campaign's own lab-mapping choices; the rest comes from the station and instruments.
profiles::LabMapping parse_lab_choices(const YamlReader& reader, const YAML::Node& node) {
  reader.allow_only(node, "lab", schema_keys("campaign", "lab"));
  return read_lab_mapping(reader, node, "lab");
}

drivers::WorkloadSpec parse_workload(const YamlReader& reader, const YAML::Node& node) {
  reader.allow_only(node, "workload", schema_keys("campaign", "workload"));
  drivers::WorkloadSpec workload;
  workload.kind = reader.optional_string(node, "workload", "kind").value_or(workload.kind);
  if (workload.kind != "gemm" && workload.kind != "hbm") reader.fail(node["kind"], "workload.kind", "expected gemm or hbm");
  workload.dtype = reader.optional_string(node, "workload", "dtype").value_or(workload.dtype);
  if (workload.dtype != "bf16" && workload.dtype != "fp16" && workload.dtype != "fp32") {
    reader.fail(node["dtype"], "workload.dtype", "expected bf16, fp16 or fp32");
  }
  workload.data = reader.optional_string(node, "workload", "data").value_or(workload.data);
  if (workload.data != "randn" && workload.data != "integer") {
    reader.fail(node["data"], "workload.data", "'" + workload.data + "': expected randn or integer");
  }
  if (node["data"] && workload.kind != "gemm") {
    reader.fail(node["data"], "workload.data", "only a gemm workload has input data (kind is " + workload.kind + ")");
  }
  if (node["size"]) workload.size = static_cast<std::uint32_t>(reader.number_in(node, "workload", "size", 64, 65536));
  return workload;
}

constexpr const char* kStepNames = "baseline, replay, reference, thermal_cycle, prompt or repeat";

// What the steps need to know of the rest of the file: the replayed orbit's period (a replay
// given as a duration), when there is one.
struct PlanContext {
  std::optional<double> orbit_period_s;
};

void parse_steps(const YamlReader& reader, const PlanContext& context, const YAML::Node& steps, const std::string& field,
                 std::vector<PhaseConfig>& plan, const std::string& prefix, int depth);

// thermal_cycle: { level, predicted_c: [min, max] | cold_c + hot_c, cycles, ramp_c_per_min, soak,
//                  soak_first_last, functional_test, ambient_c, power_fraction }
void parse_thermal_cycle(const YamlReader& reader, const YAML::Node& body, const std::string& field, int line,
                         std::vector<PhaseConfig>& plan, const std::string& prefix) {
  reader.allow_only(body, field, schema_keys("campaign", "plan[].thermal_cycle"));
  ThermalCycleConfig config;
  const auto level_text = reader.string(body, field, "level");
  const auto level = parse_qualification_level(level_text);
  if (!level) {
    reader.fail(body["level"], field + ".level",
                "unknown level '" + level_text + "' (expected qualification, protoqualification, acceptance or custom)");
  }
  config.level = *level;
  if (const auto predicted = body["predicted_c"]) {
    if (!predicted.IsSequence() || predicted.size() != 2) {
      reader.fail(predicted, field + ".predicted_c", "expected [min, max], the unit's predicted extremes in °C");
    }
    config.predicted_min_c = reader.scalar_number(predicted[0], field + ".predicted_c[0]");
    config.predicted_max_c = reader.scalar_number(predicted[1], field + ".predicted_c[1]");
  }
  if (body["cold_c"]) config.cold_c = reader.number_in(body, field, "cold_c", -100, 200);
  if (body["hot_c"]) config.hot_c = reader.number_in(body, field, "hot_c", -100, 200);
  if (body["cycles"]) config.cycles = static_cast<int>(reader.number_in(body, field, "cycles", 1, 1000));
  if (body["ramp_c_per_min"]) config.ramp_c_per_min = reader.number_in(body, field, "ramp_c_per_min", 0.01, 100);
  config.soak_s = reader.optional_duration_s(body, field, "soak");
  config.soak_first_last_s = reader.optional_duration_s(body, field, "soak_first_last");
  config.functional_test_s = reader.optional_duration_s(body, field, "functional_test").value_or(config.functional_test_s);
  if (body["ambient_c"]) config.ambient_c = reader.number_in(body, field, "ambient_c", -40, 60);
  if (body["power_fraction"]) config.power_fraction = reader.number_in(body, field, "power_fraction", 0.05, 1);
  std::shared_ptr<const ThermalProgram> program;
  try {
    program = std::make_shared<const ThermalProgram>(derive_thermal_program(config));
  } catch (const std::invalid_argument& e) {
    // "key: reason" — point at the key when the file has it.
    const std::string what = e.what();
    const auto colon = what.find(':');
    const std::string key = colon == std::string::npos ? "" : what.substr(0, colon);
    const auto node = key.empty() ? body : body[key];
    reader.fail(node ? node : body, key.empty() ? field : field + "." + key,
                colon == std::string::npos ? what : what.substr(colon + 2));
  }
  const std::size_t first = plan.size();
  for (int cycle = 1; cycle <= program->cycles; ++cycle) {
    PhaseConfig phase;
    phase.kind = PhaseKind::thermal_cycle;
    phase.thermal = program;
    phase.cycle = cycle;
    phase.program_first = first;
    phase.label_prefix = prefix;
    phase.line = line;
    plan.push_back(phase);
  }
}

// replay: { orbits, reference_every: K | { orbits: K, chamber_c, duration } }
void parse_replay(const YamlReader& reader, const PlanContext& context, const YAML::Node& body, const std::string& field,
                  int line, std::vector<PhaseConfig>& plan, const std::string& prefix) {
  reader.allow_only(body, field, schema_keys("campaign", "plan[].replay"));
  PhaseConfig replay;
  replay.kind = PhaseKind::replay;
  replay.line = line;
  replay.label_prefix = prefix;
  if (body["orbits"]) replay.orbits = reader.number_in(body, field, "orbits", 0.01, 1000);
  if (body["duration"]) {  // as many orbits as fit
    if (body["orbits"]) reader.fail(body["duration"], field + ".duration", "give either orbits or duration, not both");
    const double duration_s = *reader.optional_duration_s(body, field, "duration");
    if (!context.orbit_period_s || *context.orbit_period_s <= 0) {
      reader.fail(body["duration"], field + ".duration", "needs the orbit's period: give orbit (or a profile file)");
    }
    replay.orbits = duration_s / *context.orbit_period_s;
    if (replay.orbits < 0.01 || replay.orbits > 1000) {
      reader.fail(body["duration"], field + ".duration", "is " + std::to_string(replay.orbits) + " orbits (allowed 0.01 … 1000)");
    }
  }
  const auto every = body["reference_every"];
  if (!every) {
    plan.push_back(replay);
    return;
  }
  // The reference checks hold the conditions of the plan's baseline (or 25 °C for 10 minutes)
  // unless they say their own.
  PhaseConfig reference;
  reference.kind = PhaseKind::reference;
  reference.line = line;
  reference.label_prefix = prefix;
  for (const auto& phase : plan) {
    if (phase.kind != PhaseKind::baseline) continue;
    reference.chamber_c = phase.chamber_c;
    reference.duration_s = phase.duration_s;
    break;
  }
  double every_orbits = 0;
  const std::string every_field = field + ".reference_every";
  if (every.IsMap()) {
    reader.allow_only(every, every_field, schema_keys("campaign", "plan[].replay.reference_every"));
    every_orbits = reader.number_in(every, every_field, "orbits", 0.01, 1000);
    if (every["chamber_c"]) reference.chamber_c = reader.number_in(every, every_field, "chamber_c", -80, 200);
    reference.duration_s = reader.optional_duration_s(every, every_field, "duration").value_or(reference.duration_s);
  } else {
    every_orbits = reader.number_in(body, field, "reference_every", 0.01, 1000);
  }
  const double total = replay.orbits;
  for (double done = 0; done < total - 1e-9; done += every_orbits) {
    if (done > 0) plan.push_back(reference);
    PhaseConfig part = replay;
    part.orbit_offset = done;
    part.orbits = std::min(every_orbits, total - done);
    plan.push_back(part);
  }
}

void parse_step(const YamlReader& reader, const PlanContext& context, const YAML::Node& item, const std::string& field,
                std::vector<PhaseConfig>& plan, const std::string& prefix, int depth) {
  if (!item.IsMap() || item.size() != 1) reader.fail(item, field, std::string("expected one step: ") + kStepNames);
  const auto entry = *item.begin();
  const auto name = reader.key(entry.first, field);
  const auto& body = entry.second;
  const int line = item.Mark().line + 1;
  const std::string step_field = field + "." + name;
  if (name == "baseline" || name == "reference") {
    PhaseConfig phase;
    phase.line = line;
    phase.label_prefix = prefix;
    phase.kind = name == "baseline" ? PhaseKind::baseline : PhaseKind::reference;
    reader.allow_only(body, step_field, schema_keys("campaign", "plan[]." + name));
    if (body["chamber_c"]) phase.chamber_c = reader.number_in(body, step_field, "chamber_c", -80, 200);
    phase.duration_s = reader.optional_duration_s(body, step_field, "duration").value_or(phase.duration_s);
    plan.push_back(phase);
    return;
  }
  if (name == "replay") return parse_replay(reader, context, body, step_field, line, plan, prefix);
  if (name == "prompt") {
    // prompt: { text: "…", expect: confirm|text|number, timeout: 30m, on_timeout: abort|skip }
    reader.allow_only(body, step_field, schema_keys("campaign", "plan[].prompt"));
    auto spec = std::make_shared<PromptSpec>();
    spec->text = reader.string(body, step_field, "text");
    if (spec->text.find_first_not_of(" \t\r\n") == std::string::npos) reader.fail(body["text"], step_field + ".text", "is empty");
    if (spec->text.size() > 1000) reader.fail(body["text"], step_field + ".text", "longer than 1000 characters");
    const auto expect = reader.optional_string(body, step_field, "expect").value_or("confirm");
    if (expect == "confirm") {
      spec->expect = PromptExpect::confirm;
    } else if (expect == "text") {
      spec->expect = PromptExpect::text;
    } else if (expect == "number") {
      spec->expect = PromptExpect::number;
    } else {
      reader.fail(body["expect"], step_field + ".expect", "'" + expect + "': expected confirm, text or number");
    }
    if (const auto timeout = reader.optional_duration_s(body, step_field, "timeout")) {
      if (*timeout < 1 || *timeout > 7 * 86400) reader.fail(body["timeout"], step_field + ".timeout", "expected 1s to 7d");
      spec->timeout_s = *timeout;
    }
    const auto on_timeout = reader.optional_string(body, step_field, "on_timeout").value_or("abort");
    if (on_timeout != "abort" && on_timeout != "skip") {
      reader.fail(body["on_timeout"], step_field + ".on_timeout", "'" + on_timeout + "': expected abort or skip");
    }
    spec->skip_on_timeout = on_timeout == "skip";
    PhaseConfig phase;
    phase.kind = PhaseKind::prompt;
    phase.line = line;
    phase.label_prefix = prefix;
    phase.duration_s = 0;
    phase.prompt = std::move(spec);
    plan.push_back(phase);
    return;
  }
  if (name == "thermal_cycle") return parse_thermal_cycle(reader, body, step_field, line, plan, prefix);
  if (name == "repeat") {
    // repeat: { times: N, steps: [ … ] } — the steps N times over, nested repeats allowed.
    reader.allow_only(body, step_field, schema_keys("campaign", "plan[].repeat"));
    const int times = static_cast<int>(reader.number_in(body, step_field, "times", 1, 10000));
    const auto steps = body["steps"];
    if (!steps || !steps.IsSequence() || steps.size() == 0) {
      reader.fail(steps ? steps : body, step_field + ".steps", "expected a non-empty list of steps");
    }
    if (depth >= 4) reader.fail(item, step_field, "repeats nested deeper than 4");
    for (int time = 1; time <= times; ++time) {
      const std::string inner = prefix + "repeat " + std::to_string(time) + "/" + std::to_string(times) + ": ";
      parse_steps(reader, context, steps, step_field + ".steps", plan, inner, depth + 1);
    }
    return;
  }
  reader.fail(entry.first, field, "unknown step '" + name + "' (expected " + kStepNames + ")");
}

void parse_steps(const YamlReader& reader, const PlanContext& context, const YAML::Node& steps, const std::string& field,
                 std::vector<PhaseConfig>& plan, const std::string& prefix, int depth) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string step_field = field + "[" + std::to_string(i) + "]";
    parse_step(reader, context, steps[i], step_field, plan, prefix, depth);
    // After every step, not once at the end: a plan's steps must not use up memory before it is refused.
    if (plan.size() > kMaxPlanRuns) {
      reader.fail(steps[i], step_field, "expands the plan past " + std::to_string(kMaxPlanRuns) + " runs");
    }
  }
}

// interlocks: { NAME: { channel, above | below, for, action } }
std::vector<InterlockRule> parse_interlocks(const YamlReader& reader, const YAML::Node& node, const StationConfig& station) {
  reader.require_map(node, "interlocks");
  std::vector<InterlockRule> rules;
  for (const auto& entry : node) {
    InterlockRule rule;
    rule.name = reader.key(entry.first, "interlocks");
    const auto& body = entry.second;
    const std::string field = "interlocks." + rule.name;
    rule.line = entry.first.Mark().line + 1;
    reader.allow_only(body, field, schema_keys("campaign", "interlocks.<name>"));
    rule.channel = reader.string(body, field, "channel");
    bool known = rule.channel == kChamberAirChannel || rule.channel == kChamberDeviationChannel;
    for (auto name : kSupplyInterlockChannels) known = known || rule.channel == name;
    for (const auto& channel : kBoardChannels) known = known || rule.channel == channel.name;
    for (const auto& dut : station.duts) {
      for (const auto& sensor : dut.sensors) known = known || rule.channel == sensor.name;
    }
    if (!known) {
      reader.fail(body["channel"], field + ".channel",
                  "'" + rule.channel + "' is not a channel of this station (a board's own, e.g. gpu_temp_c or power_w; "
                  "supply_voltage_v, supply_current_a, supply_power_w; a DUT's sensor; chamber.air_temp_c, chamber.deviation_c)");
    }
    rule.above = reader.optional_number(body, field, "above");
    rule.below = reader.optional_number(body, field, "below");
    if (!rule.above && !rule.below) reader.fail(body, field, "give above, below or both");
    if (rule.above && rule.below && *rule.below >= *rule.above) {
      reader.fail(body["below"], field + ".below", "must lie under above (the interlock trips outside below … above)");
    }
    rule.for_s = reader.optional_duration_s(body, field, "for").value_or(0);
    rule.action = rule.station_wide() ? InterlockAction::safe_state : InterlockAction::isolate;
    if (const auto action = reader.optional_string(body, field, "action")) {
      if (*action == "safe_state") {
        rule.action = InterlockAction::safe_state;
      } else if (*action == "isolate") {
        if (rule.station_wide()) reader.fail(body["action"], field + ".action", "a chamber channel concerns every board: safe_state");
        rule.action = InterlockAction::isolate;
      } else {
        reader.fail(body["action"], field + ".action", "'" + *action + "': expected isolate or safe_state");
      }
    }
    rules.push_back(rule);
  }
  return rules;
}

}  // namespace

const char* to_string(PromptExpect expect) {
  switch (expect) {
    case PromptExpect::confirm: return "confirm";
    case PromptExpect::text: return "text";
    case PromptExpect::number: return "number";
  }
  return "unknown";
}

const char* to_string(PhaseKind kind) {
  switch (kind) {
    case PhaseKind::baseline: return "baseline";
    case PhaseKind::replay: return "replay";
    case PhaseKind::reference: return "reference";
    case PhaseKind::thermal_cycle: return "thermal_cycle";
    case PhaseKind::prompt: return "prompt";
  }
  return "unknown";
}

CampaignConfig parse_campaign(const std::string& label, const std::string& text, const FileReader& read_file) {
  const auto directory = std::filesystem::path(label).parent_path();
  YamlReader reader(label, text);
  const auto& root = reader.root();
  reader.allow_only(root, "", schema_keys("campaign", ""));
  CampaignConfig out;
  out.label = label;
  out.text = text;
  out.name = reader.string(root, "", "campaign");

  const auto station_name = reader.string(root, "", "station");
  std::string station_label;
  std::string station_text;
  try {
    station_text = read_file(station_name, station_label);
  } catch (const ConfigError& e) {
    reader.fail(root["station"], "station", e.what());
  }
  out.station = parse_station(station_label, station_text);

  if (root["orbit"] && root["profile"]) reader.fail(root["profile"], "profile", "give either orbit or profile, not both");
  std::optional<double> orbit_period_s;
  if (auto path = reader.optional_string(root, "", "profile")) {
    const std::filesystem::path file(*path);
    out.profile_path = file.is_absolute() || directory.empty() ? file.string() : (directory / file).string();
    std::error_code error;  // a name the system refuses (too long, no permission) is this file's error too
    if (!std::filesystem::exists(out.profile_path, error)) {
      reader.fail(root["profile"], "profile", out.profile_path + ": " + (error ? error.message() : "no such file"));
    }
    std::ifstream in(out.profile_path, std::ios::binary);
    profiles::pb::Profile saved;
    if (saved.ParseFromIstream(&in)) orbit_period_s = saved.orbit().period_s();  // the runner checks the rest
  } else if (!root["orbit"]) {
    // Only a replay needs an orbit (checked with the plan below).
  } else {
    out.profile.orbit = parse_orbit(reader, root["orbit"], directory, out.profile, orbit_period_s);
  }
  if (const auto craft = root["spacecraft"]) {
    if (craft.IsScalar()) {  // a file, relative to the campaign
      const std::filesystem::path path(craft.as<std::string>());
      const auto full = path.is_absolute() || directory.empty() ? path : directory / path;
      try {
        out.profile.spacecraft = load_spacecraft_file(full.string());
      } catch (const ConfigError& e) {
        reader.fail(craft, "spacecraft", e.what());
      }
      out.profile.spacecraft_label = full.string();
    } else {
      out.profile.spacecraft = read_spacecraft(reader, craft, "spacecraft");
      out.profile.spacecraft_label = label + " (spacecraft)";
    }
  }
  if (root["lab"]) out.profile.lab = parse_lab_choices(reader, root["lab"]);
  if (root["profile_step_s"]) out.profile.step_s = reader.number_in(root, "", "profile_step_s", 0.1, 600);
  if (root["workload"]) out.workload = parse_workload(reader, root["workload"]);
  if (root["speed"]) out.speed = reader.number_in(root, "", "speed", 0.001, kMaxSpeed);
  if (root["sample_period_s"]) out.sample_period_s = reader.number_in(root, "", "sample_period_s", 0.01, 3600);

  const auto plan = root["plan"];
  if (!plan) reader.fail(root, "plan", std::string("missing (required: a list of steps: ") + kStepNames + ")");
  if (!plan.IsSequence() || plan.size() == 0) reader.fail(plan, "plan", "expected a non-empty list of steps");
  PlanContext context;
  context.orbit_period_s = orbit_period_s;
  parse_steps(reader, context, plan, "plan", out.plan, "", 0);
  out.profile.name = out.name;
  if (std::all_of(out.plan.begin(), out.plan.end(), [](const PhaseConfig& p) { return p.kind == PhaseKind::prompt; })) {
    reader.fail(plan, "plan", "has only prompts: at least one run (baseline, replay, reference, thermal_cycle) is needed");
  }
  const bool replays = std::any_of(out.plan.begin(), out.plan.end(), [](const PhaseConfig& p) { return p.kind == PhaseKind::replay; });
  if (replays && !root["orbit"] && out.profile_path.empty()) {
    reader.fail(root, "orbit", "missing (the plan replays an orbit: orbit: { preset: starlink-550 }, or profile: FILE)");
  }

  if (const auto interlocks = root["interlocks"]) out.interlocks = parse_interlocks(reader, interlocks, out.station);
  if (const auto limits = root["limits"]) {
    reader.allow_only(limits, "limits", schema_keys("campaign", "limits"));
    // name: { max: X } — a per-DUT verdict over the campaign.
    auto max_of = [&](const char* name, double low, double high) -> std::optional<double> {
      const auto node = limits[name];
      if (!node) return std::nullopt;
      const std::string field = std::string("limits.") + name;
      reader.allow_only(node, field, schema_keys("campaign", "limits.<limit>"));
      return reader.number_in(node, field, "max", low, high);
    };
    out.limits.max_sdc_count = max_of("sdc_count", 0, 1e9);
    out.limits.max_ecc_uncorrected = max_of("ecc_uncorrected", 0, 1e9);
    out.limits.max_board_temp_c = max_of("board_temp_c", -50, 150);
    if (limits["chamber_band_c"]) out.limits.chamber_band_c = reader.number_in(limits, "limits", "chamber_band_c", 0.1, 50);
    if (const auto tracking = limits["chamber_tracking_k"]) {
      reader.allow_only(tracking, "limits.chamber_tracking_k", schema_keys("campaign", "limits.chamber_tracking_k"));
      if (tracking["p95"]) out.limits.chamber_tracking_p95_k = reader.number_in(tracking, "limits.chamber_tracking_k", "p95", 0.05, 100);
      if (tracking["max"]) out.limits.chamber_tracking_max_k = reader.number_in(tracking, "limits.chamber_tracking_k", "max", 0.05, 200);
    }
    if (limits["chamber_alarm_s"]) out.limits.chamber_alarm_s = reader.number_in(limits, "limits", "chamber_alarm_s", 1, 86400);
    if (const auto degradation = limits["throughput_degradation_pct"]) {
      reader.allow_only(degradation, "limits.throughput_degradation_pct", schema_keys("campaign", "limits.<limit>"));
      out.limits.max_throughput_degradation_pct =
          reader.number_in(degradation, "limits.throughput_degradation_pct", "max", 0, 100);
    }
  }
  if (const auto soak = root["soak"]) {
    reader.allow_only(soak, "soak", schema_keys("campaign", "soak"));
    if (soak["band_k"]) out.soak.band_k = reader.number_in(soak, "soak", "band_k", 0.05, 50);
    if (soak["max_slope_c_per_min"]) out.soak.max_slope_c_per_min = reader.number_in(soak, "soak", "max_slope_c_per_min", 0.001, 50);
    out.soak.hold_s = reader.optional_duration_s(soak, "soak", "hold").value_or(out.soak.hold_s);
    out.soak.timeout_s = reader.optional_duration_s(soak, "soak", "timeout").value_or(out.soak.timeout_s);
    if (out.soak.hold_s < 0) reader.fail(soak["hold"], "soak.hold", "must not be negative");
    if (out.soak.timeout_s <= out.soak.hold_s) reader.fail(soak["timeout"] ? soak["timeout"] : soak, "soak.timeout", "must be longer than soak.hold");
  }
  if (auto policy = reader.optional_string(root, "", "on_chamber_alarm")) {
    if (*policy == "abort") {
      out.on_chamber_alarm = ChamberAlarmPolicy::abort;
    } else if (*policy == "pause") {
      out.on_chamber_alarm = ChamberAlarmPolicy::pause;
    } else {
      reader.fail(root["on_chamber_alarm"], "on_chamber_alarm", "unknown policy '" + *policy + "' (expected abort or pause)");
    }
  }
  if (auto accept = reader.optional_bool(root, "", "accept_thermal_infeasibility")) {
    out.accept_thermal_infeasibility = *accept;
    out.line_accept_thermal_infeasibility = root["accept_thermal_infeasibility"].Mark().line + 1;
  }
  return out;
}

CampaignConfig load_campaign_file(const std::string& path) {
  const std::string text = read_text_file(path);
  const auto directory = std::filesystem::path(path).parent_path();
  return parse_campaign(path, text, [&](const std::string& name, std::string& label) {
    const auto station_path = std::filesystem::path(name).is_absolute() ? std::filesystem::path(name) : directory / name;
    label = station_path.string();
    return read_text_file(label);
  });
}

CampaignConfig load_embedded_campaign() {
  return parse_campaign(std::string("(embedded) ") + kQuickCampaignName, kQuickCampaignYaml,
                        [](const std::string& name, std::string& label) -> std::string {
                          if (name != kQuickStationName) {
                            throw ConfigError("the embedded campaign can only use its own station " +
                                              std::string(kQuickStationName));
                          }
                          label = std::string("(embedded) ") + kQuickStationName;
                          return kQuickStationYaml;
                        });
}

}  // namespace ob::bench
