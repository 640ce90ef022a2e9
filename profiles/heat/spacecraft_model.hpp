#pragma once
// The spacecraft stepped as a whole, one call per profile step: exposure → power (the GPU's
// budget) → heat (the GPU dissipates its budget in the board). This is what the profile
// assembly's streaming loop calls; the lab mapping then takes the sample (lab/lab_mapper.hpp).
//
//   SpacecraftModel model(craft);                  // thermal start: see initial_state()
//   model.spin_up(first_orbit_environments);       // optional: start on the periodic state
//   for (each step k) { const SpacecraftSample s = model.step(env_k); ... }
#include <span>

#include "profiles/heat/exposure.hpp"
#include "profiles/heat/spacecraft.hpp"
#include "profiles/heat/thermal_model.hpp"
#include "profiles/power/power_model.hpp"

namespace ob::profiles {

// One profile row (values at t_s; budget and loads act over [t_s, t_s + dt_s)).
struct SpacecraftSample {
  Exposure exposure;
  PowerSample power;
  ThermalSample heat;
};

struct SpinUpResult {
  int orbits = 0;               // orbits replayed
  double residual_k = 0;        // largest node change over the last replayed orbit
  bool converged = false;
};

class SpacecraftModel {
 public:
  // Default spin-up tolerance and cap (a 300 kg radiator needs ~40 orbits for 1 mK).
  static constexpr double kSpinUpToleranceK = 1e-3;
  static constexpr int kMaxSpinUpOrbits = 500;

  // Throws ProfileError naming the fields when the spacecraft is invalid.
  explicit SpacecraftModel(const Spacecraft& craft);
  SpacecraftModel(const Spacecraft& craft, ThermalState initial);

  SpacecraftSample step(const StepEnvironment& env);

  // Replays one orbit's environments until the nodes return to where they started (within
  // tolerance_k), so that the profile starts on the orbit's periodic thermal state rather than
  // on a guess. The battery is replayed too (the GPU budget depends on it) and then restored
  // to its initial state: battery_initial_soc holds at t_s = 0.
  SpinUpResult spin_up(std::span<const StepEnvironment> one_orbit,
                       double tolerance_k = kSpinUpToleranceK,
                       int max_orbits = kMaxSpinUpOrbits);

  const Spacecraft& spacecraft() const { return craft_; }
  const ThermalModel& thermal() const { return thermal_; }
  const PowerModel& power() const { return power_; }

  // The thermal start without spin-up: equilibrium of a sunlit LEO orbit's average — GPU at
  // its sunlit budget, edge-on sun-less radiator, F of a 550 km orbit — a reasonable guess.
  static ThermalState initial_state(const Spacecraft& craft);

 private:
  Spacecraft craft_;
  PowerModel power_;
  ThermalModel thermal_;
};

}  // namespace ob::profiles
