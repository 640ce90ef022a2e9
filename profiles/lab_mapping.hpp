#pragma once
// Orbit → bench: what the chamber, the GPU's power cap and the PSU are told at each step.
#include <span>
#include <vector>

namespace ob::profiles {

struct LabMapping;
struct Spacecraft;

// The chamber follows the radiator node: clamped to the chamber's range, then slewed from
// step to step by at most chamber_max_ramp_c_per_min, starting at the clamped first value.
std::vector<double> chamber_setpoints_c(const LabMapping& lab,
                                        std::span<const double> radiator_temp_c, double step_s);
// The DUT gets the orbit's budget scaled to its own range: dut_power_max_w at the sunlit
// budget, proportionally less below it, clamped to [dut_power_min_w, dut_power_max_w].
double gpu_power_cap_w(const LabMapping& lab, const Spacecraft& craft, double budget_w);
// PSU current limit = cap / supply voltage × margin.
double psu_current_limit_a(const LabMapping& lab, double power_cap_w);

}  // namespace ob::profiles
