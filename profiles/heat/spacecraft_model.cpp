#include "profiles/heat/spacecraft_model.hpp"

#include <algorithm>
#include <cmath>

namespace ob::profiles {

SpacecraftModel::SpacecraftModel(const Spacecraft& craft)
    : SpacecraftModel(craft, initial_state(craft)) {}

SpacecraftModel::SpacecraftModel(const Spacecraft& craft, ThermalState initial)
    : craft_(craft), power_(craft), thermal_(craft, initial) {}

ThermalState SpacecraftModel::initial_state(const Spacecraft& craft) {
  const ThermalModel model(craft, {});
  const Exposure typical = exposure(craft, StepEnvironment{});  // 550 km, Sun over the equator
  return model.equilibrium(model.loads(typical, craft.gpu_budget_sunlit_w));
}

SpacecraftSample SpacecraftModel::step(const StepEnvironment& env) {
  SpacecraftSample sample;
  sample.exposure = exposure(craft_, env);
  sample.power = power_.step(sample.exposure, env.dt_s);
  sample.heat =
      thermal_.step(thermal_.loads(sample.exposure, sample.power.gpu_power_budget_w), env.dt_s);
  return sample;
}

SpinUpResult SpacecraftModel::spin_up(std::span<const StepEnvironment> one_orbit,
                                      double tolerance_k, int max_orbits) {
  SpinUpResult result;
  if (one_orbit.empty()) return result;
  const PowerModel initial_power = power_;
  for (result.orbits = 1; result.orbits <= max_orbits; ++result.orbits) {
    const ThermalState start = thermal_.state();
    for (const StepEnvironment& env : one_orbit) (void)step(env);
    const ThermalState end = thermal_.state();
    result.residual_k = std::max(std::abs(end.radiator_k - start.radiator_k),
                                 std::abs(end.board_k - start.board_k));
    if (result.residual_k <= tolerance_k) {
      result.converged = true;
      break;
    }
  }
  result.orbits = std::min(result.orbits, max_orbits);
  power_ = initial_power;
  return result;
}

}  // namespace ob::profiles
