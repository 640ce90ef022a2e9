#include "profiles/circular_orbit.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "profiles/circular_orbit.hpp"
#include "profiles/physical_constants.hpp"

namespace ob::profiles {

namespace {
constexpr double kRadPerDeg = std::numbers::pi / 180.0;
}  // namespace

double orbit_radius_km(double altitude_km) { return kEarthRadiusKm + altitude_km; }

double orbital_period_s(double altitude_km) {
  const double radius_km = orbit_radius_km(altitude_km);
  return 2.0 * std::numbers::pi * std::sqrt(radius_km * radius_km * radius_km / kMuKm3PerS2);
}

double critical_beta_deg(double altitude_km) {
  return std::asin(kEarthRadiusKm / orbit_radius_km(altitude_km)) / kRadPerDeg;
}

double eclipse_fraction(double altitude_km, double beta_deg) {
  if (std::abs(beta_deg) >= critical_beta_deg(altitude_km)) return 0.0;
  const double h = altitude_km;
  const double ratio = std::sqrt(h * h + 2.0 * kEarthRadiusKm * h) /
                       (orbit_radius_km(altitude_km) * std::cos(beta_deg * kRadPerDeg));
  // |β| < β* keeps ratio < 1; the clamp only guards rounding right at β*.
  return std::acos(std::min(ratio, 1.0)) / std::numbers::pi;
}

double eclipse_duration_s(double altitude_km, double beta_deg) {
  return eclipse_fraction(altitude_km, beta_deg) * orbital_period_s(altitude_km);
}

double angle_from_subsolar_rad(double t_s, double period_s) {
  return 2.0 * std::numbers::pi * t_s / period_s;
}

}  // namespace ob::profiles
