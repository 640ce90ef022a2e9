// `orbitbench perf scheduling` at its quick size: a real campaign against `orbitbench lab` in a
// child process recorded every one of its 64 instruments at 10 Hz in the replay run, and both
// latenesses (ours from the run's measurements, the bare timers') were measured. No timing is
// asserted.
#include "../support/sqlite_scalar.hpp"
#include "perf_quick.hpp"

BOOST_AUTO_TEST_CASE(every_instrument_ticks_and_both_latenesses_are_measured) {
  ob::test::TempDir dir;
  const auto result = ob::test::run_quick(ob::bench::perf::perf_scheduling, dir);
  BOOST_TEST(result.ok, result.note);
  BOOST_TEST(result.value > 0);  // our p99 in ms
  BOOST_TEST(result.peer == "bare asio::steady_timer");
  BOOST_TEST(result.ratio.has_value());

  const auto db = dir.path() / "scheduling.db";
  const std::string replay = "(SELECT id FROM runs WHERE kind = 'replay')";
  BOOST_TEST(ob::test::sqlite_scalar(db, "SELECT count(*) FROM runs WHERE kind = 'replay' AND status = 'completed'") == 1);
  // 1 chamber + 21 supplies + 42 boards, each with samples of its own in the replay.
  const double instruments = ob::test::sqlite_scalar(
      db, "SELECT count(DISTINCT c.device_id) FROM samples s JOIN channels c ON c.id = s.channel_id JOIN devices d ON d.id = "
          "c.device_id WHERE d.kind IN ('psu', 'chamber', 'gpu') AND s.run_id = " + replay);
  BOOST_TEST(instruments == 64);
  // Each instrument's loop ticked (nearly) every 0.1 s of the replay: the one with the fewest
  // samples of one channel has at least 90 % of the ticks due.
  const double due = ob::test::sqlite_scalar(db, "SELECT (ended_unix_s - started_unix_s) / 0.1 FROM runs WHERE id = " + replay);
  const double fewest = ob::test::sqlite_scalar(
      db, "SELECT min(n) FROM (SELECT count(*) AS n FROM samples s JOIN channels c ON c.id = s.channel_id WHERE s.run_id = " +
              replay + " AND c.name IN ('air_temp_c', 'ch1.voltage_v', 'power_w') GROUP BY c.id)");
  BOOST_TEST(fewest >= 0.9 * due, fewest << " samples, " << due << " ticks due");
  for (const char* name : {"command_lateness_p50_ms", "command_lateness_p99_ms", "command_lateness_max_ms", "ticks_on_time"}) {
    BOOST_TEST(ob::test::sqlite_scalar(db, std::string("SELECT count(*) FROM measurements WHERE name = '") + name +
                                               "' AND run_id = " + replay) == 1,
               name);
  }
  // 65 loops (64 instruments and the profile) × the replay's ticks, on time or counted late.
  const double ticks = ob::test::sqlite_scalar(
      db, "SELECT sum(value) FROM measurements WHERE name IN ('ticks_on_time', 'ticks_skipped_late') AND run_id = " + replay);
  BOOST_TEST(ticks >= 65 * 0.9 * due);
}
