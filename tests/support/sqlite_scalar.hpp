#pragma once
// One number from a results database, read the way users read it: a read-only connection.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>

namespace ob::test {

inline double sqlite_scalar(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* statement = nullptr;
  BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK,
                        sql << ": " << sqlite3_errmsg(db));
  BOOST_REQUIRE_EQUAL(sqlite3_step(statement), SQLITE_ROW);
  const double value = sqlite3_column_double(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

// For polling a database another process is creating: `fallback` while it cannot be read yet
// (no file, no schema yet, locked while being made), never a test failure.
inline double sqlite_scalar_or(const std::filesystem::path& path, const std::string& sql, double fallback) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return fallback;
  }
  sqlite3_stmt* statement = nullptr;
  double value = fallback;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
    value = sqlite3_column_double(statement, 0);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

}  // namespace ob::test
