#include "profiles/profile_validation.hpp"

#include <cmath>
#include <string>
#include <string_view>

#include "profiles/number_format.hpp"
#include "profiles/orbit_profile.hpp"
#include "profiles/time_grid.hpp"

namespace ob::profiles {

namespace {

constexpr double kMaxAltitudeKm = 40000;  // a little above GEO (35786 km)
constexpr double kMaxInclinationDeg = 180;
constexpr double kMaxAbsBetaDeg = 90;
constexpr double kMinStepsPerOrbit = 10;  // coarser grids would miss the eclipse's shape
constexpr double kMaxOrbits = 1000;
constexpr double kMaxGridPoints = 10'000'000;  // ~0.6 GB of doubles over 8 series: enough
constexpr double kMinCurrentMargin = 1.0;  // below 1 the PSU would trip under the GPU's cap

[[noreturn]] void fail(std::string_view field, double value, std::string_view rule) {
  throw ProfileError("invalid " + std::string(field) + "=" + format_number(value) + ": " +
                     std::string(rule));
}

void require(bool ok, std::string_view field, double value, std::string_view rule) {
  if (!ok || !std::isfinite(value)) fail(field, value, rule);
}

void require_positive(double value, std::string_view field) {
  require(value > 0, field, value, "must be > 0");
}

void require_not_above(double low, std::string_view low_field, double high,
                       std::string_view high_field) {
  require(low <= high, low_field, low,
          "must not exceed " + std::string(high_field) + "=" + format_number(high));
}

}  // namespace

void validate_orbit(const CircularOrbit& orbit) {
  require(orbit.altitude_km > 0 && orbit.altitude_km <= kMaxAltitudeKm, "orbit.altitude_km",
          orbit.altitude_km, "must be in (0, " + format_number(kMaxAltitudeKm) + "] km");
  require(orbit.inclination_deg >= 0 && orbit.inclination_deg <= kMaxInclinationDeg,
          "orbit.inclination_deg", orbit.inclination_deg,
          "must be in [0, " + format_number(kMaxInclinationDeg) + "] deg");
  require(std::abs(orbit.beta_deg) <= kMaxAbsBetaDeg, "orbit.beta_deg", orbit.beta_deg,
          "must be in [-" + format_number(kMaxAbsBetaDeg) + ", " +
              format_number(kMaxAbsBetaDeg) + "] deg");
}

void validate_spacecraft(const Spacecraft& craft) {
  require_positive(craft.gpu_budget_sunlit_w, "spacecraft.gpu_budget_sunlit_w");
  require(craft.gpu_budget_eclipse_w >= 0, "spacecraft.gpu_budget_eclipse_w",
          craft.gpu_budget_eclipse_w, "must be >= 0");
  require_positive(craft.radiator_area_m2, "spacecraft.radiator_area_m2");
  require(craft.radiator_emissivity > 0 && craft.radiator_emissivity <= 1,
          "spacecraft.radiator_emissivity", craft.radiator_emissivity, "must be in (0, 1]");
  require(craft.radiator_absorptivity >= 0 && craft.radiator_absorptivity <= 1,
          "spacecraft.radiator_absorptivity", craft.radiator_absorptivity, "must be in [0, 1]");
  require_positive(craft.radiator_heat_capacity_j_per_k,
                   "spacecraft.radiator_heat_capacity_j_per_k");
  require_positive(craft.board_heat_capacity_j_per_k, "spacecraft.board_heat_capacity_j_per_k");
  require_positive(craft.board_to_radiator_w_per_k, "spacecraft.board_to_radiator_w_per_k");
}

void validate_lab(const LabMapping& lab) {
  require(std::isfinite(lab.chamber_min_c), "lab.chamber_min_c", lab.chamber_min_c,
          "must be finite");
  require(std::isfinite(lab.chamber_max_c), "lab.chamber_max_c", lab.chamber_max_c,
          "must be finite");
  require_not_above(lab.chamber_min_c, "lab.chamber_min_c", lab.chamber_max_c,
                    "lab.chamber_max_c");
  require_positive(lab.chamber_max_ramp_c_per_min, "lab.chamber_max_ramp_c_per_min");
  require_positive(lab.dut_power_max_w, "lab.dut_power_max_w");
  require(lab.dut_power_min_w >= 0, "lab.dut_power_min_w", lab.dut_power_min_w, "must be >= 0");
  require_not_above(lab.dut_power_min_w, "lab.dut_power_min_w", lab.dut_power_max_w,
                    "lab.dut_power_max_w");
  require_positive(lab.supply_voltage_v, "lab.supply_voltage_v");
  require(lab.current_margin >= kMinCurrentMargin, "lab.current_margin", lab.current_margin,
          "must be >= " + format_number(kMinCurrentMargin));
}

void validate_options(const ProfileOptions& options, const CircularOrbit& orbit) {
  const double period_s = orbital_period_s(orbit.altitude_km);
  const double max_step_s = period_s / kMinStepsPerOrbit;
  require(options.step_s > 0 && options.step_s <= max_step_s, "options.step_s", options.step_s,
          "must be in (0, period/" + format_number(kMinStepsPerOrbit) +
              "] = (0, " + format_number(max_step_s) + "] s");
  require(options.orbits > 0 && options.orbits <= kMaxOrbits, "options.orbits", options.orbits,
          "must be in (0, " + format_number(kMaxOrbits) + "]");
  const double points = grid_point_count(options.orbits * period_s, options.step_s);
  require(points <= kMaxGridPoints, "options.step_s", options.step_s,
          "gives " + format_number(points) + " samples over " + format_number(options.orbits) +
              " orbits, more than " + format_number(kMaxGridPoints));
}

}  // namespace ob::profiles
