// Chamber tracking (bench/chamber_tracking): air against the orbit's target, with the lag a
// chamber at its rated ramp cannot avoid allowed and nothing more.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "bench/chamber_tracking.hpp"

using ob::bench::ChamberTracking;
using ob::bench::TrackingRule;
namespace tt = boost::test_tools;

namespace {
TrackingRule rule(double ramp_c_per_min, double lag_s = 60) {
  TrackingRule r;
  r.ramp_c_per_s = ramp_c_per_min / 60.0;
  r.lag_s = lag_s;
  return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(air_on_target_has_no_error) {
  ChamberTracking tracking(rule(5));
  for (int i = 0; i < 100; ++i) BOOST_TEST(tracking.add(i * 10.0, 25.0, 25.0) == 0.0);
  BOOST_TEST(tracking.count() == 100u);
  BOOST_TEST(tracking.p95_k() == 0.0);
  BOOST_TEST(tracking.max_k() == 0.0);
}

BOOST_AUTO_TEST_CASE(a_chamber_that_never_moves_fails_by_the_whole_gap) {
  // Target 30 °C, air stuck at 23 °C: once the ideal chamber (5 °C/min) has arrived, the
  // error is the full 7 K.
  ChamberTracking tracking(rule(5));
  for (int i = 0; i <= 60; ++i) tracking.add(i * 10.0, 30.0, 23.0);
  BOOST_TEST(tracking.max_k() == 7.0, tt::tolerance(1e-9));
  BOOST_TEST(tracking.p95_k() == 7.0, tt::tolerance(0.011));
  BOOST_TEST(tracking.max_raw_k() == 7.0, tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(a_chamber_ramping_at_its_rated_rate_is_not_blamed_for_the_step) {
  // The target steps from 23 to 30 °C; the air follows at exactly 5 °C/min, one lag behind.
  ChamberTracking tracking(rule(5, 60));
  double air = 23.0;
  for (int i = 0; i <= 200; ++i) {
    const double t = i * 1.0;
    const double lagged_t = std::max(0.0, t - 30.0);  // half the allowed lag behind the ideal
    air = std::min(30.0, 23.0 + 5.0 / 60.0 * lagged_t);
    tracking.add(t, 30.0, air);
  }
  BOOST_TEST(tracking.max_k() == 0.0, tt::tolerance(1e-9));
  BOOST_TEST(tracking.max_raw_k() == 7.0, tt::tolerance(1e-9));  // yet it was 7 K from the target at first
}

BOOST_AUTO_TEST_CASE(a_chamber_faster_than_its_rating_is_not_blamed_for_being_ahead) {
  ChamberTracking tracking(rule(0.5));  // rated 0.5 °C/min, yet it reaches the target at once
  tracking.add(0, 20.0, 20.0);
  for (int i = 1; i <= 100; ++i) tracking.add(i * 10.0, 30.0, 30.0);
  BOOST_TEST(tracking.max_k() == 0.0);
}

BOOST_AUTO_TEST_CASE(slower_than_the_rated_ramp_counts_beyond_the_lag) {
  // Half the rated ramp: after the lag the gap to the ideal grows.
  ChamberTracking tracking(rule(6, 60));
  for (int i = 0; i <= 300; ++i) {
    const double t = i * 1.0;
    tracking.add(t, 40.0, std::min(40.0, 20.0 + 3.0 / 60.0 * t));
  }
  // At t = 200 s the ideal is at 40 °C (since t = 200), the air at 30: 10 K minus nothing
  // (the ideal's band over the last 60 s reaches down to 34 °C): 4 K at least.
  BOOST_TEST(tracking.max_k() > 4.0);
  BOOST_TEST(tracking.p95_k() > 2.0);
}

BOOST_AUTO_TEST_CASE(quantile_counts_the_worst_five_percent) {
  ChamberTracking tracking(rule(0));  // steps at once: the error is |air - target|
  for (int i = 0; i < 95; ++i) tracking.add(i, 25.0, 25.5);
  for (int i = 95; i < 100; ++i) tracking.add(i, 25.0, 35.0);
  BOOST_TEST(std::abs(tracking.p95_k() - 0.5) <= ChamberTracking::kBinK + 1e-9, tracking.p95_k());  // to a bin
  BOOST_TEST(std::abs(tracking.quantile_k(0.96) - 10.0) <= ChamberTracking::kBinK + 1e-9, tracking.quantile_k(0.96));
  BOOST_TEST(tracking.max_k() == 10.0, tt::tolerance(1e-9));
}
