#include "profiles/shadow.hpp"

#include <cmath>

#include "profiles/physical_constants.hpp"

namespace ob::profiles {

double cylindrical_illumination(double radius_km, double beta_rad, double u_rad) {
  // Position r·(cos u, sin u, 0); Sun ŝ = (cos β, 0, sin β). In shadow when behind Earth
  // (r·ŝ < 0) and closer to the shadow axis than R: |r|² − (r·ŝ)² < R².
  const double along_sun_km = radius_km * std::cos(u_rad) * std::cos(beta_rad);
  if (along_sun_km >= 0.0) return 1.0;
  const double off_axis_sq_km2 = radius_km * radius_km - along_sun_km * along_sun_km;
  return off_axis_sq_km2 < kEarthRadiusKm * kEarthRadiusKm ? 0.0 : 1.0;
}

}  // namespace ob::profiles
