#pragma once
// Orbits from elements: what a user states about an orbit (altitude or semi-major axis,
// eccentricity, inclination or "sun-synchronous", RAAN or local time of the ascending node,
// argument of perigee, mean anomaly, epoch) turned into SGP4 mean elements.
//
// How the inputs are read. SGP4 propagates *mean* elements: the TLE's mean motion is a Kozai
// mean motion, from which SGP4 recovers Brouwer's mean motion n0'' and mean semi-major axis
// a0'' = (ke/n0'')^(2/3) (its "un-Kozai" step, initl). The elements given here are taken as
// those SGP4 mean elements, with the semi-major axis meaning a0'': the orbit's mean altitude
// is then what the user asked for, and the osculating radius of a "circular" orbit swings by
// ±10 km or so around it with the J2 short-period terms, as a real satellite's does. The Kozai
// mean motion that yields that a0'' is found by inverting SGP4's own un-Kozai step, so
// Sgp4::semi_major_axis_km() returns the requested value. Drag is off (B* = 0; ṅ and n̈ are not
// used by SGP4). Altitude is measured from the WGS-84 equatorial radius (6378.137 km,
// profiles/physical_constants.hpp); SGP4's WGS-72 radius is 2 m smaller.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "profiles/orbit/sgp4.hpp"
#include "profiles/orbit/time_scales.hpp"

namespace ob::profiles::orbit {

// 2026-12-01T00:00:00Z, the epoch of elements and presets that do not state one.
inline constexpr JulianDate kDefaultElementsEpoch{2461375.5, 0.0};
inline constexpr std::string_view kDefaultElementsEpochText = "2026-12-01T00:00:00Z";

// Inconsistent or out-of-range elements, or a bad spec string; the message names the key.
struct ElementsError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct OrbitElements {
  // Exactly one of the two: mean altitude above the equatorial radius, or mean semi-major axis.
  std::optional<double> altitude_km;
  std::optional<double> semi_major_axis_km;
  double eccentricity = 0;
  // Inclination, or (sun_synchronous) the one that makes the J2 nodal regression follow the
  // mean Sun at this semi-major axis and eccentricity.
  double inclination_deg = 0;
  bool sun_synchronous = false;
  // At most one of the two (neither: RAAN 0). LTAN is mean local solar time, hours [0, 24).
  std::optional<double> raan_deg;
  std::optional<double> ltan_hours;
  double arg_perigee_deg = 0;
  double mean_anomaly_deg = 0;
  JulianDate epoch = kDefaultElementsEpoch;
};

// Mean semi-major axis from altitude_km or semi_major_axis_km; throws ElementsError when both or
// neither is given, or when the perigee would be below the Earth's surface.
double resolved_semi_major_axis_km(const OrbitElements& elements);
// cos i = −Ω̇☉ / (3/2 · J2 · (R/p)² · n), with Ω̇☉ = 360° per tropical year and WGS-72's J2, R
// and μ (so SGP4's first-order nodal rate follows the mean Sun). Throws ElementsError above
// ≈12 350 km (p), where no inclination is fast enough.
double sun_synchronous_inclination_deg(double semi_major_axis_km, double eccentricity);
// RAAN (degrees, [0, 360)) of an ascending node at `ltan_hours` mean local solar time:
// α_mean_sun(epoch) + 15°/h · (LTAN − 12 h), with the Sun of profiles/light/sun.hpp.
double raan_from_ltan_deg(double ltan_hours, const JulianDate& epoch);
// The Kozai mean motion (rev/day, as a TLE states it) whose un-Kozai'd SGP4 mean semi-major
// axis is `semi_major_axis_km`.
double kozai_mean_motion_rev_per_day(double semi_major_axis_km, double eccentricity,
                                     double inclination_deg);

// Validates and resolves everything into SGP4 mean elements (B* = 0). Throws ElementsError.
MeanElements to_mean_elements(const OrbitElements& elements);
// to_mean_elements, then Sgp4::from_mean_elements.
std::expected<Sgp4, Sgp4Error> sgp4_from_elements(const OrbitElements& elements);

// The CLI's --elements spec: comma-separated key=value pairs, e.g.
//   "alt=550km,ecc=0,inc=53,raan=0,argp=0,ma=0,epoch=2026-12-01T00:00:00Z"
// Keys: alt (km; "550", "550km", "550000m") | a (same units), ecc, inc (degrees or "sso"),
// raan (degrees) | ltan ("18:00", "6:30", or hours "18.5"), argp, ma (degrees), epoch
// (ISO-8601 UTC; default 2026-12-01T00:00:00Z). Angles may carry "deg". Required: alt or a,
// and inc. Throws ElementsError naming the key and the offending text.
OrbitElements parse_elements_spec(std::string_view spec);
// The spec that parses back to `elements` (full precision), for records and messages.
std::string format_elements_spec(const OrbitElements& elements);

}  // namespace ob::profiles::orbit
