#include "db/postgres/pg_sql.hpp"

#include <libpq-fe.h>

#include <cmath>
#include <optional>

#include "db/postgres/pg_schema.hpp"

namespace ob::db::pg {
namespace {

bool numeric_type(unsigned oid) {
  switch (oid) {
    case 20:    // int8
    case 21:    // int2
    case 23:    // int4
    case 26:    // oid
    case 700:   // float4
    case 701:   // float8
    case 1700:  // numeric
      return true;
    default: return false;
  }
}

std::string statement_head(const std::string& sql) {
  std::string head = sql.substr(0, 80);
  for (char& c : head) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return head + (sql.size() > 80 ? "…" : "");
}

// The error of a failed result, in words for the person who wrote the query.
DbError refusal(const PgConnection& server, PGresult* result, const std::string& where, const SqlLimits& limits) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state ? state : "";
  std::string why = error_text(result, server.handle());
  if (code == "57014") why = "interrupted after " + std::to_string(static_cast<long>(std::lround(limits.timeout_s))) + " s (--timeout)";
  if (code == "42601" && why.find("multiple commands") != std::string::npos) {
    why = "one statement at a time on PostgreSQL (run each on its own)";
  }
  if (code == "25006") why += " (queries only read)";
  return PgError(where + ": " + why, code);
}

}  // namespace

void stream_read_only_sql(const PgConnection& server, const std::string& sql, const SqlLimits& limits, RowSink& sink) {
  require_current_schema(server);
  const std::string where = server.where() + ": statement 1 (" + statement_head(sql) + ")";
  server.exec("BEGIN READ ONLY");
  struct Rollback {
    const PgConnection& server;
    ~Rollback() {
      while (PGresult* left = PQgetResult(server.handle())) PQclear(left);
      try {
        server.exec("ROLLBACK");
      } catch (const DbError&) {
      }
    }
  } rollback{server};
  const long timeout_ms = std::lround(limits.timeout_s * 1000);
  server.exec("SET LOCAL statement_timeout = " + std::to_string(std::max(1L, timeout_ms)));
  const auto reader = server.query("SELECT CASE WHEN to_regrole('orbitbench_reader') IS NULL THEN false "
                                   "ELSE pg_has_role('orbitbench_reader', 'MEMBER') END");
  if (reader.text(0, 0) == "t") server.exec("SET LOCAL ROLE orbitbench_reader");

  {
    PGresult* prepared = PQprepare(server.handle(), "", sql.c_str(), 0, nullptr);
    const bool ok = prepared && PQresultStatus(prepared) == PGRES_COMMAND_OK;
    if (!ok) {
      const auto error = refusal(server, prepared, where, limits);
      PQclear(prepared);
      throw error;
    }
    PQclear(prepared);
  }
  if (PQsendQueryPrepared(server.handle(), "", 0, nullptr, nullptr, nullptr, 0) != 1 ||
      PQsetSingleRowMode(server.handle()) != 1) {
    throw refusal(server, nullptr, where, limits);
  }
  bool begun = false;
  std::vector<bool> numeric;
  std::vector<std::optional<std::string>> values;
  std::optional<DbError> failure;
  while (PGresult* result = PQgetResult(server.handle())) {
    const auto status = PQresultStatus(result);
    if (status != PGRES_SINGLE_TUPLE && status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      if (!failure) failure = refusal(server, result, where, limits);
      PQclear(result);
      continue;
    }
    if (failure) {
      PQclear(result);
      continue;
    }
    try {
      if (!begun && status != PGRES_COMMAND_OK) {
        std::vector<std::string> columns;
        for (int i = 0; i < PQnfields(result); ++i) {
          columns.emplace_back(PQfname(result, i));
          numeric.push_back(numeric_type(PQftype(result, i)));
        }
        sink.begin_result(0, 1, columns, where);
        begun = true;
      }
      for (int row = 0; row < PQntuples(result); ++row) {
        values.clear();
        for (int i = 0; i < PQnfields(result); ++i) {
          if (PQgetisnull(result, row, i)) {
            values.emplace_back(std::nullopt);
          } else {
            values.emplace_back(std::string(PQgetvalue(result, row, i), static_cast<std::size_t>(PQgetlength(result, row, i))));
          }
        }
        sink.row(values, numeric);
      }
    } catch (...) {
      PQclear(result);
      throw;
    }
    PQclear(result);
  }
  if (failure) throw *failure;
  if (!begun) sink.begin_result(0, 1, {}, where);
  sink.end_result();
}

}  // namespace ob::db::pg
