// `orbitbench perf ingest` at its quick size: the recorder and the plain SQLite peer both commit
// every row (the benchmark throws otherwise), and the ratio is reported.
#include "perf_quick.hpp"

BOOST_AUTO_TEST_CASE(ingest_commits_every_row_both_ways_and_reports_the_ratio) {
  ob::test::TempDir dir;
  const auto result = ob::test::run_quick(ob::bench::perf::perf_ingest, dir);
  BOOST_TEST(result.ok);
  BOOST_TEST(result.value > 0);
  BOOST_TEST(result.ratio.has_value());
  BOOST_TEST(result.peer == "plain SQLite bulk insert");
}
