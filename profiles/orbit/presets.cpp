#include "profiles/orbit/presets.hpp"

#include <algorithm>
#include <cctype>

namespace ob::profiles::orbit {

namespace {

constexpr double kIssAltitudeKm = 420.0;
constexpr double kIssInclinationDeg = 51.64;
constexpr double kStarlinkAltitudeKm = 550.0;
constexpr double kMidInclinationDeg = 53.0;
constexpr double kDawnDuskAltitudeKm = 650.0;
constexpr double kDawnDuskLtanHours = 18.0;
constexpr double kStarcloudAltitudeKm = 325.0;
constexpr double kLeo400AltitudeKm = 400.0;
constexpr double kLeo650AltitudeKm = 650.0;
constexpr double kLeo800AltitudeKm = 800.0;

OrbitElements circular(double altitude_km, double inclination_deg) {
  OrbitElements e;
  e.altitude_km = altitude_km;
  e.inclination_deg = inclination_deg;
  e.raan_deg = 0.0;
  return e;
}

OrbitElements sun_synchronous(double altitude_km, double ltan_hours) {
  OrbitElements e;
  e.altitude_km = altitude_km;
  e.sun_synchronous = true;
  e.ltan_hours = ltan_hours;
  return e;
}

struct Alias {
  std::string_view alias;
  std::string_view name;
};
constexpr Alias kAliases[] = {{"leo-550", "starlink-550"}};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

const std::vector<OrbitPreset>& orbit_presets() {
  static const std::vector<OrbitPreset> kPresets{
      {"iss", "ISS-like: 420 km, 51.64°",
       "ISS: inclination 51.64° (fixed since 1998) and a mean altitude kept near 415–420 km by "
       "reboosts (NASA ISS facts; CelesTrak ISS (ZARYA) element sets 2024–2025, mean motion "
       "≈15.50 rev/day). Circular here; the real eccentricity is ≈0.0005 (±3.5 km).",
       circular(kIssAltitudeKm, kIssInclinationDeg)},
      {"starlink-550", "Starlink-like shell: 550 km, 53°",
       "SpaceX Starlink Gen1, its first shell: 1,584 satellites at 550 km and 53.0° (FCC "
       "authorisation of SpaceX's Gen1 modification, April 2021).",
       circular(kStarlinkAltitudeKm, kMidInclinationDeg)},
      {"sso-dawn-dusk-650", "dawn-dusk sun-synchronous: 650 km, LTAN 18:00",
       "Google Research's Project Suncatcher study (Nov 2025) of TPU clusters in space proposes "
       "a dawn-dusk sun-synchronous LEO near 650 km, sunlit nearly all year. Inclination from "
       "J2 for sun-synchronism (≈97.99°), ascending node at 18:00 mean local time.",
       sun_synchronous(kDawnDuskAltitudeKm, kDawnDuskLtanHours)},
      {"starcloud-325", "Starcloud-1-like: 325 km, 53° (inclination assumed)",
       "Starcloud-1 (Starcloud Inc.) carried an NVIDIA H100 to orbit on SpaceX's Bandwagon-4 "
       "rideshare in Nov 2025 and flew at about 325 km (shared/reference/physics.md). Known: "
       "altitude ≈325 km. Assumed: circular, inclination 53° (a mid-inclination rideshare; "
       "not in our sources). B* = 0, so the rapid decay of a 325 km orbit is not modelled.",
       circular(kStarcloudAltitudeKm, kMidInclinationDeg)},
      {"leo-400", "generic LEO: 400 km, 53°",
       "Generic circular LEO at 53° (the leo-* family of profiles/presets.cpp).",
       circular(kLeo400AltitudeKm, kMidInclinationDeg)},
      {"leo-650", "generic LEO: 650 km, 53°",
       "Generic circular LEO at 53° (the leo-* family of profiles/presets.cpp).",
       circular(kLeo650AltitudeKm, kMidInclinationDeg)},
      {"leo-800", "generic LEO: 800 km, 53°",
       "Generic circular LEO at 53° (the leo-* family of profiles/presets.cpp).",
       circular(kLeo800AltitudeKm, kMidInclinationDeg)},
  };
  return kPresets;
}

std::optional<OrbitPreset> find_orbit_preset(std::string_view name) {
  std::string wanted = lower(name);
  for (const Alias& alias : kAliases) {
    if (wanted == alias.alias) wanted = std::string(alias.name);
  }
  for (const OrbitPreset& preset : orbit_presets()) {
    if (preset.name == wanted) return preset;
  }
  return std::nullopt;
}

std::vector<std::string> orbit_preset_names() {
  std::vector<std::string> names;
  for (const OrbitPreset& preset : orbit_presets()) names.emplace_back(preset.name);
  for (const Alias& alias : kAliases) names.emplace_back(alias.alias);
  return names;
}

}  // namespace ob::profiles::orbit
