#include "db/read_only_sql.hpp"

#include <sqlite3.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>
#include <string_view>

namespace ob::db {
namespace {

// PRAGMAs that only report. These take a table or index as their argument, or none:
constexpr std::array<std::string_view, 10> kInspectingPragmas = {
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check"};
// These read a setting when asked without a value (and would set it with one):
constexpr std::array<std::string_view, 12> kSettingPragmas = {
    "user_version", "application_id", "schema_version", "page_count", "page_size", "freelist_count",
    "compile_options", "collation_list", "function_list", "pragma_list", "database_list", "encoding"};

struct Guard {
  std::string refused;  // what the authorizer refused last, for the message
};

const char* action_name(int action) {
  switch (action) {
    case SQLITE_INSERT: return "INSERT";
    case SQLITE_UPDATE: return "UPDATE";
    case SQLITE_DELETE: return "DELETE";
    case SQLITE_ATTACH: return "ATTACH";
    case SQLITE_DETACH: return "DETACH";
    case SQLITE_TRANSACTION: return "a transaction";
    case SQLITE_SAVEPOINT: return "a savepoint";
    case SQLITE_ALTER_TABLE: return "ALTER TABLE";
    case SQLITE_REINDEX: return "REINDEX";
    case SQLITE_ANALYZE: return "ANALYZE";
    case SQLITE_CREATE_VTABLE: return "CREATE VIRTUAL TABLE";
    case SQLITE_DROP_VTABLE: return "DROP VIRTUAL TABLE";
    default: break;
  }
  if (action >= SQLITE_CREATE_INDEX && action <= SQLITE_DROP_VIEW) return "CREATE or DROP";
  return "a change";
}

int authorize(void* user, int action, const char* arg1, const char* arg2, const char*, const char*) {
  auto* guard = static_cast<Guard*>(user);
  switch (action) {
    case SQLITE_FUNCTION:
      // fts3_tokenizer('simple') answers a pointer into libsqlite3 (an address-space leak), and
      // its two-argument form installs one: refused in any form.
      if (arg2 != nullptr && std::string_view(arg2) == "fts3_tokenizer") {
        if (guard->refused.empty()) guard->refused = "the function fts3_tokenizer()";
        return SQLITE_DENY;
      }
      return SQLITE_OK;
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_UPDATE:
      // A table-valued PRAGMA (SELECT … FROM pragma_table_info('runs')) registers its virtual
      // table in the connection's schema the first time, which asks for this; a user's own
      // UPDATE of the schema table is still refused (sqlite3_stmt_readonly, query_only).
      if (arg1 && (std::string_view(arg1) == "sqlite_master" || std::string_view(arg1) == "sqlite_temp_master")) return SQLITE_OK;
      if (!guard->refused.empty()) return SQLITE_DENY;
      guard->refused = std::string("UPDATE on ") + (arg1 ? arg1 : "?");
      return SQLITE_DENY;
    case SQLITE_PRAGMA: {
      const std::string_view name = arg1 ? arg1 : "";
      for (auto allowed : kInspectingPragmas) {
        if (name == allowed) return SQLITE_OK;
      }
      for (auto allowed : kSettingPragmas) {
        if (name == allowed && arg2 == nullptr) return SQLITE_OK;
      }
      if (!guard->refused.empty()) return SQLITE_DENY;  // the first refusal is the one to report
      guard->refused = "PRAGMA " + std::string(name) + (arg2 ? " = " + std::string(arg2) : std::string()) +
                       " (only reading PRAGMAs such as table_info are allowed)";
      return SQLITE_DENY;
    }
    default:
      if (!guard->refused.empty()) return SQLITE_DENY;
      guard->refused = std::string(action_name(action)) + (arg1 ? std::string(" on ") + arg1 : std::string());
      return SQLITE_DENY;
  }
}

using StatementPtr = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

// "statement 2 (DELETE FROM samples…)"
std::string describe(int number, std::string_view text) {
  while (!text.empty() && (text.back() == ';' || std::isspace(static_cast<unsigned char>(text.back())))) text.remove_suffix(1);
  std::string shown(text.substr(0, 60));
  for (auto& c : shown) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return "statement " + std::to_string(number) + " (" + shown + (text.size() > 60 ? "…" : "") + ")";
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// What a query has taken so far: the progress handler's deadline and the result's size.
struct Budget {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  double timeout_s = 0;
  std::size_t max_bytes = std::numeric_limits<std::size_t>::max();
  std::size_t bytes = 0;
  bool timed_out = false;
};

constexpr int kProgressOpcodes = 10000;  // the handler runs every this many VM steps

int check_deadline(void* user) {
  auto* budget = static_cast<Budget*>(user);
  if (std::chrono::steady_clock::now() < budget->deadline) return 0;
  budget->timed_out = true;
  return 1;  // interrupts the statement (SQLITE_INTERRUPT)
}

// Steps `statement` to its end, handing each row to `sink`; the budget's deadline interrupts it.
void stream_rows(sqlite3* handle, sqlite3_stmt* statement, const std::string& where, Budget* budget, RowSink& sink,
                 std::size_t index, std::size_t count) {
  const int columns = sqlite3_column_count(statement);
  std::vector<std::string> names;
  for (int i = 0; i < columns; ++i) names.emplace_back(sqlite3_column_name(statement, i));
  sink.begin_result(index, count, names, where);
  std::vector<std::optional<std::string>> values(static_cast<std::size_t>(columns));
  std::vector<bool> numeric(static_cast<std::size_t>(columns));
  for (;;) {
    const int status = sqlite3_step(statement);
    if (status == SQLITE_DONE) break;
    if (budget != nullptr && budget->timed_out) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%g", budget->timeout_s);
      throw DbError(where + ": stopped after " + seconds + " s (--timeout); narrow the query or give it longer",
                    SQLITE_INTERRUPT);
    }
    if (status != SQLITE_ROW) throw DbError(where + ": " + sqlite3_errmsg(handle), status);
    for (int i = 0; i < columns; ++i) {
      const auto at = static_cast<std::size_t>(i);
      const int type = sqlite3_column_type(statement, i);
      numeric[at] = type == SQLITE_INTEGER || type == SQLITE_FLOAT;
      if (type == SQLITE_NULL) {
        values[at].reset();
      } else if (type == SQLITE_BLOB) {
        values[at] = "<blob " + std::to_string(sqlite3_column_bytes(statement, i)) + " bytes>";
      } else {
        const auto* text = sqlite3_column_text(statement, i);
        values[at].emplace(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(statement, i)));
      }
    }
    sink.row(values, numeric);
  }
  sink.end_result();
}

// Rows gathered into ResultSets, within the budget's byte cap.
class Collector : public RowSink {
 public:
  Collector(std::string where, Budget* budget) : where_(std::move(where)), budget_(budget) {}
  void begin_result(std::size_t, std::size_t, const std::vector<std::string>& columns, const std::string& where) override {
    where_ = where;
    auto& result = results_.emplace_back();
    result.columns = columns;
    result.numeric.assign(columns.size(), true);
  }
  void row(const std::vector<std::optional<std::string>>& values, const std::vector<bool>& numeric) override {
    auto& result = results_.back();
    if (budget_ != nullptr) {
      for (const auto& value : values) budget_->bytes += (value ? value->size() : 0) + 16;
      if (budget_->bytes > budget_->max_bytes) {
        throw DbError(where_ + ": the result passed " + std::to_string(budget_->max_bytes >> 20) + " MiB after " +
                          std::to_string(result.rows.size()) +
                          " rows; select fewer rows or columns (LIMIT, WHERE, an aggregate), or stream them: "
                          "orbitbench query sql",
                      SQLITE_TOOBIG);
      }
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i] && !numeric[i]) result.numeric[i] = false;
    }
    result.rows.push_back(values);
  }
  void end_result() override {}
  std::vector<ResultSet> take() { return std::move(results_); }

 private:
  std::string where_;
  Budget* budget_;
  std::vector<ResultSet> results_;
};

ResultSet collect(sqlite3* handle, sqlite3_stmt* statement, const std::string& where) {
  Collector collector(where, nullptr);
  stream_rows(handle, statement, where, nullptr, collector, 0, 1);
  return std::move(collector.take().front());
}

}  // namespace

void stream_read_only_sql(const Connection& db, const std::string& sql, const SqlLimits& limits, RowSink& sink) {
  sqlite3* handle = db.handle();
  const std::string where = db.path().string();
  db.exec("PRAGMA query_only = ON");
  sqlite3_db_config(handle, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, nullptr);
  Guard guard;
  sqlite3_set_authorizer(handle, authorize, &guard);
  Budget budget;
  budget.timeout_s = limits.timeout_s;
  struct Unset {
    sqlite3* handle;
    ~Unset() {
      sqlite3_set_authorizer(handle, nullptr, nullptr);
      sqlite3_progress_handler(handle, 0, nullptr, nullptr);
    }
  } unset{handle};

  // Every statement prepared and checked before any runs.
  std::vector<std::pair<StatementPtr, std::string>> statements;
  const char* rest = sql.c_str();
  int number = 0;
  while (!trim(rest).empty()) {
    ++number;
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    guard.refused.clear();
    const int status = sqlite3_prepare_v2(handle, rest, -1, &raw, &tail);
    StatementPtr statement(raw, sqlite3_finalize);
    const std::string text(trim(std::string_view(rest, static_cast<std::size_t>(tail - rest))));
    const std::string label = describe(number, text);
    if (status != SQLITE_OK) {
      if (!guard.refused.empty()) throw DbError(where + ": " + label + ": refused, read-only: " + guard.refused, SQLITE_AUTH);
      throw DbError(where + ": " + label + ": " + sqlite3_errmsg(handle), status);
    }
    rest = tail;
    if (!statement) continue;  // only a comment or a lone ';'
    if (!sqlite3_stmt_readonly(statement.get())) {
      throw DbError(where + ": " + label + ": refused, read-only: it would write", SQLITE_READONLY);
    }
    statements.emplace_back(std::move(statement), label);
  }
  if (statements.empty()) throw DbError(where + ": no SQL statement given", SQLITE_MISUSE);
  budget.deadline = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(limits.timeout_s));
  sqlite3_progress_handler(handle, kProgressOpcodes, check_deadline, &budget);
  for (std::size_t i = 0; i < statements.size(); ++i) {
    auto& [statement, label] = statements[i];
    stream_rows(handle, statement.get(), where + ": " + label, &budget, sink, i, statements.size());
  }
}

std::vector<ResultSet> run_read_only_sql(const Connection& db, const std::string& sql, const SqlLimits& limits) {
  Budget budget;
  budget.max_bytes = limits.max_result_bytes;
  Collector collector(db.path().string(), &budget);
  stream_read_only_sql(db, sql, limits, collector);
  return collector.take();
}


ResultSet run_query(const Connection& db, const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    throw DbError(db.path().string() + ": " + sqlite3_errmsg(db.handle()));
  }
  StatementPtr statement(raw, sqlite3_finalize);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (params[i]) {
      sqlite3_bind_text(raw, index, params[i]->c_str(), static_cast<int>(params[i]->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(raw, index);
    }
  }
  return collect(db.handle(), raw, db.path().string());
}

}  // namespace ob::db
