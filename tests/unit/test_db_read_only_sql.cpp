// Arbitrary SQL on a connection that cannot write: reading works, statement after statement;
// anything that would change the file — whatever the statement, wherever it stands among
// several — is refused before any statement runs, naming the statement.
#include <boost/test/unit_test.hpp>
#include <chrono>

#include "../support/sqlite_scalar.hpp"
#include "../support/temp_db.hpp"
#include "db/analyses.hpp"
#include "db/read_only_sql.hpp"
#include "db/recorder.hpp"

namespace {

struct RecordedCampaign {
  ob::test::TempDb file;
  std::int64_t run = 0;
  RecordedCampaign() {
    ob::db::Recorder recorder(file.path);
    ob::db::CampaignRow campaign;
    campaign.name = "c1";
    campaign.started_unix_s = 1000;
    const auto id = recorder.add_campaign(campaign);
    const auto device = recorder.add_device(id, ob::db::DeviceRow{"board-01", "gpu", "", "", "", "", ""});
    const auto channel = recorder.add_channel(device, "tflops", "TFLOP/s");
    ob::db::RunRow row;
    row.campaign_id = id;
    row.ordinal = 0;
    row.label = "baseline";
    row.started_unix_s = 1001;
    run = recorder.add_run(row);
    for (int i = 0; i < 10; ++i) recorder.add_sample({run, channel, i * 30.0, 1001.0 + i, 38.0 + i * 0.1});
    recorder.add_event({id, run, device, 30.0, 1002, "throttle", "info", "board-01 clock event reasons: SwPowerCap"});
    recorder.add_measurement({run, std::nullopt, "command_lateness_p99_ms", 0.8, "ms", std::nullopt, std::nullopt, "info"});
    recorder.add_measurement({run, device, "verdict", 1, "bool", std::nullopt, std::nullopt, "pass"});
  }
  double samples() const { return ob::test::sqlite_scalar(file.path, "SELECT count(*) FROM samples"); }
};

std::string refusal(const std::filesystem::path& path, const std::string& sql) {
  try {
    const auto db = ob::db::Connection::open_read_only(path);
    ob::db::run_read_only_sql(db, sql);
  } catch (const ob::db::DbError& e) {
    return e.what();
  }
  return "(ran)";
}

}  // namespace

BOOST_AUTO_TEST_CASE(reading_works_statement_after_statement) {
  RecordedCampaign campaign;
  const auto db = ob::db::Connection::open_read_only(campaign.file.path);
  const auto results = ob::db::run_read_only_sql(
      db, "SELECT count(*) AS n, avg(value) AS mean FROM sample_view WHERE channel = 'tflops';\n"
          "-- a comment between\n"
          "SELECT name, unit, NULL AS empty_value FROM channels; PRAGMA table_info(runs); SELECT * FROM pragma_user_version;");
  // (a table-valued PRAGMA reads too; the schema table itself stays unwritable: see below)
  BOOST_REQUIRE(results.size() == 4u);
  BOOST_TEST(results[0].columns.size() == 2u);
  BOOST_TEST(*results[0].rows[0][0] == "10");
  BOOST_TEST(results[0].numeric[0]);
  BOOST_TEST(*results[1].rows[0][0] == "tflops");
  BOOST_TEST(!results[1].numeric[0]);
  BOOST_TEST(!results[1].rows[0][2].has_value());
  BOOST_TEST(results[2].rows.size() >= 10u);  // the columns of runs
  BOOST_TEST(*results[3].rows[0][0] == std::to_string(ob::db::kSchemaVersion));
}

BOOST_AUTO_TEST_CASE(every_kind_of_write_is_refused_naming_the_statement) {
  RecordedCampaign campaign;
  const auto& path = campaign.file.path;
  // Each refused by the layer meant to see it, named: the authorizer (its action and table), the
  // PRAGMA list, and for VACUUM sqlite3_stmt_readonly. A test that matched only the shared words
  // let an authorizer that allowed INSERT pass (issue 18 item 14): the next layer said "it would write".
  const std::pair<const char*, const char*> writes[] = {
      {"DELETE FROM samples", "DELETE on samples"},
      {"UPDATE runs SET label = 'x'", "UPDATE on runs"},
      {"INSERT INTO events (campaign_id, wall_unix_s, kind, severity) VALUES (1, 0, 'x', 'info')", "INSERT on events"},
      {"REPLACE INTO runs (id) VALUES (1)", "INSERT on runs"},
      {"DROP TABLE samples", "DELETE on sqlite_master"},
      {"DROP VIEW sample_view", "DELETE on sqlite_master"},
      {"CREATE TABLE t (a)", "INSERT on sqlite_master"},
      {"CREATE TEMP TABLE t (a)", "INSERT on sqlite_temp_master"},
      {"CREATE INDEX i ON runs (label)", "INSERT on sqlite_master"},
      {"ALTER TABLE runs ADD COLUMN x", "ALTER TABLE on main"},
      {"ATTACH 'other.db' AS other", "ATTACH on other.db"},
      {"PRAGMA user_version = 9", "PRAGMA user_version = 9 (only reading PRAGMAs such as table_info are allowed)"},
      {"PRAGMA journal_mode = DELETE", "PRAGMA journal_mode = DELETE (only reading PRAGMAs such as table_info are allowed)"},
      {"VACUUM", "it would write"},
      {"REINDEX", "REINDEX on "},
      {"ANALYZE", "INSERT on sqlite_master"},
      {"BEGIN", "a transaction on BEGIN"},
      {"WITH x AS (SELECT 1) DELETE FROM samples", "DELETE on samples"},
      {"SAVEPOINT s", "a savepoint on BEGIN"},
  };
  for (const auto& [sql, refused] : writes) {
    const auto message = refusal(path, sql);
    BOOST_TEST(message.find("statement 1 (") != std::string::npos, sql << " → " << message);
    BOOST_TEST(message.find(std::string("refused, read-only: ") + refused) != std::string::npos, sql << " → " << message);
  }
  // The schema table: SQLite itself refuses it.
  const auto schema = refusal(path, "UPDATE sqlite_master SET sql = '' WHERE name = 'runs'");
  BOOST_TEST(schema.find("statement 1 (UPDATE sqlite_master") != std::string::npos, schema);
  BOOST_TEST(campaign.samples() == 10);
  BOOST_TEST(ob::test::sqlite_scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'runs' AND sql LIKE 'CREATE TABLE%'") == 1);
}

BOOST_AUTO_TEST_CASE(a_write_anywhere_among_statements_means_none_ran) {
  RecordedCampaign campaign;
  const auto message = refusal(campaign.file.path, "SELECT 1; SELECT 2;\nDELETE FROM samples WHERE t_s > 100; SELECT 3");
  BOOST_TEST(message.find("statement 3 (DELETE FROM samples WHERE t_s > 100)") != std::string::npos, message);
  BOOST_TEST(campaign.samples() == 10);
  BOOST_TEST(refusal(campaign.file.path, "SELEC 1").find("statement 1 (SELEC") != std::string::npos);
  BOOST_TEST(refusal(campaign.file.path, "  ;  -- only this").find("no SQL statement given") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(canned_analyses_are_narrowed_by_their_filters) {
  RecordedCampaign campaign;
  const auto db = ob::db::Connection::open_read_only(campaign.file.path);
  ob::db::AnalysisFilter filter;
  BOOST_TEST(ob::db::query_events(db, filter).rows.size() == 1u);
  filter.dut = "board-02";
  BOOST_TEST(ob::db::query_events(db, filter).rows.empty());
  filter = {};
  filter.campaign = "c1";
  const auto timing = ob::db::query_timing(db, filter);
  BOOST_REQUIRE(timing.rows.size() == 1u);
  BOOST_TEST(*timing.rows[0][5] == "0.8");  // p99_ms
  filter.campaign = "no-such-campaign";
  BOOST_TEST(ob::db::query_timing(db, filter).rows.empty());
  filter = {};
  filter.run = std::to_string(campaign.run);
  const auto summary = ob::db::query_summary(db, filter);
  BOOST_REQUIRE(summary.rows.size() == 1u);
  BOOST_TEST(*summary.rows[0][5] == "10");     // samples
  BOOST_TEST(*summary.rows[0][8] == "pass");   // verdict
  BOOST_TEST(!summary.rows[0][9].has_value()); // nothing failed
}

// Issue 18 item 9: fts3_tokenizer() (a libsqlite3 pointer, or a tokenizer installed) is refused
// in both forms; a query that runs on is stopped at its timeout; a result too large for memory is
// refused with a clear error, not an abort.
BOOST_AUTO_TEST_CASE(user_queries_are_bounded_in_what_they_reach_time_and_memory) {
  RecordedCampaign campaign;
  for (const char* sql : {"SELECT hex(fts3_tokenizer('simple'))", "SELECT fts3_tokenizer('mine', x'0011223344556677')"}) {
    const auto message = refusal(campaign.file.path, sql);
    BOOST_TEST(message.find("refused, read-only: the function fts3_tokenizer()") != std::string::npos, message);
  }
  const auto db = ob::db::Connection::open_read_only(campaign.file.path);
  ob::db::SqlLimits quick;
  quick.timeout_s = 0.2;
  const char* endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";
  const auto started = std::chrono::steady_clock::now();
  std::string message;
  try {
    ob::db::run_read_only_sql(db, endless, quick);
  } catch (const ob::db::DbError& e) {
    message = e.what();
  }
  BOOST_TEST(message.find("statement 1 (WITH RECURSIVE") != std::string::npos, message);
  BOOST_TEST(message.find("stopped after 0.2 s (--timeout)") != std::string::npos, message);
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(5)));
  ob::db::SqlLimits small;
  small.max_result_bytes = 1 << 20;
  message.clear();
  try {
    ob::db::run_read_only_sql(
        db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 1000000) SELECT i, 'padding' FROM n",
        small);
  } catch (const ob::db::DbError& e) {
    message = e.what();
  }
  BOOST_TEST(message.find("the result passed 1 MiB after") != std::string::npos, message);
  // Ordinary queries still run under the defaults.
  BOOST_TEST(ob::db::run_read_only_sql(db, "SELECT count(*) FROM samples").front().rows.front().front().value() == "10");
}
