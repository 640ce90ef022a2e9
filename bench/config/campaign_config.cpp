#include "bench/config/campaign_config.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/config/yaml_reader.hpp"
#include "bench/embedded_examples.hpp"

namespace ob::bench {
namespace {

// Campaign speed above this would leave too few samples per thermal time constant.
constexpr double kMaxSpeed = 10000;

profiles::CircularOrbit parse_orbit(const YamlReader& reader, const YAML::Node& node, std::string& description) {
  reader.allow_only(node, "orbit", {"preset", "altitude_km", "inclination_deg", "beta_deg"});
  profiles::CircularOrbit orbit;
  if (auto preset = reader.optional_string(node, "orbit", "preset")) {
    auto found = profiles::find_preset(*preset);
    if (!found) {
      std::string names;
      for (const auto& name : profiles::preset_names()) names += (names.empty() ? "" : ", ") + name;
      reader.fail(node["preset"], "orbit.preset", "unknown preset '" + *preset + "' (known: " + names + ")");
    }
    orbit = *found;
    description = "preset " + *preset;
  } else {
    description = "circular";
  }
  if (node["altitude_km"]) orbit.altitude_km = reader.number_in(node, "orbit", "altitude_km", 150, 40000);
  if (node["inclination_deg"]) orbit.inclination_deg = reader.number_in(node, "orbit", "inclination_deg", 0, 180);
  if (node["beta_deg"]) orbit.beta_deg = reader.number_in(node, "orbit", "beta_deg", -90, 90);
  std::ostringstream text;
  text << description << " altitude=" << orbit.altitude_km << "km inclination=" << orbit.inclination_deg
       << "deg beta=" << orbit.beta_deg << "deg";
  description = text.str();
  return orbit;
}

profiles::Spacecraft parse_spacecraft(const YamlReader& reader, const YAML::Node& node) {
  reader.allow_only(node, "spacecraft", {"gpu_budget_sunlit_w", "gpu_budget_eclipse_w", "radiator_area_m2"});
  profiles::Spacecraft craft;
  if (node["gpu_budget_sunlit_w"]) craft.gpu_budget_sunlit_w = reader.number_in(node, "spacecraft", "gpu_budget_sunlit_w", 1, 100000);
  if (node["gpu_budget_eclipse_w"]) craft.gpu_budget_eclipse_w = reader.number_in(node, "spacecraft", "gpu_budget_eclipse_w", 0, craft.gpu_budget_sunlit_w);
  if (node["radiator_area_m2"]) craft.radiator_area_m2 = reader.number_in(node, "spacecraft", "radiator_area_m2", 0.01, 1000);
  return craft;
}

drivers::WorkloadSpec parse_workload(const YamlReader& reader, const YAML::Node& node) {
  reader.allow_only(node, "workload", {"kind", "dtype", "size"});
  drivers::WorkloadSpec workload;
  workload.kind = reader.optional_string(node, "workload", "kind").value_or(workload.kind);
  if (workload.kind != "gemm" && workload.kind != "hbm") reader.fail(node["kind"], "workload.kind", "expected gemm or hbm");
  workload.dtype = reader.optional_string(node, "workload", "dtype").value_or(workload.dtype);
  if (workload.dtype != "bf16" && workload.dtype != "fp16" && workload.dtype != "fp32") {
    reader.fail(node["dtype"], "workload.dtype", "expected bf16, fp16 or fp32");
  }
  if (node["size"]) workload.size = static_cast<std::uint32_t>(reader.number_in(node, "workload", "size", 64, 65536));
  return workload;
}

PhaseConfig parse_phase(const YamlReader& reader, const YAML::Node& item, std::size_t index) {
  const std::string field = "plan[" + std::to_string(index) + "]";
  if (!item.IsMap() || item.size() != 1) {
    reader.fail(item, field, "expected one of '- baseline: {...}', '- replay: {...}', '- reference: {...}'");
  }
  const auto entry = *item.begin();
  const auto name = entry.first.as<std::string>();
  const auto& body = entry.second;
  PhaseConfig phase;
  phase.line = item.Mark().line + 1;
  const std::string phase_field = field + "." + name;
  if (name == "baseline" || name == "reference") {
    phase.kind = name == "baseline" ? PhaseKind::baseline : PhaseKind::reference;
    reader.allow_only(body, phase_field, {"chamber_c", "duration"});
    if (body["chamber_c"]) phase.chamber_c = reader.number_in(body, phase_field, "chamber_c", -80, 200);
    phase.duration_s = reader.optional_duration_s(body, phase_field, "duration").value_or(phase.duration_s);
    return phase;
  }
  if (name == "replay") {
    phase.kind = PhaseKind::replay;
    reader.allow_only(body, phase_field, {"orbits"});
    if (body["orbits"]) phase.orbits = reader.number_in(body, phase_field, "orbits", 0.01, 1000);
    return phase;
  }
  reader.fail(entry.first, field, "unknown phase '" + name + "' (expected baseline, replay or reference)");
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open (" + std::string(std::strerror(errno)) + ")");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

const char* to_string(PhaseKind kind) {
  switch (kind) {
    case PhaseKind::baseline: return "baseline";
    case PhaseKind::replay: return "replay";
    case PhaseKind::reference: return "reference";
  }
  return "unknown";
}

CampaignConfig parse_campaign(const std::string& label, const std::string& text, const FileReader& read_file) {
  YamlReader reader(label, text);
  const auto& root = reader.root();
  reader.allow_only(root, "", {"campaign", "station", "orbit", "spacecraft", "profile_step_s", "workload", "speed",
                               "sample_period_s", "plan", "limits"});
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

  if (!root["orbit"]) reader.fail(root, "orbit", "missing (required, e.g. orbit: { preset: leo-550 })");
  out.orbit = parse_orbit(reader, root["orbit"], out.orbit_description);
  if (root["spacecraft"]) out.spacecraft = parse_spacecraft(reader, root["spacecraft"]);
  if (root["profile_step_s"]) out.profile_step_s = reader.number_in(root, "", "profile_step_s", 0.1, 600);
  if (root["workload"]) out.workload = parse_workload(reader, root["workload"]);
  if (root["speed"]) out.speed = reader.number_in(root, "", "speed", 0.001, kMaxSpeed);
  if (root["sample_period_s"]) out.sample_period_s = reader.number_in(root, "", "sample_period_s", 0.01, 3600);

  const auto plan = root["plan"];
  if (!plan) reader.fail(root, "plan", "missing (required: a list of baseline/replay/reference phases)");
  if (!plan.IsSequence() || plan.size() == 0) reader.fail(plan, "plan", "expected a non-empty list of phases");
  for (std::size_t i = 0; i < plan.size(); ++i) out.plan.push_back(parse_phase(reader, plan[i], i));

  if (const auto limits = root["limits"]) {
    reader.allow_only(limits, "limits", {"throughput_degradation_pct"});
    if (const auto degradation = limits["throughput_degradation_pct"]) {
      reader.allow_only(degradation, "limits.throughput_degradation_pct", {"max"});
      out.limits.max_throughput_degradation_pct =
          reader.number_in(degradation, "limits.throughput_degradation_pct", "max", 0, 100);
    }
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
