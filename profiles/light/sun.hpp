#pragma once
// Where the Sun is, seen from Earth's centre: the Astronomical Almanac's low-precision solar
// ephemeris (Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., Alg. 29 `sun`;
// formula in shared/reference/physics.md), valid 1950–2050.
//
// Frames. The almanac formula gives the apparent Sun (annual aberration included) in the mean
// equator and equinox of date (MOD). SGP4 positions are in TEME (true equator, mean equinox
// as SGP4 defines it). The two differ by nutation only: up to ≈11″ (0.003°) in the Sun's
// direction. sun_position_teme() removes that with a four-term nutation (Meeus, Astronomical
// Algorithms, ch. 22: 0.5″ in Δψ, 0.1″ in Δε) and the 1982 equation of the equinoxes that TEME
// is defined by. Mixing J2000 (GCRS/EME2000) with of-date frames would instead cost the
// precession since 2000: 50.3″/yr, 0.08° in 2006, 0.35° in 2025, 0.7° in 2050 — so never
// compare these vectors with J2000 ones.
//
// Error budget of the direction, measured against astropy 5.2 / ERFA (VSOP2000-based, ~4 km)
// on 22 dates over 1950–2050 (tests/unit/test_profiles_light_sun.cpp):
//   almanac formula (its own claim: 0.01°)          worst 0.009°, rms 0.004° (in TEME and MOD);
//                                                   the short series omits lunar and planetary
//                                                   perturbations, so the error is periodic
//   time argument: the formula wants UT1 (and TT    TT−UTC ≤ ≈100 s until 2050 → ≤ 0.0012°
//     for the anomalies); we feed UTC. The Sun      UT1−UTC < 0.9 s → 1e-5°
//     moves 0.041°/h. (Inside the measured worst.)
//   MOD → TEME nutation (4-term series)             ≤ 0.0002°; skipping it (MOD taken as
//                                                   TEME) adds up to 0.003° on a date
// Distance: worst 6e-5 AU (9 000 km), irrelevant to a shadow. In LEO a satellite sweeps
// ≈0.063°/s, so 0.01° of Sun direction moves an eclipse boundary by ≈0.15 s at β = 0.
#include "profiles/light/vec3.hpp"

namespace ob::profiles {

inline constexpr double kAstronomicalUnitKm = 149'597'870.7;  // IAU 2012 Resolution B2

struct SunPosition {
  Vec3 direction;            // unit vector from Earth's centre towards the Sun
  double distance_au = 0.0;  // Earth's centre to the Sun's centre
  double distance_km = 0.0;

  Vec3 position_km() const { return distance_km * direction; }
};

// The Sun in the mean equator and equinox of date, as the almanac formula gives it.
// jd_utc: Julian date (UTC, taken as UT1 and TT: see the error budget above).
SunPosition sun_position_mod(double jd_utc);
// The Sun in TEME, the frame of SGP4 positions: use this one for shadow and beta angle.
SunPosition sun_position_teme(double jd_utc);
// Split Julian dates (day + fraction, e.g. 2453827.5 + 0.25) keep sub-millisecond resolution.
SunPosition sun_position_teme(double jd_utc_day, double jd_utc_fraction);

// Rotates a vector from the mean equator and equinox of date (MOD) into TEME at jd_utc.
Vec3 mod_to_teme(const Vec3& r_mod, double jd_utc);

// Right ascension of the true (apparent) Sun in TEME, in [0, 2π). With the right ascension
// of the ascending node (TEME, as a TLE carries it), the local time of the ascending node is
// 12 h + (Ω − α_sun)/15°·h — "true" local solar time, which runs ahead of or behind mean local
// time by the equation of time (−14 … +16 min, i.e. up to 4° in Ω).
double sun_right_ascension_rad(double jd_utc);
// Right ascension of the fictitious mean Sun (uniform along the equator at the almanac's mean
// longitude, aberration included), in [0, 2π): the reference for mean local time, which is
// what mission documents usually mean by LTAN. A sun-synchronous orbit keeps Ω − α_mean fixed.
double mean_sun_right_ascension_rad(double jd_utc);
// Equation of time (mean minus true Sun right ascension) wrapped to (−π, π].
double equation_of_time_rad(double jd_utc);

}  // namespace ob::profiles
