#include "db/database.hpp"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "db/migrations.hpp"
#include "db/sqlite_error.hpp"
#include "db/statement.hpp"

namespace ob::db {
namespace {

// Readers wait this long for a writer's checkpoint or a migration instead of failing at once.
constexpr int kBusyTimeout_ms = 5000;
// A statement's journal (the pages it changed, kept so that a failing statement is undone
// alone) stays in memory up to this size, then spills to a temporary file, which then serves
// the rest of the transaction. With SQLite's 64 KiB the recorder's 32-row sample inserts (a
// leaf page per channel they touch) went to that file: 1 804 bytes written per row recorded
// in `perf fanin` instead of 1 168, for a journal that is thrown away at each statement's end.
constexpr int kStatementJournalSpillBytes = 1024 * 1024;

std::string describe_version(int version) { return "schema version " + std::to_string(version); }

struct FileIdentity {
  int user_version = 0;
  int application_id = 0;
  long user_objects = 0;  // tables, indexes, views, triggers not created by SQLite itself
};

FileIdentity identify(const Connection& db) {
  FileIdentity identity;
  try {
    Statement version(db, "PRAGMA user_version");
    version.step();
    identity.user_version = static_cast<int>(version.column_int64(0));
    Statement application(db, "PRAGMA application_id");
    application.step();
    identity.application_id = static_cast<int>(application.column_int64(0));
    Statement objects(db, "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'");
    objects.step();
    identity.user_objects = static_cast<long>(objects.column_int64(0));
  } catch (const DbError& error) {
    // Typically SQLITE_NOTADB: the first read is where SQLite looks at the file header.
    throw DbError(db.path().string() + ": not a readable results database: " +
                      sqlite3_errstr(error.sqlite_code),
                  error.sqlite_code);
  }
  return identity;
}

[[noreturn]] void throw_newer(const Connection& db, int version) {
  throw DbError(db.path().string() + ": " + describe_version(version) +
                " is newer than this build of orbitbench supports (" +
                describe_version(kSchemaVersion) + "); use a newer orbitbench to open it");
}

[[noreturn]] void throw_foreign(const Connection& db) {
  throw DbError(db.path().string() +
                ": not an orbitbench results database (SQLite file without orbitbench's "
                "application_id)");
}

// SQLite's process-wide settings, before its first use. Memory statistics off: with them on,
// every allocation SQLite makes takes a global mutex to count bytes, which nothing here reads
// (the recorder's writer allocates and frees per statement). Too late when something opened a
// database first (SQLITE_MISUSE): then SQLite keeps counting, which costs time only.
void configure_sqlite_once() {
  static const bool configured = [] {
    const bool memstatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
    const bool spill = sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kStatementJournalSpillBytes) == SQLITE_OK;
    return memstatus && spill;
  }();
  (void)configured;
}

sqlite3* open_handle(const std::filesystem::path& path, int flags) {
  configure_sqlite_once();
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close_v2(handle);
    throw DbError(path.string() + ": cannot open results database: " + message, rc);
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, kBusyTimeout_ms);
  return handle;
}

}  // namespace

DbError sqlite_error(const std::filesystem::path& path, sqlite3* db, std::string_view what) {
  std::string message = path.string();
  message += ": ";
  message += what;
  message += ": ";
  message += db ? sqlite3_errmsg(db) : "no connection";
  return DbError(message, db ? sqlite3_extended_errcode(db) : 0);
}

Connection Connection::open_read_only(const std::filesystem::path& path) {
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(path, ignored)) {
    throw DbError(path.string() + ": cannot open results database: no such file");
  }
  Connection db(open_handle(path, SQLITE_OPEN_READONLY), path);
  const FileIdentity identity = identify(db);
  if (identity.application_id != kApplicationId) throw_foreign(db);
  if (identity.user_version > kSchemaVersion) throw_newer(db, identity.user_version);
  if (identity.user_version < kSchemaVersion) {
    // A reader cannot migrate; the queries of this build would fail on the old tables.
    throw DbError(path.string() + ": " + describe_version(identity.user_version) +
                  " is older than this build's (" + describe_version(kSchemaVersion) +
                  "); upgrade it first: orbitbench db upgrade " + path.string());
  }
  return db;
}

Connection Connection::open_for_writing(const std::filesystem::path& path) {
  // NOMUTEX: a writing connection is used by one thread at a time (the recorder's writer, a
  // command's own thread), so SQLite's per-call connection mutex is only cost.
  Connection db(open_handle(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX), path);
  // Check before changing anything, so a file we do not understand is left untouched.
  const FileIdentity identity = identify(db);
  if (identity.user_version > kSchemaVersion) throw_newer(db, identity.user_version);
  const bool fresh = identity.user_version == 0 && identity.user_objects == 0;
  if (!fresh && identity.application_id != kApplicationId) throw_foreign(db);

  // WAL lets readers (reports, Grafana) run while the recorder writes; NORMAL sync in WAL mode
  // can lose the last transactions on power loss but never corrupts the file.
  Statement journal(db, "PRAGMA journal_mode = WAL");
  journal.step();
  if (journal.column_text(0) != "wal") {
    throw DbError(path.string() + ": cannot enable WAL mode (journal_mode is " +
                  journal.column_text(0) + ")");
  }
  journal = Statement();
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db);
  return db;
}

Connection Connection::open_in_memory(const std::string& name) {
  Connection db(open_handle(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY | SQLITE_OPEN_NOMUTEX), name);
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db);
  return db;
}

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this == &other) return *this;
  sqlite3_close_v2(db_);
  db_ = std::exchange(other.db_, nullptr);
  path_ = std::move(other.path_);
  return *this;
}

Connection::~Connection() {
  // close_v2: a statement someone forgot to finalize delays the close instead of leaking it.
  sqlite3_close_v2(db_);
}

int Connection::schema_version() const {
  Statement query(*this, "PRAGMA user_version");
  query.step();
  return static_cast<int>(query.column_int64(0));
}

void Connection::exec(const std::string& sql) const {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return;
  std::string text = path_.string() + ": " + (message ? message : sqlite3_errstr(rc));
  sqlite3_free(message);
  constexpr std::size_t kSqlShown = 80;
  text += " (while running: " + sql.substr(0, kSqlShown) + (sql.size() > kSqlShown ? "…)" : ")");
  throw DbError(text, sqlite3_extended_errcode(db_));
}

}  // namespace ob::db
