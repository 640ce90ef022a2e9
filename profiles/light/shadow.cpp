#include "profiles/light/shadow.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "profiles/physical_constants.hpp"

namespace ob::profiles {

namespace {

// The ellipsoid x²/a² + y²/a² + z²/b² = 1 becomes the sphere of radius a when z → z·a/b.
constexpr double kPolarStretch = kEarthRadiusKm / kEarthPolarRadiusKm;

Vec3 to_shadow_space(const Vec3& r_km, EarthShape shape) {
  if (shape == EarthShape::sphere) return r_km;
  return {r_km.x, r_km.y, r_km.z * kPolarStretch};
}

// asin(radius/distance), a right angle when the point is inside the body.
double apparent_radius_rad(double radius_km, double distance_km) {
  return std::asin(std::min(radius_km / distance_km, 1.0));
}

// Area of the circular segment of a circle of radius r cut off by a chord whose half-length is
// half_chord and whose distance from the centre is d (d < 0: the segment is the larger part).
// atan2 keeps the half-angle accurate for the thin segments at the edges of the penumbra.
double segment_area(double r, double d, double half_chord) {
  const double half_angle_rad = std::atan2(half_chord, d);
  return r * r * (half_angle_rad - 0.5 * std::sin(2.0 * half_angle_rad));
}

}  // namespace

ShadowDiscs shadow_discs(const Vec3& r_sat_km, const Vec3& r_sun_km, EarthShape shape) {
  const Vec3 sat = to_shadow_space(r_sat_km, shape);
  const Vec3 to_sun = to_shadow_space(r_sun_km, shape) - sat;
  return {.sun_radius_rad = apparent_radius_rad(kSunRadiusKm, norm(to_sun)),
          .earth_radius_rad = apparent_radius_rad(kEarthRadiusKm, norm(sat)),
          .separation_rad = angle_between_rad(-sat, to_sun)};
}

double visible_disc_fraction(const ShadowDiscs& discs) {
  const double a = discs.sun_radius_rad;
  const double b = discs.earth_radius_rad;
  const double c = discs.separation_rad;
  if (c >= a + b) return 1.0;      // apart: full Sun
  if (c <= b - a) return 0.0;      // the Sun's disc entirely behind Earth's: umbra
  if (c <= a - b) return 1.0 - (b * b) / (a * a);  // Earth inside the Sun's disc: annular
  // The chord through both intersection points lies x from the Sun's centre.
  const double x = (c * c + a * a - b * b) / (2.0 * c);
  const double half_chord = std::sqrt(std::max(a * a - x * x, 0.0));
  const double overlap = segment_area(a, x, half_chord) + segment_area(b, c - x, half_chord);
  return std::clamp(1.0 - overlap / (std::numbers::pi * a * a), 0.0, 1.0);
}

double conical_illumination(const Vec3& r_sat_km, const Vec3& r_sun_km, EarthShape shape) {
  return visible_disc_fraction(shadow_discs(r_sat_km, r_sun_km, shape));
}

double cylindrical_illumination(const Vec3& r_sat_km, const Vec3& sun_direction,
                                EarthShape shape) {
  const Vec3 sat = to_shadow_space(r_sat_km, shape);
  const Vec3 sun = unit(to_shadow_space(sun_direction, shape));
  const double along_sun_km = dot(sat, sun);
  if (along_sun_km >= 0.0) return 1.0;
  const double off_axis_sq_km2 = dot(sat, sat) - along_sun_km * along_sun_km;
  return off_axis_sq_km2 < kEarthRadiusKm * kEarthRadiusKm ? 0.0 : 1.0;
}

}  // namespace ob::profiles
