#pragma once
// One step's environment, as the profile assembly provides it, and what the spacecraft's
// surfaces see of it (the exposure) — shared by the heat and power models and computed once
// per step. Frame: TEME (as SGP4 gives it); only directions and the radius matter here, so any
// Earth-centred inertial frame works as long as the Sun vector is in the same one.
#include <array>

namespace ob::profiles {

struct Spacecraft;

struct StepEnvironment {
  double t_s = 0;           // profile time at the start of the step
  double dt_s = 0;          // step length; the environment is held over [t_s, t_s + dt_s)
  double illumination = 1;  // visible fraction of the solar disc, 0..1 (conical shadow)
  double sun_distance_au = 1;                         // irradiance = 1361 / r²
  std::array<double, 3> sun_unit{1, 0, 0};            // Earth → Sun, unit vector
  std::array<double, 3> position_km{6928.137, 0, 0};  // satellite, Earth-centred
  std::array<double, 3> velocity_km_s{0, 7.585, 0};
};

struct Exposure {
  double t_s = 0;
  double illumination = 1;             // 0..1
  double irradiance_w_per_m2 = 1361;   // S = 1361 / r_AU² (physics.md)
  double radius_km = 6928.137;         // |r|
  // Projected fraction of the radiator area facing the Sun, ignoring the shadow:
  // max(0, n̂·ŝ) for a plate, 1/4 for the isotropic (sphere) radiator.
  double radiator_sun_cos = 0;
  double radiator_earth_view = 0;      // view factor radiator → Earth at the actual radius
  // cos of the Sun's zenith angle at the sub-satellite point, max(0, ŝ·r̂): scales the albedo
  // (the sunlit Earth below); independent of the satellite's own shadow.
  double subsolar_cos = 0;
  double array_sun_cos = 0;            // cos of the solar array's incidence angle, ≥ 0
};

// Attitude: nadir-pointing (LVLH: −r̂ nadir, ĥ = r×v/|r×v| orbit normal); the radiator normal
// and the array follow craft.radiator_facing and craft.array_pointing (see spacecraft.hpp).
// Pure and allocation-free; a radius below Earth's is treated as on the surface.
Exposure exposure(const Spacecraft& craft, const StepEnvironment& env);

}  // namespace ob::profiles
