#include "profiles/power_budget.hpp"

#include "profiles/orbit_profile.hpp"

namespace ob::profiles {

double power_budget_w(const Spacecraft& craft, double illumination) {
  return craft.gpu_budget_eclipse_w +
         (craft.gpu_budget_sunlit_w - craft.gpu_budget_eclipse_w) * illumination;
}

}  // namespace ob::profiles
