#pragma once
// The GPU's power budget in orbit. Skeleton model: the spacecraft grants the sunlit budget in
// full sunlight and the eclipse budget (what the battery policy allows) in shadow; a partial
// illumination (penumbra, later) interpolates linearly.

namespace ob::profiles {

struct Spacecraft;

double power_budget_w(const Spacecraft& craft, double illumination);

}  // namespace ob::profiles
