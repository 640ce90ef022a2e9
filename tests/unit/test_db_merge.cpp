// Station databases folded into one: every row copied with unique ids and every reference
// following, profiles shared by digest, a campaign already there not copied again, campaigns
// without a station tagged with their file's name, and an input at an older schema read from a
// migrated copy (never written itself).
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include "../support/sqlite_scalar.hpp"
#include "../support/old_schema_db.hpp"
#include "../support/temp_dir.hpp"
#include "db/database.hpp"
#include "db/merge.hpp"
#include "db/migrations.hpp"
#include "db/recorder.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

// A station database with one campaign: 2 boards, 2 runs (one replaying `profile_digest`), samples,
// events, measurements, a checkpoint and its files.
void record_station(const std::filesystem::path& path, const std::string& station, const std::string& campaign_name,
                    double started, const std::string& profile_digest) {
  ob::db::Recorder recorder(path);
  ob::db::CampaignRow campaign;
  campaign.name = campaign_name;
  campaign.station = station;
  campaign.started_unix_s = started;
  campaign.files = {{"campaign", "c.yaml", "campaign: " + campaign_name + "\n"}, {"station", "s.yaml", "station: x\n"}};
  const auto id = recorder.add_campaign(campaign);
  ob::db::ProfileRow profile;
  profile.digest = profile_digest;
  profile.name = "leo";
  profile.duration_s = 5700;
  profile.step_s = 10;
  const auto profile_id = recorder.add_profile(profile);
  for (int board = 1; board <= 2; ++board) {
    const auto device = recorder.add_device(id, ob::db::DeviceRow{"board-0" + std::to_string(board), "gpu", "", "", "", "", ""});
    const auto channel = recorder.add_channel(device, "tflops", "TFLOP/s");
    for (int ordinal = 0; ordinal < 2; ++ordinal) {
      ob::db::RunRow run;
      run.campaign_id = id;
      run.ordinal = ordinal;
      run.kind = ordinal == 0 ? ob::db::RunKind::baseline : ob::db::RunKind::replay;
      if (ordinal == 1) run.profile_id = profile_id;
      run.started_unix_s = started + ordinal;
      const auto run_id = board == 1 ? recorder.add_run(run) : ordinal + 1;  // board 2 shares board 1's runs
      for (int i = 0; i < 50; ++i) recorder.add_sample({run_id, channel, i * 30.0, started + i, 30.0 + board});
      recorder.add_measurement({run_id, device, "tflops_mean", 30.0 + board, "TFLOP/s", std::nullopt, std::nullopt, "info"});
    }
    recorder.add_event({id, 1, device, 60.0, started + 2, "throttle", "info", "board-0" + std::to_string(board) + " throttled"});
  }
  recorder.add_checkpoint(id, 2, 1, 300, "{}");
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_stations_merge_into_one_file_with_every_reference_intact) {
  ob::test::TempDir dir;
  const auto bay1 = dir.path() / "bay-1.db";
  const auto bay2 = dir.path() / "bay-2.db";
  const auto out = dir.path() / "lab.db";
  record_station(bay1, "bay-1", "qual-a", 1000, "digest-leo");
  record_station(bay2, "", "qual-b", 2000, "digest-leo");  // no station name: tagged "bay-2"
  const auto reports = ob::db::merge_databases(out, {bay1, bay2});
  BOOST_REQUIRE(reports.size() == 2u);
  BOOST_TEST(reports[0].campaigns_copied == 1);
  BOOST_TEST(reports[1].samples_copied == 200);

  BOOST_TEST(scalar(out, "SELECT count(*) FROM campaigns") == 2);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM campaigns WHERE name = 'qual-b' AND station = 'bay-2'") == 1);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM samples") == 400);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM profiles") == 1);  // shared by digest
  BOOST_TEST(scalar(out, "SELECT count(DISTINCT profile_id) FROM runs WHERE kind = 'replay'") == 1);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM campaign_files") == 4);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM checkpoints") == 2);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1);
  // Each campaign's samples still belong to its own boards and runs.
  BOOST_TEST(scalar(out, "SELECT count(*) FROM sample_view WHERE campaign = 'qual-b' AND device = 'board-02' AND value = 32") == 100);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM sample_view WHERE campaign = 'qual-a' AND run_kind = 'replay'") == 100);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM events e JOIN devices d ON d.id = e.device_id JOIN campaigns c ON c.id = d.campaign_id "
                         "WHERE c.name = 'qual-b' AND e.message = d.name || ' throttled'") == 2);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM measurements m JOIN devices d ON d.id = m.device_id JOIN runs r ON r.id = m.run_id "
                         "WHERE d.campaign_id = r.campaign_id") == 8);

  // Merging again copies nothing twice.
  const auto again = ob::db::merge_databases(out, {bay1, bay2});
  BOOST_TEST(again[0].campaigns_copied == 0);
  BOOST_TEST(again[1].campaigns_skipped == 1);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM samples") == 400);
}

BOOST_AUTO_TEST_CASE(the_output_itself_and_foreign_files_are_refused) {
  ob::test::TempDir dir;
  const auto bay1 = dir.path() / "bay-1.db";
  record_station(bay1, "bay-1", "qual-a", 1000, "d");
  try {
    ob::db::merge_databases(bay1, {bay1});
    BOOST_FAIL("merged a file into itself");
  } catch (const ob::db::DbError& e) {
    BOOST_TEST(std::string(e.what()).find("is the output itself") != std::string::npos, e.what());
  }
  const auto foreign = dir.write("notes.db", "not a database at all, just text that is long enough to be read as a header....");
  BOOST_CHECK_THROW(ob::db::merge_databases(dir.path() / "out.db", {foreign}), ob::db::DbError);
  BOOST_TEST(scalar(bay1, "SELECT count(*) FROM samples") == 200);
}

// A station still at schema 2 is read from a migrated copy; the file itself stays at 2.
BOOST_AUTO_TEST_CASE(an_older_input_is_merged_from_a_migrated_copy) {
  ob::test::TempDir dir;
  const auto old = dir.path() / "old.db";
  ob::test::write_old_schema_db(old, 2, "INSERT INTO campaigns (name, station, started_unix_s) VALUES ('old-campaign', 'bay-0', 500)");
  const auto out = dir.path() / "lab.db";
  const auto reports = ob::db::merge_databases(out, {old});
  BOOST_TEST(reports[0].campaigns_copied == 1);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM campaigns WHERE name = 'old-campaign'") == 1);
  BOOST_TEST(scalar(old, "PRAGMA user_version") == 2);
  BOOST_TEST(!std::filesystem::exists(dir.path() / ".merge-old.db"));
}
