#include "profiles/heat/thermal_model.hpp"

#include <algorithm>
#include <cmath>

#include "profiles/heat/exposure.hpp"
#include "profiles/heat/spacecraft.hpp"
#include "profiles/orbit_profile.hpp"
#include "profiles/physical_constants.hpp"

namespace ob::profiles {

namespace {

const Spacecraft& checked(const Spacecraft& craft) {
  const std::vector<FieldError> errors = spacecraft_errors(craft);
  if (!errors.empty()) throw ProfileError("invalid spacecraft: " + join_errors(errors));
  return craft;
}

}  // namespace

ThermalModel::ThermalModel(const Spacecraft& craft, ThermalState initial)
    : radiator_capacity_j_per_k_(checked(craft).radiator_heat_capacity_j_per_k),
      board_capacity_j_per_k_(craft.board_heat_capacity_j_per_k),
      coupling_w_per_k_(craft.board_to_radiator_w_per_k),
      radiated_w_per_k4_(craft.radiator_emissivity * kStefanBoltzmannWPerM2K4 *
                         craft.radiator_area_m2),
      absorbed_sun_w_per_w_m2_(craft.radiator_absorptivity * craft.radiator_area_m2),
      albedo_(craft.earth_albedo),
      emitting_area_w_per_w_m2_(craft.radiator_emissivity * craft.radiator_area_m2),
      earth_olr_w_per_m2_(craft.earth_olr_w_per_m2),
      radiator_internal_w_(craft.housekeeping_heat_fraction * craft.housekeeping_w),
      state_(initial) {}

HeatLoads ThermalModel::loads(const Exposure& exposure, double gpu_power_w) const {
  const double sun_w = absorbed_sun_w_per_w_m2_ * exposure.irradiance_w_per_m2;
  return {.solar_w = sun_w * exposure.illumination * exposure.radiator_sun_cos,
          .albedo_w = sun_w * albedo_ * exposure.radiator_earth_view * exposure.subsolar_cos,
          .earth_ir_w =
              emitting_area_w_per_w_m2_ * earth_olr_w_per_m2_ * exposure.radiator_earth_view,
          .radiator_internal_w = radiator_internal_w_,
          .board_w = gpu_power_w};
}

double ThermalModel::radiated_w(double radiator_k) const {
  const double t2 = radiator_k * radiator_k;
  return radiated_w_per_k4_ * t2 * t2;
}

ThermalState ThermalModel::derivative_k_per_s(const ThermalState& temps,
                                              const HeatLoads& loads) const {
  const double conducted_w = coupling_w_per_k_ * (temps.board_k - temps.radiator_k);
  const double radiator_net_w =
      loads.radiator_absorbed_w() + conducted_w - radiated_w(temps.radiator_k);
  return {.radiator_k = radiator_net_w / radiator_capacity_j_per_k_,
          .board_k = (loads.board_w - conducted_w) / board_capacity_j_per_k_};
}

ThermalState ThermalModel::equilibrium(const HeatLoads& loads) const {
  const double total_w = std::max(0.0, loads.radiator_absorbed_w() + loads.board_w);
  const double radiator_k = std::pow(total_w / radiated_w_per_k4_, 0.25);
  return {.radiator_k = radiator_k, .board_k = radiator_k + loads.board_w / coupling_w_per_k_};
}

double ThermalModel::stored_energy_j(const ThermalState& temps) const {
  return radiator_capacity_j_per_k_ * temps.radiator_k + board_capacity_j_per_k_ * temps.board_k;
}

long ThermalModel::substeps(const ThermalState& temps, const HeatLoads& loads,
                            double dt_s) const {
  if (!(dt_s > 0.0)) return 0;
  // Gershgorin bound on the Jacobian's largest eigenvalue: conduction out of either node plus
  // the linearised radiation 4εσA·T³/C_r, at the hotter of now and the loads' equilibrium (the
  // radiator heads there within the step).
  const double hottest_k =
      std::max(std::abs(temps.radiator_k), equilibrium(loads).radiator_k);
  const double rate_per_s =
      coupling_w_per_k_ / board_capacity_j_per_k_ +
      (coupling_w_per_k_ + 4.0 * radiated_w_per_k4_ * hottest_k * hottest_k * hottest_k) /
          radiator_capacity_j_per_k_;
  const double max_substep_s = std::min(kMaxSubstepS, kStableFraction / rate_per_s);
  return static_cast<long>(std::ceil(dt_s / max_substep_s));
}

ThermalSample ThermalModel::step(const HeatLoads& loads, double dt_s) {
  const double conducted_w = coupling_w_per_k_ * (state_.board_k - state_.radiator_k);
  const ThermalSample sample{.radiator_temp_c = state_.radiator_k - kZeroCelsiusK,
                             .board_temp_c = state_.board_k - kZeroCelsiusK,
                             .loads = loads,
                             .radiated_w = radiated_w(state_.radiator_k),
                             .conducted_w = conducted_w};
  last_radiated_j_ = 0;
  const long count = substeps(state_, loads, dt_s);
  if (count == 0) return sample;
  const double h = dt_s / static_cast<double>(count);
  const auto shifted = [](const ThermalState& base, const ThermalState& rate, double dt) {
    return ThermalState{base.radiator_k + rate.radiator_k * dt, base.board_k + rate.board_k * dt};
  };
  ThermalState x = state_;
  double radiated_j = 0;
  for (long i = 0; i < count; ++i) {
    const ThermalState k1 = derivative_k_per_s(x, loads);
    const ThermalState x2 = shifted(x, k1, h / 2.0);
    const ThermalState k2 = derivative_k_per_s(x2, loads);
    const ThermalState x3 = shifted(x, k2, h / 2.0);
    const ThermalState k3 = derivative_k_per_s(x3, loads);
    const ThermalState x4 = shifted(x, k3, h);
    const ThermalState k4 = derivative_k_per_s(x4, loads);
    radiated_j += h / 6.0 *
                  (radiated_w(x.radiator_k) + 2.0 * radiated_w(x2.radiator_k) +
                   2.0 * radiated_w(x3.radiator_k) + radiated_w(x4.radiator_k));
    x.radiator_k += h / 6.0 * (k1.radiator_k + 2.0 * k2.radiator_k + 2.0 * k3.radiator_k +
                               k4.radiator_k);
    x.board_k += h / 6.0 * (k1.board_k + 2.0 * k2.board_k + 2.0 * k3.board_k + k4.board_k);
  }
  state_ = x;
  last_radiated_j_ = radiated_j;
  return sample;
}

double radiator_area_for_m2(double heat_w, double temp_k, double emissivity) {
  const double t2 = temp_k * temp_k;
  return heat_w / (emissivity * kStefanBoltzmannWPerM2K4 * t2 * t2);
}

}  // namespace ob::profiles
