// `orbitbench perf query` at its quick size (1 million samples): the summary from the aggregates
// and the full scan agree on every board's figures, and the ratio is reported. A second run in
// the same directory reuses the folded database.
#include "perf_quick.hpp"

BOOST_AUTO_TEST_CASE(aggregates_and_full_scan_agree_and_the_database_is_reused) {
  ob::test::TempDir dir;
  const auto first = ob::test::run_quick(ob::bench::perf::perf_query, dir);
  BOOST_TEST(first.ok, first.note);
  BOOST_TEST(first.ratio.has_value());
  BOOST_TEST(std::filesystem::exists(dir.path() / "query-1000000.db.folded"));
  const auto second = ob::test::run_quick(ob::bench::perf::perf_query, dir);
  BOOST_TEST(second.ok, second.note);
}
