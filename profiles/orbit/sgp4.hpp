#pragma once
// SGP4/SDP4: the analytical propagator that TLEs are made for.
//
// A faithful transcription of Vallado's SGP4 (Vallado, Crawford, Hujsak & Kelso, "Revisiting
// Spacetrack Report #3", AIAA 2006-6753, and his 2020 C++ release): sgp4init with initl,
// dscom, dpper, dsinit and dspace; near-Earth (period < 225 min) and deep-space; WGS-72
// constants; "improved" operation mode ('i', modern GMST). The operation order of the
// reference is kept, so that the Vallado verification set agrees to well under a millimetre.
// Internal names follow the reference (cc1, d2, xlcof, ...) so the code can be checked line by
// line against it.
//
// Output frame: TEME (true equator, mean equinox of date), km and km/s.
// Differences from the reference, none of which changes a result beyond the last few bits:
// - propagate() is const and thread-safe: the deep-space resonance integrator restarts from the
//   epoch on every call (the reference caches its last step; the steps, and so the numbers,
//   are the same), and the per-call values the reference stores back into its record are kept
//   local.
// - Speed (about 10 M propagations/s near Earth on one core; tests/perf): values that do not
//   depend on time are computed once at initialisation; sin/cos are inline
//   (profiles/orbit/fast_trig.hpp, within 2 ulp of libm); the argument of latitude, node and
//   inclination get their sin/cos by rotating known ones by the small short-period corrections
//   instead of an atan2 and fresh sin/cos; Kepler's iteration rotates sin/cos of E by each
//   correction; near Earth, angle reductions modulo 2π that only feed sin/cos are skipped.
//   These are identities; the verification set (tests/unit/test_profiles_sgp4_verification)
//   holds the result to the reference output within 0.12 mm on every row, the same as a
//   literal transcription. The deep-space secular and lunar-solar parts stay literal.
// - tsince must be finite.
#include <expected>
#include <string_view>

#include "profiles/orbit/time_scales.hpp"

namespace ob::profiles::orbit {

struct Tle;

// SGP4's error codes (the reference's numbering; 5, "epoch elements are sub-orbital", is no
// longer raised by it and is not used here).
enum class Sgp4Error {
  none = 0,
  eccentricity = 1,            // mean eccentricity outside [-0.001, 1)
  mean_motion = 2,             // mean motion ≤ 0
  perturbed_eccentricity = 3,  // eccentricity after lunar-solar periodics outside [0, 1]
  semi_latus_rectum = 4,       // semi-latus rectum < 0
  decayed = 6,                 // radius below one Earth radius: the satellite has decayed
};
std::string_view describe(Sgp4Error error);

// Position and velocity in TEME.
struct Sgp4State {
  double r_km[3];
  double v_km_s[3];
};

// SGP4 mean elements (what a TLE carries), in the TLE's units.
struct MeanElements {
  JulianDate epoch;  // UTC
  double eccentricity = 0;
  double inclination_deg = 0;
  double raan_deg = 0;
  double arg_perigee_deg = 0;
  double mean_anomaly_deg = 0;
  double mean_motion_rev_per_day = 0;  // Kozai mean motion, as in a TLE
  double bstar_per_earth_radius = 0;   // drag term B*
};

// WGS-72 as SGP4 uses it (Vallado getgravconst 'wgs72'; Spacetrack Report #3).
namespace wgs72 {
inline constexpr double kMuKm3PerS2 = 398600.8;
inline constexpr double kEarthRadiusKm = 6378.135;
inline constexpr double kJ2 = 0.001082616;
inline constexpr double kJ3 = -0.00000253881;
inline constexpr double kJ4 = -0.00000165597;
}  // namespace wgs72

class Sgp4 {
 public:
  // Initialises from a TLE and propagates to the epoch; an error there (Vallado case 33334,
  // for one) is returned instead of a propagator.
  static std::expected<Sgp4, Sgp4Error> from_tle(const Tle& tle);
  static std::expected<Sgp4, Sgp4Error> from_mean_elements(const MeanElements& elements);

  // State at tsince_min minutes after the epoch (negative: before it). No allocation, no
  // shared state: safe to call from several threads at once.
  std::expected<Sgp4State, Sgp4Error> propagate(double tsince_min) const;
  // State at a UTC Julian date.
  std::expected<Sgp4State, Sgp4Error> propagate_to(const JulianDate& utc) const {
    return propagate(epoch_.minutes_until(utc));
  }

  const JulianDate& epoch() const { return epoch_; }
  double epoch_jd() const { return epoch_.jd(); }
  const MeanElements& elements() const { return elements_; }
  bool is_deep_space() const { return deep_space_; }
  // Brouwer ("un-Kozai'd") mean motion and the mean semi-major axis that follows from it.
  double mean_motion_rad_per_min() const { return no_unkozai_; }
  double semi_major_axis_km() const;
  double period_min() const;

 private:
  Sgp4() = default;
  void initialise(const MeanElements& elements);
  // The reference's dpper (lunar-solar long-period periodics), init = 'n', opsmode = 'i'.
  void apply_deep_space_periodics(double t, double& ep, double& inclp, double& nodep,
                                  double& argpp, double& mp) const;
  // The reference's dspace (deep-space secular effects and resonance integration).
  void apply_deep_space_secular(double t, double& em, double& argpm, double& inclm, double& mm,
                                double& nodem, double& nm) const;
  // propagate() for method 'd' (SDP4).
  std::expected<Sgp4State, Sgp4Error> propagate_deep_space(double tsince_min) const;
  // The reference's dscom + dsinit: lunar-solar and resonance terms at the epoch.
  void initialise_deep_space(double epoch_days_since_1950, double eccsq, double xpidot);

  MeanElements elements_;
  JulianDate epoch_;
  bool deep_space_ = false;
  bool simple_drag_ = false;  // the reference's isimp: perigee below 220 km or deep space

  // Mean elements at epoch, radians and radians/minute.
  double ecco_ = 0, inclo_ = 0, nodeo_ = 0, argpo_ = 0, mo_ = 0, no_kozai_ = 0, bstar_ = 0;
  double no_unkozai_ = 0;

  // Near-Earth secular and drag coefficients (Spacetrack Report #3 names).
  double aycof_ = 0, con41_ = 0, cc1_ = 0, cc4_ = 0, cc5_ = 0, d2_ = 0, d3_ = 0, d4_ = 0;
  double delmo_ = 0, eta_ = 0, argpdot_ = 0, omgcof_ = 0, sinmao_ = 0, t2cof_ = 0, t3cof_ = 0;
  double t4cof_ = 0, t5cof_ = 0, x1mth2_ = 0, x7thm1_ = 0, mdot_ = 0, nodedot_ = 0, xlcof_ = 0;
  double xmcof_ = 0, nodecf_ = 0;
  // Precomputed for the near-Earth hot path: (xke/no)^(2/3), sin/cos of the inclination.
  double am_unit_ = 0, sinio_ = 0, cosio_ = 0;

  // Deep-space terms (dscom / dsinit names).
  int irez_ = 0;
  double d2201_ = 0, d2211_ = 0, d3210_ = 0, d3222_ = 0, d4410_ = 0, d4422_ = 0, d5220_ = 0;
  double d5232_ = 0, d5421_ = 0, d5433_ = 0, dedt_ = 0, del1_ = 0, del2_ = 0, del3_ = 0;
  double didt_ = 0, dmdt_ = 0, dnodt_ = 0, domdt_ = 0, e3_ = 0, ee2_ = 0, peo_ = 0, pgho_ = 0;
  double pho_ = 0, pinco_ = 0, plo_ = 0, se2_ = 0, se3_ = 0, sgh2_ = 0, sgh3_ = 0, sgh4_ = 0;
  double sh2_ = 0, sh3_ = 0, si2_ = 0, si3_ = 0, sl2_ = 0, sl3_ = 0, sl4_ = 0, gsto_ = 0;
  double xfact_ = 0, xgh2_ = 0, xgh3_ = 0, xgh4_ = 0, xh2_ = 0, xh3_ = 0, xi2_ = 0, xi3_ = 0;
  double xl2_ = 0, xl3_ = 0, xl4_ = 0, xlamo_ = 0, zmol_ = 0, zmos_ = 0;
};

}  // namespace ob::profiles::orbit
