// `orbitbench perf push` and `perf fleet` at their quick sizes, on the PostgreSQL that
// pg_virtualenv starts for this test (tests/CMakeLists.txt): the push and the plain COPY both
// hold every row, the server's degradation figures are the merged file's, and the ratios are
// reported (never judged: no timing assertions).
#include "perf_quick.hpp"

BOOST_AUTO_TEST_CASE(push_holds_every_row_both_ways_and_reports_the_ratio) {
  ob::test::TempDir dir;
  const auto result = ob::test::run_quick(ob::bench::perf::perf_push, dir);
  BOOST_TEST(result.ok, result.note);
  BOOST_TEST(result.value > 0);
  BOOST_TEST(result.ratio.has_value());
  BOOST_TEST(result.peer == "plain COPY");
}

BOOST_AUTO_TEST_CASE(fleet_figures_on_the_server_are_the_merged_files_and_the_ratio_is_reported) {
  ob::test::TempDir dir;
  const auto result = ob::test::run_quick(ob::bench::perf::perf_fleet, dir);
  BOOST_TEST(result.ok, result.note);
  BOOST_TEST(result.ratio.has_value());
}
