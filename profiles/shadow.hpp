#pragma once
// Cylindrical Earth shadow: the Sun is infinitely far and Earth casts a cylinder of radius R.
// No penumbra, so illumination is 0 or 1 (the conical model with penumbra is a later issue).

namespace ob::profiles {

// Illumination (0 or 1) of a satellite at radius_km, at angle u_rad from the sub-solar point
// of its orbit plane, with the Sun at beta_rad from that plane (frame in circular_orbit.hpp).
double cylindrical_illumination(double radius_km, double beta_rad, double u_rad);

}  // namespace ob::profiles
