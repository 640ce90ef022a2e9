#pragma once
// Forward-only schema migrations. migrations()[v] takes a database from user_version v to v+1;
// each step runs in its own transaction together with the user_version bump, so a crash leaves
// the file at a consistent version.
#include <span>

#include "db/database.hpp"

namespace ob::db {

struct Migration {
  int to_version;
  const char* sql;
};

std::span<const Migration> migrations();

// Applies every step between the file's user_version and kSchemaVersion.
void migrate(const Connection& db);

}  // namespace ob::db
