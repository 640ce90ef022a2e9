#pragma once
// View factors from a spacecraft surface to the Earth (a sphere of radius R seen from radius r):
// the fraction of the surface's diffuse emission that lands on Earth, which by reciprocity is
// the fraction of Earth's infrared (OLR) and reflected sunlight (albedo) the surface receives
// per unit area, relative to a surface that sees Earth's full hemisphere.

namespace ob::profiles {

// One-sided flat plate whose outward normal makes normal_from_nadir_rad (γ) with the nadir
// direction, at orbit radius radius_km (H = r/R, ρ = asin(1/H), Earth's angular radius):
//   γ ≤ π/2 − ρ (Earth wholly in front): F = cos γ / H²        (nadir plate: (R/r)²)
//   γ ≥ π/2 + ρ (Earth wholly behind):   F = 0
//   otherwise (Earth cut by the plate's plane):
//   F = 1/2 − asin(√(H²−1) / (H sin γ))/π
//       + [cos γ · acos(−√(H²−1) cot γ) − √(H²−1) · √(1 − H² cos² γ)] / (π H²)
// (plane element to a sphere, tilted element: Howell's catalogue of configuration factors and
// Gilmore's Spacecraft Thermal Control Handbook; checked against direct numerical integration
// in tests/unit/test_profiles_heat_geometry.cpp).
// radius_km below the Earth's radius is treated as on the surface.
double earth_view_factor_plate(double radius_km, double normal_from_nadir_rad);

// Sphere (any attitude, view factor of its whole surface): F = (1 − √(1 − (R/r)²)) / 2.
double earth_view_factor_sphere(double radius_km);

}  // namespace ob::profiles
