#pragma once
// A results database as an older orbitbench wrote it: the migration steps up to `version`, then
// `setup_sql` (rows in that version's tables). For tests of upgrade paths (merge, db upgrade).
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>

#include "db/database.hpp"
#include "db/migrations.hpp"

namespace ob::test {

inline void write_old_schema_db(const std::filesystem::path& path, int version, const std::string& setup_sql) {
  sqlite3* raw = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  for (const auto& step : ob::db::migrations()) {
    if (step.to_version > version) break;
    BOOST_REQUIRE(sqlite3_exec(raw, step.sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  const std::string stamp = "PRAGMA application_id = " + std::to_string(ob::db::kApplicationId) +
                            "; PRAGMA user_version = " + std::to_string(version) + ";";
  BOOST_REQUIRE(sqlite3_exec(raw, (stamp + setup_sql).c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
}

}  // namespace ob::test
