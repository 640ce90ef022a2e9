#include "profiles/thermal_nodes.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "profiles/circular_orbit.hpp"
#include "profiles/orbit_profile.hpp"
#include "profiles/physical_constants.hpp"

namespace ob::profiles {

namespace {

// Orientation-averaged radiator (see the header): a sphere's projected/total area.
constexpr double kSunViewFactor = 0.25;
// Newton on the one-orbit map: stop when the orbit returns within this of where it started.
constexpr double kPeriodicToleranceK = 1e-6;
constexpr double kJacobianProbeK = 1e-3;
constexpr int kMaxNewtonIterations = 30;
// A Newton step never moves a node by more than this: keeps T⁴ in its sane region.
constexpr double kMaxNewtonStepK = 100.0;

double sphere_earth_view_factor(double altitude_km) {
  const double ratio = kEarthRadiusKm / orbit_radius_km(altitude_km);
  return (1.0 - std::sqrt(1.0 - ratio * ratio)) / 2.0;
}

}  // namespace

TwoNodeModel::TwoNodeModel(const Spacecraft& craft, double altitude_km)
    : radiator_capacity_j_per_k_(craft.radiator_heat_capacity_j_per_k),
      board_capacity_j_per_k_(craft.board_heat_capacity_j_per_k),
      coupling_w_per_k_(craft.board_to_radiator_w_per_k) {
  const double earth_view = sphere_earth_view_factor(altitude_km);
  const double area_m2 = craft.radiator_area_m2;
  absorbed_sun_w_ =
      craft.radiator_absorptivity * area_m2 * kSolarConstantWPerM2 * kSunViewFactor;
  absorbed_albedo_w_ = craft.radiator_absorptivity * area_m2 * kSolarConstantWPerM2 *
                       kEarthAlbedo * earth_view;
  absorbed_earth_ir_w_ = craft.radiator_emissivity * area_m2 * kEarthOlrWPerM2 * earth_view;
  radiated_w_per_k4_ = craft.radiator_emissivity * kStefanBoltzmannWPerM2K4 * area_m2;
}

NodeTemps TwoNodeModel::derivative_k_per_s(const NodeTemps& temps,
                                           const NodeDrive& drive) const {
  const double to_radiator_w = coupling_w_per_k_ * (temps.board_k - temps.radiator_k);
  const double t2 = temps.radiator_k * temps.radiator_k;
  const double environment_w = (absorbed_sun_w_ + absorbed_albedo_w_) * drive.illumination +
                               absorbed_earth_ir_w_ - radiated_w_per_k4_ * t2 * t2;
  return {.radiator_k = (to_radiator_w + environment_w) / radiator_capacity_j_per_k_,
          .board_k = (drive.board_power_w - to_radiator_w) / board_capacity_j_per_k_};
}

NodeTemps TwoNodeModel::advance(NodeTemps temps, double t0_s, double t1_s,
                                const DriveAt& drive) const {
  const double span_s = t1_s - t0_s;
  if (!(span_s > 0.0)) return temps;
  const auto substeps = static_cast<long>(std::ceil(span_s / kMaxSubstepS));
  const double h = span_s / static_cast<double>(substeps);
  const auto shifted = [](const NodeTemps& base, const NodeTemps& rate, double dt) {
    return NodeTemps{base.radiator_k + rate.radiator_k * dt, base.board_k + rate.board_k * dt};
  };
  for (long i = 0; i < substeps; ++i) {
    const double t = t0_s + h * static_cast<double>(i);
    const NodeDrive start = drive(t);
    const NodeDrive middle = drive(t + h / 2.0);
    const NodeDrive end = drive(t + h);
    const NodeTemps k1 = derivative_k_per_s(temps, start);
    const NodeTemps k2 = derivative_k_per_s(shifted(temps, k1, h / 2.0), middle);
    const NodeTemps k3 = derivative_k_per_s(shifted(temps, k2, h / 2.0), middle);
    const NodeTemps k4 = derivative_k_per_s(shifted(temps, k3, h), end);
    temps.radiator_k +=
        h / 6.0 * (k1.radiator_k + 2.0 * k2.radiator_k + 2.0 * k3.radiator_k + k4.radiator_k);
    temps.board_k += h / 6.0 * (k1.board_k + 2.0 * k2.board_k + 2.0 * k3.board_k + k4.board_k);
  }
  return temps;
}

NodeTemps TwoNodeModel::equilibrium(const NodeDrive& drive) const {
  // In equilibrium all heat (board + absorbed) leaves by radiation; the board sits P/G above.
  const double absorbed_w = (absorbed_sun_w_ + absorbed_albedo_w_) * drive.illumination +
                            absorbed_earth_ir_w_ + drive.board_power_w;
  const double radiator_k = std::pow(absorbed_w / radiated_w_per_k4_, 0.25);
  return {.radiator_k = radiator_k,
          .board_k = radiator_k + drive.board_power_w / coupling_w_per_k_};
}

NodeTemps TwoNodeModel::periodic_steady_state(double period_s, const NodeDrive& orbit_average,
                                              const DriveAt& drive) const {
  // Residual of the one-orbit map Φ: F(x) = Φ(x) − x; its root is the limit cycle's start.
  const auto residual = [&](const NodeTemps& x) {
    const NodeTemps after = advance(x, 0.0, period_s, drive);
    return NodeTemps{after.radiator_k - x.radiator_k, after.board_k - x.board_k};
  };
  NodeTemps x = equilibrium(orbit_average);
  for (int iteration = 0; iteration < kMaxNewtonIterations; ++iteration) {
    const NodeTemps f = residual(x);
    if (std::max(std::abs(f.radiator_k), std::abs(f.board_k)) < kPeriodicToleranceK) return x;
    // Jacobian of F by forward differences, column by column.
    const NodeTemps fr = residual({x.radiator_k + kJacobianProbeK, x.board_k});
    const NodeTemps fb = residual({x.radiator_k, x.board_k + kJacobianProbeK});
    const double j11 = (fr.radiator_k - f.radiator_k) / kJacobianProbeK;
    const double j21 = (fr.board_k - f.board_k) / kJacobianProbeK;
    const double j12 = (fb.radiator_k - f.radiator_k) / kJacobianProbeK;
    const double j22 = (fb.board_k - f.board_k) / kJacobianProbeK;
    const double det = j11 * j22 - j12 * j21;
    double step_r = 0;
    double step_b = 0;
    if (std::abs(det) > 0.0 && std::isfinite(det)) {
      step_r = -(j22 * f.radiator_k - j12 * f.board_k) / det;
      step_b = -(-j21 * f.radiator_k + j11 * f.board_k) / det;
    } else {  // degenerate Jacobian: fall back to plain fixed-point iteration
      step_r = f.radiator_k;
      step_b = f.board_k;
    }
    x.radiator_k += std::clamp(step_r, -kMaxNewtonStepK, kMaxNewtonStepK);
    x.board_k += std::clamp(step_b, -kMaxNewtonStepK, kMaxNewtonStepK);
  }
  throw ProfileError("thermal model: no periodic steady state after " +
                     std::to_string(kMaxNewtonIterations) +
                     " Newton iterations (check the spacecraft's heat capacities and areas)");
}

}  // namespace ob::profiles
