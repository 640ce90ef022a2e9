#include "bench/cli/results_source.hpp"

#include <filesystem>

#ifdef OB_WITH_POSTGRES
#include "db/postgres/pg_connection.hpp"
#include "db/postgres/pg_mirror.hpp"
#include "db/postgres/pg_sql.hpp"
#endif

namespace ob::bench::cli {
#ifndef OB_WITH_POSTGRES
namespace {

[[noreturn]] void no_postgres(const std::string& db) {
  throw db::DbError(shown_db(db) + ": this orbitbench was built without PostgreSQL support (install libpq-dev and build again)");
}

}  // namespace
#endif

bool names_server(const std::string& db) { return db.starts_with("postgresql://") || db.starts_with("postgres://"); }

std::string shown_db(const std::string& db) {
#ifdef OB_WITH_POSTGRES
  if (names_server(db)) return db::pg::printable_url(db);
#endif
  return db;
}

CLI::Validator existing_file_or_server() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (names_server(value)) return {};
        std::error_code ec;
        if (!std::filesystem::exists(value, ec)) return "File does not exist: " + value;
        if (std::filesystem::is_directory(value, ec)) return "File is actually a directory: " + value;
        return {};
      },
      "FILE or postgresql://…");
}

namespace {

#ifdef OB_WITH_POSTGRES
using Mirror = db::Connection (*)(const db::pg::PgConnection&, const std::optional<std::string>&);
#else
using Mirror = std::nullptr_t;
#endif

// The file read-only, or what `mirror` fetches from the server.
db::Connection open_results(const std::string& db, const std::optional<std::string>& campaign, [[maybe_unused]] Mirror mirror) {
  if (!names_server(db)) return db::Connection::open_read_only(db);
#ifdef OB_WITH_POSTGRES
  return mirror(db::pg::PgConnection::open(db), campaign);
#else
  (void)campaign;
  no_postgres(db);
#endif
}

}  // namespace

db::Connection open_for_analyses(const std::string& db, const std::optional<std::string>& campaign) {
#ifdef OB_WITH_POSTGRES
  return open_results(db, campaign, db::pg::mirror_for_analyses);
#else
  return open_results(db, campaign, nullptr);
#endif
}

db::Connection open_for_report(const std::string& db, const std::optional<std::string>& campaign) {
#ifdef OB_WITH_POSTGRES
  return open_results(db, campaign, db::pg::mirror_campaign);
#else
  return open_results(db, campaign, nullptr);
#endif
}

void stream_user_sql(const std::string& db, const std::string& sql, const db::SqlLimits& limits, db::RowSink& sink) {
  if (!names_server(db)) {
    db::stream_read_only_sql(db::Connection::open_read_only(db), sql, limits, sink);
    return;
  }
#ifdef OB_WITH_POSTGRES
  db::pg::stream_read_only_sql(db::pg::PgConnection::open(db), sql, limits, sink);
#else
  (void)sql;
  (void)limits;
  (void)sink;
  no_postgres(db);
#endif
}

}  // namespace ob::bench::cli
