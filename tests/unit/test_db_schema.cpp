// Schema v1, migrations and how connections open (or refuse to open) files.
#include <sqlite3.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "../support/temp_db.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
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
  BOOST_TEST(db.schema_version() == 2);
  BOOST_TEST(ob::db::kSchemaVersion == 2);
  const std::set<std::string> expected{"campaigns", "devices",      "profiles",    "runs",
                                       "channels",  "samples",      "events",      "measurements",
                                       "checkpoints", "campaign_files"};
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
  BOOST_TEST(db.schema_version() == 2);
  BOOST_TEST(schema_objects(db, "table").count("campaign_files") == 1u);
  Statement query(db, "SELECT name FROM campaigns");
  BOOST_REQUIRE(query.step());
  BOOST_TEST(query.column_text(0) == "old");
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
