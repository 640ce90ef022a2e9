#pragma once
// Two-node thermal model of a GPU board in orbit (profiles/heat/README.md has the derivation):
//
//   C_r·dT_r/dt = Q_sun + Q_albedo + Q_earth_ir + Q_hk + G·(T_b − T_r) − ε·σ·A·T_r⁴
//   C_b·dT_b/dt = P_gpu − G·(T_b − T_r)
//
//   Q_sun      = α·A·S·illum·cosθ          (cosθ = exposure.radiator_sun_cos)
//   Q_albedo   = α·A·S·a·F·cos ζ           (cos ζ = exposure.subsolar_cos; see README)
//   Q_earth_ir = ε·A·OLR·F                 (F = exposure.radiator_earth_view)
//   Q_hk       = housekeeping_heat_fraction · housekeeping_w
//
// The radiator/baseplate node (C_r, area A, α, ε) exchanges heat with the Sun, Earth and deep
// space; the board node (C_b) dissipates the GPU's power and is coupled to it by G.
// Loads are held over a step (zero-order hold); the step integrates with classical RK4 in
// equal substeps short enough for accuracy and stability (see substeps()). Temperatures are
// kelvin inside, °C in samples. No allocation per step.

namespace ob::profiles {

struct Exposure;
struct Spacecraft;

struct ThermalState {
  double radiator_k = 0;
  double board_k = 0;
};

// What heats the nodes over one step, in W.
struct HeatLoads {
  double solar_w = 0;           // absorbed by the radiator
  double albedo_w = 0;          // absorbed by the radiator
  double earth_ir_w = 0;        // absorbed by the radiator
  double radiator_internal_w = 0;  // housekeeping heat dissipated in the radiator/baseplate
  double board_w = 0;           // GPU dissipation in the board

  double radiator_absorbed_w() const {
    return solar_w + albedo_w + earth_ir_w + radiator_internal_w;
  }
};

// One step as a profile row: the state at the start of the step (t_s) and what acts over it.
struct ThermalSample {
  double radiator_temp_c = 0;
  double board_temp_c = 0;
  HeatLoads loads;
  double radiated_w = 0;   // ε·σ·A·T_r⁴ at t_s
  double conducted_w = 0;  // board → radiator, G·(T_b − T_r) at t_s
};

class ThermalModel {
 public:
  // Longest RK4 substep (s), and the substep as a fraction of the fastest time constant.
  // RK4 is stable up to h·λ ≈ 2.8; 0.25 keeps the local error below ~1e-5 of a time constant.
  static constexpr double kMaxSubstepS = 10.0;
  static constexpr double kStableFraction = 0.25;

  // Throws ProfileError listing spacecraft_errors(craft) when the spacecraft is invalid.
  ThermalModel(const Spacecraft& craft, ThermalState initial);

  // The loads of one step: environment from the exposure, the GPU's power into the board.
  HeatLoads loads(const Exposure& exposure, double gpu_power_w) const;

  // Returns the row at the start of the step and advances the state by dt_s (≤ 0: no change).
  ThermalSample step(const HeatLoads& loads, double dt_s);

  const ThermalState& state() const { return state_; }
  void set_state(const ThermalState& state) { state_ = state; }

  ThermalState derivative_k_per_s(const ThermalState& temps, const HeatLoads& loads) const;
  // Steady state under constant loads: all heat leaves by radiation, the board sits P/G above:
  // T_r = ((Q_abs + P)/(ε·σ·A))^¼, T_b = T_r + P/G.
  ThermalState equilibrium(const HeatLoads& loads) const;
  // C_r·T_r + C_b·T_b (J, relative to 0 K): what the step conserves with the flows.
  double stored_energy_j(const ThermalState& temps) const;
  // Energy radiated to space during the last step (J), integrated with the RK4 weights, so that
  // stored_energy(after) − stored_energy(before) = (absorbed + board)·dt − radiated, exactly.
  double last_step_radiated_j() const { return last_radiated_j_; }
  // Number of RK4 substeps a step of dt_s from `temps` under `loads` takes.
  long substeps(const ThermalState& temps, const HeatLoads& loads, double dt_s) const;

 private:
  double radiated_w(double radiator_k) const;

  double radiator_capacity_j_per_k_;
  double board_capacity_j_per_k_;
  double coupling_w_per_k_;
  double radiated_w_per_k4_;       // ε·σ·A
  double absorbed_sun_w_per_w_m2_;  // α·A
  double albedo_;
  double emitting_area_w_per_w_m2_;  // ε·A
  double earth_olr_w_per_m2_;
  double radiator_internal_w_;     // housekeeping heat into the radiator
  ThermalState state_;
  double last_radiated_j_ = 0;
};

// Deep-space radiator area that rejects heat_w at temp_k: A = Q / (ε·σ·T⁴)
// (700 W, 300 K, ε 0.9 → 1.69 m², physics.md).
double radiator_area_for_m2(double heat_w, double temp_k, double emissivity);

}  // namespace ob::profiles
