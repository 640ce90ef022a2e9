#include "profiles/power/power_model.hpp"

#include <algorithm>

#include "profiles/heat/exposure.hpp"
#include "profiles/heat/spacecraft.hpp"
#include "profiles/orbit_profile.hpp"

namespace ob::profiles {

namespace {

constexpr double kSecondsPerHour = 3600.0;
constexpr double kSecondsPerYear = 365.25 * 86400.0;  // Julian year
// Rounding slack when deciding that housekeeping pushed the battery under the floor.
constexpr double kFloorSlackWh = 1e-9;

const Spacecraft& checked(const Spacecraft& craft) {
  const std::vector<FieldError> errors = spacecraft_errors(craft);
  if (!errors.empty()) throw ProfileError("invalid spacecraft: " + join_errors(errors));
  return craft;
}

}  // namespace

PowerModel::PowerModel(const Spacecraft& craft)
    : array_w_per_w_m2_(checked(craft).array_efficiency * craft.array_area_m2),
      array_degradation_(craft.array_degradation),
      array_degradation_per_s_(craft.array_degradation_per_year / kSecondsPerYear),
      gpu_sunlit_w_(craft.gpu_budget_sunlit_w),
      gpu_eclipse_target_w_(craft.gpu_eclipse_policy == EclipsePolicy::fixed_budget
                                ? craft.gpu_budget_eclipse_w
                                : craft.gpu_budget_sunlit_w),
      housekeeping_w_(craft.housekeeping_w),
      design_eclipse_s_(craft.design_eclipse_s),
      capacity_wh_(craft.battery_capacity_wh),
      floor_wh_((1.0 - craft.battery_max_depth_of_discharge) * craft.battery_capacity_wh),
      charge_efficiency_(craft.battery_charge_efficiency),
      discharge_efficiency_(craft.battery_discharge_efficiency),
      max_charge_w_(craft.battery_max_charge_w),
      regulated_(craft.bus_regulation == BusRegulation::regulated),
      bus_nominal_v_(craft.bus_voltage_nominal_v),
      bus_min_v_(craft.bus_voltage_min_v),
      bus_max_v_(craft.bus_voltage_max_v),
      energy_wh_(craft.battery_initial_soc * craft.battery_capacity_wh) {}

double PowerModel::solar_power_w(const Exposure& exposure) const {
  const double degradation =
      std::clamp(array_degradation_ + array_degradation_per_s_ * std::max(0.0, exposure.t_s),
                 0.0, 1.0);
  return array_w_per_w_m2_ * exposure.irradiance_w_per_m2 * exposure.array_sun_cos *
         exposure.illumination * (1.0 - degradation);
}

double PowerModel::bus_voltage_v(double soc) const {
  if (regulated_) return bus_nominal_v_;
  return bus_min_v_ + (bus_max_v_ - bus_min_v_) * std::clamp(soc, 0.0, 1.0);
}

PowerSample PowerModel::step(const Exposure& exposure, double dt_s) {
  PowerSample sample;
  sample.solar_power_w = solar_power_w(exposure);
  sample.battery_soc = battery_soc();
  sample.bus_voltage_v = bus_voltage_v(sample.battery_soc);
  const double array_net_w = sample.solar_power_w - housekeeping_w_;  // after housekeeping

  const bool full_sun = exposure.illumination >= kFullSunIllumination;
  double budget_w = 0;
  if (!(dt_s > 0.0)) {
    // A zero-length step grants what the step would grant without touching the battery.
    budget_w = full_sun ? std::min(gpu_sunlit_w_, array_net_w) : 0.0;
    sample.gpu_power_budget_w = std::max(0.0, budget_w);
    return sample;
  }
  const double dt_h = dt_s / kSecondsPerHour;
  if (full_sun) {
    const double room_wh = std::max(0.0, capacity_wh_ - energy_wh_);
    const double charge_need_w = std::min(max_charge_w_, room_wh / (charge_efficiency_ * dt_h));
    budget_w = std::min(gpu_sunlit_w_, array_net_w - charge_need_w);
  } else {
    const double usable_wh = std::max(0.0, energy_wh_ - floor_wh_);
    const double left_s = std::max(dt_s, design_eclipse_s_ - shadow_elapsed_s_);
    const double battery_w = discharge_efficiency_ * usable_wh * kSecondsPerHour / left_s;
    const double target_w =
        gpu_eclipse_target_w_ + (gpu_sunlit_w_ - gpu_eclipse_target_w_) * exposure.illumination;
    budget_w = std::min(target_w, array_net_w + battery_w);
  }
  budget_w = std::max(0.0, budget_w);
  sample.gpu_power_budget_w = budget_w;

  const double net_w = array_net_w - budget_w;  // + surplus, − deficit
  if (net_w >= 0.0) {
    const double room_wh = std::max(0.0, capacity_wh_ - energy_wh_);
    const double charge_w =
        std::min({net_w, max_charge_w_, room_wh / (charge_efficiency_ * dt_h)});
    energy_wh_ = std::min(capacity_wh_, energy_wh_ + charge_w * charge_efficiency_ * dt_h);
    sample.battery_power_w = charge_w;
    sample.shunted_w = net_w - charge_w;
  } else {
    energy_wh_ = std::max(0.0, energy_wh_ + net_w * dt_h / discharge_efficiency_);
    sample.battery_power_w = net_w;
    sample.below_floor = energy_wh_ < floor_wh_ - kFloorSlackWh;
  }
  shadow_elapsed_s_ = full_sun ? 0.0 : shadow_elapsed_s_ + dt_s;
  return sample;
}

}  // namespace ob::profiles
