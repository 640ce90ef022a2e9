#include "profiles/light/sun.hpp"

#include <cmath>
#include <numbers>

namespace ob::profiles {

namespace {

constexpr double kRadPerDeg = std::numbers::pi / 180.0;
constexpr double kRadPerArcsec = kRadPerDeg / 3600.0;
constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kJ2000Jd = 2451545.0;  // 2000 January 1, 12:00
constexpr double kDaysPerJulianCentury = 36525.0;

// Astronomical Almanac low-precision Sun (Vallado 2013, Alg. 29; physics.md), degrees and AU.
constexpr double kMeanLongitudeDeg = 280.460;
constexpr double kMeanLongitudeRateDegPerCentury = 36000.771;
constexpr double kMeanAnomalyDeg = 357.5291092;
constexpr double kMeanAnomalyRateDegPerCentury = 35999.05034;
constexpr double kEquationOfCentre1Deg = 1.914666471;
constexpr double kEquationOfCentre2Deg = 0.019994643;
constexpr double kObliquityDeg = 23.439291;
constexpr double kObliquityRateDegPerCentury = -0.0130042;
constexpr double kDistance0Au = 1.000140612;
constexpr double kDistance1Au = -0.016708617;
constexpr double kDistance2Au = -0.000139589;

// Nutation, Meeus, Astronomical Algorithms (2nd ed.), ch. 22, the short series (0.5″/0.1″).
constexpr double kMoonNodeDeg = 125.04452;
constexpr double kMoonNodeRateDegPerCentury = -1934.136261;
constexpr double kNutationSunLongitudeDeg = 280.4665;
constexpr double kNutationSunLongitudeRateDegPerCentury = 36000.7698;
constexpr double kMoonLongitudeDeg = 218.3165;
constexpr double kMoonLongitudeRateDegPerCentury = 481267.8813;

double centuries_since_j2000(double jd_day, double jd_fraction) {
  return ((jd_day - kJ2000Jd) + jd_fraction) / kDaysPerJulianCentury;
}

double wrap_two_pi(double angle_rad) {
  const double wrapped = std::fmod(angle_rad, kTwoPi);
  return wrapped < 0.0 ? wrapped + kTwoPi : wrapped;
}

double mean_longitude_rad(double t_centuries) {
  return wrap_two_pi((kMeanLongitudeDeg + kMeanLongitudeRateDegPerCentury * t_centuries) * kRadPerDeg);
}

double mean_obliquity_rad(double t_centuries) {
  return (kObliquityDeg + kObliquityRateDegPerCentury * t_centuries) * kRadPerDeg;
}

SunPosition almanac_sun_mod(double t_centuries) {
  const double mean_anomaly_rad = wrap_two_pi(
      (kMeanAnomalyDeg + kMeanAnomalyRateDegPerCentury * t_centuries) * kRadPerDeg);
  const double longitude_rad = mean_longitude_rad(t_centuries) +
                               kEquationOfCentre1Deg * kRadPerDeg * std::sin(mean_anomaly_rad) +
                               kEquationOfCentre2Deg * kRadPerDeg * std::sin(2.0 * mean_anomaly_rad);
  const double obliquity_rad = mean_obliquity_rad(t_centuries);
  const double distance_au = kDistance0Au + kDistance1Au * std::cos(mean_anomaly_rad) +
                             kDistance2Au * std::cos(2.0 * mean_anomaly_rad);
  const double sin_longitude = std::sin(longitude_rad);
  return {.direction = {std::cos(longitude_rad), std::cos(obliquity_rad) * sin_longitude,
                        std::sin(obliquity_rad) * sin_longitude},
          .distance_au = distance_au,
          .distance_km = distance_au * kAstronomicalUnitKm};
}

struct Nutation {
  double longitude_rad;  // Δψ
  double obliquity_rad;  // Δε
};

Nutation nutation(double t_centuries) {
  const double node_rad = (kMoonNodeDeg + kMoonNodeRateDegPerCentury * t_centuries) * kRadPerDeg;
  const double sun_rad =
      (kNutationSunLongitudeDeg + kNutationSunLongitudeRateDegPerCentury * t_centuries) * kRadPerDeg;
  const double moon_rad =
      (kMoonLongitudeDeg + kMoonLongitudeRateDegPerCentury * t_centuries) * kRadPerDeg;
  const double dpsi_arcsec = -17.20 * std::sin(node_rad) - 1.32 * std::sin(2.0 * sun_rad) -
                             0.23 * std::sin(2.0 * moon_rad) + 0.21 * std::sin(2.0 * node_rad);
  const double deps_arcsec = 9.20 * std::cos(node_rad) + 0.57 * std::cos(2.0 * sun_rad) +
                             0.10 * std::cos(2.0 * moon_rad) - 0.09 * std::cos(2.0 * node_rad);
  return {dpsi_arcsec * kRadPerArcsec, deps_arcsec * kRadPerArcsec};
}

// Passive (frame) rotations about x and z, as in Vallado's ROT1/ROT3.
Vec3 rot1(const Vec3& v, double angle_rad) {
  const double c = std::cos(angle_rad);
  const double s = std::sin(angle_rad);
  return {v.x, c * v.y + s * v.z, -s * v.y + c * v.z};
}
Vec3 rot3(const Vec3& v, double angle_rad) {
  const double c = std::cos(angle_rad);
  const double s = std::sin(angle_rad);
  return {c * v.x + s * v.y, -s * v.x + c * v.y, v.z};
}

// MOD → TOD: R1(−ε−Δε)·R3(−Δψ)·R1(ε); TOD → TEME: R3(Δψ·cos ε), the 1982 equation of the
// equinoxes (Vallado 2013 §3.7: r_TOD = ROT3(−Eq)·r_TEME).
Vec3 mod_to_teme_at(const Vec3& r_mod, double t_centuries) {
  const Nutation n = nutation(t_centuries);
  const double obliquity_rad = mean_obliquity_rad(t_centuries);
  const Vec3 r_tod =
      rot1(rot3(rot1(r_mod, obliquity_rad), -n.longitude_rad), -(obliquity_rad + n.obliquity_rad));
  return rot3(r_tod, n.longitude_rad * std::cos(obliquity_rad));
}

SunPosition sun_teme_at(double t_centuries) {
  SunPosition sun = almanac_sun_mod(t_centuries);
  sun.direction = unit(mod_to_teme_at(sun.direction, t_centuries));
  return sun;
}

}  // namespace

SunPosition sun_position_mod(double jd_utc) {
  return almanac_sun_mod(centuries_since_j2000(jd_utc, 0.0));
}

SunPosition sun_position_teme(double jd_utc) {
  return sun_teme_at(centuries_since_j2000(jd_utc, 0.0));
}

SunPosition sun_position_teme(double jd_utc_day, double jd_utc_fraction) {
  return sun_teme_at(centuries_since_j2000(jd_utc_day, jd_utc_fraction));
}

Vec3 mod_to_teme(const Vec3& r_mod, double jd_utc) {
  return mod_to_teme_at(r_mod, centuries_since_j2000(jd_utc, 0.0));
}

double sun_right_ascension_rad(double jd_utc) {
  const Vec3 direction = sun_position_teme(jd_utc).direction;
  return wrap_two_pi(std::atan2(direction.y, direction.x));
}

double mean_sun_right_ascension_rad(double jd_utc) {
  // In TEME the x-axis is the mean equinox, so the mean Sun's right ascension is the mean
  // longitude itself (Meeus eq. 28.3 with the aberration already inside the almanac's L).
  return mean_longitude_rad(centuries_since_j2000(jd_utc, 0.0));
}

double equation_of_time_rad(double jd_utc) {
  const double difference_rad =
      mean_sun_right_ascension_rad(jd_utc) - sun_right_ascension_rad(jd_utc);
  const double wrapped = wrap_two_pi(difference_rad);
  return wrapped > std::numbers::pi ? wrapped - kTwoPi : wrapped;
}

}  // namespace ob::profiles
