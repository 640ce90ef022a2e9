#include "bench/config/model_config.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "profiles/bounded_read.hpp"

namespace ob::bench {
namespace {

// One YAML key of a parameter struct: numbers bind to a double member, names to a parser.
template <class Params>
struct Field {
  const char* key;
  double Params::*number = nullptr;
  std::function<bool(Params&, const std::string&)> set_name = nullptr;  // false: unknown name
  const char* names = "";                                     // listed in the error
};

template <class Params, class NameOf>
std::string to_yaml(const Params& params, const std::vector<Field<Params>>& fields, NameOf name_of) {
  std::string out;
  char number[64];
  for (const auto& field : fields) {
    out += field.key;
    out += ": ";
    if (field.number) {
      std::snprintf(number, sizeof number, "%.17g", params.*(field.number));
      out += number;
    } else {
      out += name_of(params, field.key);
    }
    out += "\n";
  }
  return out;
}

template <class Params>
Params read_fields(const YamlReader& reader, const YAML::Node& map, const std::string& field, Params params,
                   const std::vector<Field<Params>>& fields,
                   std::vector<profiles::FieldError> (*validate)(const Params&)) {
  reader.require_map(map, field);
  for (const auto& item : map) {
    const auto key = reader.key(item.first, field);
    const std::string path = field.empty() ? key : field + "." + key;
    const Field<Params>* match = nullptr;
    for (const auto& candidate : fields) {
      if (key == candidate.key) match = &candidate;
    }
    if (!match) {
      std::string known;
      for (const auto& candidate : fields) known += std::string(known.empty() ? "" : ", ") + candidate.key;
      reader.fail(item.first, path, "unknown key (expected one of: " + known + ")");
    }
    if (match->number) {
      params.*(match->number) = reader.number(map, field, match->key);
      continue;
    }
    const auto text = reader.string(map, field, match->key);
    if (!match->set_name(params, text)) {
      reader.fail(item.second, path, "'" + text + "' is not one of: " + match->names);
    }
  }
  // Cross-field rules (min < max, fractions in 0..1, …) are the model's own; point at the key.
  const auto errors = validate(params);
  if (!errors.empty()) {
    const auto& first = errors.front();
    const std::string key = first.field.substr(first.field.find('.') + 1);
    const auto at = map[key] ? map[key] : map;
    reader.fail(at, field.empty() ? key : field + "." + key,
                first.message + (errors.size() > 1 ? " (and " + std::to_string(errors.size() - 1) + " more)" : ""));
  }
  return params;
}

template <class Params, class Enum>
std::function<bool(Params&, const std::string&)> enum_setter(Enum Params::*member,
                                                             std::optional<Enum> (*parse)(std::string_view)) {
  return [member, parse](Params& params, const std::string& text) {
    auto value = parse(text);
    if (!value) return false;
    params.*member = *value;
    return true;
  };
}

using profiles::LabMapping;
using profiles::Spacecraft;

const std::vector<Field<Spacecraft>>& spacecraft_fields() {
  static const std::vector<Field<Spacecraft>> fields = {
      {"gpu_budget_sunlit_w", &Spacecraft::gpu_budget_sunlit_w},
      {"gpu_budget_eclipse_w", &Spacecraft::gpu_budget_eclipse_w},
      {"gpu_eclipse_policy", nullptr, enum_setter(&Spacecraft::gpu_eclipse_policy, profiles::parse_eclipse_policy),
       "fixed_budget, battery_allows"},
      {"housekeeping_w", &Spacecraft::housekeeping_w},
      {"design_eclipse_s", &Spacecraft::design_eclipse_s},
      {"radiator_area_m2", &Spacecraft::radiator_area_m2},
      {"radiator_emissivity", &Spacecraft::radiator_emissivity},
      {"radiator_absorptivity", &Spacecraft::radiator_absorptivity},
      {"radiator_facing", nullptr, enum_setter(&Spacecraft::radiator_facing, profiles::parse_radiator_facing),
       "orbit_normal, zenith, anti_sun, isotropic"},
      {"radiator_heat_capacity_j_per_k", &Spacecraft::radiator_heat_capacity_j_per_k},
      {"board_heat_capacity_j_per_k", &Spacecraft::board_heat_capacity_j_per_k},
      {"board_to_radiator_w_per_k", &Spacecraft::board_to_radiator_w_per_k},
      {"housekeeping_heat_fraction", &Spacecraft::housekeeping_heat_fraction},
      {"earth_albedo", &Spacecraft::earth_albedo},
      {"earth_olr_w_per_m2", &Spacecraft::earth_olr_w_per_m2},
      {"array_area_m2", &Spacecraft::array_area_m2},
      {"array_efficiency", &Spacecraft::array_efficiency},
      {"array_degradation", &Spacecraft::array_degradation},
      {"array_degradation_per_year", &Spacecraft::array_degradation_per_year},
      {"array_pointing", nullptr, enum_setter(&Spacecraft::array_pointing, profiles::parse_array_pointing),
       "sun_tracking, single_axis, body_fixed_zenith"},
      {"battery_capacity_wh", &Spacecraft::battery_capacity_wh},
      {"battery_charge_efficiency", &Spacecraft::battery_charge_efficiency},
      {"battery_discharge_efficiency", &Spacecraft::battery_discharge_efficiency},
      {"battery_max_depth_of_discharge", &Spacecraft::battery_max_depth_of_discharge},
      {"battery_initial_soc", &Spacecraft::battery_initial_soc},
      {"battery_max_charge_w", &Spacecraft::battery_max_charge_w},
      {"bus_regulation", nullptr, enum_setter(&Spacecraft::bus_regulation, profiles::parse_bus_regulation),
       "unregulated, regulated"},
      {"bus_voltage_nominal_v", &Spacecraft::bus_voltage_nominal_v},
      {"bus_voltage_min_v", &Spacecraft::bus_voltage_min_v},
      {"bus_voltage_max_v", &Spacecraft::bus_voltage_max_v},
  };
  return fields;
}

const std::vector<Field<LabMapping>>& lab_fields() {
  static const std::vector<Field<LabMapping>> fields = {
      {"chamber_min_c", &LabMapping::chamber_min_c},
      {"chamber_max_c", &LabMapping::chamber_max_c},
      {"chamber_max_ramp_c_per_min", &LabMapping::chamber_max_ramp_c_per_min},
      {"speed", &LabMapping::speed},
      {"qualification", nullptr, enum_setter(&LabMapping::qualification, profiles::parse_qualification_level),
       "acceptance, protoqualification, qualification"},
      {"chamber_tracks", nullptr, enum_setter(&LabMapping::chamber_tracks, profiles::parse_chamber_tracks),
       "board, baseplate"},
      {"dut_self_heating_k_per_w", &LabMapping::dut_self_heating_k_per_w},
      {"chamber_tolerance_k", &LabMapping::chamber_tolerance_k},
      {"dut_power_max_w", &LabMapping::dut_power_max_w},
      {"dut_power_min_w", &LabMapping::dut_power_min_w},
      {"cap_scaling", nullptr, enum_setter(&LabMapping::cap_scaling, profiles::parse_cap_scaling), "proportional, affine"},
      {"psu_voltage_mode", nullptr, enum_setter(&LabMapping::psu_voltage_mode, profiles::parse_psu_voltage_mode),
       "fixed, track_bus"},
      {"supply_voltage_v", &LabMapping::supply_voltage_v},
      {"supply_voltage_min_v", &LabMapping::supply_voltage_min_v},
      {"supply_voltage_max_v", &LabMapping::supply_voltage_max_v},
      {"supply_max_current_a", &LabMapping::supply_max_current_a},
      {"current_margin", &LabMapping::current_margin},
  };
  return fields;
}

}  // namespace

std::string read_text_file(const std::string& path) {
  try {
    return profiles::read_bounded_file(path, profiles::kMaxConfigFileBytes);
  } catch (const std::runtime_error& e) {  // unreadable or too large: a configuration error naming the file
    throw ConfigError(e.what());
  }
}

profiles::Spacecraft read_spacecraft(const YamlReader& reader, const YAML::Node& map, const std::string& field,
                                     profiles::Spacecraft base) {
  return read_fields(reader, map, field, base, spacecraft_fields(), &profiles::spacecraft_errors);
}

profiles::LabMapping read_lab_mapping(const YamlReader& reader, const YAML::Node& map, const std::string& field,
                                      profiles::LabMapping base) {
  return read_fields(reader, map, field, base, lab_fields(), &profiles::lab_errors);
}

std::string spacecraft_to_yaml(const profiles::Spacecraft& craft) {
  return to_yaml(craft, spacecraft_fields(), [](const Spacecraft& c, const char* key) -> std::string {
    const std::string name = key;
    if (name == "gpu_eclipse_policy") return std::string(profiles::to_string(c.gpu_eclipse_policy));
    if (name == "radiator_facing") return std::string(profiles::to_string(c.radiator_facing));
    if (name == "array_pointing") return std::string(profiles::to_string(c.array_pointing));
    return std::string(profiles::to_string(c.bus_regulation));
  });
}

std::string lab_to_yaml(const profiles::LabMapping& lab) {
  return to_yaml(lab, lab_fields(), [](const LabMapping& l, const char* key) -> std::string {
    const std::string name = key;
    if (name == "qualification") return std::string(profiles::to_string(l.qualification));
    if (name == "chamber_tracks") return std::string(profiles::to_string(l.chamber_tracks));
    if (name == "cap_scaling") return std::string(profiles::to_string(l.cap_scaling));
    return std::string(profiles::to_string(l.psu_voltage_mode));
  });
}

profiles::Spacecraft load_spacecraft_file(const std::string& path) {
  YamlReader reader(path, read_text_file(path));
  return read_spacecraft(reader, reader.root(), "");
}

profiles::LabMapping load_lab_file(const std::string& path) {
  YamlReader reader(path, read_text_file(path));
  return read_lab_mapping(reader, reader.root(), "");
}

}  // namespace ob::bench
