#pragma once
// RAII owner of one prepared sqlite3_stmt, with typed bind/column helpers that throw DbError
// naming the database file. Used by the recorder (cached statements) and by readers.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "db/database.hpp"

struct sqlite3_stmt;

namespace ob::db {

class Statement {
 public:
  Statement() = default;
  // persistent: a hint to SQLite that the statement is cached for the connection's lifetime.
  Statement(const Connection& db, std::string_view sql, bool persistent = false);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite. Text and blobs are copied by SQLite.
  void bind(int index, std::int64_t value);
  void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, double value);
  void bind(int index, std::string_view text);
  void bind(int index, const char* text) { bind(index, std::string_view(text)); }
  void bind(int index, const std::string& text) { bind(index, std::string_view(text)); }
  void bind_blob(int index, std::string_view bytes);
  void bind_null(int index);
  template <class T>
  void bind(int index, const std::optional<T>& value) {
    if (!value) {
      bind_null(index);
      return;
    }
    bind(index, *value);
  }

  // Binds the values to ?1, ?2, … in order.
  template <class... Values>
  void bind_all(const Values&... values) {
    int index = 0;
    (bind(++index, values), ...);
  }

  // true: a row is available; false: done. Throws DbError (with the SQLite code) on failure.
  bool step();
  // Steps a statement that returns no rows.
  void run();
  // Rewinds and clears bindings so the statement can be reused.
  void reset() noexcept;

  // Columns are 0-based, as in SQLite.
  bool is_null(int column) const;
  std::int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::optional<double> column_optional_double(int column) const;
  std::optional<std::int64_t> column_optional_int64(int column) const;
  std::string column_text(int column) const;
  std::string column_blob(int column) const;

  sqlite3_stmt* handle() const { return stmt_; }

  // Resets the statement when it goes out of scope, also when a step threw: a statement left
  // mid-step would keep its transaction busy.
  class [[nodiscard]] Use {
   public:
    explicit Use(Statement& statement) : statement_(statement) {}
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    ~Use() { statement_.reset(); }

   private:
    Statement& statement_;
  };
  Use use() { return Use(*this); }

 private:
  [[noreturn]] void fail(const char* what) const;

  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

}  // namespace ob::db
