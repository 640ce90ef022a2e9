// SDP4, the deep-space part of SGP4 (periods of 225 min and more): the reference's dscom and
// dsinit (lunar-solar terms and geopotential resonance at the epoch), dpper (lunar-solar
// long-period periodics) and dspace (secular effects and the resonance integrator).
// Constants are the reference's; each group says what it is.
#include <cmath>

#include "profiles/orbit/sgp4.hpp"
#include "profiles/orbit/sgp4_constants.hpp"

namespace ob::profiles::orbit {

using namespace sgp4_detail;

namespace {

// Lunar-solar constants (Spacetrack Report #3, DEEP): solar and lunar mean motions (rad/min),
// eccentricities of the Earth's and the Moon's orbits, and the solar perturbation
// coefficients and orientation (sin/cos of the ecliptic obliquity, of the solar perigee).
constexpr double kSolarMeanMotion = 1.19459e-5;  // zns
constexpr double kSolarEccentricity = 0.01675;   // zes
constexpr double kLunarMeanMotion = 1.5835218e-4;  // znl
constexpr double kLunarEccentricity = 0.05490;     // zel
constexpr double kSolarCoefficient = 2.9864797e-6;  // c1ss
constexpr double kLunarCoefficient = 4.7968065e-7;  // c1l
constexpr double kSinObliquity = 0.39785416;  // zsinis
constexpr double kCosObliquity = 0.91744867;  // zcosis
constexpr double kCosSolarPerigee = 0.1945905;    // zcosgs
constexpr double kSinSolarPerigee = -0.98088458;  // zsings
// Epoch days (from 0 Jan 1950) → days from 1900 Jan 0.5, the lunar theory's origin.
constexpr double kDaysFrom1900 = 18261.5;
// Lunar node and argument polynomials in those days (dscom).
constexpr double kLunarNodeAtOrigin = 4.5236020;
constexpr double kLunarNodeRate = 9.2422029e-4;
constexpr double kLunarCosInclinationMean = 0.91375164;
constexpr double kLunarCosInclinationAmplitude = 0.03568096;
constexpr double kLunarSinNodeFactor = 0.089683511;
constexpr double kLunarPerigeeAtOrigin = 5.8351514;
constexpr double kLunarPerigeeRate = 0.0019443680;
constexpr double kLunarMeanAnomalyAtOrigin = 4.7199672;
constexpr double kLunarMeanAnomalyRate = 0.22997150;
constexpr double kSolarMeanAnomalyAtOrigin = 6.2565837;
constexpr double kSolarMeanAnomalyRate = 0.017201977;

// Resonance (dsinit, dspace): Earth rotation rate (rad/min, = 7.29211514668855e-5 rad/s),
// 24 h resonance band of mean motion (rad/min), 12 h band, and geopotential coefficients.
constexpr double kEarthRotationRadPerMin = 4.37526908801129966e-3;  // rptim
constexpr double kSynchronousBandLow = 0.0034906585;
constexpr double kSynchronousBandHigh = 0.0052359877;
constexpr double kHalfDayBandLow = 8.26e-3;
constexpr double kHalfDayBandHigh = 9.24e-3;
constexpr double kHalfDayMinEccentricity = 0.5;
constexpr double kQ22 = 1.7891679e-6;
constexpr double kQ31 = 2.1460748e-6;
constexpr double kQ33 = 2.2123015e-7;
constexpr double kRoot22 = 1.7891679e-6;
constexpr double kRoot44 = 7.3636953e-9;
constexpr double kRoot54 = 2.1765803e-9;
constexpr double kRoot32 = 3.7393792e-7;
constexpr double kRoot52 = 1.1428639e-7;
// Inclinations within 3° (0.052359877 rad) of 0 or 180° drop the node's lunar-solar rate.
constexpr double kNearEquatorialRad = 5.2359877e-2;
// Integrator (dspace): phase constants of the resonance terms, and 720-minute Euler-Maclaurin
// steps (step2 = step²/2).
constexpr double kFasx2 = 0.13130908;
constexpr double kFasx4 = 2.8843198;
constexpr double kFasx6 = 0.37448087;
constexpr double kG22 = 5.7686396;
constexpr double kG32 = 0.95240898;
constexpr double kG44 = 1.8014998;
constexpr double kG52 = 1.0508330;
constexpr double kG54 = 4.4108898;
constexpr double kStepMin = 720.0;
constexpr double kHalfStepSquared = 259200.0;
// Below 0.2 rad of perturbed inclination the periodics use Lyddane's modification.
constexpr double kLyddaneInclinationRad = 0.2;

}  // namespace

void Sgp4::initialise_deep_space(double epoch_days_since_1950, double eccsq, double xpidot) {
  // ---------------------------------- dscom ----------------------------------
  const double nm_epoch = no_unkozai_;
  const double em_epoch = ecco_;
  const double snodm = std::sin(nodeo_);
  const double cnodm = std::cos(nodeo_);
  const double sinomm = std::sin(argpo_);
  const double cosomm = std::cos(argpo_);
  const double sinim = std::sin(inclo_);
  const double cosim = std::cos(inclo_);
  const double emsq = em_epoch * em_epoch;
  const double betasq = 1.0 - emsq;
  const double rtemsq = std::sqrt(betasq);

  peo_ = 0.0;
  pinco_ = 0.0;
  plo_ = 0.0;
  pgho_ = 0.0;
  pho_ = 0.0;
  const double tc = 0.0;
  const double day = epoch_days_since_1950 + kDaysFrom1900 + tc / kMinutesPerDay;
  const double xnodce = std::fmod(kLunarNodeAtOrigin - kLunarNodeRate * day, kTwoPi);
  const double stem = std::sin(xnodce);
  const double ctem = std::cos(xnodce);
  const double zcosil = kLunarCosInclinationMean - kLunarCosInclinationAmplitude * ctem;
  const double zsinil = std::sqrt(1.0 - zcosil * zcosil);
  const double zsinhl = kLunarSinNodeFactor * stem / zsinil;
  const double zcoshl = std::sqrt(1.0 - zsinhl * zsinhl);
  const double gam = kLunarPerigeeAtOrigin + kLunarPerigeeRate * day;
  double zx = kSinObliquity * stem / zsinil;
  const double zy = zcoshl * ctem + kCosObliquity * zsinhl * stem;
  zx = std::atan2(zx, zy);
  zx = gam + zx - xnodce;
  const double zcosgl = std::cos(zx);
  const double zsingl = std::sin(zx);

  // Solar terms first (lsflg 1), then lunar (lsflg 2).
  double zcosg = kCosSolarPerigee;
  double zsing = kSinSolarPerigee;
  double zcosi = kCosObliquity;
  double zsini = kSinObliquity;
  double zcosh = cnodm;
  double zsinh = snodm;
  double cc = kSolarCoefficient;
  const double xnoi = 1.0 / nm_epoch;

  double s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  double z1 = 0, z2 = 0, z3 = 0, z11 = 0, z12 = 0, z13 = 0, z21 = 0, z22 = 0, z23 = 0;
  double z31 = 0, z32 = 0, z33 = 0;
  double ss1 = 0, ss2 = 0, ss3 = 0, ss4 = 0, ss5 = 0, ss6 = 0, ss7 = 0;
  double sz1 = 0, sz2 = 0, sz3 = 0, sz11 = 0, sz12 = 0, sz13 = 0, sz21 = 0, sz22 = 0, sz23 = 0;
  double sz31 = 0, sz32 = 0, sz33 = 0;
  for (int lsflg = 1; lsflg <= 2; ++lsflg) {
    const double a1 = zcosg * zcosh + zsing * zcosi * zsinh;
    const double a3 = -zsing * zcosh + zcosg * zcosi * zsinh;
    const double a7 = -zcosg * zsinh + zsing * zcosi * zcosh;
    const double a8 = zsing * zsini;
    const double a9 = zsing * zsinh + zcosg * zcosi * zcosh;
    const double a10 = zcosg * zsini;
    const double a2 = cosim * a7 + sinim * a8;
    const double a4 = cosim * a9 + sinim * a10;
    const double a5 = -sinim * a7 + cosim * a8;
    const double a6 = -sinim * a9 + cosim * a10;

    const double x1 = a1 * cosomm + a2 * sinomm;
    const double x2 = a3 * cosomm + a4 * sinomm;
    const double x3 = -a1 * sinomm + a2 * cosomm;
    const double x4 = -a3 * sinomm + a4 * cosomm;
    const double x5 = a5 * sinomm;
    const double x6 = a6 * sinomm;
    const double x7 = a5 * cosomm;
    const double x8 = a6 * cosomm;

    z31 = 12.0 * x1 * x1 - 3.0 * x3 * x3;
    z32 = 24.0 * x1 * x2 - 6.0 * x3 * x4;
    z33 = 12.0 * x2 * x2 - 3.0 * x4 * x4;
    z1 = 3.0 * (a1 * a1 + a2 * a2) + z31 * emsq;
    z2 = 6.0 * (a1 * a3 + a2 * a4) + z32 * emsq;
    z3 = 3.0 * (a3 * a3 + a4 * a4) + z33 * emsq;
    z11 = -6.0 * a1 * a5 + emsq * (-24.0 * x1 * x7 - 6.0 * x3 * x5);
    z12 = -6.0 * (a1 * a6 + a3 * a5) + emsq * (-24.0 * (x2 * x7 + x1 * x8) - 6.0 * (x3 * x6 + x4 * x5));
    z13 = -6.0 * a3 * a6 + emsq * (-24.0 * x2 * x8 - 6.0 * x4 * x6);
    z21 = 6.0 * a2 * a5 + emsq * (24.0 * x1 * x5 - 6.0 * x3 * x7);
    z22 = 6.0 * (a4 * a5 + a2 * a6) + emsq * (24.0 * (x2 * x5 + x1 * x6) - 6.0 * (x4 * x7 + x3 * x8));
    z23 = 6.0 * a4 * a6 + emsq * (24.0 * x2 * x6 - 6.0 * x4 * x8);
    z1 = z1 + z1 + betasq * z31;
    z2 = z2 + z2 + betasq * z32;
    z3 = z3 + z3 + betasq * z33;
    s3 = cc * xnoi;
    s2 = -0.5 * s3 / rtemsq;
    s4 = s3 * rtemsq;
    s1 = -15.0 * em_epoch * s4;
    s5 = x1 * x3 + x2 * x4;
    s6 = x2 * x3 + x1 * x4;
    s7 = x2 * x4 - x1 * x3;

    if (lsflg == 1) {
      ss1 = s1;
      ss2 = s2;
      ss3 = s3;
      ss4 = s4;
      ss5 = s5;
      ss6 = s6;
      ss7 = s7;
      sz1 = z1;
      sz2 = z2;
      sz3 = z3;
      sz11 = z11;
      sz12 = z12;
      sz13 = z13;
      sz21 = z21;
      sz22 = z22;
      sz23 = z23;
      sz31 = z31;
      sz32 = z32;
      sz33 = z33;
      zcosg = zcosgl;
      zsing = zsingl;
      zcosi = zcosil;
      zsini = zsinil;
      zcosh = zcoshl * cnodm + zsinhl * snodm;
      zsinh = snodm * zcoshl - cnodm * zsinhl;
      cc = kLunarCoefficient;
    }
  }

  zmol_ = std::fmod(kLunarMeanAnomalyAtOrigin + kLunarMeanAnomalyRate * day - gam, kTwoPi);
  zmos_ = std::fmod(kSolarMeanAnomalyAtOrigin + kSolarMeanAnomalyRate * day, kTwoPi);

  // Solar terms.
  se2_ = 2.0 * ss1 * ss6;
  se3_ = 2.0 * ss1 * ss7;
  si2_ = 2.0 * ss2 * sz12;
  si3_ = 2.0 * ss2 * (sz13 - sz11);
  sl2_ = -2.0 * ss3 * sz2;
  sl3_ = -2.0 * ss3 * (sz3 - sz1);
  sl4_ = -2.0 * ss3 * (-21.0 - 9.0 * emsq) * kSolarEccentricity;
  sgh2_ = 2.0 * ss4 * sz32;
  sgh3_ = 2.0 * ss4 * (sz33 - sz31);
  sgh4_ = -18.0 * ss4 * kSolarEccentricity;
  sh2_ = -2.0 * ss2 * sz22;
  sh3_ = -2.0 * ss2 * (sz23 - sz21);
  // Lunar terms.
  ee2_ = 2.0 * s1 * s6;
  e3_ = 2.0 * s1 * s7;
  xi2_ = 2.0 * s2 * z12;
  xi3_ = 2.0 * s2 * (z13 - z11);
  xl2_ = -2.0 * s3 * z2;
  xl3_ = -2.0 * s3 * (z3 - z1);
  xl4_ = -2.0 * s3 * (-21.0 - 9.0 * emsq) * kLunarEccentricity;
  xgh2_ = 2.0 * s4 * z32;
  xgh3_ = 2.0 * s4 * (z33 - z31);
  xgh4_ = -18.0 * s4 * kLunarEccentricity;
  xh2_ = -2.0 * s2 * z22;
  xh3_ = -2.0 * s2 * (z23 - z21);

  // (The reference calls dpper here with init = 'y', which changes nothing at the epoch.)

  // ---------------------------------- dsinit ----------------------------------
  const double nm = nm_epoch;
  const double em = em_epoch;
  const double inclm = inclo_;
  irez_ = 0;
  if (nm < kSynchronousBandHigh && nm > kSynchronousBandLow) irez_ = 1;
  if (nm >= kHalfDayBandLow && nm <= kHalfDayBandHigh && em >= kHalfDayMinEccentricity) irez_ = 2;

  // Solar terms.
  const double ses = ss1 * kSolarMeanMotion * ss5;
  const double sis = ss2 * kSolarMeanMotion * (sz11 + sz13);
  const double sls = -kSolarMeanMotion * ss3 * (sz1 + sz3 - 14.0 - 6.0 * emsq);
  const double sghs = ss4 * kSolarMeanMotion * (sz31 + sz33 - 6.0);
  double shs = -kSolarMeanMotion * ss2 * (sz21 + sz23);
  if (inclm < kNearEquatorialRad || inclm > kPi - kNearEquatorialRad) shs = 0.0;
  if (sinim != 0.0) shs = shs / sinim;
  const double sgs = sghs - cosim * shs;

  // Lunar terms.
  dedt_ = ses + s1 * kLunarMeanMotion * s5;
  didt_ = sis + s2 * kLunarMeanMotion * (z11 + z13);
  dmdt_ = sls - kLunarMeanMotion * s3 * (z1 + z3 - 14.0 - 6.0 * emsq);
  const double sghl = s4 * kLunarMeanMotion * (z31 + z33 - 6.0);
  double shll = -kLunarMeanMotion * s2 * (z21 + z23);
  if (inclm < kNearEquatorialRad || inclm > kPi - kNearEquatorialRad) shll = 0.0;
  domdt_ = sgs + sghl;
  dnodt_ = shs;
  if (sinim != 0.0) {
    domdt_ = domdt_ - cosim / sinim * shll;
    dnodt_ = dnodt_ + shll / sinim;
  }

  // Deep-space resonance effects (t = 0 at initialisation, so the secular updates of em, inclm,
  // argpm, nodem and mm that the reference makes here are no-ops).
  const double theta = std::fmod(gsto_ + tc * kEarthRotationRadPerMin, kTwoPi);
  if (irez_ == 0) return;
  const double aonv = std::pow(nm / kXke, kTwoThirds);

  if (irez_ == 2) {
    // Geopotential resonance for 12-hour orbits, at the epoch's eccentricity.
    const double cosisq = cosim * cosim;
    const double e = ecco_;
    const double esq = eccsq;
    const double eoc = e * esq;
    const double g201 = -0.306 - (e - 0.64) * 0.440;
    double g211 = 0, g310 = 0, g322 = 0, g410 = 0, g422 = 0, g520 = 0, g533 = 0, g521 = 0, g532 = 0;
    if (e <= 0.65) {
      g211 = 3.616 - 13.2470 * e + 16.2900 * esq;
      g310 = -19.302 + 117.3900 * e - 228.4190 * esq + 156.5910 * eoc;
      g322 = -18.9068 + 109.7927 * e - 214.6334 * esq + 146.5816 * eoc;
      g410 = -41.122 + 242.6940 * e - 471.0940 * esq + 313.9530 * eoc;
      g422 = -146.407 + 841.8800 * e - 1629.014 * esq + 1083.4350 * eoc;
      g520 = -532.114 + 3017.977 * e - 5740.032 * esq + 3708.2760 * eoc;
    } else {
      g211 = -72.099 + 331.819 * e - 508.738 * esq + 266.724 * eoc;
      g310 = -346.844 + 1582.851 * e - 2415.925 * esq + 1246.113 * eoc;
      g322 = -342.585 + 1554.908 * e - 2366.899 * esq + 1215.972 * eoc;
      g410 = -1052.797 + 4758.686 * e - 7193.992 * esq + 3651.957 * eoc;
      g422 = -3581.690 + 16178.110 * e - 24462.770 * esq + 12422.520 * eoc;
      if (e > 0.715) {
        g520 = -5149.66 + 29936.92 * e - 54087.36 * esq + 31324.56 * eoc;
      } else {
        g520 = 1464.74 - 4664.75 * e + 3763.64 * esq;
      }
    }
    if (e < 0.7) {
      g533 = -919.22770 + 4988.6100 * e - 9064.7700 * esq + 5542.21 * eoc;
      g521 = -822.71072 + 4568.6173 * e - 8491.4146 * esq + 5337.524 * eoc;
      g532 = -853.66600 + 4690.2500 * e - 8624.7700 * esq + 5341.4 * eoc;
    } else {
      g533 = -37995.780 + 161616.52 * e - 229838.20 * esq + 109377.94 * eoc;
      g521 = -51752.104 + 218913.95 * e - 309468.16 * esq + 146349.42 * eoc;
      g532 = -40023.880 + 170470.89 * e - 242699.48 * esq + 115605.82 * eoc;
    }

    const double sini2 = sinim * sinim;
    const double f220 = 0.75 * (1.0 + 2.0 * cosim + cosisq);
    const double f221 = 1.5 * sini2;
    const double f321 = 1.875 * sinim * (1.0 - 2.0 * cosim - 3.0 * cosisq);
    const double f322 = -1.875 * sinim * (1.0 + 2.0 * cosim - 3.0 * cosisq);
    const double f441 = 35.0 * sini2 * f220;
    const double f442 = 39.3750 * sini2 * sini2;
    const double f522 = 9.84375 * sinim *
                        (sini2 * (1.0 - 2.0 * cosim - 5.0 * cosisq) +
                         0.33333333 * (-2.0 + 4.0 * cosim + 6.0 * cosisq));
    const double f523 = sinim * (4.92187512 * sini2 * (-2.0 - 4.0 * cosim + 10.0 * cosisq) +
                                 6.56250012 * (1.0 + 2.0 * cosim - 3.0 * cosisq));
    const double f542 = 29.53125 * sinim *
                        (2.0 - 8.0 * cosim + cosisq * (-12.0 + 8.0 * cosim + 10.0 * cosisq));
    const double f543 = 29.53125 * sinim *
                        (-2.0 - 8.0 * cosim + cosisq * (12.0 + 8.0 * cosim - 10.0 * cosisq));
    const double xno2 = nm * nm;
    const double ainv2 = aonv * aonv;
    double temp1 = 3.0 * xno2 * ainv2;
    double temp = temp1 * kRoot22;
    d2201_ = temp * f220 * g201;
    d2211_ = temp * f221 * g211;
    temp1 = temp1 * aonv;
    temp = temp1 * kRoot32;
    d3210_ = temp * f321 * g310;
    d3222_ = temp * f322 * g322;
    temp1 = temp1 * aonv;
    temp = 2.0 * temp1 * kRoot44;
    d4410_ = temp * f441 * g410;
    d4422_ = temp * f442 * g422;
    temp1 = temp1 * aonv;
    temp = temp1 * kRoot52;
    d5220_ = temp * f522 * g520;
    d5232_ = temp * f523 * g532;
    temp = 2.0 * temp1 * kRoot54;
    d5421_ = temp * f542 * g521;
    d5433_ = temp * f543 * g533;
    xlamo_ = std::fmod(mo_ + nodeo_ + nodeo_ - theta - theta, kTwoPi);
    xfact_ = mdot_ + dmdt_ + 2.0 * (nodedot_ + dnodt_ - kEarthRotationRadPerMin) - no_unkozai_;
  }

  if (irez_ == 1) {
    // Synchronous (24-hour) resonance.
    const double g200 = 1.0 + emsq * (-2.5 + 0.8125 * emsq);
    const double g310 = 1.0 + 2.0 * emsq;
    const double g300 = 1.0 + emsq * (-6.0 + 6.60937 * emsq);
    const double f220 = 0.75 * (1.0 + cosim) * (1.0 + cosim);
    const double f311 = 0.9375 * sinim * sinim * (1.0 + 3.0 * cosim) - 0.75 * (1.0 + cosim);
    double f330 = 1.0 + cosim;
    f330 = 1.875 * f330 * f330 * f330;
    del1_ = 3.0 * nm * nm * aonv * aonv;
    del2_ = 2.0 * del1_ * f220 * g200 * kQ22;
    del3_ = 3.0 * del1_ * f330 * g300 * kQ33 * aonv;
    del1_ = del1_ * f311 * g310 * kQ31 * aonv;
    xlamo_ = std::fmod(mo_ + nodeo_ + argpo_ - theta, kTwoPi);
    xfact_ = mdot_ + xpidot - kEarthRotationRadPerMin + dmdt_ + domdt_ + dnodt_ - no_unkozai_;
  }
}

void Sgp4::apply_deep_space_periodics(double t, double& ep, double& inclp, double& nodep,
                                      double& argpp, double& mp) const {
  // ---------------------------------- dpper ----------------------------------
  double zm = zmos_ + kSolarMeanMotion * t;
  double zf = zm + 2.0 * kSolarEccentricity * std::sin(zm);
  double sinzf = std::sin(zf);
  double f2 = 0.5 * sinzf * sinzf - 0.25;
  double f3 = -0.5 * sinzf * std::cos(zf);
  const double ses = se2_ * f2 + se3_ * f3;
  const double sis = si2_ * f2 + si3_ * f3;
  const double sls = sl2_ * f2 + sl3_ * f3 + sl4_ * sinzf;
  const double sghs = sgh2_ * f2 + sgh3_ * f3 + sgh4_ * sinzf;
  const double shs = sh2_ * f2 + sh3_ * f3;
  zm = zmol_ + kLunarMeanMotion * t;
  zf = zm + 2.0 * kLunarEccentricity * std::sin(zm);
  sinzf = std::sin(zf);
  f2 = 0.5 * sinzf * sinzf - 0.25;
  f3 = -0.5 * sinzf * std::cos(zf);
  const double sel = ee2_ * f2 + e3_ * f3;
  const double sil = xi2_ * f2 + xi3_ * f3;
  const double sll = xl2_ * f2 + xl3_ * f3 + xl4_ * sinzf;
  const double sghl = xgh2_ * f2 + xgh3_ * f3 + xgh4_ * sinzf;
  const double shll = xh2_ * f2 + xh3_ * f3;
  double pe = ses + sel;
  double pinc = sis + sil;
  double pl = sls + sll;
  double pgh = sghs + sghl;
  double ph = shs + shll;

  pe = pe - peo_;
  pinc = pinc - pinco_;
  pl = pl - plo_;
  pgh = pgh - pgho_;
  ph = ph - pho_;
  inclp = inclp + pinc;
  ep = ep + pe;
  const double sinip = std::sin(inclp);
  const double cosip = std::cos(inclp);

  // Lyddane choice on the perturbed inclination (the GSFC variant the reference uses).
  if (inclp >= kLyddaneInclinationRad) {
    ph = ph / sinip;
    pgh = pgh - cosip * ph;
    argpp = argpp + pgh;
    nodep = nodep + ph;
    mp = mp + pl;
  } else {
    // Periodics with Lyddane's modification.
    const double sinop = std::sin(nodep);
    const double cosop = std::cos(nodep);
    double alfdp = sinip * sinop;
    double betdp = sinip * cosop;
    const double dalf = ph * cosop + pinc * cosip * sinop;
    const double dbet = -ph * sinop + pinc * cosip * cosop;
    alfdp = alfdp + dalf;
    betdp = betdp + dbet;
    nodep = std::fmod(nodep, kTwoPi);
    double xls = mp + argpp + cosip * nodep;
    const double dls = pl + pgh - pinc * nodep * sinip;
    xls = xls + dls;
    const double xnoh = nodep;
    nodep = std::atan2(alfdp, betdp);
    if (std::fabs(xnoh - nodep) > kPi) {
      if (nodep < xnoh) {
        nodep = nodep + kTwoPi;
      } else {
        nodep = nodep - kTwoPi;
      }
    }
    mp = mp + pl;
    argpp = xls - mp - cosip * nodep;
  }
}

void Sgp4::apply_deep_space_secular(double t, double& em, double& argpm, double& inclm,
                                    double& mm, double& nodem, double& nm) const {
  // ---------------------------------- dspace ----------------------------------
  const double tc = t;
  const double theta = std::fmod(gsto_ + tc * kEarthRotationRadPerMin, kTwoPi);
  em = em + dedt_ * t;
  inclm = inclm + didt_ * t;
  argpm = argpm + domdt_ * t;
  nodem = nodem + dnodt_ * t;
  mm = mm + dmdt_ * t;
  if (irez_ == 0) return;

  // Resonance: Euler-Maclaurin integration in 720-minute steps from the epoch (the reference
  // restarts there too whenever it cannot continue from its last call; same steps, same sums).
  double atime = 0.0;
  double xni = no_unkozai_;
  double xli = xlamo_;
  const double delt = t > 0.0 ? kStepMin : -kStepMin;
  double ft = 0.0;
  double xndt = 0;
  double xldot = 0;
  double xnddt = 0;
  for (;;) {
    if (irez_ != 2) {
      // Near-synchronous resonance terms.
      xndt = del1_ * std::sin(xli - kFasx2) + del2_ * std::sin(2.0 * (xli - kFasx4)) +
             del3_ * std::sin(3.0 * (xli - kFasx6));
      xldot = xni + xfact_;
      xnddt = del1_ * std::cos(xli - kFasx2) + 2.0 * del2_ * std::cos(2.0 * (xli - kFasx4)) +
              3.0 * del3_ * std::cos(3.0 * (xli - kFasx6));
      xnddt = xnddt * xldot;
    } else {
      // Near-half-day resonance terms.
      const double xomi = argpo_ + argpdot_ * atime;
      const double x2omi = xomi + xomi;
      const double x2li = xli + xli;
      xndt = d2201_ * std::sin(x2omi + xli - kG22) + d2211_ * std::sin(xli - kG22) +
             d3210_ * std::sin(xomi + xli - kG32) + d3222_ * std::sin(-xomi + xli - kG32) +
             d4410_ * std::sin(x2omi + x2li - kG44) + d4422_ * std::sin(x2li - kG44) +
             d5220_ * std::sin(xomi + xli - kG52) + d5232_ * std::sin(-xomi + xli - kG52) +
             d5421_ * std::sin(xomi + x2li - kG54) + d5433_ * std::sin(-xomi + x2li - kG54);
      xldot = xni + xfact_;
      xnddt = d2201_ * std::cos(x2omi + xli - kG22) + d2211_ * std::cos(xli - kG22) +
              d3210_ * std::cos(xomi + xli - kG32) + d3222_ * std::cos(-xomi + xli - kG32) +
              d5220_ * std::cos(xomi + xli - kG52) + d5232_ * std::cos(-xomi + xli - kG52) +
              2.0 * (d4410_ * std::cos(x2omi + x2li - kG44) + d4422_ * std::cos(x2li - kG44) +
                     d5421_ * std::cos(xomi + x2li - kG54) + d5433_ * std::cos(-xomi + x2li - kG54));
      xnddt = xnddt * xldot;
    }
    if (std::fabs(t - atime) < kStepMin) {
      ft = t - atime;
      break;
    }
    xli = xli + xldot * delt + xndt * kHalfStepSquared;
    xni = xni + xndt * delt + xnddt * kHalfStepSquared;
    atime = atime + delt;
  }

  nm = xni + xndt * ft + xnddt * ft * ft * 0.5;
  const double xl = xli + xldot * ft + xndt * ft * ft * 0.5;
  if (irez_ != 1) {
    mm = xl - 2.0 * nodem + 2.0 * theta;
  } else {
    mm = xl - nodem - argpm + theta;
  }
  const double dndt = nm - no_unkozai_;
  nm = no_unkozai_ + dndt;
}

}  // namespace ob::profiles::orbit
