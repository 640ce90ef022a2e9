#pragma once
// Geometry of a circular orbit relative to the Sun, in closed form (cylindrical shadow): the
// analytic cross-check for the SGP4 + conical-shadow profiles.
//
// Frame: the orbit plane is spanned by e1 (the in-plane direction closest to the Sun) and e2
// (direction of motion at e1); the Sun lies at ŝ = cos β·e1 + sin β·n̂. The satellite's angle
// from e1 is u = 2π·t/period: profile time 0 is the sub-solar point ("orbit noon"), so every
// profile starts in sunlight and the eclipse, if any, is centred on t = period/2.

namespace ob::profiles {

double orbit_radius_km(double altitude_km);
// β* = asin(R/(R+h)): above it the orbit never enters the cylindrical shadow.
double critical_beta_deg(double altitude_km);
// Eclipse fraction of one orbit, (1/π)·acos(√(h²+2Rh)/((R+h)·cos β)), 0 for |β| ≥ β*.
double eclipse_fraction(double altitude_km, double beta_deg);
// Two-body period of a circular orbit (μ = 398600.4418 km³/s²).
double orbital_period_s(double altitude_km);
// Cylindrical-shadow eclipse duration per orbit, 0 above the critical beta angle.
double eclipse_duration_s(double altitude_km, double beta_deg);
// Angle from the sub-solar point at profile time t_s.
double angle_from_subsolar_rad(double t_s, double period_s);

}  // namespace ob::profiles
