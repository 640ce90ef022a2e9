#include "db/postgres/pg_push.hpp"

#include <charconv>
#include <chrono>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "db/database.hpp"
#include "db/postgres/pg_schema.hpp"
#include "db/statement.hpp"
#include "db/wall_clock.hpp"

namespace ob::db::pg {
namespace {

using IdMap = std::map<std::int64_t, std::int64_t>;  // the station's id -> the server's

// How far before the run's last pushed wall time the search for rewritten samples starts.
constexpr double kRewriteMarginS = 60;

std::string text_of(std::int64_t value) { return std::to_string(value); }

std::string text_of(double value) {
  char digits[32];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  return std::string(digits, end);
}

std::optional<std::string> optional_text_of(const Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.column_text(column);
}

std::optional<std::string> optional_real_of(const Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return text_of(row.column_double(column));
}

// The local campaign as read from the station's file.
struct LocalCampaign {
  std::int64_t id = 0;
  std::string name;
  std::string station;
  std::string status;
  double started_unix_s = 0;
  std::optional<std::string> ended_unix_s;
  std::optional<std::string> reason;
  std::string config_yaml;
  std::optional<std::string> end_cause;
};

// The server's ids for one campaign's rows, filled by the metadata transaction.
struct CampaignIds {
  std::int64_t campaign = 0;
  IdMap devices;
  IdMap runs;
  IdMap channels;
  std::map<std::int64_t, std::optional<double>> run_pushed_wall;  // server run id -> its mark
  std::map<std::int64_t, std::optional<std::string>> run_digest;
  std::map<std::int64_t, bool> run_rewriting;   // server run id -> a resume was re-recording it at the last push
  std::map<std::int64_t, bool> run_recording;   // server run id -> 'running' in the station's file
};

std::int64_t mapped(const IdMap& ids, std::int64_t local, const char* what, const std::filesystem::path& input) {
  const auto it = ids.find(local);
  if (it == ids.end()) {
    throw DbError(input.string() + ": a row refers to " + what + " " + std::to_string(local) +
                  ", which is not its campaign's (refused: the copy would attach it to the wrong campaign)");
  }
  return it->second;
}

std::optional<std::int64_t> mapped_optional(const IdMap& ids, const Statement& row, int column, const char* what,
                                            const std::filesystem::path& input) {
  if (row.is_null(column)) return std::nullopt;
  return mapped(ids, row.column_int64(column), what, input);
}

// How a column of an appended table travels: a reference mapped to the server's id (NULL stays
// NULL), or a value as it is.
enum class Column { run, device, integer, real, text };

struct AppendedTable {
  const char* name;
  // ?1 the campaign, ?2 the last source_id pushed; the row's id first, then `columns` in order.
  const char* select;
  const char* columns;
  std::vector<Column> kinds;
  std::int64_t PushedInput::*count;  // what the report counts, or nullptr
};

const std::vector<AppendedTable> kAppendedTables = {
    {"events",
     "SELECT id, run_id, device_id, t_s, wall_unix_s, kind, severity, message FROM events "
     "WHERE campaign_id = ?1 AND id > ?2 ORDER BY id",
     "run_id, device_id, t_s, wall_unix_s, kind, severity, message",
     {Column::run, Column::device, Column::real, Column::real, Column::text, Column::text, Column::text},
     &PushedInput::events},
    {"measurements",
     "SELECT m.id, m.run_id, m.device_id, m.name, m.value, m.unit, m.low_limit, m.high_limit, m.verdict "
     "FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.campaign_id = ?1 AND m.id > ?2 ORDER BY m.id",
     "run_id, device_id, name, value, unit, low_limit, high_limit, verdict",
     {Column::run, Column::device, Column::text, Column::real, Column::text, Column::real, Column::real, Column::text},
     &PushedInput::measurements},
    {"checkpoints",
     "SELECT id, run_id, plan_index, t_s, wall_unix_s, state_json FROM checkpoints WHERE campaign_id = ?1 AND id > ?2 ORDER BY id",
     "run_id, plan_index, t_s, wall_unix_s, state_json",
     {Column::run, Column::integer, Column::real, Column::real, Column::text},
     nullptr},
};

class Pusher {
 public:
  Pusher(const PgConnection& server, const Connection& source, const std::filesystem::path& input)
      : server_(server), source_(source), input_(input) {
    report_.path = input;
  }

  PushedInput run() {
    std::vector<LocalCampaign> campaigns;
    Statement query(source_,
                    "SELECT id, name, station, status, started_unix_s, ended_unix_s, reason, config_yaml, end_cause "
                    "FROM campaigns ORDER BY id");
    while (query.step()) {
      LocalCampaign c;
      c.id = query.column_int64(0);
      c.name = query.column_text(1);
      c.station = query.column_text(2);
      if (c.station.empty()) c.station = input_.stem().string();  // as `db merge` tags them
      c.status = query.column_text(3);
      c.started_unix_s = query.column_double(4);
      c.ended_unix_s = optional_real_of(query, 5);
      c.reason = optional_text_of(query, 6);
      c.config_yaml = query.column_text(7);
      c.end_cause = optional_text_of(query, 8);
      campaigns.push_back(std::move(c));
    }
    for (const auto& campaign : campaigns) push_campaign(campaign);
    if (newest_wall_ > 0) report_.lag_s = std::max(0.0, now_unix_s() - newest_wall_);
    return report_;
  }

 private:
  // Every transaction of a campaign holds its lock: pushes of one campaign take turns.
  void lock(const LocalCampaign& c) const {
    server_.query("SELECT pg_advisory_xact_lock(1329742915, hashtext($1))",
                  {c.station + "/" + c.name + "/" + text_of(c.started_unix_s)});
  }

  void push_campaign(const LocalCampaign& c) {
    CampaignIds ids;
    server_.in_transaction([&] {
      lock(c);
      push_metadata(c, ids);
    });
    for (const auto& [local_run, server_run] : ids.runs) {
      server_.in_transaction([&] {
        lock(c);
        push_run_samples(c, ids, local_run, server_run);
        push_run_aggregates(ids, local_run, server_run);
      });
    }
    server_.in_transaction([&] {
      lock(c);
      push_appended(c, ids);
      server_.query("UPDATE campaigns SET pushed_unix_s = $2 WHERE id = $1", {text_of(ids.campaign), text_of(now_unix_s())});
    });
  }

  void push_metadata(const LocalCampaign& c, CampaignIds& ids) {
    const auto row = server_.query(
        "INSERT INTO campaigns (name, station, status, started_unix_s, ended_unix_s, reason, config_yaml, end_cause, "
        "source_file, source_id, pushed_unix_s) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
        "ON CONFLICT (station, name, started_unix_s) DO UPDATE SET status = excluded.status, "
        "ended_unix_s = excluded.ended_unix_s, reason = excluded.reason, config_yaml = excluded.config_yaml, "
        "end_cause = excluded.end_cause RETURNING id, (xmax = 0) AS inserted",
        {c.name, c.station, c.status, text_of(c.started_unix_s), c.ended_unix_s, c.reason, c.config_yaml, c.end_cause,
         std::filesystem::absolute(input_).string(), text_of(c.id), text_of(now_unix_s())});
    ids.campaign = row.int64(0, 0);
    const bool inserted = row.text(0, 1) == "t";
    ++(inserted ? report_.campaigns_new : report_.campaigns_known);
    const std::string campaign = text_of(ids.campaign);
    if (inserted) {
      // One partition at a time across the lab: creating one changes the parent's catalog rows,
      // which two first pushes of different campaigns would otherwise update at once.
      server_.query("SELECT pg_advisory_xact_lock(1329742914, 1)");
      server_.exec("CREATE TABLE IF NOT EXISTS " + samples_partition(ids.campaign) + " PARTITION OF samples FOR VALUES IN (" +
                   campaign + ")");
    }

    {
      Statement files(source_, "SELECT role, label, text FROM campaign_files WHERE campaign_id = ?1");
      files.bind(1, c.id);
      while (files.step()) {
        server_.query("INSERT INTO campaign_files (campaign_id, role, label, text) VALUES ($1, $2, $3, $4) "
                      "ON CONFLICT (campaign_id, role) DO UPDATE SET label = excluded.label, text = excluded.text",
                      {campaign, files.column_text(0), files.column_text(1), files.column_text(2)});
      }
    }
    {
      Statement devices(source_,
                        "SELECT id, name, kind, uri, vendor, model, serial, firmware FROM devices WHERE campaign_id = ?1 ORDER BY id");
      devices.bind(1, c.id);
      while (devices.step()) {
        const auto id = server_.query(
            "INSERT INTO devices (campaign_id, source_id, name, kind, uri, vendor, model, serial, firmware) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (campaign_id, source_id) DO UPDATE SET "
            "name = excluded.name, kind = excluded.kind, uri = excluded.uri, vendor = excluded.vendor, "
            "model = excluded.model, serial = excluded.serial, firmware = excluded.firmware RETURNING id",
            {campaign, text_of(devices.column_int64(0)), devices.column_text(1), devices.column_text(2), devices.column_text(3),
             devices.column_text(4), devices.column_text(5), devices.column_text(6), devices.column_text(7)});
        ids.devices[devices.column_int64(0)] = id.int64(0, 0);
      }
    }
    IdMap profiles;
    {
      Statement used(source_,
                     "SELECT id, digest, name, source, duration_s, step_s, proto FROM profiles WHERE id IN "
                     "(SELECT profile_id FROM runs WHERE campaign_id = ?1) ORDER BY id");
      used.bind(1, c.id);
      while (used.step()) {
        // Shared by digest: one row however many stations replayed it.
        std::optional<std::string> proto;
        if (!used.is_null(6)) proto = used.column_blob(6);
        server_.query_binary("INSERT INTO profiles (digest, name, source, duration_s, step_s, proto) VALUES ($1, $2, $3, $4, $5, $6) "
                             "ON CONFLICT (digest) DO NOTHING",
                             {used.column_text(1), used.column_text(2), used.column_text(3), text_of(used.column_double(4)),
                              text_of(used.column_double(5)), proto},
                             {false, false, false, false, false, true});
        profiles[used.column_int64(0)] = server_.query("SELECT id FROM profiles WHERE digest = $1", {used.column_text(1)}).int64(0, 0);
      }
    }
    {
      Statement runs(source_,
                     "SELECT id, profile_id, kind, ordinal, label, speed, status, started_unix_s, ended_unix_s FROM runs "
                     "WHERE campaign_id = ?1 ORDER BY id");
      runs.bind(1, c.id);
      while (runs.step()) {
        std::optional<std::string> profile;
        if (!runs.is_null(1)) profile = text_of(mapped(profiles, runs.column_int64(1), "profile", input_));
        const auto row = server_.query(
            "INSERT INTO runs (campaign_id, source_id, profile_id, kind, ordinal, label, speed, status, started_unix_s, ended_unix_s) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (campaign_id, source_id) DO UPDATE SET "
            "label = excluded.label, status = excluded.status, ended_unix_s = excluded.ended_unix_s "
            "RETURNING id, pushed_wall_unix_s, aggregates_digest, rewriting",
            {campaign, text_of(runs.column_int64(0)), profile, runs.column_text(2), text_of(runs.column_int64(3)),
             runs.column_text(4), text_of(runs.column_double(5)), runs.column_text(6), text_of(runs.column_double(7)),
             optional_real_of(runs, 8)});
        const auto server_run = row.int64(0, 0);
        ids.runs[runs.column_int64(0)] = server_run;
        ids.run_pushed_wall[server_run] = row.is_null(0, 1) ? std::nullopt : std::optional<double>(row.real(0, 1));
        ids.run_digest[server_run] = row.optional_text(0, 2);
        ids.run_rewriting[server_run] = row.text(0, 3) == "t";
        ids.run_recording[server_run] = runs.column_text(6) == "running";
      }
    }
    {
      Statement channels(source_,
                         "SELECT ch.id, ch.device_id, ch.name, ch.unit FROM channels ch JOIN devices d ON d.id = ch.device_id "
                         "WHERE d.campaign_id = ?1 ORDER BY ch.id");
      channels.bind(1, c.id);
      while (channels.step()) {
        const auto id = server_.query(
            "INSERT INTO channels (campaign_id, device_id, source_id, name, unit) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (campaign_id, source_id) DO UPDATE SET unit = excluded.unit RETURNING id",
            {campaign, text_of(mapped(ids.devices, channels.column_int64(1), "device", input_)),
             text_of(channels.column_int64(0)), channels.column_text(2), channels.column_text(3)});
        ids.channels[channels.column_int64(0)] = id.int64(0, 0);
      }
    }
  }

  void push_run_samples(const LocalCampaign& c, const CampaignIds& ids, std::int64_t local_run, std::int64_t server_run) {
    std::map<std::int64_t, double> marks;  // server channel id -> latest t_s on the server
    {
      const auto rows = server_.query("SELECT channel_id, max_t_s FROM push_marks WHERE run_id = $1", {text_of(server_run)});
      for (int i = 0; i < rows.rows(); ++i) marks[rows.int64(i, 0)] = rows.real(i, 1);
    }
    const auto pushed_wall = ids.run_pushed_wall.at(server_run);
    const std::string partition = samples_partition(ids.campaign);
    const std::string columns = " (campaign_id, run_id, channel_id, t_s, wall_unix_s, value) FROM STDIN";
    double newest_wall = pushed_wall.value_or(0);

    // Points a resume rewrote since the last push: same key, newer wall time, new value. Looked
    // for after a resume newer than the run's last push, and at every push while the resumed run
    // is still re-recording what the server had (it has not gone past the marks yet). The scan
    // reaches kRewriteMarginS back, for rows committed a little after later-measured ones.
    const bool rewriting = pushed_wall && (resumed_since(c, *pushed_wall) || ids.run_rewriting.at(server_run));
    if (rewriting) {
      server_.exec("CREATE TEMP TABLE IF NOT EXISTS push_rewrite (campaign_id bigint, run_id bigint, channel_id bigint, "
                   "t_s double precision, wall_unix_s double precision, value double precision) ON COMMIT DELETE ROWS");
      CopyIn copy(server_, "COPY push_rewrite" + columns);
      Statement rewritten(source_, "SELECT channel_id, t_s, wall_unix_s, value FROM samples WHERE run_id = ?1 AND wall_unix_s > ?2");
      rewritten.bind(1, local_run);
      rewritten.bind(2, *pushed_wall - kRewriteMarginS);
      while (rewritten.step()) {
        const auto channel = mapped(ids.channels, rewritten.column_int64(0), "channel", input_);
        const auto mark = marks.find(channel);
        const double t_s = rewritten.column_double(1);
        if (mark == marks.end() || t_s > mark->second) continue;  // new: the copy below takes it
        const double wall = rewritten.column_double(2);
        copy.field(ids.campaign).field(server_run).field(channel).field(t_s).field(wall);
        copy.field(rewritten.column_optional_double(3)).end_row();
        if (wall > *pushed_wall) ++report_.samples_rewritten;  // the margin's rows are only sent again
        newest_wall = std::max(newest_wall, wall);
      }
      copy.finish();
      server_.exec("INSERT INTO " + partition + " SELECT * FROM push_rewrite ON CONFLICT (campaign_id, run_id, channel_id, t_s) "
                   "DO UPDATE SET wall_unix_s = excluded.wall_unix_s, value = excluded.value");
    }

    struct NewMark {
      double t_s = 0;
      std::int64_t samples = 0;
    };
    std::map<std::int64_t, NewMark> new_marks;
    CopyIn copy(server_, "COPY " + partition + columns);
    Statement later(source_,
                    "SELECT t_s, wall_unix_s, value FROM samples WHERE run_id = ?1 AND channel_id = ?2 AND t_s > ?3 ORDER BY t_s");
    for (const auto& [local_channel, channel] : ids.channels) {
      const auto mark = marks.find(channel);
      later.bind(1, local_run);
      later.bind(2, local_channel);
      later.bind(3, mark == marks.end() ? -std::numeric_limits<double>::infinity() : mark->second);
      std::optional<double> last_t;
      std::int64_t copied = 0;
      while (later.step()) {
        const double t_s = later.column_double(0);
        const double wall = later.column_double(1);
        copy.field(ids.campaign).field(server_run).field(channel).field(t_s).field(wall);
        copy.field(later.column_optional_double(2)).end_row();
        last_t = t_s;
        ++copied;
        newest_wall = std::max(newest_wall, wall);
      }
      later.reset();
      if (last_t) new_marks[channel] = NewMark{*last_t, copied};
    }
    report_.samples += copy.finish();
    if (!new_marks.empty()) {  // one statement for the run's channels: one round trip, not one per channel
      std::string values;
      for (const auto& [channel, mark] : new_marks) {
        values += (values.empty() ? "(" : ", (") + text_of(server_run) + ", " + text_of(channel) + ", " + text_of(mark.t_s) +
                  "::double precision, " + text_of(mark.samples) + ")";
      }
      server_.exec("INSERT INTO push_marks (run_id, channel_id, max_t_s, samples) VALUES " + values +
                   " ON CONFLICT (run_id, channel_id) DO UPDATE SET max_t_s = excluded.max_t_s, "
                   "samples = push_marks.samples + excluded.samples");
    }
    // Still re-recording: the run records, something was rewritten or nothing yet, and no channel
    // has gone past its mark.
    const bool still_rewriting = rewriting && ids.run_recording.at(server_run) && new_marks.empty();
    if (newest_wall > 0 || still_rewriting != ids.run_rewriting.at(server_run)) {
      server_.query("UPDATE runs SET pushed_wall_unix_s = coalesce($2::double precision, pushed_wall_unix_s), rewriting = $3 "
                    "WHERE id = $1",
                    {text_of(server_run), newest_wall > 0 ? std::optional<std::string>(text_of(newest_wall)) : std::nullopt,
                     still_rewriting ? "true" : "false"});
      newest_wall_ = std::max(newest_wall_, newest_wall);
    }
  }

  bool resumed_since(const LocalCampaign& c, double wall_unix_s) const {
    Statement resumes(source_, "SELECT count(*) FROM events WHERE campaign_id = ?1 AND kind = 'resume' AND wall_unix_s > ?2");
    resumes.bind(1, c.id);
    resumes.bind(2, wall_unix_s);
    resumes.step();
    return resumes.column_int64(0) > 0;
  }

  // FNV-1a over the rows' bytes: whether the station's aggregates of a run differ from those pushed.
  struct Digest {
    std::uint64_t hash = 1469598103934665603ull;
    void add(std::string_view bytes) {
      for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
      }
      hash ^= 0xFF;
      hash *= 1099511628211ull;
    }
    void add(const Statement& row, int columns) {
      for (int i = 0; i < columns; ++i) add(row.is_null(i) ? std::string("\\N") : row.column_text(i));
    }
    std::string text() const { return text_of(static_cast<std::int64_t>(hash)); }
  };

  void push_run_aggregates(const CampaignIds& ids, std::int64_t local_run, std::int64_t server_run) {
    Statement bins(source_,
                   "SELECT device_id, phase, temp_bin_c, samples, tflops_sum, power_w_sum, sample_s, power_cap_s, thermal_s, "
                   "power_brake_s, hw_slowdown_s FROM run_bins WHERE run_id = ?1 ORDER BY device_id, phase, temp_bin_c");
    Statement counters(source_,
                       "SELECT device_id, sdc_new, ecc_corrected_new, ecc_uncorrected_new FROM run_counters WHERE run_id = ?1 "
                       "ORDER BY device_id");
    Digest digest;
    bins.bind(1, local_run);
    while (bins.step()) digest.add(bins, 11);
    bins.reset();
    digest.add("counters");
    counters.bind(1, local_run);
    while (counters.step()) digest.add(counters, 4);
    counters.reset();
    if (ids.run_digest.at(server_run) == digest.text()) return;

    const std::string run = text_of(server_run);
    server_.query("DELETE FROM run_bins WHERE run_id = $1", {run});
    server_.query("DELETE FROM run_counters WHERE run_id = $1", {run});
    {
      CopyIn copy(server_, "COPY run_bins (run_id, device_id, phase, temp_bin_c, samples, tflops_sum, power_w_sum, sample_s, "
                           "power_cap_s, thermal_s, power_brake_s, hw_slowdown_s) FROM STDIN");
      bins.bind(1, local_run);
      while (bins.step()) {
        copy.field(server_run).field(mapped(ids.devices, bins.column_int64(0), "device", input_)).field(bins.column_text(1));
        copy.field(bins.column_int64(2)).field(bins.column_int64(3)).field(bins.column_optional_double(4));
        copy.field(bins.column_optional_double(5)).field(bins.column_double(6)).field(bins.column_optional_double(7));
        copy.field(bins.column_optional_double(8)).field(bins.column_optional_double(9)).field(bins.column_optional_double(10));
        copy.end_row();
      }
      copy.finish();
    }
    {
      CopyIn copy(server_, "COPY run_counters (run_id, device_id, sdc_new, ecc_corrected_new, ecc_uncorrected_new) FROM STDIN");
      counters.bind(1, local_run);
      while (counters.step()) {
        copy.field(server_run).field(mapped(ids.devices, counters.column_int64(0), "device", input_));
        copy.field(counters.column_optional_double(1)).field(counters.column_optional_double(2));
        copy.field(counters.column_optional_double(3)).end_row();
      }
      copy.finish();
    }
    server_.query("UPDATE runs SET aggregates_digest = $2 WHERE id = $1", {run, digest.text()});
    ++report_.runs_aggregated;
  }

  std::int64_t pushed_through(const char* table, std::int64_t campaign) const {
    return server_
        .query(std::string("SELECT coalesce(max(source_id), 0) FROM ") + table + " WHERE campaign_id = $1", {text_of(campaign)})
        .int64(0, 0);
  }

  // Events, measurements and checkpoints only ever gain rows: those past the last pushed id,
  // each column sent as its kind says (kAppendedTables).
  void push_appended(const LocalCampaign& c, const CampaignIds& ids) {
    for (const auto& table : kAppendedTables) {
      Statement rows(source_, table.select);
      rows.bind(1, c.id);
      rows.bind(2, pushed_through(table.name, ids.campaign));
      CopyIn copy(server_, std::string("COPY ") + table.name + " (campaign_id, source_id, " + table.columns + ") FROM STDIN");
      while (rows.step()) {
        copy.field(ids.campaign).field(rows.column_int64(0));
        for (std::size_t i = 0; i < table.kinds.size(); ++i) {
          const int at = static_cast<int>(i) + 1;
          switch (table.kinds[i]) {
            case Column::run: copy.field(mapped_optional(ids.runs, rows, at, "run", input_)); break;
            case Column::device: copy.field(mapped_optional(ids.devices, rows, at, "device", input_)); break;
            case Column::integer: copy.field(rows.column_optional_int64(at)); break;
            case Column::real: copy.field(rows.column_optional_double(at)); break;
            case Column::text: copy.field(rows.column_text(at)); break;
          }
        }
        copy.end_row();
      }
      const auto copied = copy.finish();
      if (table.count) report_.*table.count += copied;
    }
  }

  const PgConnection& server_;
  const Connection& source_;
  std::filesystem::path input_;
  PushedInput report_;
  double newest_wall_ = 0;
};

}  // namespace

PushedInput push_database(const PgConnection& server, const std::filesystem::path& input) {
  try {
    const auto source = Connection::open_read_only(input);
    migrate(server);
    // One read transaction: every table as of one commit, however long the push takes.
    source.exec("BEGIN");
    auto report = Pusher(server, source, input).run();
    source.exec("COMMIT");
    return report;
  } catch (const PgError&) {
    throw;
  } catch (const DbError& e) {
    const std::string what = e.what();
    throw DbError(what.rfind(input.string(), 0) == 0 ? what : input.string() + ": " + what, e.sqlite_code);
  }
}

}  // namespace ob::db::pg
