#include "profiles/heat/exposure.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "profiles/heat/spacecraft.hpp"
#include "profiles/heat/view_factors.hpp"
#include "profiles/physical_constants.hpp"

namespace ob::profiles {

namespace {

using Vector = std::array<double, 3>;

// Isotropic radiator: a sphere's projected area is 1/4 of its surface.
constexpr double kSphereProjectedFraction = 0.25;

double dot(const Vector& a, const Vector& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

Vector cross(const Vector& a, const Vector& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

Vector unit(const Vector& a) {
  const double norm = std::sqrt(dot(a, a));
  if (!(norm > 0.0)) return {0, 0, 0};
  return {a[0] / norm, a[1] / norm, a[2] / norm};
}

}  // namespace

Exposure exposure(const Spacecraft& craft, const StepEnvironment& env) {
  const double radius_km = std::sqrt(dot(env.position_km, env.position_km));
  const Vector zenith = unit(env.position_km);               // r̂ (nadir is −r̂)
  const Vector normal = unit(cross(env.position_km, env.velocity_km_s));  // ĥ
  const Vector sun = unit(env.sun_unit);
  const double sun_zenith_cos = dot(sun, zenith);  // ŝ·r̂
  const double sun_normal_cos = dot(sun, normal);  // ŝ·ĥ = sin β

  Exposure out;
  out.t_s = env.t_s;
  out.illumination = std::clamp(env.illumination, 0.0, 1.0);
  out.irradiance_w_per_m2 = kSolarConstantWPerM2 / (env.sun_distance_au * env.sun_distance_au);
  out.radius_km = radius_km;
  out.subsolar_cos = std::max(0.0, sun_zenith_cos);

  switch (craft.radiator_facing) {
    case RadiatorFacing::orbit_normal:
      // n̂ = −sign(ŝ·ĥ)·ĥ: n̂·ŝ = −|ŝ·ĥ| ≤ 0, and n̂ ⟂ nadir (γ = 90°).
      out.radiator_sun_cos = 0.0;
      out.radiator_earth_view = earth_view_factor_plate(radius_km, std::numbers::pi / 2);
      break;
    case RadiatorFacing::zenith:
      out.radiator_sun_cos = std::max(0.0, sun_zenith_cos);
      out.radiator_earth_view = 0.0;  // γ = 180°
      break;
    case RadiatorFacing::anti_sun:
      // n̂ = −ŝ: cos γ = n̂·(−r̂) = ŝ·r̂.
      out.radiator_sun_cos = 0.0;
      out.radiator_earth_view =
          earth_view_factor_plate(radius_km, std::acos(std::clamp(sun_zenith_cos, -1.0, 1.0)));
      break;
    case RadiatorFacing::isotropic:
      out.radiator_sun_cos = kSphereProjectedFraction;
      out.radiator_earth_view = earth_view_factor_sphere(radius_km);
      break;
  }

  switch (craft.array_pointing) {
    case ArrayPointing::sun_tracking:
      out.array_sun_cos = 1.0;
      break;
    case ArrayPointing::single_axis:
      out.array_sun_cos = std::sqrt(std::max(0.0, 1.0 - sun_normal_cos * sun_normal_cos));
      break;
    case ArrayPointing::body_fixed_zenith:
      out.array_sun_cos = std::max(0.0, sun_zenith_cos);
      break;
  }
  return out;
}

}  // namespace ob::profiles
