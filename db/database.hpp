#pragma once
// Opening results databases. Writers: only the Recorder. Everyone else opens read-only.
#include <filesystem>
#include <stdexcept>
#include <string>

struct sqlite3;

namespace ob::db {

inline constexpr int kSchemaVersion = 5;
// PRAGMA application_id of every orbitbench results database ("OBDB"): tells our files apart
// from other SQLite files, so a reader never mistakes someone else's database for an empty one.
inline constexpr int kApplicationId = 0x4F424442;

struct DbError : std::runtime_error {
  using std::runtime_error::runtime_error;
  DbError(const std::string& what, int code) : std::runtime_error(what), sqlite_code(code) {}
  // SQLite's extended result code when SQLite reported the error (e.g. SQLITE_READONLY), else 0.
  int sqlite_code = 0;
};

// RAII owner of one sqlite3 connection.
class Connection {
 public:
  // Read-only: fails with DbError if the file does not exist or has a newer schema than this build.
  static Connection open_read_only(const std::filesystem::path& path);
  // Read-write: creates the file, enables WAL, runs forward migrations to kSchemaVersion. Use it
  // from one thread at a time (it is opened without SQLite's connection mutex).
  static Connection open_for_writing(const std::filesystem::path& path);
  // A private in-memory database at this build's schema, named `name` in messages (the
  // analyses of results fetched from a lab's server, db/postgres/pg_mirror.hpp).
  static Connection open_in_memory(const std::string& name);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  ~Connection();

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }
  int schema_version() const;
  // Runs SQL without results; throws DbError with the path and SQLite's message.
  void exec(const std::string& sql) const;
  // Runs `body` inside BEGIN IMMEDIATE … COMMIT; rolls back and rethrows if it throws.
  template <class Body>
  void in_transaction(Body&& body) const;

 private:
  Connection(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

}  // namespace ob::db

#include "db/transaction.hpp"

template <class Body>
void ob::db::Connection::in_transaction(Body&& body) const {
  run_in_transaction(*this, "BEGIN IMMEDIATE", std::forward<Body>(body));
}
