#pragma once
// Forward-only schema migrations. migrations()[v] takes a database from user_version v to v+1;
// each step runs in its own transaction together with the user_version bump, so a crash leaves
// the file at a consistent version.
//
// A step that rebuilds a table (SQLite cannot change a CHECK constraint in place) follows the
// procedure of https://www.sqlite.org/lang_altertable.html#otheralter: create X_new, copy, drop
// X, rename X_new to X. It runs with foreign keys off — otherwise dropping X would cascade
// (ON DELETE CASCADE) and delete every child row — and must leave PRAGMA foreign_key_check
// empty, else the step is rolled back.
#include <span>

#include "db/database.hpp"

namespace ob::db {

struct Migration {
  int to_version;
  const char* sql;
  // The step drops and recreates tables that others reference: apply it with foreign keys off
  // (set before BEGIN, since the pragma is a no-op inside a transaction; the connection's own
  // setting is restored afterwards) and check the foreign keys before committing.
  bool rebuilds_tables = false;
};

std::span<const Migration> migrations();

// Applies every step between the file's user_version and kSchemaVersion.
void migrate(const Connection& db);

}  // namespace ob::db
