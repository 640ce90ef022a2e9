#pragma once
// Arbitrary SQL from a user (`orbitbench query --db FILE sql "…"`), on a connection that cannot
// write: the file opened read-only, PRAGMA query_only on, and an authorizer that refuses every
// action but reading — whatever the statement, and however many statements the text holds. Every
// statement is prepared and checked before the first one runs, so a refused statement anywhere
// means nothing ran.
#include <cstddef>
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

// Bounds on a user's query (issue 18): it is interrupted after `timeout_s` (a progress handler),
// and a result larger than `max_result_bytes` in memory is refused with a clear error instead of
// aborting the process when the allocator gives up.
struct SqlLimits {
  double timeout_s = 60;
  std::size_t max_result_bytes = std::size_t{256} << 20;
};

// Throws DbError naming the statement (its number and text) and why: a syntax error, a write,
// a refused action (ATTACH, a PRAGMA that sets something, fts3_tokenizer(), …), the timeout, or
// a result too large.
std::vector<ResultSet> run_read_only_sql(const Connection& db, const std::string& sql, const SqlLimits& limits = {});

// Rows as they come (`orbitbench query sql`, issue 18 item 9): nothing is held but the row at
// hand, so a SELECT of any size streams. Statements are announced in order, `count` in all.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // `where`: the file and statement ("results.db: statement 2 (SELECT …)"), for messages.
  virtual void begin_result(std::size_t index, std::size_t count, const std::vector<std::string>& columns,
                            const std::string& where) = 0;
  // `numeric[i]`: the value is an INTEGER or a REAL (as SQLite renders it); NULL is nullopt.
  virtual void row(const std::vector<std::optional<std::string>>& values, const std::vector<bool>& numeric) = 0;
  virtual void end_result() = 0;
};

// As run_read_only_sql, every statement checked before any runs, but streamed into `sink`
// (limits.max_result_bytes does not apply: nothing accumulates).
void stream_read_only_sql(const Connection& db, const std::string& sql, const SqlLimits& limits, RowSink& sink);

// One statement of our own (the canned analyses), its ?1, ?2, … bound as text or NULL.
ResultSet run_query(const Connection& db, const std::string& sql, const std::vector<std::optional<std::string>>& params);

}  // namespace ob::db
