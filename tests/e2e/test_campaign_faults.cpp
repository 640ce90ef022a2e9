// Faults the bench should ride through: a dropped link is re-established, recorded as an
// event, and the campaign goes on.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "../support/run_command.hpp"
#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"
#include "../support/temp_dir.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

// A 20-minute baseline at 300× on `lab` (`limits` added to the campaign when given), with
// each fault sent to the lab's control port at its time (ms after the start).
struct TimedFault {
  int after_ms;
  std::string command;
};

ob::bench::CampaignOutcome baseline_with_faults(ob::fixtures::SimLab& lab, const ob::test::TempDir& dir,
                                                const std::vector<TimedFault>& faults, const std::filesystem::path& db,
                                                const std::string& limits = "") {
  dir.write("station.yaml", ob::test::sim_station_yaml(lab, dir));
  const auto campaign = dir.write("campaign.yaml", "campaign: faults\nstation: station.yaml\norbit: { preset: starlink-550 }\n"
                                                   "speed: 300\nplan:\n  - baseline: { chamber_c: 25, duration: 20m }\n" +
                                                       (limits.empty() ? "" : "limits: " + limits + "\n"));
  std::thread saboteur([&] {
    int waited_ms = 0;
    for (const auto& fault : faults) {
      std::this_thread::sleep_for(std::chrono::milliseconds(fault.after_ms - waited_ms));
      waited_ms = fault.after_ms;
      lab.control(fault.command);
    }
  });
  const auto outcome = ob::test::run_campaign_quietly(campaign, db);
  saboteur.join();
  return outcome;
}

ob::fixtures::SimLabOptions at_300x() {
  ob::fixtures::SimLabOptions options;
  options.speed = 300;
  return options;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dropped_links_are_reconnected_and_recorded) {
  ob::fixtures::SimLab lab(at_300x());
  lab.start();
  ob::test::TempDir dir;
  const auto db_path = dir.path() / "faults.db";
  const auto outcome = baseline_with_faults(lab, dir, {{1500, "fault psu drop 1"}, {1500, "fault chamber drop 1"}}, db_path);
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'reconnect' AND message LIKE 'psu-a:%'") >= 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'reconnect' AND message LIKE 'chamber:%'") >= 1);
  lab.stop();
}

// ECC errors and corrupted results on the board are events with their counts, as they happen.
BOOST_AUTO_TEST_CASE(ecc_errors_and_silent_data_corruption_are_events) {
  ob::fixtures::SimLab lab(at_300x());
  lab.start();
  ob::test::TempDir dir;
  const auto db_path = dir.path() / "errors.db";
  const auto outcome = baseline_with_faults(
      lab, dir,
      {{1500, "fault agent sdc 0 2"}, {1500, "fault agent ecc 0 uncorrected 1"}, {1500, "fault agent ecc 0 corrected 3"}},
      db_path, "{ sdc_count: { max: 0 }, ecc_uncorrected: { max: 0 }, board_temp_c: { max: 95 } }");
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'sdc' AND severity = 'error' "
                             "AND message LIKE 'board-01: % failed the reference checksum (2 in all)'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'ecc' AND severity = 'error' "
                             "AND message LIKE '%1 new uncorrected ECC error(s) (1 in all)'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'ecc' AND severity = 'warning' "
                             "AND message LIKE '%corrected ECC error(s) (3 in all)'") == 1);
  // The campaign's limits are verdicts per board: SDC and uncorrected ECC fail, temperature passes.
  BOOST_TEST(!outcome.verdicts_pass);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM measurements WHERE name = 'sdc_count' AND value = 2 "
                             "AND high_limit = 0 AND verdict = 'fail'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM measurements WHERE name = 'ecc_uncorrected' AND value = 1 AND verdict = 'fail'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM measurements WHERE name = 'board_temp_max_c' AND value > 30 "
                             "AND verdict = 'pass'") == 1);
  // The counts are also channels of the board.
  BOOST_TEST(scalar(db_path, "SELECT max(value) FROM sample_view WHERE device = 'board-01' AND channel = 'sdc_count'") == 2);
  lab.stop();
}

// A chamber that leaves its band (its heating and cooling stuck, no alarm) pauses the profile
// clock; when it works again and the air is back, the clock goes on where it stopped: no tick
// is lost. (A raised alarm aborts, or pauses by on_chamber_alarm: test_campaign_bench_faults.)
BOOST_AUTO_TEST_CASE(the_profile_clock_pauses_while_the_chamber_is_out_of_its_band) {
  ob::fixtures::SimLab lab(at_300x());
  lab.start();
  ob::test::TempDir dir;
  const auto db_path = dir.path() / "pause.db";
  const auto outcome = baseline_with_faults(lab, dir, {{1500, "fault chamber stuck"}, {4000, "fault chamber clear"}}, db_path,
                                            "{ chamber_band_c: 0.3 }");
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  const double paused = scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'pause' AND severity = 'warning' "
                                        "AND message LIKE 'profile clock paused at t+%outside its ±0.3 °C band'");
  BOOST_TEST(paused >= 1, ob::test::run_command("sqlite3 -readonly " + db_path.string() +
                                                " \"SELECT kind, message FROM events; SELECT t_s, channel, value FROM sample_view "
                                                "WHERE device = 'chamber' AND t_s BETWEEN 300 AND 900\"",
                                                dir.path()).out);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'pause' AND severity = 'info' "
                             "AND message LIKE 'profile clock restarted after % s paused%'") == paused);
  // Without control the air drifts out of the band soon after 1.5 s; the clock holds until the
  // chamber works again at 4 s and its air is back (about 2 wall seconds).
  BOOST_TEST(scalar(db_path, "SELECT value FROM measurements WHERE name = 'paused_s'") > 0.5);
  // Every tick of the soak and the 20 minutes after it is there, 30 profile seconds apart.
  BOOST_TEST(scalar(db_path, "SELECT max(gap) FROM (SELECT t_s - lag(t_s) OVER (ORDER BY t_s) AS gap FROM sample_view "
                             "WHERE device = 'board-01' AND channel = 'tflops')") <= 60.0 + 1e-6);
  BOOST_TEST(scalar(db_path, "SELECT max(t_s) FROM sample_view WHERE device = 'board-01' AND channel = 'tflops'") ==
             scalar(db_path, "SELECT value FROM measurements WHERE name = 'soak_s'") + 1200.0);
  lab.stop();
}
