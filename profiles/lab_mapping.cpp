#include "profiles/lab_mapping.hpp"

#include <algorithm>

#include "profiles/orbit_profile.hpp"
#include "profiles/physical_constants.hpp"

namespace ob::profiles {

std::vector<double> chamber_setpoints_c(const LabMapping& lab,
                                        std::span<const double> radiator_temp_c,
                                        double step_s) {
  std::vector<double> setpoints;
  setpoints.reserve(radiator_temp_c.size());
  const double max_change_c = lab.chamber_max_ramp_c_per_min * step_s / kSecondsPerMinute;
  for (const double radiator_c : radiator_temp_c) {
    const double target_c = std::clamp(radiator_c, lab.chamber_min_c, lab.chamber_max_c);
    if (setpoints.empty()) {
      setpoints.push_back(target_c);
      continue;
    }
    const double previous_c = setpoints.back();
    setpoints.push_back(
        std::clamp(target_c, previous_c - max_change_c, previous_c + max_change_c));
  }
  return setpoints;
}

double gpu_power_cap_w(const LabMapping& lab, const Spacecraft& craft, double budget_w) {
  const double scaled_w = lab.dut_power_max_w * budget_w / craft.gpu_budget_sunlit_w;
  return std::clamp(scaled_w, lab.dut_power_min_w, lab.dut_power_max_w);
}

double psu_current_limit_a(const LabMapping& lab, double power_cap_w) {
  return power_cap_w / lab.supply_voltage_v * lab.current_margin;
}

}  // namespace ob::profiles
