// Station databases folded into one: every row copied with unique ids and every reference
// following, profiles shared by digest, a campaign already there not copied again, campaigns
// without a station tagged with their file's name, and an input at an older schema read from a
// migrated copy (never written itself).
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>

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

namespace {

// Commits `sql` and closes without checkpointing: the rows stay in the -wal file, as a station
// still recording (or whose controller died) leaves them.
void commit_into_wal(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_exec(raw, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;", nullptr, nullptr, nullptr) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
}

std::string bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

// Issue 18 item 8: the input is read through a read-only snapshot — its WAL's rows are merged,
// and neither the file nor its -wal is touched (a read-write ATTACH checkpointed the WAL into
// the file and deleted it).
BOOST_AUTO_TEST_CASE(an_input_with_committed_wal_content_is_merged_whole_and_never_written) {
  ob::test::TempDir dir;
  const auto bay1 = dir.path() / "bay-1.db";
  record_station(bay1, "bay-1", "qual-a", 1000, "d");
  commit_into_wal(bay1, "INSERT INTO events (campaign_id, wall_unix_s, kind, severity, message) "
                        "VALUES (1, 1005, 'phase', 'info', 'only in the WAL')");
  const auto wal = std::filesystem::path(bay1.string() + "-wal");
  BOOST_REQUIRE(std::filesystem::exists(wal));
  const auto file_before = bytes_of(bay1);
  const auto wal_before = bytes_of(wal);
  BOOST_REQUIRE(!wal_before.empty());

  const auto out = dir.path() / "lab.db";
  const auto reports = ob::db::merge_databases(out, {bay1});
  BOOST_TEST(reports[0].campaigns_copied == 1);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM events WHERE message = 'only in the WAL'") == 1);
  BOOST_TEST(bytes_of(bay1) == file_before);
  BOOST_REQUIRE(std::filesystem::exists(wal));
  BOOST_TEST(bytes_of(wal) == wal_before);
}

// An older input's WAL rows survive its migration too (the copy took only the main file).
BOOST_AUTO_TEST_CASE(an_older_input_keeps_its_wal_rows_through_the_migration) {
  ob::test::TempDir dir;
  const auto old = dir.path() / "old.db";
  ob::test::write_old_schema_db(old, 2, "INSERT INTO campaigns (name, station, started_unix_s) VALUES ('in-the-file', 'bay-0', 500)");
  commit_into_wal(old, "INSERT INTO campaigns (name, station, started_unix_s) VALUES ('in-the-wal', 'bay-0', 600)");
  const auto file_before = bytes_of(old);
  const auto out = dir.path() / "lab.db";
  const auto reports = ob::db::merge_databases(out, {old});
  BOOST_TEST(reports[0].campaigns_copied == 2);
  BOOST_TEST(scalar(out, "SELECT count(*) FROM campaigns WHERE name IN ('in-the-file', 'in-the-wal')") == 2);
  BOOST_TEST(bytes_of(old) == file_before);
}

// A link planted where the old scratch copy went is never followed (the scratch directory is
// made fresh for each merge).
BOOST_AUTO_TEST_CASE(a_planted_link_beside_the_output_is_not_followed) {
  ob::test::TempDir dir;
  const auto old = dir.path() / "old.db";
  ob::test::write_old_schema_db(old, 2, "INSERT INTO campaigns (name, station, started_unix_s) VALUES ('c', 'bay-0', 500)");
  const auto victim = dir.write("victim.txt", "precious\n");
  std::filesystem::create_symlink(victim, dir.path() / ".merge-old.db");
  ob::db::merge_databases(dir.path() / "lab.db", {old});
  BOOST_TEST(bytes_of(victim) == "precious\n");
  BOOST_TEST(std::filesystem::is_symlink(dir.path() / ".merge-old.db"));
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {  // the scratch directory is gone
    BOOST_TEST(!(entry.is_directory() && entry.path().filename().string().starts_with(".merge-")), entry.path());
  }
}

// A row pointing into another campaign's ids would flip that campaign's verdict in the output,
// and foreign_key_check stays clean: the input is refused, naming what crossed over.
BOOST_AUTO_TEST_CASE(rows_that_reference_another_campaign_are_refused) {
  ob::test::TempDir dir;
  const auto bay1 = dir.path() / "bay-1.db";
  record_station(bay1, "bay-1", "qual-a", 1000, "d");
  {
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(bay1.c_str(), &raw) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(raw,
                               "INSERT INTO campaigns (id, name, station, started_unix_s) VALUES (7, 'qual-b', 'bay-1', 2000);"
                               "INSERT INTO devices (id, campaign_id, name, kind) VALUES (70, 7, 'board-01', 'gpu');"
                               "UPDATE measurements SET device_id = 70 WHERE id = 1;",
                               nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  BOOST_REQUIRE(scalar(bay1, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
  const auto out = dir.path() / "lab.db";
  try {
    ob::db::merge_databases(out, {bay1});
    BOOST_FAIL("merged rows that cross campaigns");
  } catch (const ob::db::DbError& e) {
    BOOST_TEST(std::string(e.what()) == bay1.string() + ": refused: 1 measurements whose device is another campaign's "
                                                        "(a copy would attach them to the wrong campaign)",
               e.what());
  }
  BOOST_TEST(scalar(out, "SELECT count(*) FROM campaigns") == 0);
  // Each other kind of crossing is caught too.
  {
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(bay1.c_str(), &raw) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(raw,
                               "UPDATE measurements SET device_id = (SELECT min(id) FROM devices WHERE campaign_id = 1) WHERE id = 1;"
                               "INSERT INTO runs (id, campaign_id, kind, ordinal, label, speed, started_unix_s) "
                               "VALUES (71, 7, 'baseline', 0, 'baseline', 1, 2000);"
                               "UPDATE events SET run_id = 71 WHERE id = 1;",
                               nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  try {
    ob::db::merge_databases(out, {bay1});
    BOOST_FAIL("merged an event hung on another campaign's run");
  } catch (const ob::db::DbError& e) {
    BOOST_TEST(std::string(e.what()).find("refused: 1 events whose run or device is another campaign's") != std::string::npos, e.what());
  }
}
