// `orbitbench perf fanin` at its quick size (64 boards, not 256): every board's 10 Hz telemetry
// reached the controller (completeness ≥ 99 %, nothing lost by the agent) and every sample
// received was committed to the database, 14 channels each; CPU and memory were measured. No
// timing is asserted.
#include "../support/sqlite_scalar.hpp"
#include "perf_quick.hpp"

namespace {

double measurement(const std::filesystem::path& db, const std::string& name) {
  return ob::test::sqlite_scalar(db, "SELECT value FROM measurements WHERE name = '" + name + "'");
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_board_streams_and_every_sample_is_recorded) {
  ob::test::TempDir dir;
  const auto result = ob::test::run_quick(ob::bench::perf::perf_fanin, dir);
  BOOST_TEST(result.ok, result.note);
  BOOST_TEST(result.value > 0);  // CPU, % of one core
  BOOST_TEST(result.unit == "% of one core");

  const auto db = dir.path() / "fanin.db";
  BOOST_TEST(measurement(db, "boards") == 64);
  BOOST_TEST(measurement(db, "completeness_pct") >= 99.0);
  BOOST_TEST(measurement(db, "samples_lost") == 0);
  BOOST_TEST(measurement(db, "samples_received") <= measurement(db, "samples_recorded"));
  BOOST_TEST(measurement(db, "rss_window_start_mib") > 0);
  BOOST_TEST(measurement(db, "controller_cpu_pct") == result.value);
  // Every board's 14 channels hold what was recorded, none missing, none twice.
  BOOST_TEST(ob::test::sqlite_scalar(db, "SELECT count(DISTINCT c.device_id) FROM samples s JOIN channels c ON c.id = s.channel_id") == 64);
  BOOST_TEST(ob::test::sqlite_scalar(db, "SELECT count(*) FROM samples") == 14 * measurement(db, "samples_recorded"));
}
