#pragma once
// One libpq connection to a lab's central PostgreSQL (issue 20): RAII, errors that name the
// server (never its password), typed results, and COPY … FROM STDIN streamed in chunks.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"
#include "db/transaction.hpp"

struct pg_conn;
struct pg_result;

namespace ob::db::pg {

// A PostgreSQL failure: DbError (so every command reports it the same way) with the server's
// SQLSTATE ("40001", "42P01", …; empty when the failure was the connection's).
struct PgError : DbError {
  PgError(const std::string& what, std::string sqlstate) : DbError(what), sqlstate(std::move(sqlstate)) {}
  std::string sqlstate;
};

// Why a statement failed, in the server's words (its message, detail and hint), or the
// connection's when there is no result.
std::string error_text(pg_result* result, pg_conn* conn);

// Whether `text` names a PostgreSQL server (postgresql:// or postgres://) rather than a file.
bool is_postgres_url(std::string_view text);
// The URL as it may be printed: user, host, port and database, the password replaced by ***.
std::string printable_url(std::string_view url);

class PgResult {
 public:
  explicit PgResult(pg_result* result) : result_(result) {}
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult();

  int rows() const;
  int columns() const;
  std::string column_name(int column) const;
  unsigned column_type(int column) const;  // the type's OID (20 int8, 701 float8, 25 text, …)
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  std::optional<std::int64_t> optional_int64(int row, int column) const;
  double real(int row, int column) const;

 private:
  pg_result* result_ = nullptr;
};

// Parameters travel as text (NULL as nullopt); the server infers or casts their types.
using PgParams = std::vector<std::optional<std::string>>;

class PgConnection {
 public:
  // Connects and sets the session up: search_path to the orbitbench schema, UTC, an
  // application_name. Throws PgError naming the server.
  static PgConnection open(const std::string& url);
  PgConnection(PgConnection&& other) noexcept;
  PgConnection& operator=(PgConnection&& other) noexcept;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  const std::string& where() const { return where_; }
  // Statements without parameters (several may be separated by semicolons).
  void exec(const std::string& sql) const;
  // One statement, its $1, $2, … bound as text.
  PgResult query(const std::string& sql, const PgParams& params = {}) const;
  // As query, with bytea parameters sent as binary (raw bytes) where `binary[i]` is set.
  PgResult query_binary(const std::string& sql, const PgParams& params, const std::vector<bool>& binary) const;

  // Runs `body` inside `begin` … COMMIT; rolls back and rethrows if it throws.
  template <class Body>
  void in_transaction(Body&& body, const char* begin = "BEGIN") const {
    run_in_transaction(*this, begin, std::forward<Body>(body));
  }

  pg_conn* handle() const { return conn_; }

 private:
  PgConnection(pg_conn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}
  pg_conn* conn_ = nullptr;
  std::string where_;
};

// COPY table (columns) FROM STDIN in PostgreSQL's text format, sent in chunks of about 1 MiB:
// begin, add fields row by row, finish. A CopyIn abandoned by an exception ends the COPY with an
// error, so the transaction fails rather than keeping half a table.
class CopyIn {
 public:
  CopyIn(const PgConnection& db, const std::string& copy_sql);
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;
  ~CopyIn();

  CopyIn& field(std::int64_t value);
  CopyIn& field(double value);  // shortest text that reads back to the same double
  CopyIn& field(std::string_view text);
  CopyIn& field_bytes(std::string_view bytes);  // a bytea, as \x hex
  CopyIn& null();
  template <class T>
  CopyIn& field(const std::optional<T>& value) {
    if (!value) return null();
    return field(*value);
  }
  void end_row();
  // Sends what is left and ends the COPY; returns the rows the server took.
  std::int64_t finish();
  std::int64_t rows() const { return rows_; }

 private:
  static constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
  void separator();
  void send(bool final);

  const PgConnection& db_;
  std::string buffer_;
  bool row_open_ = false;
  bool finished_ = false;
  std::int64_t rows_ = 0;
};

}  // namespace ob::db::pg
