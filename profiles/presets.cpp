// Named circular orbits. Inclination only labels the profile in the cylindrical model; the
// beta angle decides the eclipse. Names are matched exactly (lower case).
#include <array>

#include "profiles/orbit_profile.hpp"

namespace ob::profiles {

namespace {

constexpr double kMidInclinationDeg = 53.0;  // Starlink-like shells
// Sun-synchronous at 650 km: cos i = −(a / 12352 km)^3.5 gives 97.98°.
constexpr double kSso650InclinationDeg = 97.98;
// Dawn-dusk: the orbit plane faces the Sun. 75° is above β* (65.2° at 650 km), so the
// cylindrical model sees no eclipse, as such an orbit does for most of the year.
constexpr double kDawnDuskBetaDeg = 75.0;

struct Preset {
  std::string_view name;
  CircularOrbit orbit;
};

constexpr std::array kPresets{
    Preset{"leo-400", {.altitude_km = 400, .inclination_deg = kMidInclinationDeg, .beta_deg = 0}},
    Preset{"leo-550", {.altitude_km = 550, .inclination_deg = kMidInclinationDeg, .beta_deg = 0}},
    Preset{"starlink-550",
           {.altitude_km = 550, .inclination_deg = kMidInclinationDeg, .beta_deg = 0}},
    Preset{"leo-650", {.altitude_km = 650, .inclination_deg = kMidInclinationDeg, .beta_deg = 0}},
    Preset{"leo-800", {.altitude_km = 800, .inclination_deg = kMidInclinationDeg, .beta_deg = 0}},
    Preset{"sso-dawn-dusk-650",
           {.altitude_km = 650,
            .inclination_deg = kSso650InclinationDeg,
            .beta_deg = kDawnDuskBetaDeg}},
};

}  // namespace

std::optional<CircularOrbit> find_preset(std::string_view name) {
  for (const Preset& preset : kPresets) {
    if (preset.name == name) return preset.orbit;
  }
  return std::nullopt;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  names.reserve(kPresets.size());
  for (const Preset& preset : kPresets) names.emplace_back(preset.name);
  return names;
}

}  // namespace ob::profiles
