#include "profiles/heat/view_factors.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "profiles/physical_constants.hpp"

namespace ob::profiles {

double earth_view_factor_plate(double radius_km, double normal_from_nadir_rad) {
  const double h = std::max(radius_km / kEarthRadiusKm, 1.0);  // H = r/R
  const double h2 = h * h;
  const double gamma = std::clamp(normal_from_nadir_rad, 0.0, std::numbers::pi);
  const double earth_radius_rad = std::asin(1.0 / h);  // ρ
  const double cos_gamma = std::cos(gamma);
  if (gamma <= std::numbers::pi / 2 - earth_radius_rad) return cos_gamma / h2;
  if (gamma >= std::numbers::pi / 2 + earth_radius_rad) return 0.0;
  const double sin_gamma = std::sin(gamma);
  const double root = std::sqrt(h2 - 1.0);  // √(H²−1)
  // Clamps guard the arguments against rounding at the two edges of this branch.
  const double asin_arg = std::clamp(root / (h * sin_gamma), -1.0, 1.0);
  const double acos_arg = std::clamp(-root * cos_gamma / sin_gamma, -1.0, 1.0);
  const double inner = std::max(0.0, 1.0 - h2 * cos_gamma * cos_gamma);
  const double f = 0.5 - std::asin(asin_arg) / std::numbers::pi +
                   (cos_gamma * std::acos(acos_arg) - root * std::sqrt(inner)) /
                       (std::numbers::pi * h2);
  return std::max(0.0, f);
}

double earth_view_factor_sphere(double radius_km) {
  const double ratio = std::min(kEarthRadiusKm / radius_km, 1.0);
  return (1.0 - std::sqrt(1.0 - ratio * ratio)) / 2.0;
}

}  // namespace ob::profiles
