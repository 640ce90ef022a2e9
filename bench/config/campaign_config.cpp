#include "bench/config/campaign_config.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/config/model_config.hpp"
#include "bench/config/yaml_reader.hpp"
#include "bench/embedded_examples.hpp"

namespace ob::bench {
namespace {

// Campaign speed above this would leave too few samples per thermal time constant.
constexpr double kMaxSpeed = 10000;

// orbit: { preset: NAME | tle: FILE [sat: NAME|NUM] | elements: SPEC, start: UTC }
profiles::OrbitSource parse_orbit(const YamlReader& reader, const YAML::Node& node, const std::filesystem::path& directory,
                                  ProfileSpec& spec) {
  reader.allow_only(node, "orbit", {"preset", "tle", "sat", "elements", "start"});
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
    if (spec.start_utc) profiles::orbit::parse_iso8601_utc(*spec.start_utc);
  } catch (const std::exception& e) {
    reader.fail(node, "orbit", e.what());
  }
  return source;
}

// The campaign's own lab-mapping choices; the rest comes from the station and instruments.
profiles::LabMapping parse_lab_choices(const YamlReader& reader, const YAML::Node& node) {
  reader.allow_only(node, "lab", {"qualification", "chamber_tracks", "dut_self_heating_k_per_w", "chamber_tolerance_k",
                                  "cap_scaling", "psu_voltage_mode", "current_margin"});
  return read_lab_mapping(reader, node, "lab");
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
  const auto directory = std::filesystem::path(label).parent_path();
  YamlReader reader(label, text);
  const auto& root = reader.root();
  reader.allow_only(root, "", {"campaign", "station", "orbit", "profile", "spacecraft", "lab", "profile_step_s", "workload", "speed",
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

  if (root["orbit"] && root["profile"]) reader.fail(root["profile"], "profile", "give either orbit or profile, not both");
  if (auto path = reader.optional_string(root, "", "profile")) {
    const std::filesystem::path file(*path);
    out.profile_path = file.is_absolute() || directory.empty() ? file.string() : (directory / file).string();
    if (!std::filesystem::exists(out.profile_path)) reader.fail(root["profile"], "profile", out.profile_path + ": no such file");
  } else if (!root["orbit"]) {
    reader.fail(root, "orbit", "missing (required, e.g. orbit: { preset: starlink-550 }, or profile: FILE)");
  } else {
    out.profile.orbit = parse_orbit(reader, root["orbit"], directory, out.profile);
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
  if (!plan) reader.fail(root, "plan", "missing (required: a list of baseline/replay/reference phases)");
  if (!plan.IsSequence() || plan.size() == 0) reader.fail(plan, "plan", "expected a non-empty list of phases");
  for (std::size_t i = 0; i < plan.size(); ++i) out.plan.push_back(parse_phase(reader, plan[i], i));
  out.profile.name = out.name;

  if (const auto limits = root["limits"]) {
    reader.allow_only(limits, "limits",
                      {"throughput_degradation_pct", "chamber_band_c", "sdc_count", "ecc_uncorrected", "board_temp_c"});
    // name: { max: X } — a per-DUT verdict over the campaign.
    auto max_of = [&](const char* name, double low, double high) -> std::optional<double> {
      const auto node = limits[name];
      if (!node) return std::nullopt;
      const std::string field = std::string("limits.") + name;
      reader.allow_only(node, field, {"max"});
      return reader.number_in(node, field, "max", low, high);
    };
    out.limits.max_sdc_count = max_of("sdc_count", 0, 1e9);
    out.limits.max_ecc_uncorrected = max_of("ecc_uncorrected", 0, 1e9);
    out.limits.max_board_temp_c = max_of("board_temp_c", -50, 150);
    if (limits["chamber_band_c"]) out.limits.chamber_band_c = reader.number_in(limits, "limits", "chamber_band_c", 0.1, 50);
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
