#include "profiles/heat/spacecraft.hpp"

#include <array>
#include <utility>

#include "profiles/heat/field_checks.hpp"

namespace ob::profiles {

namespace {

// Upper bounds that catch unit mistakes (W for kW, Wh for J) rather than limit designs.
constexpr double kMaxPowerW = 1e6;
constexpr double kMaxEclipseS = 6.0 * 3600.0;  // far above any LEO/MEO eclipse (GEO: 72 min)
constexpr double kMaxOlrWPerM2 = 500.0;         // Earth's OLR is 150..340 W/m² anywhere

template <typename Enum, std::size_t N>
std::optional<Enum> parse(std::string_view name, const std::array<Enum, N>& values) {
  for (const Enum value : values) {
    if (to_string(value) == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::vector<FieldError> spacecraft_errors(const Spacecraft& craft) {
  FieldChecks check("spacecraft");
  check.above_up_to("gpu_budget_sunlit_w", craft.gpu_budget_sunlit_w, 0, kMaxPowerW);
  check.within("gpu_budget_eclipse_w", craft.gpu_budget_eclipse_w, 0, kMaxPowerW);
  check.within("housekeeping_w", craft.housekeeping_w, 0, kMaxPowerW);
  check.above_up_to("design_eclipse_s", craft.design_eclipse_s, 0, kMaxEclipseS);

  check.positive("radiator_area_m2", craft.radiator_area_m2);
  check.above_up_to("radiator_emissivity", craft.radiator_emissivity, 0, 1);
  check.within("radiator_absorptivity", craft.radiator_absorptivity, 0, 1);
  check.positive("radiator_heat_capacity_j_per_k", craft.radiator_heat_capacity_j_per_k);
  check.positive("board_heat_capacity_j_per_k", craft.board_heat_capacity_j_per_k);
  check.positive("board_to_radiator_w_per_k", craft.board_to_radiator_w_per_k);
  check.within("housekeeping_heat_fraction", craft.housekeeping_heat_fraction, 0, 1);
  check.within("earth_albedo", craft.earth_albedo, 0, 1);
  check.within("earth_olr_w_per_m2", craft.earth_olr_w_per_m2, 0, kMaxOlrWPerM2);

  check.non_negative("array_area_m2", craft.array_area_m2);
  check.within("array_efficiency", craft.array_efficiency, 0, 1);
  check.within("array_degradation", craft.array_degradation, 0, 1);
  check.within("array_degradation_per_year", craft.array_degradation_per_year, 0, 1);

  check.positive("battery_capacity_wh", craft.battery_capacity_wh);
  check.above_up_to("battery_charge_efficiency", craft.battery_charge_efficiency, 0, 1);
  check.above_up_to("battery_discharge_efficiency", craft.battery_discharge_efficiency, 0, 1);
  check.within("battery_max_depth_of_discharge", craft.battery_max_depth_of_discharge, 0, 1);
  check.within("battery_initial_soc", craft.battery_initial_soc, 0, 1);
  check.non_negative("battery_max_charge_w", craft.battery_max_charge_w);

  check.positive("bus_voltage_nominal_v", craft.bus_voltage_nominal_v);
  check.positive("bus_voltage_min_v", craft.bus_voltage_min_v);
  check.positive("bus_voltage_max_v", craft.bus_voltage_max_v);
  check.ordered("bus_voltage_min_v", craft.bus_voltage_min_v, "bus_voltage_max_v",
                craft.bus_voltage_max_v);
  return check.take();
}

std::string_view to_string(RadiatorFacing facing) {
  switch (facing) {
    case RadiatorFacing::orbit_normal: return "orbit_normal";
    case RadiatorFacing::zenith: return "zenith";
    case RadiatorFacing::anti_sun: return "anti_sun";
    case RadiatorFacing::isotropic: return "isotropic";
  }
  return "?";
}

std::string_view to_string(ArrayPointing pointing) {
  switch (pointing) {
    case ArrayPointing::sun_tracking: return "sun_tracking";
    case ArrayPointing::single_axis: return "single_axis";
    case ArrayPointing::body_fixed_zenith: return "body_fixed_zenith";
  }
  return "?";
}

std::string_view to_string(BusRegulation regulation) {
  switch (regulation) {
    case BusRegulation::unregulated: return "unregulated";
    case BusRegulation::regulated: return "regulated";
  }
  return "?";
}

std::string_view to_string(EclipsePolicy policy) {
  switch (policy) {
    case EclipsePolicy::fixed_budget: return "fixed_budget";
    case EclipsePolicy::battery_allows: return "battery_allows";
  }
  return "?";
}

std::optional<RadiatorFacing> parse_radiator_facing(std::string_view name) {
  return parse(name, std::array{RadiatorFacing::orbit_normal, RadiatorFacing::zenith,
                                RadiatorFacing::anti_sun, RadiatorFacing::isotropic});
}

std::optional<ArrayPointing> parse_array_pointing(std::string_view name) {
  return parse(name, std::array{ArrayPointing::sun_tracking, ArrayPointing::single_axis,
                                ArrayPointing::body_fixed_zenith});
}

std::optional<BusRegulation> parse_bus_regulation(std::string_view name) {
  return parse(name, std::array{BusRegulation::unregulated, BusRegulation::regulated});
}

std::optional<EclipsePolicy> parse_eclipse_policy(std::string_view name) {
  return parse(name, std::array{EclipsePolicy::fixed_budget, EclipsePolicy::battery_allows});
}

}  // namespace ob::profiles
