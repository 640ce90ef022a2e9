#pragma once
// Power model of the spacecraft: solar array → bus → housekeeping, battery and the GPU.
//
//   array:    P_sa = η·A·S·cos(incidence)·illum·(1 − degradation − rate·years)
//   battery:  E (Wh) between 0 and the capacity; charging stores η_ch·P_in, discharging
//             delivers η_dis·(energy taken out); the GPU never takes E below the floor
//             E_floor = (1 − max DoD)·capacity
//   bus:      unregulated: V = V_min + (V_max − V_min)·SOC (linear, no IR drop);
//             regulated: V = V_nominal
//   GPU budget (the policy, profiles/heat/README.md "Power"):
//     full sun (illum ≥ 0.999): battery first —
//         budget = min(sunlit budget, P_sa − housekeeping − charge need),
//         charge need = min(max charge power, what refills the battery within this step)
//     otherwise (penumbra, umbra): target = eclipse target + (sunlit − eclipse target)·illum,
//         budget = min(target, P_sa − housekeeping + P_batt),
//         P_batt = η_dis·(E − E_floor) / max(dt, design eclipse − time in shadow so far):
//         what the battery can deliver evenly until the design eclipse ends without crossing
//         the floor. Eclipse target: gpu_budget_eclipse_w (fixed_budget) or the sunlit budget
//         (battery_allows: the battery above the floor is the only limit).
//     never negative. Surplus array power beyond loads and the charger is shunted.
// The GPU is assumed to draw its whole budget (it runs flat out at its cap); the same power
// heats the board in the thermal model. No allocation per step.

namespace ob::profiles {

struct Exposure;
struct Spacecraft;

// One step as a profile row: the state at the start of the step (t_s) and what is granted
// over [t_s, t_s + dt_s).
struct PowerSample {
  double solar_power_w = 0;       // array output available at t_s
  double battery_soc = 0;         // at t_s, 0..1
  double bus_voltage_v = 0;       // at t_s
  double gpu_power_budget_w = 0;  // granted over the step
  double battery_power_w = 0;     // at the terminals over the step: + charging, − discharging
  double shunted_w = 0;           // array power neither used nor stored
  bool below_floor = false;       // housekeeping alone took the battery below the DoD floor
};

class PowerModel {
 public:
  // Illumination from which the Sun counts as fully visible (the conical shadow's penumbra
  // lasts ~8 s per transition in LEO; below this the battery policy applies).
  static constexpr double kFullSunIllumination = 0.999;

  // Throws ProfileError listing spacecraft_errors(craft) when the spacecraft is invalid.
  explicit PowerModel(const Spacecraft& craft);

  // Returns the row at the start of the step and advances the battery by dt_s (≤ 0: no change).
  PowerSample step(const Exposure& exposure, double dt_s);

  double solar_power_w(const Exposure& exposure) const;
  double bus_voltage_v(double soc) const;
  double battery_soc() const { return energy_wh_ / capacity_wh_; }
  double battery_energy_wh() const { return energy_wh_; }
  double soc_floor() const { return floor_wh_ / capacity_wh_; }
  double shadow_elapsed_s() const { return shadow_elapsed_s_; }

 private:
  // Spacecraft parameters the step needs (copied: the model owns no reference).
  double array_w_per_w_m2_;  // η·A
  double array_degradation_;
  double array_degradation_per_s_;
  double gpu_sunlit_w_;
  double gpu_eclipse_target_w_;
  double housekeeping_w_;
  double design_eclipse_s_;
  double capacity_wh_;
  double floor_wh_;
  double charge_efficiency_;
  double discharge_efficiency_;
  double max_charge_w_;
  bool regulated_;
  double bus_nominal_v_;
  double bus_min_v_;
  double bus_max_v_;
  // State.
  double energy_wh_;
  double shadow_elapsed_s_ = 0;
};

}  // namespace ob::profiles
