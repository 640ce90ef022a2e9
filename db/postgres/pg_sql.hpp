#pragma once
// A user's SQL on a lab's server (`orbitbench query --db postgresql://… sql "…"`, issue 20): one
// statement, prepared before it runs, in a READ ONLY transaction with a statement timeout, as the
// role orbitbench_reader where the connecting user may take it (db/postgres/pg_schema.cpp), then
// rolled back. Rows stream to the sink as they arrive (libpq's single-row mode).
#include <string>

#include "db/postgres/pg_connection.hpp"
#include "db/read_only_sql.hpp"

namespace ob::db::pg {

// Throws DbError naming the server and why: several statements, a syntax error, a write refused
// by the read-only transaction or the role, the timeout.
void stream_read_only_sql(const PgConnection& server, const std::string& sql, const SqlLimits& limits, RowSink& sink);

}  // namespace ob::db::pg
