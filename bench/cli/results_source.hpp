#pragma once
// Where `query` and `report` read results: a station's SQLite file, or a lab's PostgreSQL
// (postgresql://…, issue 20) through db/postgres/ where this build has it.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "db/database.hpp"
#include "db/read_only_sql.hpp"

namespace ob::bench::cli {

// Whether --db names a server (postgresql:// or postgres://) rather than a file.
bool names_server(const std::string& db);
// --db as it may be printed (a server's password hidden).
std::string shown_db(const std::string& db);
// --db's check: an existing file, or a server URL.
CLI::Validator existing_file_or_server();

// The canned analyses' database: the file read-only, or the server's rows fetched into memory
// (db/postgres/pg_mirror.hpp; `campaign` narrows what is fetched). Throws DbError.
db::Connection open_for_analyses(const std::string& db, const std::optional<std::string>& campaign);
// One campaign for a report: the file read-only, or that campaign fetched whole from the server.
db::Connection open_for_report(const std::string& db, const std::optional<std::string>& campaign);
// `query sql`: on the file (db/read_only_sql.hpp) or on the server (db/postgres/pg_sql.hpp).
void stream_user_sql(const std::string& db, const std::string& sql, const db::SqlLimits& limits, db::RowSink& sink);

}  // namespace ob::bench::cli
