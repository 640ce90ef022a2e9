#pragma once
// The uniform profile-time grid t_k = k·step_s, k = 0 … n−1, last point ≤ duration.
#include <cmath>
#include <cstddef>

namespace ob::profiles {

// Grid arithmetic forgives this fraction of a step so that rounding (a duration that is an
// exact multiple of the step, t_k/step landing just below k) never drops or shifts a point.
inline constexpr double kGridToleranceSteps = 1e-9;

// Number of grid points in [0, duration_s] (at least 1, for t = 0).
inline double grid_point_count(double duration_s, double step_s) {
  return std::floor(duration_s / step_s + kGridToleranceSteps) + 1.0;
}

}  // namespace ob::profiles
