#pragma once
// Beta angle: the Sun's elevation above the orbit plane, sin β = ŝ·n̂ (physics.md), positive
// when the Sun is on the side of the orbit normal n̂ = r×v/|r×v| (the side from which the
// satellite is seen moving counter-clockwise). |β| decides how much shadow a circular orbit
// meets: the cylindrical eclipse fraction from β is eclipse_fraction() in
// profiles/circular_orbit.hpp, which these functions feed (β in degrees there).
// Frame: any one Earth-centred frame for all vectors (TEME with sun_position_teme()).
#include "profiles/light/vec3.hpp"

namespace ob::profiles {

// Unit orbit normal from a state vector (km, km/s); zero for a degenerate (radial) state.
Vec3 orbit_normal(const Vec3& r_km, const Vec3& v_km_s);
// Unit orbit normal from inclination and right ascension of the ascending node:
// (sin i sin Ω, −sin i cos Ω, cos i).
Vec3 orbit_normal(double inclination_rad, double raan_rad);

// β in [−π/2, π/2] from a unit orbit normal and a Sun vector of any length.
double beta_angle_rad(const Vec3& orbit_normal_unit, const Vec3& sun);
// β from a state vector and a Sun vector of any length.
double beta_angle_rad(const Vec3& r_km, const Vec3& v_km_s, const Vec3& sun);

}  // namespace ob::profiles
