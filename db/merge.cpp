#include "db/merge.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "db/database.hpp"
#include "db/statement.hpp"

namespace ob::db {
namespace {

std::int64_t max_id(const Connection& db, const char* table) {
  Statement query(db, std::string("SELECT COALESCE(max(id), 0) FROM main.") + table);
  query.step();
  return query.column_int64(0);
}

std::int64_t scalar(const Connection& db, const std::string& sql) {
  Statement query(db, sql);
  query.step();
  return query.column_int64(0);
}

// Each input is read from a snapshot: SQLite's online backup of the input opened read-only, so
// committed WAL content is included (a station still recording, or one whose controller died)
// and the input is never written — a read-write ATTACH would checkpoint its WAL into the file
// and delete the -wal/-shm. The snapshot lives in a directory made fresh for this merge
// (mkdtemp: 0700, a new name), so no planted link is followed; an input at an older schema is
// migrated there.
class ScratchDir {
 public:
  explicit ScratchDir(const std::filesystem::path& beside) {
    std::string pattern = (beside / ".merge-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw DbError(beside.string() + ": cannot make a scratch directory for the merge: " + std::strerror(errno));
    }
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void take_snapshot(const std::filesystem::path& input, const std::filesystem::path& snapshot) {
  sqlite3* source = nullptr;
  sqlite3* copy = nullptr;
  auto close_both = [&] {
    sqlite3_close(source);
    sqlite3_close(copy);
  };
  if (sqlite3_open_v2(input.c_str(), &source, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string why = source ? sqlite3_errmsg(source) : "out of memory";
    close_both();
    throw DbError(input.string() + ": cannot open it read-only: " + why);
  }
  if (sqlite3_open_v2(snapshot.c_str(), &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string why = copy ? sqlite3_errmsg(copy) : "out of memory";
    close_both();
    throw DbError(snapshot.string() + ": cannot make the snapshot: " + why);
  }
  sqlite3_backup* backup = sqlite3_backup_init(copy, "main", source, "main");
  int rc = backup ? sqlite3_backup_step(backup, -1) : sqlite3_errcode(copy);
  if (backup) sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    const std::string why = sqlite3_errmsg(source) + std::string(" / ") + sqlite3_errmsg(copy);
    close_both();
    throw DbError(input.string() + ": cannot read it (" + why + ")", rc);
  }
  close_both();
}

int user_version_of(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  int version = 0;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      version = sqlite3_column_int(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(raw);
  return version;
}

std::filesystem::path readable_snapshot(const std::filesystem::path& input, const ScratchDir& scratch, std::size_t index) {
  const auto snapshot = scratch.path() / ("input-" + std::to_string(index) + ".db");
  take_snapshot(input, snapshot);
  const int version = user_version_of(snapshot);
  try {
    if (version == 0 || version >= kSchemaVersion) {
      Connection::open_read_only(snapshot);  // ours and not newer, or a DbError saying what it is
    } else {
      Connection::open_for_writing(snapshot);  // migrates the copy (and refuses a file that is not ours)
    }
  } catch (const DbError& e) {  // named after the input, not its snapshot
    std::string what = e.what();
    if (const auto at = what.find(snapshot.string()); at != std::string::npos) what.replace(at, snapshot.string().size(), input.string());
    throw DbError(what, e.sqlite_code);
  }
  return snapshot;
}

// Rows of the picked campaigns whose references lead into another campaign (or nowhere): each
// such query counts them; a foreign-key check cannot see this, the ids exist.
struct CrossCheck {
  const char* what;
  const char* sql;
};
constexpr CrossCheck kCrossChecks[] = {
    {"samples whose channel is another campaign's",
     "SELECT count(*) FROM src.samples s JOIN src.runs r ON r.id = s.run_id LEFT JOIN src.channels ch ON ch.id = s.channel_id "
     "LEFT JOIN src.devices d ON d.id = ch.device_id WHERE r.campaign_id IN temp.pick AND d.campaign_id IS NOT r.campaign_id"},
    {"events whose run or device is another campaign's",
     "SELECT count(*) FROM src.events e LEFT JOIN src.runs r ON r.id = e.run_id LEFT JOIN src.devices d ON d.id = e.device_id "
     "WHERE e.campaign_id IN temp.pick AND ((e.run_id IS NOT NULL AND r.campaign_id IS NOT e.campaign_id) OR "
     "(e.device_id IS NOT NULL AND d.campaign_id IS NOT e.campaign_id))"},
    {"measurements whose device is another campaign's",
     "SELECT count(*) FROM src.measurements m JOIN src.runs r ON r.id = m.run_id LEFT JOIN src.devices d ON d.id = m.device_id "
     "WHERE r.campaign_id IN temp.pick AND m.device_id IS NOT NULL AND d.campaign_id IS NOT r.campaign_id"},
    {"checkpoints whose run is another campaign's",
     "SELECT count(*) FROM src.checkpoints k LEFT JOIN src.runs r ON r.id = k.run_id WHERE k.campaign_id IN temp.pick "
     "AND k.run_id IS NOT NULL AND r.campaign_id IS NOT k.campaign_id"},
    {"run_bins whose device is another campaign's",
     "SELECT count(*) FROM src.run_bins b JOIN src.runs r ON r.id = b.run_id LEFT JOIN src.devices d ON d.id = b.device_id "
     "WHERE r.campaign_id IN temp.pick AND d.campaign_id IS NOT r.campaign_id"},
    {"run_counters whose device is another campaign's",
     "SELECT count(*) FROM src.run_counters k JOIN src.runs r ON r.id = k.run_id LEFT JOIN src.devices d ON d.id = k.device_id "
     "WHERE r.campaign_id IN temp.pick AND d.campaign_id IS NOT r.campaign_id"},
};

MergedInput merge_one(const Connection& db, const std::filesystem::path& input, const std::filesystem::path& source) {
  MergedInput report;
  report.path = input;
  {
    Statement attach(db, "ATTACH DATABASE ?1 AS src");
    attach.bind(1, source.string());
    attach.run();
  }
  struct Detach {
    const Connection& db;
    ~Detach() {
      try {
        db.exec("DETACH DATABASE src");
      } catch (const DbError&) {
      }
    }
  } detach{db};
  if (scalar(db, "PRAGMA src.application_id") != kApplicationId) {
    throw DbError(input.string() + ": not an orbitbench results database");
  }

  db.in_transaction([&] {
    const std::string tag = input.stem().string();
    const auto c = std::to_string(max_id(db, "campaigns"));
    const auto d = std::to_string(max_id(db, "devices"));
    const auto r = std::to_string(max_id(db, "runs"));
    const auto ch = std::to_string(max_id(db, "channels"));
    const auto e = std::to_string(max_id(db, "events"));
    const auto m = std::to_string(max_id(db, "measurements"));
    const auto k = std::to_string(max_id(db, "checkpoints"));
    db.exec("DROP TABLE IF EXISTS temp.pick; DROP TABLE IF EXISTS temp.profile_map");
    {
      Statement pick(db,
                     "CREATE TEMP TABLE pick AS SELECT s.id AS id FROM src.campaigns s WHERE NOT EXISTS ("
                     "SELECT 1 FROM main.campaigns o WHERE o.name = s.name AND o.started_unix_s = s.started_unix_s "
                     "AND o.station = CASE WHEN s.station = '' THEN ?1 ELSE s.station END)");
      pick.bind(1, tag);
      pick.run();
    }
    for (const auto& check : kCrossChecks) {
      if (const auto crossing = scalar(db, check.sql); crossing > 0) {
        throw DbError(input.string() + ": refused: " + std::to_string(crossing) + " " + check.what +
                      " (a copy would attach them to the wrong campaign)");
      }
    }
    report.campaigns_copied = static_cast<int>(scalar(db, "SELECT count(*) FROM temp.pick"));
    report.campaigns_skipped = static_cast<int>(scalar(db, "SELECT count(*) FROM src.campaigns")) - report.campaigns_copied;
    {
      Statement campaigns(db,
                          "INSERT INTO main.campaigns (id, name, station, status, started_unix_s, ended_unix_s, reason, end_cause, config_yaml) "
                          "SELECT id + " + c + ", name, CASE WHEN station = '' THEN ?1 ELSE station END, status, started_unix_s, "
                          "ended_unix_s, reason, end_cause, config_yaml FROM src.campaigns WHERE id IN temp.pick");
      campaigns.bind(1, tag);
      campaigns.run();
    }
    db.exec("INSERT INTO main.campaign_files (campaign_id, role, label, text) SELECT campaign_id + " + c +
            ", role, label, text FROM src.campaign_files WHERE campaign_id IN temp.pick");
    db.exec("INSERT INTO main.devices (id, campaign_id, name, kind, uri, vendor, model, serial, firmware) SELECT id + " + d +
            ", campaign_id + " + c + ", name, kind, uri, vendor, model, serial, firmware FROM src.devices "
            "WHERE campaign_id IN temp.pick");
    // Profiles are shared by digest: one row however many stations replayed it.
    db.exec("INSERT OR IGNORE INTO main.profiles (digest, name, source, duration_s, step_s, proto) "
            "SELECT digest, name, source, duration_s, step_s, proto FROM src.profiles WHERE id IN "
            "(SELECT profile_id FROM src.runs WHERE campaign_id IN temp.pick)");
    db.exec("CREATE TEMP TABLE profile_map AS SELECT s.id AS src_id, o.id AS dst_id FROM src.profiles s "
            "JOIN main.profiles o ON o.digest = s.digest");
    db.exec("INSERT INTO main.runs (id, campaign_id, profile_id, kind, ordinal, label, speed, status, started_unix_s, ended_unix_s) "
            "SELECT r.id + " + r + ", r.campaign_id + " + c + ", (SELECT dst_id FROM temp.profile_map WHERE src_id = r.profile_id), "
            "r.kind, r.ordinal, r.label, r.speed, r.status, r.started_unix_s, r.ended_unix_s FROM src.runs r "
            "WHERE r.campaign_id IN temp.pick");
    db.exec("INSERT INTO main.channels (id, device_id, name, unit) SELECT ch.id + " + ch + ", ch.device_id + " + d +
            ", ch.name, ch.unit FROM src.channels ch JOIN src.devices dv ON dv.id = ch.device_id WHERE dv.campaign_id IN temp.pick");
    // In the source's key order, which the offsets keep: an append to the destination's b-tree.
    db.exec("INSERT INTO main.samples (run_id, channel_id, t_s, wall_unix_s, value) SELECT s.run_id + " + r +
            ", s.channel_id + " + ch + ", s.t_s, s.wall_unix_s, s.value FROM src.samples s "
            "WHERE s.run_id IN (SELECT id FROM src.runs WHERE campaign_id IN temp.pick) ORDER BY s.run_id, s.channel_id, s.t_s");
    report.samples_copied = sqlite3_changes64(db.handle());
    db.exec("INSERT INTO main.events (id, campaign_id, run_id, device_id, t_s, wall_unix_s, kind, severity, message) "
            "SELECT id + " + e + ", campaign_id + " + c + ", run_id + " + r + ", device_id + " + d +
            ", t_s, wall_unix_s, kind, severity, message FROM src.events WHERE campaign_id IN temp.pick");
    db.exec("INSERT INTO main.measurements (id, run_id, device_id, name, value, unit, low_limit, high_limit, verdict) "
            "SELECT ms.id + " + m + ", ms.run_id + " + r + ", ms.device_id + " + d +
            ", ms.name, ms.value, ms.unit, ms.low_limit, ms.high_limit, ms.verdict FROM src.measurements ms "
            "JOIN src.runs rs ON rs.id = ms.run_id WHERE rs.campaign_id IN temp.pick");
    db.exec("INSERT INTO main.checkpoints (id, campaign_id, run_id, plan_index, t_s, wall_unix_s, state_json) "
            "SELECT id + " + k + ", campaign_id + " + c + ", run_id + " + r +
            ", plan_index, t_s, wall_unix_s, state_json FROM src.checkpoints WHERE campaign_id IN temp.pick");
    db.exec("INSERT INTO main.run_bins SELECT b.run_id + " + r + ", b.device_id + " + d +
            ", b.phase, b.temp_bin_c, b.samples, b.tflops_sum, b.power_w_sum, b.sample_s, b.power_cap_s, b.thermal_s, "
            "b.power_brake_s, b.hw_slowdown_s FROM src.run_bins b JOIN src.runs rs ON rs.id = b.run_id "
            "WHERE rs.campaign_id IN temp.pick");
    db.exec("INSERT INTO main.run_counters SELECT k.run_id + " + r + ", k.device_id + " + d +
            ", k.sdc_new, k.ecc_corrected_new, k.ecc_uncorrected_new FROM src.run_counters k JOIN src.runs rs ON rs.id = k.run_id "
            "WHERE rs.campaign_id IN temp.pick");
    db.exec("DROP TABLE temp.pick; DROP TABLE temp.profile_map");
    {
      Statement check(db, "PRAGMA main.foreign_key_check");
      if (check.step()) throw DbError(input.string() + ": merged rows would break a reference (" + check.column_text(0) + ")");
    }
  });
  return report;
}

}  // namespace

std::vector<MergedInput> merge_databases(const std::filesystem::path& out, const std::vector<std::filesystem::path>& inputs) {
  std::vector<MergedInput> reports;
  const auto db = Connection::open_for_writing(out);
  const ScratchDir scratch(out.has_parent_path() ? out.parent_path() : std::filesystem::path("."));
  std::error_code ec;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& input = inputs[i];
    if (std::filesystem::equivalent(input, out, ec)) throw DbError(input.string() + ": is the output itself");
    const auto snapshot = readable_snapshot(input, scratch, i);
    try {
      reports.push_back(merge_one(db, input, snapshot));
    } catch (const DbError& e) {
      const std::string what = e.what();
      throw DbError(what.rfind(input.string(), 0) == 0 ? what : input.string() + ": " + what, e.sqlite_code);
    }
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(snapshot.string() + suffix, ec);
  }
  return reports;
}

}  // namespace ob::db
