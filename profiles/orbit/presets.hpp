#pragma once
// Named orbits as element sets (profiles/orbit/elements.hpp), each with its source. Epoch
// 2026-12-01T00:00:00Z unless the caller overrides it; RAAN 0 (or the stated LTAN), argument
// of perigee and mean anomaly 0: a preset stands for an orbit's shape and plane, not for where a
// particular spacecraft is on it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "profiles/orbit/elements.hpp"

namespace ob::profiles::orbit {

struct OrbitPreset {
  std::string_view name;
  std::string_view summary;  // one line for listings
  std::string_view source;   // where the numbers come from, and what is assumed
  OrbitElements elements;
};

// Every preset, aliases excluded.
const std::vector<OrbitPreset>& orbit_presets();
// By name or alias ("leo-550" = "starlink-550"), case-insensitive.
std::optional<OrbitPreset> find_orbit_preset(std::string_view name);
// Every accepted name, aliases included.
std::vector<std::string> orbit_preset_names();

}  // namespace ob::profiles::orbit
