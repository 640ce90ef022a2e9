#pragma once
// The central PostgreSQL schema (issue 20): the SQLite tables (db/migrations.cpp) with lab-wide
// ids, each row remembering the station's own id (source_id) so a push is incremental and
// idempotent; samples partitioned by campaign with BRIN on wall time. Versioned migrations like
// the SQLite ones, applied by whoever connects first (an advisory lock serializes them).
// docs/schema.md maps every table onto its SQLite twin.
#include "db/postgres/pg_connection.hpp"

namespace ob::db::pg {

inline constexpr int kPgSchemaVersion = 1;

// The server's schema version (0: none yet).
int schema_version(const PgConnection& db);
// Creates or upgrades the orbitbench schema; refuses a server at a newer version than this build.
void migrate(const PgConnection& db);
// For readers: throws PgError unless the server holds this build's schema.
void require_current_schema(const PgConnection& db);

// The partition of `samples` that holds one campaign's rows.
std::string samples_partition(std::int64_t campaign_id);

}  // namespace ob::db::pg
