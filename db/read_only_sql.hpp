#pragma once
// Arbitrary SQL from a user (`orbitbench query --db FILE sql "…"`), on a connection that cannot
// write: the file opened read-only, PRAGMA query_only on, and an authorizer that refuses every
// action but reading — whatever the statement, and however many statements the text holds. Every
// statement is prepared and checked before the first one runs, so a refused statement anywhere
// means nothing ran.
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace ob::db {

struct ResultSet {
  std::vector<std::string> columns;
  // NULL as nullopt; numbers as SQLite renders them, with `numeric` telling which columns hold
  // numbers in every non-NULL row (for alignment and JSON).
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::vector<bool> numeric;
};

// Throws DbError naming the statement (its number and text) and why: a syntax error, a write,
// a refused action (ATTACH, a PRAGMA that sets something, …).
std::vector<ResultSet> run_read_only_sql(const Connection& db, const std::string& sql);

// One statement of our own (the canned analyses), its ?1, ?2, … bound as text or NULL.
ResultSet run_query(const Connection& db, const std::string& sql, const std::vector<std::optional<std::string>>& params);

}  // namespace ob::db
