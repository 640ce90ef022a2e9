#include "profiles/light/beta_angle.hpp"

#include <algorithm>
#include <cmath>

namespace ob::profiles {

Vec3 orbit_normal(const Vec3& r_km, const Vec3& v_km_s) { return unit(cross(r_km, v_km_s)); }

Vec3 orbit_normal(double inclination_rad, double raan_rad) {
  const double sin_i = std::sin(inclination_rad);
  return {sin_i * std::sin(raan_rad), -sin_i * std::cos(raan_rad), std::cos(inclination_rad)};
}

double beta_angle_rad(const Vec3& orbit_normal_unit, const Vec3& sun) {
  // The clamp only guards rounding of |n̂·ŝ| just above 1.
  return std::asin(std::clamp(dot(orbit_normal_unit, unit(sun)), -1.0, 1.0));
}

double beta_angle_rad(const Vec3& r_km, const Vec3& v_km_s, const Vec3& sun) {
  return beta_angle_rad(orbit_normal(r_km, v_km_s), sun);
}

}  // namespace ob::profiles
