// SGP4 initialisation (the reference's sgp4init + initl) and propagation (sgp4).
#include "profiles/orbit/sgp4.hpp"

#include <cmath>

#include "profiles/orbit/fast_trig.hpp"
#include "profiles/orbit/sgp4_constants.hpp"
#include "profiles/orbit/tle.hpp"

namespace ob::profiles::orbit {

using namespace sgp4_detail;

namespace {

// Atmosphere model of SGP4's drag (Spacetrack Report #3): density parameters s = 78 km and
// q0 = 120 km above the surface, altered for perigees below 156 km (s = perigee − 78 km, and
// s = 20 km below a 98 km perigee).
constexpr double kDragSKm = 78.0;
constexpr double kDragQ0Km = 120.0;
constexpr double kLowPerigeeKm = 156.0;
constexpr double kVeryLowPerigeeKm = 98.0;
constexpr double kVeryLowPerigeeSKm = 20.0;
// Perigees below 220 km use the simplified drag equations (isimp).
constexpr double kSimpleDragPerigeeKm = 220.0;
// Periods of 225 min and more are "deep space" (SDP4).
constexpr double kDeepSpacePeriodMin = 225.0;
// Eccentricities at or below this skip the e-dependent drag terms (cc3, xmcof).
constexpr double kSmallEccentricity = 1.0e-4;
// Error tolerances of sgp4: mean eccentricity may dip to −0.001 before it is an error, and is
// then floored at 1e-6 to avoid a division by zero.
constexpr double kMinMeanEccentricity = -0.001;
constexpr double kEccentricityFloor = 1.0e-6;
// Kepler's equation: Newton steps until the correction is below 1e-12, at most 10, each
// clamped to ±0.95 rad.
constexpr double kKeplerTolerance = 1.0e-12;
constexpr int kKeplerMaxIterations = 10;
constexpr double kKeplerMaxStep = 0.95;

}  // namespace

std::string_view describe(Sgp4Error error) {
  switch (error) {
    case Sgp4Error::none:
      return "no error";
    case Sgp4Error::eccentricity:
      return "mean eccentricity out of range (e >= 1 or e < -0.001)";
    case Sgp4Error::mean_motion:
      return "mean motion is not positive";
    case Sgp4Error::perturbed_eccentricity:
      return "perturbed eccentricity out of range [0, 1]";
    case Sgp4Error::semi_latus_rectum:
      return "semi-latus rectum is negative";
    case Sgp4Error::decayed:
      return "satellite has decayed (radius below the Earth's)";
  }
  return "unknown SGP4 error";
}

std::expected<Sgp4, Sgp4Error> Sgp4::from_tle(const Tle& tle) {
  MeanElements elements;
  elements.epoch = tle.epoch;
  elements.eccentricity = tle.eccentricity;
  elements.inclination_deg = tle.inclination_deg;
  elements.raan_deg = tle.raan_deg;
  elements.arg_perigee_deg = tle.arg_perigee_deg;
  elements.mean_anomaly_deg = tle.mean_anomaly_deg;
  elements.mean_motion_rev_per_day = tle.mean_motion_rev_per_day;
  elements.bstar_per_earth_radius = tle.bstar_per_earth_radius;
  return from_mean_elements(elements);
}

std::expected<Sgp4, Sgp4Error> Sgp4::from_mean_elements(const MeanElements& elements) {
  if (!(elements.mean_motion_rev_per_day > 0.0)) return std::unexpected(Sgp4Error::mean_motion);
  if (!(elements.eccentricity >= 0.0 && elements.eccentricity < 1.0)) {
    return std::unexpected(Sgp4Error::eccentricity);
  }
  Sgp4 sgp4;
  sgp4.initialise(elements);
  // As the reference, finish by propagating to the epoch; its error is the initialisation's.
  const auto at_epoch = sgp4.propagate(0.0);
  if (!at_epoch) return std::unexpected(at_epoch.error());
  return sgp4;
}

double Sgp4::semi_major_axis_km() const {
  return std::pow(kXke / no_unkozai_, kTwoThirds) * wgs72::kEarthRadiusKm;
}

double Sgp4::period_min() const { return kTwoPi / no_unkozai_; }

void Sgp4::initialise(const MeanElements& elements) {
  elements_ = elements;
  epoch_ = elements.epoch;
  bstar_ = elements.bstar_per_earth_radius;
  ecco_ = elements.eccentricity;
  argpo_ = elements.arg_perigee_deg * kDegToRad;
  inclo_ = elements.inclination_deg * kDegToRad;
  mo_ = elements.mean_anomaly_deg * kDegToRad;
  nodeo_ = elements.raan_deg * kDegToRad;
  no_kozai_ = elements.mean_motion_rev_per_day / kRevPerDayPerRadPerMin;
  // Days since 0 Jan 1950, as the reference's twoline2rv passes it.
  const double epoch_days = (epoch_.day + epoch_.fraction) - kJdSgp4EpochOrigin;

  constexpr double kRadius = wgs72::kEarthRadiusKm;
  const double ss = kDragSKm / kRadius + 1.0;
  const double qzms2ttemp = (kDragQ0Km - kDragSKm) / kRadius;
  const double qzms2t = qzms2ttemp * qzms2ttemp * qzms2ttemp * qzms2ttemp;

  // ---- initl: epoch quantities and the un-Kozai'd (Brouwer) mean motion ----
  const double eccsq = ecco_ * ecco_;
  const double omeosq = 1.0 - eccsq;
  const double rteosq = std::sqrt(omeosq);
  const double cosio = std::cos(inclo_);
  const double cosio2 = cosio * cosio;
  const double ak = std::pow(kXke / no_kozai_, kTwoThirds);
  const double d1 = 0.75 * wgs72::kJ2 * (3.0 * cosio2 - 1.0) / (rteosq * omeosq);
  double del = d1 / (ak * ak);
  const double adel = ak * (1.0 - del * del - del * (1.0 / 3.0 + 134.0 * del * del / 81.0));
  del = d1 / (adel * adel);
  no_unkozai_ = no_kozai_ / (1.0 + del);
  const double ao = std::pow(kXke / no_unkozai_, kTwoThirds);
  const double sinio = std::sin(inclo_);
  const double po = ao * omeosq;
  const double con42 = 1.0 - 5.0 * cosio2;
  con41_ = -con42 - cosio2 - cosio2;
  const double posq = po * po;
  const double rp = ao * (1.0 - ecco_);
  gsto_ = gmst_rad(epoch_days + kJdSgp4EpochOrigin);  // improved mode: IAU-82 GMST

  am_unit_ = ao;
  sinio_ = sinio;
  cosio_ = cosio;

  // ---- sgp4init: drag and secular coefficients ----
  simple_drag_ = rp < (kSimpleDragPerigeeKm / kRadius + 1.0);
  double sfour = ss;
  double qzms24 = qzms2t;
  const double perige = (rp - 1.0) * kRadius;
  if (perige < kLowPerigeeKm) {
    sfour = perige - kDragSKm;
    if (perige < kVeryLowPerigeeKm) sfour = kVeryLowPerigeeSKm;
    const double qzms24temp = (kDragQ0Km - sfour) / kRadius;
    qzms24 = qzms24temp * qzms24temp * qzms24temp * qzms24temp;
    sfour = sfour / kRadius + 1.0;
  }
  const double pinvsq = 1.0 / posq;
  const double tsi = 1.0 / (ao - sfour);
  eta_ = ao * ecco_ * tsi;
  const double etasq = eta_ * eta_;
  const double eeta = ecco_ * eta_;
  const double psisq = std::fabs(1.0 - etasq);
  const double coef = qzms24 * std::pow(tsi, 4.0);
  const double coef1 = coef / std::pow(psisq, 3.5);
  const double cc2 = coef1 * no_unkozai_ *
                     (ao * (1.0 + 1.5 * etasq + eeta * (4.0 + etasq)) +
                      0.375 * wgs72::kJ2 * tsi / psisq * con41_ * (8.0 + 3.0 * etasq * (8.0 + etasq)));
  cc1_ = bstar_ * cc2;
  double cc3 = 0.0;
  if (ecco_ > kSmallEccentricity) {
    cc3 = -2.0 * coef * tsi * kJ3OverJ2 * no_unkozai_ * sinio / ecco_;
  }
  x1mth2_ = 1.0 - cosio2;
  cc4_ = 2.0 * no_unkozai_ * coef1 * ao * omeosq *
         (eta_ * (2.0 + 0.5 * etasq) + ecco_ * (0.5 + 2.0 * etasq) -
          wgs72::kJ2 * tsi / (ao * psisq) *
              (-3.0 * con41_ * (1.0 - 2.0 * eeta + etasq * (1.5 - 0.5 * eeta)) +
               0.75 * x1mth2_ * (2.0 * etasq - eeta * (1.0 + etasq)) * std::cos(2.0 * argpo_)));
  cc5_ = 2.0 * coef1 * ao * omeosq * (1.0 + 2.75 * (etasq + eeta) + eeta * etasq);
  const double cosio4 = cosio2 * cosio2;
  const double temp1 = 1.5 * wgs72::kJ2 * pinvsq * no_unkozai_;
  const double temp2 = 0.5 * temp1 * wgs72::kJ2 * pinvsq;
  const double temp3 = -0.46875 * wgs72::kJ4 * pinvsq * pinvsq * no_unkozai_;
  mdot_ = no_unkozai_ + 0.5 * temp1 * rteosq * con41_ +
          0.0625 * temp2 * rteosq * (13.0 - 78.0 * cosio2 + 137.0 * cosio4);
  argpdot_ = -0.5 * temp1 * con42 + 0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4) +
             temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4);
  const double xhdot1 = -temp1 * cosio;
  nodedot_ = xhdot1 + (0.5 * temp2 * (4.0 - 19.0 * cosio2) + 2.0 * temp3 * (3.0 - 7.0 * cosio2)) * cosio;
  const double xpidot = argpdot_ + nodedot_;
  omgcof_ = bstar_ * cc3 * std::cos(argpo_);
  xmcof_ = 0.0;
  if (ecco_ > kSmallEccentricity) xmcof_ = -kTwoThirds * coef * bstar_ / eeta;
  nodecf_ = 3.5 * omeosq * xhdot1 * cc1_;
  t2cof_ = 1.5 * cc1_;
  if (std::fabs(cosio + 1.0) > kInclination180Guard) {
    xlcof_ = -0.25 * kJ3OverJ2 * sinio * (3.0 + 5.0 * cosio) / (1.0 + cosio);
  } else {
    xlcof_ = -0.25 * kJ3OverJ2 * sinio * (3.0 + 5.0 * cosio) / kInclination180Guard;
  }
  aycof_ = -0.5 * kJ3OverJ2 * sinio;
  const double delmotemp = 1.0 + eta_ * std::cos(mo_);
  delmo_ = delmotemp * delmotemp * delmotemp;
  sinmao_ = std::sin(mo_);
  x7thm1_ = 7.0 * cosio2 - 1.0;

  if (kTwoPi / no_unkozai_ >= kDeepSpacePeriodMin) {
    deep_space_ = true;
    simple_drag_ = true;
    initialise_deep_space(epoch_days, eccsq, xpidot);
  }

  if (!simple_drag_) {
    const double cc1sq = cc1_ * cc1_;
    d2_ = 4.0 * ao * tsi * cc1sq;
    const double temp = d2_ * tsi * cc1_ / 3.0;
    d3_ = (17.0 * ao + sfour) * temp;
    d4_ = 0.5 * temp * ao * tsi * (221.0 * ao + 31.0 * sfour) * cc1_;
    t3cof_ = d2_ + 2.0 * cc1sq;
    t4cof_ = 0.25 * (3.0 * d3_ + cc1_ * (12.0 * d2_ + 10.0 * cc1sq));
    t5cof_ = 0.2 * (3.0 * d4_ + 12.0 * cc1_ * d3_ + 6.0 * d2_ * d2_ +
                    15.0 * cc1sq * (2.0 * d2_ + cc1sq));
  }
}

namespace {

// ---- Fast forms of the reference's trigonometry (same values to a few ulp) ----
// The verification set checks that these keep every row within 1 mm (in practice the largest
// difference from the reference output stays that of the plain transcription).
using fast_trig::rotated;
using fast_trig::sin_cos;
using fast_trig::sin_cos_small;
using fast_trig::SinCos;

// fmod(x, 2π) (sign of x kept, as fmod) by subtracting a whole number of turns: exact fmod needs
// a long division; this differs from it by an ulp of x at most. Huge or non-finite x (no orbit
// gets there) go to fmod, which also keeps the integer conversion defined.
inline double reduce_turns(double x) {
  constexpr double kTurnsPerRad = 1.0 / kTwoPi;
  constexpr double kFastLimitRad = 1e15;
  if (!(std::fabs(x) < kFastLimitRad)) return std::fmod(x, kTwoPi);
  return x - kTwoPi * static_cast<double>(static_cast<long long>(x * kTurnsPerRad));
}

// What the long-period, Kepler and short-period stage needs (the reference's names).
struct PeriodicInput {
  double am, nm, ep, xincp, sinip, cosip, nodep, argpp, mp;
  double aycof, xlcof, con41, x1mth2, x7thm1;
};

// The reference's sgp4 from "long period periodics" on: Kepler's equation, short-period
// periodics, orientation vectors, position and velocity. Differences, all exact identities:
// sin/cos of the argument of latitude su = atan2(sinu, cosu) + δ and of the inclination
// xincp + Δi come from rotating the known sin/cos by the small δ and Δi instead of an atan2 and
// two more sin/cos; Kepler's iteration rotates sin/cos of E by each small correction; divisions
// by rl and xke become multiplications by their inverses.
[[gnu::always_inline]] inline std::expected<Sgp4State, Sgp4Error> periodics(const PeriodicInput& in) {
  const double am = in.am;
  const double ep = in.ep;
  const SinCos argp = sin_cos(in.argpp);
  // The node's sin/cos do not depend on Kepler's equation: computed here, they overlap with it
  // and are rotated by the short-period node correction at the end.
  const SinCos node_mean = sin_cos(in.nodep);
  const double axnl = ep * argp.cos;
  double temp = 1.0 / (am * (1.0 - ep * ep));
  const double aynl = ep * argp.sin + temp * in.aycof;
  const double xl = in.mp + in.argpp + in.nodep + temp * in.xlcof * axnl;

  // ---- Kepler's equation ----
  const double u = reduce_turns(xl - in.nodep);
  // The reference iterates while the last correction tem5 = num/den is ≥ 1e-12 and keeps sin/cos
  // of the iterate that produced the small correction; here that test is |num| < 1e-12·den
  // (den = 1 − e·cos(…) > 0), which spares the last division.
  double eo1 = u;
  double tem5 = 0;
  SinCos e = sin_cos(eo1);
  for (int ktr = 1; ktr <= kKeplerMaxIterations; ++ktr) {
    if (ktr > 1) e = rotated(e, sin_cos_small(tem5));
    const double den = 1.0 - e.cos * axnl - e.sin * aynl;
    const double num = u - aynl * e.cos + axnl * e.sin - eo1;
    if (std::fabs(num) < kKeplerTolerance * den) break;
    tem5 = num / den;
    if (std::fabs(tem5) >= kKeplerMaxStep) tem5 = tem5 > 0.0 ? kKeplerMaxStep : -kKeplerMaxStep;
    eo1 = eo1 + tem5;
  }
  const double sineo1 = e.sin;
  const double coseo1 = e.cos;

  // ---- short-period preliminary quantities ----
  const double ecose = axnl * coseo1 + aynl * sineo1;
  const double esine = axnl * sineo1 - aynl * coseo1;
  const double el2 = axnl * axnl + aynl * aynl;
  const double pl = am * (1.0 - el2);
  if (pl < 0.0) return std::unexpected(Sgp4Error::semi_latus_rectum);
  const double rl = am * (1.0 - ecose);
  const double inv_rl = 1.0 / rl;
  const double rdotl = std::sqrt(am) * esine * inv_rl;
  const double rvdotl = std::sqrt(pl) * inv_rl;
  const double betal = std::sqrt(1.0 - el2);
  temp = esine / (1.0 + betal);
  const double am_over_rl = am * inv_rl;
  const double sinu = am_over_rl * (sineo1 - aynl - axnl * temp);
  const double cosu = am_over_rl * (coseo1 - axnl + aynl * temp);
  const double sin2u = (cosu + cosu) * sinu;
  const double cos2u = 1.0 - 2.0 * sinu * sinu;
  temp = 1.0 / pl;
  const double temp1 = 0.5 * wgs72::kJ2 * temp;
  const double temp2 = temp1 * temp;

  // ---- short-period periodics ----
  const double mrt = rl * (1.0 - 1.5 * temp2 * betal * in.con41) + 0.5 * temp1 * in.x1mth2 * cos2u;
  // su = atan2(sinu, cosu) − ¼·temp2·x7thm1·sin2u. sinu² + cosu² is 1 up to rounding (an identity
  // of these formulas), so one Newton step for 1/√n, 1.5 − n/2, normalises exactly.
  const double inv_norm = 1.5 - 0.5 * (sinu * sinu + cosu * cosu);
  const SinCos su = rotated({sinu * inv_norm, cosu * inv_norm},
                            sin_cos_small(-0.25 * temp2 * in.x7thm1 * sin2u));
  // xnode = nodep + 1.5·temp2·cosip·sin2u
  const SinCos node = rotated(node_mean, sin_cos_small(1.5 * temp2 * in.cosip * sin2u));
  // xinc = xincp + 1.5·temp2·cosip·sinip·cos2u
  const SinCos inc = rotated({in.sinip, in.cosip},
                             sin_cos_small(1.5 * temp2 * in.cosip * in.sinip * cos2u));
  const double mvt = rdotl - in.nm * temp1 * in.x1mth2 * sin2u * kInvXke;
  const double rvdot = rvdotl + in.nm * temp1 * (in.x1mth2 * cos2u + 1.5 * in.con41) * kInvXke;

  // ---- orientation vectors ----
  const double xmx = -node.sin * inc.cos;
  const double xmy = node.cos * inc.cos;
  const double ux = xmx * su.sin + node.cos * su.cos;
  const double uy = xmy * su.sin + node.sin * su.cos;
  const double uz = inc.sin * su.sin;
  const double vx = xmx * su.cos - node.cos * su.sin;
  const double vy = xmy * su.cos - node.sin * su.sin;
  const double vz = inc.sin * su.cos;

  // A radius below one Earth radius: decayed (the reference still computes the vectors).
  if (mrt < 1.0) return std::unexpected(Sgp4Error::decayed);
  Sgp4State state;
  state.r_km[0] = (mrt * ux) * wgs72::kEarthRadiusKm;
  state.r_km[1] = (mrt * uy) * wgs72::kEarthRadiusKm;
  state.r_km[2] = (mrt * uz) * wgs72::kEarthRadiusKm;
  state.v_km_s[0] = (mvt * ux + rvdot * vx) * kVelocityKmPerS;
  state.v_km_s[1] = (mvt * uy + rvdot * vy) * kVelocityKmPerS;
  state.v_km_s[2] = (mvt * uz + rvdot * vz) * kVelocityKmPerS;
  return state;
}

}  // namespace

std::expected<Sgp4State, Sgp4Error> Sgp4::propagate(double tsince_min) const {
  if (deep_space_) return propagate_deep_space(tsince_min);
  const double t = tsince_min;

  // ---- secular gravity and atmospheric drag ----
  const double xmdf = mo_ + mdot_ * t;
  const double argpdf = argpo_ + argpdot_ * t;
  const double nodedf = nodeo_ + nodedot_ * t;
  double argpm = argpdf;
  double mm = xmdf;
  const double t2 = t * t;
  double nodem = nodedf + nodecf_ * t2;
  double tempa = 1.0 - cc1_ * t;
  double tempe = bstar_ * cc4_ * t;
  double templ = t2cof_ * t2;
  if (!simple_drag_) {
    const double delomg = omgcof_ * t;
    const SinCos mdf = sin_cos(xmdf);
    const double delmtemp = 1.0 + eta_ * mdf.cos;
    const double delm = xmcof_ * (delmtemp * delmtemp * delmtemp - delmo_);
    const double temp = delomg + delm;
    mm = xmdf + temp;
    argpm = argpdf - temp;
    const double t3 = t2 * t;
    const double t4 = t3 * t;
    tempa = tempa - d2_ * t2 - d3_ * t3 - d4_ * t4;
    // sin(mm) = sin(xmdf + temp), temp being a small drag correction.
    const double sin_mm = rotated(mdf, sin_cos_small(temp)).sin;
    tempe = tempe + bstar_ * cc5_ * (sin_mm - sinmao_);
    templ = templ + t3cof_ * t3 + t4 * (t4cof_ + t * t5cof_);
  }

  // nm is the epoch's mean motion here, so (xke/nm)^(2/3) is the precomputed am_unit_;
  // xke / am^1.5 is written xke / (am·√am).
  const double am = am_unit_ * tempa * tempa;
  const double nm = kXke / (am * std::sqrt(am));
  double em = ecco_ - tempe;
  if (em >= 1.0 || em < kMinMeanEccentricity) return std::unexpected(Sgp4Error::eccentricity);
  if (em < kEccentricityFloor) em = kEccentricityFloor;
  mm = mm + no_unkozai_ * templ;
  // The reference now reduces nodem, argpm, xlm = mm + argpm + nodem and mm modulo 2π. Near
  // Earth these angles only enter sin/cos (which reduce exactly themselves) and
  // u = (mm + argpm + nodem + …) − nodem, which periodics() reduces: the result is the same to
  // an ulp of the angles, which the reference's own sums already carry.
  return periodics({am, nm, em, inclo_, sinio_, cosio_, nodem, argpm, mm, aycof_, xlcof_, con41_,
                    x1mth2_, x7thm1_});
}

std::expected<Sgp4State, Sgp4Error> Sgp4::propagate_deep_space(double tsince_min) const {
  // The reference's sgp4 for method 'd', literally up to the long-period periodics.
  const double t = tsince_min;

  // ---- secular gravity (deep space uses the simplified drag terms) ----
  const double xmdf = mo_ + mdot_ * t;
  const double argpdf = argpo_ + argpdot_ * t;
  const double nodedf = nodeo_ + nodedot_ * t;
  double argpm = argpdf;
  double mm = xmdf;
  const double t2 = t * t;
  double nodem = nodedf + nodecf_ * t2;
  const double tempa = 1.0 - cc1_ * t;
  const double tempe = bstar_ * cc4_ * t;
  const double templ = t2cof_ * t2;

  double nm = no_unkozai_;
  double em = ecco_;
  double inclm = inclo_;
  apply_deep_space_secular(t, em, argpm, inclm, mm, nodem, nm);
  if (nm <= 0.0) return std::unexpected(Sgp4Error::mean_motion);
  const double am = std::pow(kXke / nm, kTwoThirds) * tempa * tempa;
  nm = kXke / std::pow(am, 1.5);
  em = em - tempe;
  if (em >= 1.0 || em < kMinMeanEccentricity) return std::unexpected(Sgp4Error::eccentricity);
  if (em < kEccentricityFloor) em = kEccentricityFloor;
  mm = mm + no_unkozai_ * templ;
  double xlm = mm + argpm + nodem;
  nodem = std::fmod(nodem, kTwoPi);
  argpm = std::fmod(argpm, kTwoPi);
  xlm = std::fmod(xlm, kTwoPi);
  mm = std::fmod(xlm - argpm - nodem, kTwoPi);

  // ---- lunar-solar periodics ----
  double ep = em;
  double xincp = inclm;
  double argpp = argpm;
  double nodep = nodem;
  double mp = mm;
  apply_deep_space_periodics(t, ep, xincp, nodep, argpp, mp);
  if (xincp < 0.0) {
    xincp = -xincp;
    nodep = nodep + kPi;
    argpp = argpp - kPi;
  }
  if (ep < 0.0 || ep > 1.0) return std::unexpected(Sgp4Error::perturbed_eccentricity);

  // ---- long-period periodics use the perturbed inclination ----
  const double sinip = std::sin(xincp);
  const double cosip = std::cos(xincp);
  const double aycof = -0.5 * kJ3OverJ2 * sinip;
  double xlcof = 0;
  if (std::fabs(cosip + 1.0) > kInclination180Guard) {
    xlcof = -0.25 * kJ3OverJ2 * sinip * (3.0 + 5.0 * cosip) / (1.0 + cosip);
  } else {
    xlcof = -0.25 * kJ3OverJ2 * sinip * (3.0 + 5.0 * cosip) / kInclination180Guard;
  }
  const double cosisq = cosip * cosip;
  return periodics({am, nm, ep, xincp, sinip, cosip, nodep, argpp, mp, aycof, xlcof,
                    3.0 * cosisq - 1.0, 1.0 - cosisq, 7.0 * cosisq - 1.0});
}

}  // namespace ob::profiles::orbit
