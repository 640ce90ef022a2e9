#pragma once
// Constants shared by the SGP4 translation units (internal). Values and their meaning follow
// Vallado's SGP4.cpp (2020) and Spacetrack Report #3; names say what they are.
#include <cmath>
#include <numbers>

#include "profiles/orbit/sgp4.hpp"

namespace ob::profiles::orbit::sgp4_detail {

inline constexpr double kPi = std::numbers::pi;  // the reference's 3.14159265358979323846
inline constexpr double kTwoPi = 2.0 * kPi;
inline constexpr double kTwoThirds = 2.0 / 3.0;  // the reference's x2o3
inline constexpr double kDegToRad = kPi / 180.0;
// Revolutions per day → radians per minute divides by this (the reference's xpdotp).
inline constexpr double kRevPerDayPerRadPerMin = 1440.0 / (2.0 * kPi);
// JD of 1949-12-31T00:00 (SGP4 counts epoch days from "0 Jan 1950").
inline constexpr double kJdSgp4EpochOrigin = 2433281.5;
// Divisor that stands in for 1 + cos(i) at i = 180° (the reference's temp4).
inline constexpr double kInclination180Guard = 1.5e-12;

// xke = 60 / √(R³/μ): Earth radii^1.5 per minute; tumin = 1/xke; j3/j2.
inline const double kXke = 60.0 / std::sqrt(wgs72::kEarthRadiusKm * wgs72::kEarthRadiusKm *
                                            wgs72::kEarthRadiusKm / wgs72::kMuKm3PerS2);
inline const double kInvXke = 1.0 / kXke;
inline const double kJ3OverJ2 = wgs72::kJ3 / wgs72::kJ2;
// Earth radii per minute → km/s.
inline const double kVelocityKmPerS = wgs72::kEarthRadiusKm * kXke / 60.0;

}  // namespace ob::profiles::orbit::sgp4_detail
