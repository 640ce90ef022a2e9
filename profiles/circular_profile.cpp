// Profile assembly for a circular orbit: grid → shadow → power → two thermal nodes → lab.
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "profiles/circular_orbit.hpp"
#include "profiles/lab_mapping.hpp"
#include "profiles/number_format.hpp"
#include "profiles/orbit_profile.hpp"
#include "profiles/physical_constants.hpp"
#include "profiles/power_budget.hpp"
#include "profiles/profile_validation.hpp"
#include "profiles/shadow.hpp"
#include "profiles/thermal_nodes.hpp"
#include "profiles/time_grid.hpp"

namespace ob::profiles {

namespace {

constexpr double kRadPerDeg = std::numbers::pi / 180.0;

struct SeriesSpec {
  std::string_view name;
  std::string_view unit;
};

constexpr SeriesSpec kIlluminationSpec{series::kIllumination, "1"};
constexpr SeriesSpec kPowerBudgetSpec{series::kPowerBudget, "W"};
constexpr SeriesSpec kRadiatorTempSpec{series::kRadiatorTemp, "degC"};
constexpr SeriesSpec kBoardTempSpec{series::kBoardTemp, "degC"};
constexpr SeriesSpec kChamberSetpointSpec{series::kChamberSetpoint, "degC"};
constexpr SeriesSpec kGpuPowerCapSpec{series::kGpuPowerCap, "W"};
constexpr SeriesSpec kPsuCurrentLimitSpec{series::kPsuCurrentLimit, "A"};

void add_series(pb::Profile& profile, const SeriesSpec& spec, const std::vector<double>& values) {
  pb::Series* added = profile.add_series();
  added->set_name(std::string(spec.name));
  added->set_unit(std::string(spec.unit));
  added->mutable_value()->Add(values.begin(), values.end());
}

std::string orbit_description(const CircularOrbit& orbit) {
  return "circular altitude=" + format_number(orbit.altitude_km) +
         "km inclination=" + format_number(orbit.inclination_deg) +
         "deg beta=" + format_number(orbit.beta_deg) + "deg";
}

pb::Profile assemble(const CircularOrbit& orbit, const Spacecraft& craft, const LabMapping& lab,
                     const ProfileOptions& options, const std::string& default_name,
                     const std::string& source) {
  validate_orbit(orbit);
  validate_spacecraft(craft);
  validate_lab(lab);
  validate_options(options, orbit);

  const double period_s = orbital_period_s(orbit.altitude_km);
  const double step_s = options.step_s;
  const auto points = static_cast<std::size_t>(grid_point_count(options.orbits * period_s, step_s));

  const double radius_km = orbit_radius_km(orbit.altitude_km);
  const double beta_rad = orbit.beta_deg * kRadPerDeg;
  const DriveAt drive = [&](double t_s) {
    const double illumination =
        cylindrical_illumination(radius_km, beta_rad, angle_from_subsolar_rad(t_s, period_s));
    return NodeDrive{.illumination = illumination,
                     .board_power_w = power_budget_w(craft, illumination)};
  };
  const double sunlit_fraction = 1.0 - eclipse_fraction(orbit.altitude_km, orbit.beta_deg);
  const NodeDrive orbit_average{.illumination = sunlit_fraction,
                                .board_power_w = power_budget_w(craft, sunlit_fraction)};

  const TwoNodeModel thermal(craft, orbit.altitude_km);
  NodeTemps temps = thermal.periodic_steady_state(period_s, orbit_average, drive);

  std::vector<double> t_s(points);
  std::vector<double> illumination(points);
  std::vector<double> budget_w(points);
  std::vector<double> radiator_c(points);
  std::vector<double> board_c(points);
  std::vector<double> cap_w(points);
  std::vector<double> current_a(points);
  for (std::size_t k = 0; k < points; ++k) {
    t_s[k] = static_cast<double>(k) * step_s;
    if (k > 0) temps = thermal.advance(temps, t_s[k - 1], t_s[k], drive);
    const NodeDrive now = drive(t_s[k]);
    illumination[k] = now.illumination;
    budget_w[k] = now.board_power_w;
    radiator_c[k] = temps.radiator_k - kZeroCelsiusK;
    board_c[k] = temps.board_k - kZeroCelsiusK;
    cap_w[k] = gpu_power_cap_w(lab, craft, budget_w[k]);
    current_a[k] = psu_current_limit_a(lab, cap_w[k]);
  }
  const std::vector<double> chamber_c = chamber_setpoints_c(lab, radiator_c, step_s);

  pb::Profile profile;
  profile.set_name(options.name.empty() ? default_name : options.name);
  profile.set_source(source);
  profile.set_generator(std::string(kGenerator));
  profile.set_step_s(step_s);
  profile.mutable_t_s()->Add(t_s.begin(), t_s.end());
  add_series(profile, kIlluminationSpec, illumination);
  add_series(profile, kPowerBudgetSpec, budget_w);
  add_series(profile, kRadiatorTempSpec, radiator_c);
  add_series(profile, kBoardTempSpec, board_c);
  add_series(profile, kChamberSetpointSpec, chamber_c);
  add_series(profile, kGpuPowerCapSpec, cap_w);
  add_series(profile, kPsuCurrentLimitSpec, current_a);

  pb::OrbitSummary* summary = profile.mutable_orbit();
  summary->set_altitude_km(orbit.altitude_km);
  summary->set_inclination_deg(orbit.inclination_deg);
  summary->set_beta_deg(orbit.beta_deg);
  summary->set_period_s(period_s);
  summary->set_eclipse_s(eclipse_duration_s(orbit.altitude_km, orbit.beta_deg));
  summary->set_shadow_model(std::string(kShadowModelCylindrical));
  return profile;
}

}  // namespace

std::string default_profile_name(const CircularOrbit& orbit) {
  return "circular-" + format_number(orbit.altitude_km) + "km-i" +
         format_number(orbit.inclination_deg) + "-b" + format_number(orbit.beta_deg);
}

pb::Profile build_circular_profile(const CircularOrbit& orbit, const Spacecraft& craft,
                                   const LabMapping& lab, const ProfileOptions& options) {
  return assemble(orbit, craft, lab, options, default_profile_name(orbit),
                  orbit_description(orbit));
}

pb::Profile build_preset_profile(std::string_view preset, const Spacecraft& craft,
                                 const LabMapping& lab, const ProfileOptions& options) {
  const std::optional<CircularOrbit> orbit = find_preset(preset);
  if (!orbit) {
    std::string known;
    for (const std::string& name : preset_names()) known += (known.empty() ? "" : ", ") + name;
    throw ProfileError("unknown preset \"" + std::string(preset) + "\" (known: " + known + ")");
  }
  return assemble(*orbit, craft, lab, options, std::string(preset),
                  "preset " + std::string(preset) + ": " + orbit_description(*orbit));
}

}  // namespace ob::profiles
