#pragma once
// Inline sine and cosine for SGP4's hot path (internal).
//
// sin_cos(x): x is reduced by multiples of π/16 (Cody-Waite, π/16 split into three parts whose
// leading two have 33 significant bits, so k·part is exact for |k| < 2^20), the remainder
// |r| ≤ π/32 goes through its Taylor series (first omitted terms r¹¹/11! ≈ 3e-19 and
// r¹²/12! ≈ 3e-21), and the result is rotated by a table of sin/cos(kπ/16). Accuracy: within
// 2 ulp of the C library (tests/unit/test_profiles_sgp4_fast_trig.cpp); beyond
// kFastTrigLimitRad it defers to the C library. Inline, it lets the compiler overlap the
// evaluation with SGP4's other work, where a libm call cannot be.
#include <array>
#include <cmath>

namespace ob::profiles::orbit::fast_trig {

struct SinCos {
  double sin;
  double cos;
};

// Beyond this the reduction's k·part would need more than 53 bits (2^20 · π/16 ≈ 2.06e5 rad).
inline constexpr double kFastTrigLimitRad = 2.0e5;
// The polynomial's own range: the reduced argument never exceeds π/32.
inline constexpr double kPolynomialLimitRad = 0.09817477042468103;  // π/32

namespace detail {

// π/16 = kPi16Hi + kPi16Mid + kPi16Lo (hi and mid truncated to 33 significant bits).
inline constexpr double kPi16Hi = 0x1.921fb544p-3;
inline constexpr double kPi16Mid = 0x1.0b4611a6p-37;
inline constexpr double kPi16Lo = 0x1.3198a2e037073p-72;
inline constexpr double kSixteenOverPi = 5.092958178940651;
// Adding then subtracting 1.5·2^52 rounds a double below 2^51 to the nearest integer.
inline constexpr double kRoundingMagic = 0x1.8p52;

// sin(jπ/16), j = 0..8 (correctly rounded); the other multiples follow by symmetry.
inline constexpr std::array<double, 9> kSinFirstQuadrant{
    0.0, 0.19509032201612828, 0.3826834323650898, 0.5555702330196022, 0.7071067811865476,
    0.8314696123025452, 0.9238795325112867, 0.9807852804032304, 1.0};

constexpr double sin_of_sixteenth(int j) {
  j &= 31;
  if (j <= 8) return kSinFirstQuadrant[static_cast<std::size_t>(j)];
  if (j <= 16) return kSinFirstQuadrant[static_cast<std::size_t>(16 - j)];
  if (j <= 24) return -kSinFirstQuadrant[static_cast<std::size_t>(j - 16)];
  return -kSinFirstQuadrant[static_cast<std::size_t>(32 - j)];
}

struct Table {
  std::array<double, 32> sin{};
  std::array<double, 32> cos{};
};
constexpr Table make_table() {
  Table t;
  for (int j = 0; j < 32; ++j) {
    t.sin[static_cast<std::size_t>(j)] = sin_of_sixteenth(j);
    t.cos[static_cast<std::size_t>(j)] = sin_of_sixteenth(j + 8);
  }
  return t;
}
inline constexpr Table kTable = make_table();

// Taylor coefficients ±1/n!.
inline constexpr double kS3 = -1.0 / 6.0;
inline constexpr double kS5 = 1.0 / 120.0;
inline constexpr double kS7 = -1.0 / 5040.0;
inline constexpr double kS9 = 1.0 / 362880.0;
inline constexpr double kC2 = -1.0 / 2.0;
inline constexpr double kC4 = 1.0 / 24.0;
inline constexpr double kC6 = -1.0 / 720.0;
inline constexpr double kC8 = 1.0 / 40320.0;
inline constexpr double kC10 = -1.0 / 3628800.0;

// sin(r) and cos(r) − 1 for |r| ≤ π/32.
struct SinCosm1 {
  double sin;
  double cosm1;
};
inline SinCosm1 poly(double r) {
  const double z = r * r;
  const double z2 = z * z;
  // Estrin's scheme: shorter dependency chains than Horner.
  const double s = r + r * z * ((kS3 + z * kS5) + z2 * (kS7 + z * kS9));
  const double cm1 = z * ((kC2 + z * kC4) + z2 * ((kC6 + z * kC8) + z2 * kC10));
  return {s, cm1};
}

}  // namespace detail

inline SinCos sin_cos(double x) {
  if (!(std::fabs(x) <= kFastTrigLimitRad)) return {std::sin(x), std::cos(x)};
  using namespace detail;
  const double kf = (x * kSixteenOverPi + kRoundingMagic) - kRoundingMagic;
  const double r = ((x - kf * kPi16Hi) - kf * kPi16Mid) - kf * kPi16Lo;
  const auto j = static_cast<std::size_t>(static_cast<long long>(kf) & 31);
  const double s = kTable.sin[j];
  const double c = kTable.cos[j];
  const SinCosm1 p = poly(r);
  // sin(a + r) = sin a + (sin a·(cos r − 1) + cos a·sin r), likewise for cos.
  return {s + (s * p.cosm1 + c * p.sin), c + (c * p.cosm1 - s * p.sin)};
}

// Below this a shorter series suffices (first omitted terms x⁷/7! ≤ 2e-18, x⁸/8! ≤ 3e-21).
inline constexpr double kTinyAngleRad = 0.01;

// For arguments known to be small (short-period corrections, Kepler steps): a short series
// within 0.01 rad, the full polynomial within π/32, sin_cos beyond.
inline SinCos sin_cos_small(double x) {
  using namespace detail;
  const double ax = std::fabs(x);
  if (ax <= kTinyAngleRad) {
    const double z = x * x;
    return {x + x * z * (kS3 + z * kS5), 1.0 + z * (kC2 + z * (kC4 + z * kC6))};
  }
  if (!(ax <= kPolynomialLimitRad)) return sin_cos(x);
  const SinCosm1 p = poly(x);
  return {p.sin, 1.0 + p.cosm1};
}

// (sin, cos) of a + d from those of a and of d.
inline SinCos rotated(const SinCos& a, const SinCos& d) {
  return {a.sin * d.cos + a.cos * d.sin, a.cos * d.cos - a.sin * d.sin};
}

}  // namespace ob::profiles::orbit::fast_trig
