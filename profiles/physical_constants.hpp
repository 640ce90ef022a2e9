#pragma once
// Physical constants the profile models share (values as in docs physics.md; units in names).

namespace ob::profiles {

inline constexpr double kEarthRadiusKm = 6378.137;        // WGS-84 equatorial radius
inline constexpr double kMuKm3PerS2 = 398600.4418;        // Earth's gravitational parameter
inline constexpr double kSolarConstantWPerM2 = 1361.0;    // total solar irradiance at 1 AU
inline constexpr double kStefanBoltzmannWPerM2K4 = 5.670374419e-8;
inline constexpr double kEarthAlbedo = 0.30;              // fraction of sunlight reflected
inline constexpr double kEarthOlrWPerM2 = 237.0;          // outgoing long-wave radiation
inline constexpr double kZeroCelsiusK = 273.15;
inline constexpr double kSecondsPerMinute = 60.0;

}  // namespace ob::profiles
