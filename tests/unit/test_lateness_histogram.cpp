// The runner's tick lateness histogram: quantiles to a 50 µs bin, exact maximum, constant size.
#include <boost/test/unit_test.hpp>

#include "bench/lateness_histogram.hpp"

using ob::bench::LatenessHistogram;

BOOST_AUTO_TEST_CASE(quantiles_land_on_the_bin_edge_and_max_is_exact) {
  LatenessHistogram h;
  BOOST_TEST(h.quantile_ms(0.5) == 0.0);
  for (int i = 1; i <= 100; ++i) h.add(i * 0.1);  // 0.1 … 10 ms
  BOOST_TEST(h.count() == 100u);
  BOOST_TEST(h.quantile_ms(0.5) == 5.0, boost::test_tools::tolerance(0.051));
  BOOST_TEST(h.quantile_ms(0.99) == 9.9, boost::test_tools::tolerance(0.051));
  BOOST_TEST(h.max_ms() == 10.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(h.quantile_ms(1.0) <= h.max_ms());
}

BOOST_AUTO_TEST_CASE(early_and_very_late_wakeups_are_kept) {
  LatenessHistogram h;
  h.add(-0.3);   // woke early: counts as on time
  h.add(2500);   // beyond the last bin: in it, and the max says how late
  BOOST_TEST(h.quantile_ms(0.5) == LatenessHistogram::kBinMs, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(h.max_ms() == 2500.0);
  BOOST_TEST(h.quantile_ms(1.0) == 2500.0);
  h.clear();
  BOOST_TEST(h.count() == 0u);
}
