#pragma once
// Earth's shadow at a satellite: how much of the Sun's disc it sees, 0 (umbra) … 1 (full Sun).
//
// Conical model (Montenbruck & Gill, Satellite Orbits, §3.4.2): seen from the satellite, the
// Sun is a disc of angular radius θs = asin(R_sun/|r_sun − r|) and Earth one of angular radius
// θe = asin(R_earth/|r|), their centres θ apart. The illumination is the fraction of the Sun's
// disc not covered by Earth's: the exact area of two overlapping circles (lens), not a linear
// ramp. The discs are treated as plane circles of those angular radii; on the sphere Earth's
// limb (θe ≈ 66° in LEO) curves a little less than that plane circle, which shifts the fraction
// by < 1e-3 (< 0.01 s in LEO). The penumbra lasts ≈ 2θs/ω ≈ 8.5 s per transit in LEO at β = 0.
// Not modelled: the atmosphere (refraction and absorption make the real shadow ≈ 1–2 % larger
// in radius and its edge soft), which is the same for every model compared in the tests.
//
// Earth's shape: a sphere of R = 6378.137 km (WGS-84 equatorial; the default, as in most
// mission tools), or the WGS-84 ellipsoid handled exactly for the line-of-sight geometry by
// stretching z by a/b, which turns the ellipsoid into that sphere (tangent lines stay tangent;
// the Sun's disc, 1 AU away, is distorted by < 0.34 %, i.e. < 0.03 s of penumbra). The shadow
// shrinks by up to 21 km over the poles, which shortens grazing eclipse seasons by days: the
// 650 km dawn-dusk orbit's eclipse season (over the south polar cap) goes from 91 to 89 days.
//
// Positions: satellite and Sun in one Earth-centred frame (TEME for SGP4 + sun_position_teme),
// in km. Pure functions, no allocation.
#include "profiles/light/vec3.hpp"

namespace ob::profiles {

// Nominal solar radius (physics.md; the IAU 2015 nominal value is 695 700 km, 0.04 % less,
// i.e. 0.004 s of penumbra).
inline constexpr double kSunRadiusKm = 696'000.0;
// WGS-84 polar radius b = a·(1 − f), f = 1/298.257223563.
inline constexpr double kEarthPolarRadiusKm = 6356.752314245;

enum class EarthShape { sphere, wgs84_ellipsoid };

// The two discs as the satellite sees them (radians).
struct ShadowDiscs {
  double sun_radius_rad = 0.0;    // θs
  double earth_radius_rad = 0.0;  // θe
  double separation_rad = 0.0;    // θ, between the centres
};

ShadowDiscs shadow_discs(const Vec3& r_sat_km, const Vec3& r_sun_km,
                         EarthShape shape = EarthShape::sphere);

// Fraction of a disc of angular radius sun_radius_rad left uncovered by a disc of angular
// radius earth_radius_rad whose centre is separation_rad away: 1 apart, 0 covered, the
// lens-area result in between (annular, 1 − θe²/θs², when Earth is smaller and inside).
double visible_disc_fraction(const ShadowDiscs& discs);

// Conical shadow with penumbra: 1 in full Sun, 0 in the umbra, the visible fraction between.
double conical_illumination(const Vec3& r_sat_km, const Vec3& r_sun_km,
                            EarthShape shape = EarthShape::sphere);

// Cylindrical shadow (Sun at infinity, no penumbra), for comparison: 0 when the satellite is
// behind Earth (r·ŝ < 0) and within R of the shadow axis, else 1. sun_direction need not be
// unit length. profiles/shadow.hpp has the same model in circular-orbit coordinates.
double cylindrical_illumination(const Vec3& r_sat_km, const Vec3& sun_direction,
                                EarthShape shape = EarthShape::sphere);

}  // namespace ob::profiles
