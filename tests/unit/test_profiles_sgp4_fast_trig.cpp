// The inline sine/cosine of SGP4's hot path against the C library.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

#include "profiles/orbit/fast_trig.hpp"

namespace trig = ob::profiles::orbit::fast_trig;

namespace {
// Two ulp of 1.0: the C library itself is within 1 ulp, so this allows one more.
constexpr double kTolerance = 2.0 * std::numeric_limits<double>::epsilon();

// A reproducible spread of arguments (64-bit LCG, Knuth's MMIX constants).
double next_uniform(std::uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return static_cast<double>(state >> 11) * 0x1.0p-53;
}
}  // namespace

BOOST_AUTO_TEST_CASE(sin_cos_matches_the_c_library) {
  std::uint64_t state = 1;
  double worst = 0;
  for (const double range : {1e-3, 0.1, 1.0, 7.0, 100.0, 1e4, 1.9e5}) {
    for (int i = 0; i < 200000; ++i) {
      const double x = (2.0 * next_uniform(state) - 1.0) * range;
      const auto sc = trig::sin_cos(x);
      worst = std::max({worst, std::fabs(sc.sin - std::sin(x)), std::fabs(sc.cos - std::cos(x))});
    }
  }
  BOOST_TEST_MESSAGE("fast sin_cos: worst difference from libm " << worst);
  BOOST_TEST(worst <= kTolerance);
  // Exact at the table points and zero; beyond the limit it is the C library itself.
  BOOST_TEST(trig::sin_cos(0.0).sin == 0.0);
  BOOST_TEST(trig::sin_cos(0.0).cos == 1.0);
  const double big = 3e5;
  BOOST_TEST(trig::sin_cos(big).sin == std::sin(big));
  BOOST_TEST(std::isnan(trig::sin_cos(std::numeric_limits<double>::quiet_NaN()).sin));
}

BOOST_AUTO_TEST_CASE(small_angles_and_rotation) {
  std::uint64_t state = 7;
  double worst = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = (2.0 * next_uniform(state) - 1.0) * 0.2;  // both sides of π/32
    const double a = (2.0 * next_uniform(state) - 1.0) * 7.0;
    const auto small = trig::sin_cos_small(x);
    const auto sum = trig::rotated(trig::sin_cos(a), small);
    worst = std::max({worst, std::fabs(small.sin - std::sin(x)), std::fabs(small.cos - std::cos(x)),
                      std::fabs(sum.sin - std::sin(a + x)), std::fabs(sum.cos - std::cos(a + x))});
  }
  BOOST_TEST(worst <= 2.0 * kTolerance);
}
