// Faults the bench should ride through: a dropped link is re-established, recorded as an
// event, and the campaign goes on.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"
#include "../support/temp_dir.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

// A 20-minute baseline at 300× on `lab`, with `faults` sent to its control port 1.5 s in.
ob::bench::CampaignOutcome baseline_with_faults(ob::fixtures::SimLab& lab, const ob::test::TempDir& dir,
                                                const std::vector<std::string>& faults, const std::filesystem::path& db) {
  dir.write("station.yaml", ob::test::sim_station_yaml(lab, dir));
  const auto campaign = dir.write("campaign.yaml", "campaign: faults\nstation: station.yaml\norbit: { preset: starlink-550 }\n"
                                                   "speed: 300\nplan:\n  - baseline: { chamber_c: 25, duration: 20m }\n");
  std::thread saboteur([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    for (const auto& fault : faults) lab.control(fault);
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
  const auto outcome = baseline_with_faults(lab, dir, {"fault psu drop 1", "fault chamber drop 1"}, db_path);
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
      lab, dir, {"fault agent sdc 0 2", "fault agent ecc 0 uncorrected 1", "fault agent ecc 0 corrected 3"}, db_path);
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'sdc' AND severity = 'error' "
                             "AND message LIKE 'board-01: % failed the reference checksum (2 in all)'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'ecc' AND severity = 'error' "
                             "AND message LIKE '%1 new uncorrected ECC error(s) (1 in all)'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'ecc' AND severity = 'warning' "
                             "AND message LIKE '%corrected ECC error(s) (3 in all)'") == 1);
  // The counts are also channels of the board.
  BOOST_TEST(scalar(db_path, "SELECT max(value) FROM sample_view WHERE device = 'board-01' AND channel = 'sdc_count'") == 2);
  lab.stop();
}
