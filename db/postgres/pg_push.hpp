#pragma once
// `orbitbench db push STATION.db… --to postgresql://…` (issue 20): copies what the central
// PostgreSQL does not have yet, campaign by campaign and run by run.
//
// - Incremental and idempotent. A campaign is known by (station, name, start), as `db merge`
//   knows it; every other row by its campaign and its id in the station's file (source_id).
//   Samples go by per-run, per-channel marks (the latest profile time pushed); events,
//   measurements and checkpoints by the highest source_id pushed; runs, devices and campaigns
//   are updated in place (status, end, reason); a run's aggregates are replaced when their
//   digest changes (when the run ends, or is folded again after a resume).
// - Resumable. The campaign's rows, each run's samples, and the campaign's events go in their
//   own transactions, each with the marks that say so: a push killed part-way leaves whole
//   transactions, and the next one goes on from their marks.
// - Read-only on its inputs: one read transaction on a read-only connection (WAL included, so a
//   station still recording is pushed up to its last commit).
// - Concurrent. Each transaction holds an advisory lock on its campaign: stations push side by
//   side, and two pushes of one file take turns.
// - Samples a resume rewrote (same key, newer wall time) replace the server's copy.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "db/postgres/pg_connection.hpp"

namespace ob::db::pg {

struct PushedInput {
  std::filesystem::path path;
  int campaigns_new = 0;
  int campaigns_known = 0;  // already on the server: only what they lacked was copied
  std::int64_t samples = 0;
  std::int64_t samples_rewritten = 0;
  std::int64_t events = 0;
  std::int64_t measurements = 0;
  std::int64_t runs_aggregated = 0;  // runs whose aggregates were (re)placed
  double lag_s = 0;                  // wall seconds from the newest sample pushed to now (0: none)
};

// Pushes one station file into `server` (migrated first). Throws DbError naming the file.
PushedInput push_database(const PgConnection& server, const std::filesystem::path& input);

}  // namespace ob::db::pg
