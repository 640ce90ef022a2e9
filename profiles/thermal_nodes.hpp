#pragma once
// Two-node thermal model of a GPU board in orbit: the board (heat capacity C_b, dissipating the
// GPU's power) is coupled by a conductance G to a radiator (C_r, area A, absorptivity α,
// emissivity ε) that exchanges heat with the Sun, Earth and deep space:
//
//   C_r·dT_r/dt = G·(T_b − T_r) + α·A·S·illum·F_sun + α·A·S·a·F_earth·illum
//                 + ε·A·OLR·F_earth − ε·σ·A·T_r⁴
//   C_b·dT_b/dt = P_gpu − G·(T_b − T_r)
//
// Attitude is not modelled: the radiator is treated as orientation-averaged, i.e. like a
// sphere, so F_sun = projected/total area = 1/4 and F_earth = (1 − √(1 − (R/r)²))/2. The albedo
// term uses the same F_earth and ignores the Sun's angle over the sub-satellite point.
// Temperatures are in kelvin here; the profile reports °C.
#include <functional>

namespace ob::profiles {

struct Spacecraft;

struct NodeTemps {
  double radiator_k = 0;
  double board_k = 0;
};

// What drives the nodes at one instant.
struct NodeDrive {
  double illumination = 0;  // 0..1
  double board_power_w = 0;
};

using DriveAt = std::function<NodeDrive(double t_s)>;

class TwoNodeModel {
 public:
  // Longest internal integration step (RK4): the board's time constant C_b/G is ~100 s for
  // the default spacecraft, and eclipse edges should land within a second.
  static constexpr double kMaxSubstepS = 1.0;

  TwoNodeModel(const Spacecraft& craft, double altitude_km);

  NodeTemps derivative_k_per_s(const NodeTemps& temps, const NodeDrive& drive) const;
  // Integrates from t0_s to t1_s in equal substeps of at most kMaxSubstepS.
  NodeTemps advance(NodeTemps temps, double t0_s, double t1_s, const DriveAt& drive) const;
  // The temperatures at t = 0 of the orbit's limit cycle: integrating one period from them
  // returns to them (within a micro-kelvin). Found by Newton's method on the one-orbit map,
  // started from the equilibrium of orbit-averaged loads, so that a profile starts on the
  // periodic steady state rather than from an arbitrary initial temperature.
  NodeTemps periodic_steady_state(double period_s, const NodeDrive& orbit_average,
                                  const DriveAt& drive) const;
  // Equilibrium under constant drive (the Newton start; also a sanity figure).
  NodeTemps equilibrium(const NodeDrive& drive) const;

 private:
  double radiator_capacity_j_per_k_;
  double board_capacity_j_per_k_;
  double coupling_w_per_k_;
  double absorbed_sun_w_;     // α·A·S·F_sun at full illumination
  double absorbed_albedo_w_;  // α·A·S·a·F_earth at full illumination
  double absorbed_earth_ir_w_;  // ε·A·OLR·F_earth
  double radiated_w_per_k4_;  // ε·σ·A
};

}  // namespace ob::profiles
