// Schema v1–v3, migrations and how connections open (or refuse to open) files.
#include <sqlite3.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../support/sqlite_scalar.hpp"
#include "../support/temp_db.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "db/recorder.hpp"
#include "db/statement.hpp"

namespace fs = std::filesystem;
using ob::db::Connection;
using ob::db::DbError;
using ob::db::Statement;

using ob::test::TempDb;

namespace {

std::set<std::string> schema_objects(const Connection& db, const std::string& type) {
  Statement query(db, "SELECT name FROM sqlite_schema WHERE type = ?1 AND name NOT LIKE 'sqlite_%'");
  query.bind(1, type);
  std::set<std::string> names;
  while (query.step()) names.insert(query.column_text(0));
  return names;
}

std::string text_pragma(const Connection& db, const std::string& pragma) {
  Statement query(db, "PRAGMA " + pragma);
  BOOST_REQUIRE(query.step());
  return query.column_text(0);
}

bool message_has(const DbError& error, const std::string& part) {
  const std::string message = error.what();
  BOOST_TEST_MESSAGE("DbError: " << message);
  return message.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fresh_file_is_at_current_version_with_all_tables) {
  TempDb file;
  const Connection db = Connection::open_for_writing(file.path);
  BOOST_TEST(db.schema_version() == 5);
  BOOST_TEST(ob::db::kSchemaVersion == 5);
  const std::set<std::string> expected{"campaigns", "devices",      "profiles",    "runs",
                                       "channels",  "samples",      "events",      "measurements",
                                       "checkpoints", "campaign_files", "run_bins", "run_counters"};
  BOOST_TEST(schema_objects(db, "table") == expected, boost::test_tools::per_element());
  BOOST_TEST(schema_objects(db, "view") == std::set<std::string>{"sample_view"},
             boost::test_tools::per_element());
  BOOST_TEST(schema_objects(db, "index").count("events_by_campaign") == 1u);
  BOOST_TEST(text_pragma(db, "journal_mode") == "wal");
  BOOST_TEST(text_pragma(db, "foreign_keys") == "1");
  BOOST_TEST(text_pragma(db, "synchronous") == "1");  // NORMAL
  BOOST_TEST(text_pragma(db, "application_id") == std::to_string(ob::db::kApplicationId));
}

BOOST_AUTO_TEST_CASE(samples_table_is_keyed_by_run_channel_time_without_rowid) {
  TempDb file;
  const Connection db = Connection::open_for_writing(file.path);
  Statement query(db, "SELECT sql FROM sqlite_schema WHERE name = 'samples'");
  BOOST_REQUIRE(query.step());
  const std::string sql = query.column_text(0);
  BOOST_TEST(sql.find("WITHOUT ROWID") != std::string::npos);
  BOOST_TEST(sql.find("PRIMARY KEY (run_id, channel_id, t_s)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(check_constraints_reject_unknown_states) {
  TempDb file;
  const Connection db = Connection::open_for_writing(file.path);
  db.exec("INSERT INTO campaigns (id, name, started_unix_s) VALUES (1, 'c', 0)");
  BOOST_CHECK_THROW(db.exec("INSERT INTO campaigns (name, status, started_unix_s) "
                            "VALUES ('c', 'paused', 0)"),
                    DbError);
  BOOST_CHECK_THROW(db.exec("INSERT INTO runs (campaign_id, kind, ordinal, started_unix_s) "
                            "VALUES (1, 'warmup', 0, 0)"),
                    DbError);
  BOOST_CHECK_THROW(db.exec("INSERT INTO runs (campaign_id, kind, ordinal, started_unix_s) "
                            "VALUES (42, 'replay', 0, 0)"),  // foreign key
                    DbError);
  BOOST_CHECK_NO_THROW(db.exec("INSERT INTO runs (id, campaign_id, kind, ordinal, started_unix_s) "
                               "VALUES (1, 1, 'replay', 0, 0)"));
  BOOST_CHECK_THROW(db.exec("INSERT INTO measurements (run_id, name, value, verdict) "
                            "VALUES (1, 'm', 1, 'maybe')"),
                    DbError);
}

BOOST_AUTO_TEST_CASE(migrates_an_empty_file) {
  TempDb file;
  { std::ofstream touch(file.path); }
  BOOST_REQUIRE(fs::exists(file.path));
  BOOST_REQUIRE(fs::file_size(file.path) == 0u);
  {
    const Connection db = Connection::open_for_writing(file.path);
    BOOST_TEST(db.schema_version() == ob::db::kSchemaVersion);
  }
  const Connection reader = Connection::open_read_only(file.path);
  BOOST_TEST(reader.schema_version() == ob::db::kSchemaVersion);
  BOOST_TEST(schema_objects(reader, "table").count("samples") == 1u);
}

BOOST_AUTO_TEST_CASE(reopening_keeps_data_and_version) {
  TempDb file;
  {
    const Connection db = Connection::open_for_writing(file.path);
    db.exec("INSERT INTO campaigns (name, started_unix_s) VALUES ('kept', 1)");
  }
  const Connection db = Connection::open_for_writing(file.path);
  BOOST_TEST(db.schema_version() == ob::db::kSchemaVersion);
  Statement query(db, "SELECT name FROM campaigns");
  BOOST_REQUIRE(query.step());
  BOOST_TEST(query.column_text(0) == "kept");
}

// A station database written by the first release (schema v1) is migrated forward in place:
// its campaigns stay, and campaign_files appears.
BOOST_AUTO_TEST_CASE(a_version_1_file_is_migrated_forward_keeping_its_data) {
  TempDb file;
  {
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(file.path.c_str(), &raw) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(raw, ob::db::migrations()[0].sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    const std::string stamp = "PRAGMA application_id = " + std::to_string(ob::db::kApplicationId) +
                              "; PRAGMA user_version = 1; INSERT INTO campaigns (name, started_unix_s) VALUES ('old', 1)";
    BOOST_REQUIRE(sqlite3_exec(raw, stamp.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  const Connection db = Connection::open_for_writing(file.path);
  BOOST_TEST(db.schema_version() == ob::db::kSchemaVersion);
  BOOST_TEST(schema_objects(db, "table").count("campaign_files") == 1u);
  Statement query(db, "SELECT name FROM campaigns");
  BOOST_REQUIRE(query.step());
  BOOST_TEST(query.column_text(0) == "old");
}

// v5 gives campaigns an end cause programs match on; campaigns the operator interrupted before
// it said so only in their reason's text, and are found again by it (resumable), others not.
BOOST_AUTO_TEST_CASE(a_version_4_file_gets_end_causes_from_its_reasons) {
  TempDb file;
  {
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(file.path.c_str(), &raw) == SQLITE_OK);
    for (std::size_t step = 0; step < 4; ++step) {
      BOOST_REQUIRE(sqlite3_exec(raw, ob::db::migrations()[step].sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    }
    const std::string stamp =
        "PRAGMA application_id = " + std::to_string(ob::db::kApplicationId) + "; PRAGMA user_version = 4; "
        "INSERT INTO campaigns (name, status, started_unix_s, reason) VALUES "
        "('signal', 'aborted', 1, 'interrupted by SIGTERM'), "
        "('signal-unsafe', 'aborted', 2, 'interrupted by SIGINT; safe state NOT confirmed: psu-a: timeout'), "
        "('interlock', 'aborted', 3, 'interlock rail: interrupted by nothing'), ('done', 'completed', 4, '')";
    BOOST_REQUIRE(sqlite3_exec(raw, stamp.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  const Connection db = Connection::open_for_writing(file.path);
  BOOST_TEST(db.schema_version() == ob::db::kSchemaVersion);
  Statement query(db, "SELECT name, COALESCE(end_cause, '-') FROM campaigns ORDER BY id");
  std::string rows;
  while (query.step()) rows += query.column_text(0) + "=" + query.column_text(1) + " ";
  BOOST_TEST(rows == "signal=operator_signal signal-unsafe=operator_signal interlock=- done=- ");
}

BOOST_AUTO_TEST_CASE(migrations_are_one_step_per_version) {
  const auto steps = ob::db::migrations();
  BOOST_REQUIRE(steps.size() == static_cast<std::size_t>(ob::db::kSchemaVersion));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    BOOST_TEST(steps[i].to_version == static_cast<int>(i) + 1);
  }
}

BOOST_AUTO_TEST_CASE(newer_schema_is_refused_naming_file_and_versions) {
  TempDb file;
  {
    const Connection db = Connection::open_for_writing(file.path);
    db.exec("PRAGMA user_version = 7");
  }
  const auto names_everything = [&](const DbError& error) {
    return message_has(error, file.path.string()) && message_has(error, "schema version 7") &&
           message_has(error, "schema version " + std::to_string(ob::db::kSchemaVersion));
  };
  BOOST_CHECK_EXCEPTION(Connection::open_read_only(file.path), DbError, names_everything);
  BOOST_CHECK_EXCEPTION(Connection::open_for_writing(file.path), DbError, names_everything);
  // Refusing must not have touched the file.
  const fs::path copy = file.path;
  sqlite3* raw = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2(copy.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  BOOST_TEST(sqlite3_column_int(stmt, 0) == 7);
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

BOOST_AUTO_TEST_CASE(read_only_refuses_missing_file_without_creating_it) {
  TempDb file;
  BOOST_CHECK_EXCEPTION(Connection::open_read_only(file.path), DbError,
                        [&](const DbError& error) { return message_has(error, file.path.string()); });
  BOOST_TEST(!fs::exists(file.path));
}

BOOST_AUTO_TEST_CASE(foreign_sqlite_files_and_garbage_are_refused) {
  TempDb foreign;
  {
    sqlite3* raw = nullptr;
    BOOST_REQUIRE(sqlite3_open(foreign.path.c_str(), &raw) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(raw, "CREATE TABLE other (x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  const auto names_file = [&](const DbError& error) {
    return message_has(error, foreign.path.string()) && message_has(error, "not an orbitbench");
  };
  BOOST_CHECK_EXCEPTION(Connection::open_for_writing(foreign.path), DbError, names_file);
  BOOST_CHECK_EXCEPTION(Connection::open_read_only(foreign.path), DbError, names_file);

  TempDb garbage;
  {
    std::ofstream out(garbage.path, std::ios::binary);
    out << std::string(4096, 'x');
  }
  const auto names_garbage = [&](const DbError& error) {
    return message_has(error, garbage.path.string());
  };
  BOOST_CHECK_EXCEPTION(Connection::open_read_only(garbage.path), DbError, names_garbage);
  BOOST_CHECK_EXCEPTION(Connection::open_for_writing(garbage.path), DbError, names_garbage);
}

BOOST_AUTO_TEST_CASE(read_only_connection_refuses_writes) {
  TempDb file;
  { const Connection db = Connection::open_for_writing(file.path); }
  const Connection reader = Connection::open_read_only(file.path);
  BOOST_CHECK_EXCEPTION(
      reader.exec("INSERT INTO campaigns (name, started_unix_s) VALUES ('x', 0)"), DbError,
      [&](const DbError& error) {
        return (error.sqlite_code & 0xff) == SQLITE_READONLY &&
               (sqlite3_extended_errcode(reader.handle()) & 0xff) == SQLITE_READONLY &&
               message_has(error, file.path.string());
      });
}

BOOST_AUTO_TEST_CASE(exec_error_names_file_and_sqlite_message) {
  TempDb file;
  const Connection db = Connection::open_for_writing(file.path);
  BOOST_CHECK_EXCEPTION(db.exec("SELECT * FROM no_such_table"), DbError, [&](const DbError& error) {
    return message_has(error, file.path.string()) && message_has(error, "no such table");
  });
}

BOOST_AUTO_TEST_CASE(sample_view_joins_names) {
  TempDb file;
  const Connection db = Connection::open_for_writing(file.path);
  db.exec(R"sql(
    INSERT INTO campaigns (id, name, started_unix_s) VALUES (1, 'leo-1', 0);
    INSERT INTO devices (id, campaign_id, name, kind) VALUES (1, 1, 'board-01', 'gpu');
    INSERT INTO channels (id, device_id, name, unit) VALUES (1, 1, 'tflops', 'TFLOP/s');
    INSERT INTO runs (id, campaign_id, kind, ordinal, started_unix_s) VALUES (1, 1, 'replay', 1, 0);
    INSERT INTO samples VALUES (1, 1, 2.5, 100.5, 42.0);
  )sql");
  Statement query(db, "SELECT campaign, run_kind, device, channel, unit, t_s, value FROM sample_view");
  BOOST_REQUIRE(query.step());
  BOOST_TEST(query.column_text(0) == "leo-1");
  BOOST_TEST(query.column_text(1) == "replay");
  BOOST_TEST(query.column_text(2) == "board-01");
  BOOST_TEST(query.column_text(3) == "tflops");
  BOOST_TEST(query.column_text(4) == "TFLOP/s");
  BOOST_TEST(query.column_double(5) == 2.5);
  BOOST_TEST(query.column_double(6) == 42.0);
  BOOST_TEST(!query.step());
}

// ---- Schema v3: runs.kind gains 'thermal_cycle'; `runs` is rebuilt in place. ----

namespace {

// Every table holding rows that hang off runs (or that the rebuild could lose), and the view.
const std::vector<std::string> kCountedTables{"campaigns", "devices",      "profiles",
                                              "runs",      "channels",     "samples",
                                              "events",    "measurements", "checkpoints",
                                              "campaign_files"};

long long count_rows(const Connection& db, const std::string& table) {
  Statement query(db, "SELECT count(*) FROM " + table);
  BOOST_REQUIRE(query.step());
  return static_cast<long long>(query.column_int64(0));
}

// All rows of a query as text, one line per row: compares whole tables before and after.
std::string dump(const Connection& db, const std::string& sql) {
  Statement query(db, sql);
  const int columns = sqlite3_column_count(query.handle());
  std::string out;
  while (query.step()) {
    for (int c = 0; c < columns; ++c) {
      out += query.is_null(c) ? std::string("NULL") : query.column_text(c);
      out += c + 1 < columns ? "|" : "\n";
    }
  }
  return out;
}

std::string schema_sql(const Connection& db, const std::string& name) {
  Statement query(db, "SELECT sql FROM sqlite_schema WHERE name = ?1");
  query.bind(1, name);
  return query.step() ? query.column_text(0) : std::string();
}

// Rows PRAGMA foreign_key_check reports (0 = every reference has its parent).
long long foreign_key_violations(const Connection& db) {
  Statement query(db, "PRAGMA foreign_key_check");
  long long rows = 0;
  while (query.step()) ++rows;
  return rows;
}

constexpr const char* kSampleViewDump =
    "SELECT campaign_id, campaign, run_id, run_kind, run_ordinal, run_label, device_id, device, "
    "device_kind, channel_id, channel, unit, t_s, wall_unix_s, value FROM sample_view "
    "ORDER BY run_id, channel_id, t_s";

// Two campaigns at schema v2, written the way the v2 release wrote them: every table that refers
// to runs has rows, campaign 2 is the one that must survive campaign 1's deletion.
constexpr const char* kV2Rows = R"sql(
INSERT INTO campaigns (id, name, station, status, started_unix_s, ended_unix_s, reason, config_yaml)
  VALUES (1, 'leo-1', 'bench-a', 'completed', 1000, 9000, NULL, 'plan: {}'),
         (2, 'geo-1', 'bench-a', 'running', 10000, NULL, NULL, '');
INSERT INTO campaign_files VALUES (1, 'campaign', 'campaign.yaml', 'name: leo-1'),
                                  (1, 'station', 'station.yaml', 'name: bench-a'),
                                  (2, 'campaign', 'campaign.yaml', 'name: geo-1');
INSERT INTO devices (id, campaign_id, name, kind, uri) VALUES
  (1, 1, 'board-01', 'gpu', 'agent://a:1'), (2, 1, 'profile', 'profile', ''),
  (3, 2, 'board-01', 'gpu', 'agent://a:1');
INSERT INTO channels (id, device_id, name, unit) VALUES
  (1, 1, 'tflops', 'TFLOP/s'), (2, 1, 'gpu_temp_c', 'degC'), (3, 2, 'illumination', '1'),
  (4, 3, 'tflops', 'TFLOP/s');
INSERT INTO profiles (id, digest, name, duration_s, step_s, proto) VALUES (1, 'abc', 'leo', 5400, 1, x'0a00');
INSERT INTO runs (id, campaign_id, profile_id, kind, ordinal, label, speed, status, started_unix_s, ended_unix_s) VALUES
  (1, 1, NULL, 'baseline', 0, 'baseline', 1, 'completed', 1000, 2000),
  (2, 1, 1, 'replay', 1, 'replay 1/1', 60, 'completed', 2000, 3000),
  (3, 1, NULL, 'reference', 2, 'reference', 1, 'aborted', 3000, NULL),
  (7, 2, NULL, 'baseline', 0, 'baseline', 1, 'running', 10000, NULL);
INSERT INTO samples VALUES
  (1, 1, 0, 1000, 50.0), (1, 1, 1, 1001, 50.5), (1, 2, 0, 1000, 41.0),
  (2, 1, 0, 2000, 49.0), (2, 1, 60, 2001, 48.0), (2, 3, 0, 2000, 1.0), (2, 3, 60, 2001, 0.0),
  (3, 1, 0, 3000, NULL),
  (7, 4, 0, 10000, 51.0), (7, 4, 1, 10001, 51.5);
INSERT INTO events (campaign_id, run_id, device_id, t_s, wall_unix_s, kind, severity, message) VALUES
  (1, NULL, NULL, NULL, 1000, 'phase', 'info', 'start'),
  (1, 2, 1, 30, 2030, 'throttle', 'warning', 'thermal'),
  (2, 7, 3, 0, 10000, 'phase', 'info', 'baseline');
INSERT INTO measurements (run_id, device_id, name, value, unit, low_limit, high_limit, verdict) VALUES
  (1, 1, 'tflops_mean', 50.25, 'TFLOP/s', NULL, NULL, 'info'),
  (3, 1, 'throughput_reference_vs_baseline_pct', -1.5, '%', -5, NULL, 'pass'),
  (7, 3, 'tflops_mean', 51.25, 'TFLOP/s', NULL, NULL, 'info');
INSERT INTO checkpoints (campaign_id, run_id, plan_index, t_s, wall_unix_s, state_json) VALUES
  (1, NULL, 0, 0, 1000, '{}'), (1, 2, 1, 60, 2001, '{"replays_before": 0}'),
  (2, 7, 0, 1, 10001, '{}');
)sql";

// A file at schema v2 exactly as the v2 release left it (written with its own two steps).
void write_v2_file(const fs::path& path, const std::string& extra_sql = "") {
  sqlite3* raw = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  const auto run = [&](const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &message);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, (message ? message : "?") << " in: " << sql.substr(0, 80));
  };
  run("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON");
  run(ob::db::migrations()[0].sql);
  run(ob::db::migrations()[1].sql);
  run("PRAGMA application_id = " + std::to_string(ob::db::kApplicationId) + "; PRAGMA user_version = 2");
  run(kV2Rows);
  if (!extra_sql.empty()) run(extra_sql);
  sqlite3_close(raw);
}

// What a v2 file holds, read through a plain read-only SQLite connection (no migration).
struct Snapshot {
  std::map<std::string, long long> counts;
  std::string sample_view_rows;
  std::string sample_view_sql;
  std::string runs_rows;
};

Snapshot snapshot_v2(const fs::path& path) {
  Snapshot snapshot;
  for (const std::string& table : kCountedTables) {
    snapshot.counts[table] =
        static_cast<long long>(ob::test::sqlite_scalar(path, "SELECT count(*) FROM " + table));
  }
  // Connection::open_read_only refuses old versions, so read through a raw connection.
  sqlite3* raw = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  const auto rows = [&](const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    BOOST_REQUIRE(sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::string out;
    const int columns = sqlite3_column_count(stmt);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      for (int c = 0; c < columns; ++c) {
        const auto* text = sqlite3_column_text(stmt, c);
        out += text ? reinterpret_cast<const char*>(text) : "NULL";
        out += c + 1 < columns ? "|" : "\n";
      }
    }
    sqlite3_finalize(stmt);
    return out;
  };
  snapshot.sample_view_rows = rows(kSampleViewDump);
  snapshot.sample_view_sql = rows("SELECT sql FROM sqlite_schema WHERE name = 'sample_view'");
  snapshot.runs_rows = rows("SELECT * FROM runs ORDER BY id");
  BOOST_REQUIRE(sqlite3_close(raw) == SQLITE_OK);
  return snapshot;
}

}  // namespace

BOOST_AUTO_TEST_CASE(migration_3_rebuilds_runs_and_is_flagged_as_a_rebuild) {
  const auto steps = ob::db::migrations();
  BOOST_REQUIRE(steps.size() >= 3u);
  BOOST_TEST(!steps[0].rebuilds_tables);
  BOOST_TEST(!steps[1].rebuilds_tables);
  BOOST_TEST(steps[2].rebuilds_tables);
  const std::string sql = steps[2].sql;
  // The documented order: create the new table, copy, drop the old one, rename the new one.
  const auto create = sql.find("CREATE TABLE runs_new");
  const auto copy = sql.find("INSERT INTO runs_new SELECT * FROM runs");
  const auto drop = sql.find("DROP TABLE runs;");
  const auto rename = sql.find("ALTER TABLE runs_new RENAME TO runs");
  BOOST_REQUIRE(create != std::string::npos);
  BOOST_REQUIRE(copy != std::string::npos);
  BOOST_REQUIRE(drop != std::string::npos);
  BOOST_REQUIRE(rename != std::string::npos);
  BOOST_TEST((create < copy && copy < drop && drop < rename));
  BOOST_TEST(sql.find("RENAME TO runs_old") == std::string::npos);
  BOOST_TEST(sql.find("'thermal_cycle'") != std::string::npos);
  BOOST_TEST(std::string(ob::db::to_string(ob::db::RunKind::thermal_cycle)) == "thermal_cycle");
}

// (a) A v2 file with every kind of row migrates to v3 in place and keeps all of them.
BOOST_AUTO_TEST_CASE(a_version_2_file_migrates_to_3_keeping_every_row) {
  TempDb file;
  write_v2_file(file.path);
  const Snapshot before = snapshot_v2(file.path);
  BOOST_REQUIRE(before.counts.at("samples") == 10);
  BOOST_REQUIRE(before.counts.at("events") == 3);
  BOOST_REQUIRE(before.counts.at("measurements") == 3);
  BOOST_REQUIRE(before.counts.at("checkpoints") == 3);
  BOOST_REQUIRE(before.sample_view_rows.size() > 0u);

  const Connection db = Connection::open_for_writing(file.path);
  BOOST_TEST(db.schema_version() == ob::db::kSchemaVersion);
  for (const std::string& table : kCountedTables) {
    BOOST_TEST_CONTEXT("table " << table) { BOOST_TEST(count_rows(db, table) == before.counts.at(table)); }
  }
  // Same runs (ids included), and every sample still joins to its run, channel and campaign.
  BOOST_TEST(dump(db, "SELECT * FROM runs ORDER BY id") == before.runs_rows);
  BOOST_TEST(count_rows(db, "sample_view") == before.counts.at("samples"));
  BOOST_TEST(dump(db, kSampleViewDump) == before.sample_view_rows);
  BOOST_TEST(schema_sql(db, "sample_view") + "\n" == before.sample_view_sql);

  // Foreign keys were on for this connection before migrate(), so they are on again.
  BOOST_TEST(text_pragma(db, "foreign_keys") == "1");
  BOOST_TEST(foreign_key_violations(db) == 0);
  BOOST_TEST(text_pragma(db, "integrity_check") == "ok");

  // The rebuilt table: new CHECK, same foreign keys, indexes back; nothing refers to runs_new.
  const std::string runs_sql = schema_sql(db, "runs");
  BOOST_TEST(runs_sql.find("'thermal_cycle'") != std::string::npos);
  BOOST_TEST(runs_sql.find("REFERENCES campaigns (id) ON DELETE CASCADE") != std::string::npos);
  BOOST_TEST(runs_sql.find("REFERENCES profiles (id)") != std::string::npos);
  BOOST_TEST(ob::test::sqlite_scalar(file.path, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%runs_new%' "
                                                "OR name = 'runs_new' OR tbl_name = 'runs_new'") == 0.0);
  BOOST_TEST(ob::test::sqlite_scalar(file.path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' "
                                                "AND tbl_name = 'runs' AND name IN ('runs_by_campaign', "
                                                "'runs_by_profile')") == 2.0);
  for (const std::string child : {"samples", "events", "measurements", "checkpoints"}) {
    BOOST_TEST_CONTEXT("child " << child) {
      BOOST_TEST(ob::test::sqlite_scalar(file.path, "SELECT count(*) FROM pragma_foreign_key_list('" + child +
                                                        "') WHERE \"table\" = 'runs' AND on_delete = 'CASCADE'") ==
                 1.0);
    }
  }
  BOOST_TEST(schema_objects(db, "view") == std::set<std::string>{"sample_view"}, boost::test_tools::per_element());
}

// The step puts back whatever the connection had: off stays off.
BOOST_AUTO_TEST_CASE(migrate_leaves_foreign_keys_off_when_they_were_off) {
  TempDb file;
  write_v2_file(file.path);
  const Connection db = Connection::open_for_writing(file.path);
  // Steps 3 to 5 again (step 5 adds a column: take it away first).
  db.exec("PRAGMA foreign_keys = OFF; ALTER TABLE campaigns DROP COLUMN end_cause; PRAGMA user_version = 2");
  ob::db::migrate(db);
  BOOST_TEST(db.schema_version() == ob::db::kSchemaVersion);
  BOOST_TEST(text_pragma(db, "foreign_keys") == "0");
  BOOST_TEST(count_rows(db, "samples") == 10);
}

// Inside a caller's transaction the pragma cannot take effect; the rebuild must refuse rather
// than cascade-delete every child row of runs.
BOOST_AUTO_TEST_CASE(migrate_refuses_to_rebuild_inside_an_open_transaction) {
  TempDb file;
  write_v2_file(file.path);
  const Connection db = Connection::open_for_writing(file.path);
  db.exec("BEGIN; PRAGMA user_version = 2");
  BOOST_CHECK_EXCEPTION(ob::db::migrate(db), DbError,
                        [&](const DbError& error) { return message_has(error, "foreign keys off"); });
  db.exec("ROLLBACK");
  BOOST_TEST(db.schema_version() == ob::db::kSchemaVersion);
  BOOST_TEST(count_rows(db, "samples") == 10);
  BOOST_TEST(count_rows(db, "checkpoints") == 3);
  BOOST_TEST(text_pragma(db, "foreign_keys") == "1");
}

// A file whose foreign keys are already broken (written by hand with them off) is not rebuilt:
// the step rolls back and the file stays a whole v2 file.
BOOST_AUTO_TEST_CASE(a_failed_foreign_key_check_rolls_the_rebuild_back) {
  TempDb file;
  write_v2_file(file.path, "PRAGMA foreign_keys = OFF; INSERT INTO samples VALUES (99, 1, 0, 0, 1.0)");
  const Snapshot before = snapshot_v2(file.path);
  BOOST_CHECK_EXCEPTION(Connection::open_for_writing(file.path), DbError, [&](const DbError& error) {
    return message_has(error, file.path.string()) && message_has(error, "schema version 3") &&
           message_has(error, "foreign_key_check") && message_has(error, "samples");
  });
  BOOST_TEST(ob::test::sqlite_scalar(file.path, "PRAGMA user_version") == 2.0);
  const Snapshot after = snapshot_v2(file.path);
  BOOST_TEST((after.counts == before.counts));
  BOOST_TEST(after.runs_rows == before.runs_rows);
  BOOST_TEST(after.sample_view_sql == before.sample_view_sql);
  BOOST_TEST(ob::test::sqlite_scalar(file.path, "SELECT count(*) FROM sqlite_schema WHERE name = 'runs_new' "
                                                "OR sql LIKE '%thermal_cycle%'") == 0.0);
}

// (b) At v3 a run may be a thermal cycle; unknown kinds are still refused.
BOOST_AUTO_TEST_CASE(thermal_cycle_runs_are_accepted_and_bogus_kinds_refused_at_version_3) {
  TempDb file;
  write_v2_file(file.path);
  const Connection db = Connection::open_for_writing(file.path);
  BOOST_CHECK_NO_THROW(db.exec("INSERT INTO runs (campaign_id, kind, ordinal, label, started_unix_s) "
                               "VALUES (2, 'thermal_cycle', 1, 'cycle 1/8', 10100)"));
  BOOST_CHECK_EXCEPTION(db.exec("INSERT INTO runs (campaign_id, kind, ordinal, started_unix_s) "
                                "VALUES (2, 'bogus', 2, 10200)"),
                        DbError, [&](const DbError& error) { return message_has(error, "CHECK constraint failed"); });
  BOOST_CHECK_THROW(db.exec("INSERT INTO runs (campaign_id, kind, ordinal, started_unix_s) "
                            "VALUES (42, 'thermal_cycle', 0, 0)"),  // foreign key, still enforced
                    DbError);
  BOOST_TEST(count_rows(db, "runs") == 5);

  // The recorder writes the kind by name.
  TempDb fresh;
  {
    ob::db::Recorder recorder(fresh.path);
    const auto campaign = recorder.add_campaign({.name = "tvac", .station = "bench-a", .config_yaml = "",
                                                 .started_unix_s = 1, .files = {}});
    ob::db::RunRow run;
    run.campaign_id = campaign;
    run.kind = ob::db::RunKind::thermal_cycle;
    run.label = "cycle 1/8";
    recorder.add_run(run);
    recorder.flush();
  }
  BOOST_TEST(ob::test::sqlite_scalar(fresh.path, "SELECT count(*) FROM runs WHERE kind = 'thermal_cycle'") == 1.0);
}

// (c) The foreign keys survived the rebuild: deleting a campaign still takes its runs and
// everything under them, and leaves the other campaign alone.
BOOST_AUTO_TEST_CASE(deleting_a_campaign_after_migration_cascades_through_runs) {
  TempDb file;
  write_v2_file(file.path);
  const Connection db = Connection::open_for_writing(file.path);
  db.exec("DELETE FROM campaigns WHERE id = 1");
  BOOST_TEST(count_rows(db, "runs WHERE campaign_id = 1") == 0);
  BOOST_TEST(count_rows(db, "samples WHERE run_id IN (1, 2, 3)") == 0);
  BOOST_TEST(count_rows(db, "events WHERE campaign_id = 1 OR run_id IN (1, 2, 3)") == 0);
  BOOST_TEST(count_rows(db, "measurements WHERE run_id IN (1, 2, 3)") == 0);
  BOOST_TEST(count_rows(db, "checkpoints WHERE campaign_id = 1 OR run_id IN (1, 2, 3)") == 0);
  // Campaign 2 is untouched.
  BOOST_TEST(count_rows(db, "runs") == 1);
  BOOST_TEST(count_rows(db, "samples") == 2);
  BOOST_TEST(count_rows(db, "events") == 1);
  BOOST_TEST(count_rows(db, "measurements") == 1);
  BOOST_TEST(count_rows(db, "checkpoints") == 1);
  BOOST_TEST(count_rows(db, "sample_view") == 2);
  // Deleting a run alone cascades too (runs is the parent the rebuild recreated).
  db.exec("DELETE FROM runs WHERE id = 7");
  BOOST_TEST(count_rows(db, "samples") == 0);
  BOOST_TEST(count_rows(db, "measurements") == 0);
  BOOST_TEST(count_rows(db, "checkpoints WHERE run_id IS NOT NULL") == 0);
  BOOST_TEST(foreign_key_violations(db) == 0);
}
