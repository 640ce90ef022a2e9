#include "db/migrations.hpp"

#include <array>
#include <optional>
#include <string>

#include "db/statement.hpp"

namespace ob::db {
namespace {

// Two SQL texts as one, at compile time (each step's sql stays one string: tests run it alone).
template <std::size_t A, std::size_t B>
struct JoinedSql {
  std::array<char, A + B - 1> text{};
  constexpr JoinedSql(const char (&a)[A], const char (&b)[B]) {
    for (std::size_t i = 0; i + 1 < A; ++i) text[i] = a[i];
    for (std::size_t i = 0; i < B; ++i) text[A - 1 + i] = b[i];
  }
  constexpr const char* c_str() const { return text.data(); }
};

// The view every schema since v1 has (v3 drops it around the rebuild of `runs` and creates it
// again).
constexpr char kSampleView[] = R"sql(
-- One wide row per sample with the names people filter on, for sqlite3, pandas and Grafana.
CREATE VIEW sample_view AS
SELECT
  c.id          AS campaign_id,
  c.name        AS campaign,
  r.id          AS run_id,
  r.kind        AS run_kind,
  r.ordinal     AS run_ordinal,
  r.label       AS run_label,
  d.id          AS device_id,
  d.name        AS device,
  d.kind        AS device_kind,
  ch.id         AS channel_id,
  ch.name       AS channel,
  ch.unit       AS unit,
  s.t_s         AS t_s,
  s.wall_unix_s AS wall_unix_s,
  s.value       AS value
FROM samples s
JOIN runs r      ON r.id = s.run_id
JOIN campaigns c ON c.id = r.campaign_id
JOIN channels ch ON ch.id = s.channel_id
JOIN devices d   ON d.id = ch.device_id;
)sql";

// Schema v1. Times are unix seconds (UTC) or profile seconds (t_s); units are in column names
// or in channels.unit. docs/schema.md documents every column; keep the two in step.
constexpr char kSchemaV1Tables[] = R"sql(
CREATE TABLE campaigns (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL,
  station        TEXT NOT NULL DEFAULT '',
  status         TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'completed', 'aborted', 'failed')),
  started_unix_s REAL NOT NULL,
  ended_unix_s   REAL,
  reason         TEXT,
  config_yaml    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX campaigns_by_name ON campaigns (name);

CREATE TABLE devices (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  uri         TEXT NOT NULL DEFAULT '',
  vendor      TEXT NOT NULL DEFAULT '',
  model       TEXT NOT NULL DEFAULT '',
  serial      TEXT NOT NULL DEFAULT '',
  firmware    TEXT NOT NULL DEFAULT '',
  UNIQUE (campaign_id, name)
);

CREATE TABLE profiles (
  id         INTEGER PRIMARY KEY,
  digest     TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  source     TEXT NOT NULL DEFAULT '',
  duration_s REAL NOT NULL,
  step_s     REAL NOT NULL,
  proto      BLOB
);

CREATE TABLE runs (
  id             INTEGER PRIMARY KEY,
  campaign_id    INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  profile_id     INTEGER REFERENCES profiles (id),
  kind           TEXT NOT NULL CHECK (kind IN ('baseline', 'replay', 'reference')),
  ordinal        INTEGER NOT NULL,
  label          TEXT NOT NULL DEFAULT '',
  speed          REAL NOT NULL DEFAULT 1,
  status         TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'completed', 'aborted', 'failed')),
  started_unix_s REAL NOT NULL,
  ended_unix_s   REAL
);
CREATE INDEX runs_by_campaign ON runs (campaign_id, kind, ordinal);
CREATE INDEX runs_by_profile ON runs (profile_id);

CREATE TABLE channels (
  id        INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  name      TEXT NOT NULL,
  unit      TEXT NOT NULL DEFAULT '',
  UNIQUE (device_id, name)
);

-- The bulk of the file. Keyed by (run, channel, profile time): a resumed run rewrites a point
-- instead of duplicating it, and per-channel series of one run are one contiguous b-tree range.
-- No rowid and no secondary index keep each sample at one b-tree entry.
CREATE TABLE samples (
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  t_s         REAL NOT NULL,
  wall_unix_s REAL NOT NULL,
  value       REAL,
  PRIMARY KEY (run_id, channel_id, t_s)
) WITHOUT ROWID;

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  run_id      INTEGER REFERENCES runs (id) ON DELETE CASCADE,
  device_id   INTEGER REFERENCES devices (id) ON DELETE CASCADE,
  t_s         REAL,
  wall_unix_s REAL NOT NULL,
  kind        TEXT NOT NULL,
  severity    TEXT NOT NULL,
  message     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_by_campaign ON events (campaign_id, wall_unix_s);
CREATE INDEX events_by_run ON events (run_id);
CREATE INDEX events_by_device ON events (device_id);

CREATE TABLE measurements (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  device_id  INTEGER REFERENCES devices (id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  value      REAL,
  unit       TEXT NOT NULL DEFAULT '',
  low_limit  REAL,
  high_limit REAL,
  verdict    TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'info'))
);
CREATE INDEX measurements_by_run ON measurements (run_id, name);
CREATE INDEX measurements_by_device ON measurements (device_id);

CREATE TABLE checkpoints (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  run_id      INTEGER REFERENCES runs (id) ON DELETE CASCADE,
  plan_index  INTEGER NOT NULL,
  t_s         REAL NOT NULL,
  wall_unix_s REAL NOT NULL,
  state_json  TEXT NOT NULL
);
CREATE INDEX checkpoints_by_campaign ON checkpoints (campaign_id, id);
CREATE INDEX checkpoints_by_run ON checkpoints (run_id);

)sql";
constexpr JoinedSql kSchemaV1(kSchemaV1Tables, kSampleView);

// Schema v2: the campaign and station files as the controller read them, so that
// `orbitbench resume` continues a campaign from its own record, whatever became of the files.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE campaign_files (
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('campaign', 'station')),
  label       TEXT NOT NULL,
  text        TEXT NOT NULL,
  PRIMARY KEY (campaign_id, role)
) WITHOUT ROWID;
)sql";

// Schema v3: runs of kind 'thermal_cycle' (one cycle of a thermal-cycling plan). SQLite cannot
// alter a CHECK constraint, so `runs` is rebuilt the documented way
// (https://www.sqlite.org/lang_altertable.html#otheralter): create runs_new, copy, drop runs,
// rename runs_new to runs. Never rename the old table instead: renaming rewrites the references
// in samples, events, measurements and checkpoints, which would then point at the dropped table.
// sample_view reads runs, so it is dropped first (RENAME checks every view) and recreated
// (kSampleView). apply() runs this with foreign keys off (rebuilds_tables): with
// them on, DROP TABLE runs would delete every sample, event, measurement and checkpoint by cascade.
constexpr char kSchemaV3Rebuild[] = R"sql(
DROP VIEW sample_view;

CREATE TABLE runs_new (
  id             INTEGER PRIMARY KEY,
  campaign_id    INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  profile_id     INTEGER REFERENCES profiles (id),
  kind           TEXT NOT NULL
                 CHECK (kind IN ('baseline', 'replay', 'reference', 'thermal_cycle')),
  ordinal        INTEGER NOT NULL,
  label          TEXT NOT NULL DEFAULT '',
  speed          REAL NOT NULL DEFAULT 1,
  status         TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'completed', 'aborted', 'failed')),
  started_unix_s REAL NOT NULL,
  ended_unix_s   REAL
);
INSERT INTO runs_new SELECT * FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_by_campaign ON runs (campaign_id, kind, ordinal);
CREATE INDEX runs_by_profile ON runs (profile_id);

)sql";
constexpr JoinedSql kSchemaV3(kSchemaV3Rebuild, kSampleView);

// Schema v4: aggregates kept while recording (db/run_aggregates.hpp), one row per run, board,
// orbital phase and 5 °C temperature bin, and the run's new SDC/ECC errors per board.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE IF NOT EXISTS run_bins (
  run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  device_id     INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  phase         TEXT NOT NULL CHECK (phase IN ('ground', 'sunlit', 'penumbra', 'eclipse')),
  temp_bin_c    INTEGER NOT NULL,
  samples       INTEGER NOT NULL,
  tflops_sum    REAL,
  power_w_sum   REAL,
  sample_s      REAL NOT NULL,
  power_cap_s   REAL,
  thermal_s     REAL,
  power_brake_s REAL,
  hw_slowdown_s REAL,
  PRIMARY KEY (run_id, device_id, phase, temp_bin_c)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS run_bins_by_device ON run_bins (device_id);

CREATE TABLE IF NOT EXISTS run_counters (
  run_id              INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  device_id           INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  sdc_new             REAL,
  ecc_corrected_new   REAL,
  ecc_uncorrected_new REAL,
  PRIMARY KEY (run_id, device_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS run_counters_by_device ON run_counters (device_id);
)sql";

// Schema v5: why a campaign ended, as a word programs match on (its `reason` is for people).
// Campaigns the operator interrupted before v5 said so only in their reason's text.
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE campaigns ADD COLUMN end_cause TEXT;
UPDATE campaigns SET end_cause = 'operator_signal'
 WHERE status = 'aborted' AND (reason LIKE 'interrupted by SIGINT%' OR reason LIKE 'interrupted by SIGTERM%');
)sql";

constexpr std::array kMigrations{
    Migration{1, kSchemaV1.c_str()},
    Migration{2, kSchemaV2},
    Migration{.to_version = 3, .sql = kSchemaV3.c_str(), .rebuilds_tables = true},
    Migration{.to_version = 4, .sql = kSchemaV4, .rebuilds_tables = false},
    Migration{.to_version = 5, .sql = kSchemaV5, .rebuilds_tables = false},
};
static_assert(kMigrations.size() == kSchemaVersion, "one migration step per schema version");

int user_version(const Connection& db) {
  Statement query(db, "PRAGMA user_version");
  query.step();
  return static_cast<int>(query.column_int64(0));
}

bool foreign_keys_on(const Connection& db) {
  Statement query(db, "PRAGMA foreign_keys");
  query.step();
  return query.column_int64(0) != 0;
}

// Foreign key enforcement off for the life of a table-rebuilding step, then the connection's
// own setting back (after COMMIT or ROLLBACK: PRAGMA foreign_keys does nothing inside a
// transaction, which is also why it must be turned off before BEGIN).
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(const Connection& db) : db_(db), was_on_(foreign_keys_on(db)) {
    db_.exec("PRAGMA foreign_keys = OFF");
    if (foreign_keys_on(db_)) {
      // Inside a caller's transaction: rebuilding now would cascade-delete the child rows.
      throw DbError(db_.path().string() +
                    ": cannot turn foreign keys off to rebuild tables (a transaction is open)");
    }
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;
  ~ForeignKeysOff() {
    if (!was_on_) return;
    try {
      db_.exec("PRAGMA foreign_keys = ON");
    } catch (const DbError&) {
      // Only reachable when the connection is already broken; the step's own error (if any)
      // is the one worth reporting.
    }
  }

 private:
  const Connection& db_;
  bool was_on_;
};

// Step 10 of SQLite's rebuild procedure: the rebuilt tables must still satisfy every foreign key.
void require_foreign_keys_hold(const Connection& db) {
  Statement check(db, "PRAGMA foreign_key_check");
  constexpr int kShown = 5;
  int violations = 0;
  std::string shown;
  while (check.step()) {
    if (++violations > kShown) continue;
    shown += violations == 1 ? " " : "; ";
    shown += check.column_text(0);
    if (!check.is_null(1)) shown += " rowid " + std::to_string(check.column_int64(1));
    shown += " -> " + check.column_text(2);
  }
  if (violations > 0) {
    throw DbError("foreign_key_check reports " + std::to_string(violations) +
                  " row(s) without their parent:" + shown + (violations > kShown ? "; ..." : ""));
  }
}

void apply(const Connection& db, const Migration& step) {
  std::optional<ForeignKeysOff> foreign_keys_off;
  if (step.rebuilds_tables) foreign_keys_off.emplace(db);
  // IMMEDIATE takes the write lock before reading the version, so two processes opening the
  // same new file cannot both run the same step.
  db.exec("BEGIN IMMEDIATE");
  try {
    if (user_version(db) >= step.to_version) {
      db.exec("COMMIT");
      return;
    }
    db.exec(step.sql);
    if (step.rebuilds_tables) require_foreign_keys_hold(db);
    if (step.to_version == 1) {
      db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    }
    db.exec("PRAGMA user_version = " + std::to_string(step.to_version));
    db.exec("COMMIT");
  } catch (const DbError& error) {
    try {
      db.exec("ROLLBACK");
    } catch (const DbError&) {
      // The failure may already have rolled the transaction back; the first error is the news.
    }
    throw DbError(db.path().string() + ": migration to schema version " +
                      std::to_string(step.to_version) + " failed: " + error.what(),
                  error.sqlite_code);
  }
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

void migrate(const Connection& db) {
  for (int version = user_version(db); version < kSchemaVersion; ++version) {
    apply(db, kMigrations[static_cast<std::size_t>(version)]);
  }
}

}  // namespace ob::db
