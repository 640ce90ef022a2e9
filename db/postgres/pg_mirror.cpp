#include "db/postgres/pg_mirror.hpp"

#include <sqlite3.h>

#include <cstdlib>

#include "db/postgres/pg_schema.hpp"
#include "db/statement.hpp"

namespace ob::db::pg {
namespace {

constexpr unsigned kBytea = 17, kInt2 = 21, kInt4 = 23, kInt8 = 20, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

// A bytea as the server prints it (\x then two hex digits a byte), as bytes.
std::string bytes_of_hex(const std::string& text) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string bytes;
  bytes.reserve(text.size() / 2);
  for (std::size_t i = 2; i + 1 < text.size(); i += 2) bytes += static_cast<char>(nibble(text[i]) << 4 | nibble(text[i + 1]));
  return bytes;
}

// Every row of `select` (its $1 the campaign filter) into `insert` (?1, ?2, … in the same order),
// each value with its type: integers as integers, reals as the very doubles the server holds.
void fetch(const PgConnection& server, const Connection& mirror, const std::string& select, const std::string& insert,
           const std::optional<std::string>& campaign) {
  const auto rows = server.query(select, select.find("$1") == std::string::npos ? PgParams{} : PgParams{campaign});
  Statement into(mirror, insert);
  for (int row = 0; row < rows.rows(); ++row) {
    for (int column = 0; column < rows.columns(); ++column) {
      const int index = column + 1;
      if (rows.is_null(row, column)) {
        into.bind_null(index);
        continue;
      }
      switch (rows.column_type(column)) {
        case kInt2:
        case kInt4:
        case kInt8: into.bind(index, rows.int64(row, column)); break;
        case kFloat4:
        case kFloat8:
        case kNumeric: into.bind(index, rows.real(row, column)); break;
        case kBytea: into.bind_blob(index, bytes_of_hex(rows.text(row, column))); break;
        default: into.bind(index, rows.text(row, column));
      }
    }
    into.run();
    into.reset();
  }
}

// Rows inserted so far on this connection.
std::int64_t mirror_rows(const Connection& mirror) { return sqlite3_total_changes64(mirror.handle()); }

// The campaigns asked for ($1: a name, an id, STATION/NAME, or NULL for all).
constexpr const char* kPicked =
    "(SELECT id FROM campaigns c WHERE $1::text IS NULL OR c.name = $1 OR c.id::text = $1 OR c.station || '/' || c.name = $1)";

std::string picked(const char* column) { return std::string(column) + " IN " + kPicked; }

// Runs `body` in one REPEATABLE READ, READ ONLY transaction of the server (one snapshot across
// every table fetched) and one transaction of the mirror.
template <class Body>
void in_snapshot(const PgConnection& server, const Connection& mirror, Body&& body) {
  server.in_transaction([&] { mirror.in_transaction(body); }, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

}  // namespace

Connection mirror_for_analyses(const PgConnection& server, const std::optional<std::string>& campaign) {
  require_current_schema(server);
  auto mirror = Connection::open_in_memory(server.where());
  in_snapshot(server, mirror, [&] {
      fetch(server, mirror,
            "SELECT id, name, station, status, started_unix_s, ended_unix_s, reason, end_cause FROM campaigns WHERE " +
                picked("id") + " ORDER BY id",
            "INSERT INTO campaigns (id, name, station, status, started_unix_s, ended_unix_s, reason, end_cause) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            campaign);
      fetch(server, mirror,
            "SELECT id, campaign_id, name, kind, uri, vendor, model, serial, firmware FROM devices WHERE " + picked("campaign_id") +
                " ORDER BY id",
            "INSERT INTO devices (id, campaign_id, name, kind, uri, vendor, model, serial, firmware) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            campaign);
      fetch(server, mirror,
            "SELECT id, campaign_id, kind, ordinal, label, speed, status, started_unix_s, ended_unix_s FROM runs WHERE " +
                picked("campaign_id") + " ORDER BY id",
            "INSERT INTO runs (id, campaign_id, kind, ordinal, label, speed, status, started_unix_s, ended_unix_s) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            campaign);
      fetch(server, mirror,
            "SELECT id, campaign_id, run_id, device_id, t_s, wall_unix_s, kind, severity, message FROM events WHERE " +
                picked("campaign_id") + " ORDER BY id",
            "INSERT INTO events (id, campaign_id, run_id, device_id, t_s, wall_unix_s, kind, severity, message) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            campaign);
      fetch(server, mirror,
            "SELECT id, run_id, device_id, name, value, unit, low_limit, high_limit, verdict FROM measurements WHERE " +
                picked("campaign_id") + " ORDER BY id",
            "INSERT INTO measurements (id, run_id, device_id, name, value, unit, low_limit, high_limit, verdict) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            campaign);
      fetch(server, mirror,
            "SELECT b.run_id, b.device_id, b.phase, b.temp_bin_c, b.samples, b.tflops_sum, b.power_w_sum, b.sample_s, "
            "b.power_cap_s, b.thermal_s, b.power_brake_s, b.hw_slowdown_s FROM run_bins b JOIN runs r ON r.id = b.run_id WHERE " +
                picked("r.campaign_id") + " ORDER BY b.run_id, b.device_id, b.phase, b.temp_bin_c",
            "INSERT INTO run_bins VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", campaign);
      fetch(server, mirror,
            "SELECT k.run_id, k.device_id, k.sdc_new, k.ecc_corrected_new, k.ecc_uncorrected_new FROM run_counters k "
            "JOIN runs r ON r.id = k.run_id WHERE " +
                picked("r.campaign_id") + " ORDER BY k.run_id, k.device_id",
            "INSERT INTO run_counters VALUES (?1, ?2, ?3, ?4, ?5)", campaign);
      // What the summary counts, from the push marks: never a scan of the samples.
      mirror.exec("CREATE TEMP TABLE sample_counts (device_id INTEGER PRIMARY KEY, samples INTEGER NOT NULL)");
      fetch(server, mirror,
            "SELECT ch.device_id, sum(m.samples)::bigint FROM push_marks m JOIN channels ch ON ch.id = m.channel_id WHERE " +
                picked("ch.campaign_id") + " GROUP BY ch.device_id ORDER BY ch.device_id",
            "INSERT INTO temp.sample_counts VALUES (?1, ?2)", campaign);
  });
  return mirror;
}

Connection mirror_campaign(const PgConnection& server, const std::optional<std::string>& campaign) {
  require_current_schema(server);
  auto mirror = Connection::open_in_memory(server.where());
  in_snapshot(server, mirror, [&] {
    const auto found = server.query("SELECT id FROM campaigns c WHERE " + picked("id") + " ORDER BY id DESC LIMIT 1", {campaign});
    if (found.rows() == 0) {
      throw DbError(server.where() + ": " + (campaign ? "no campaign " + *campaign : std::string("no campaign pushed yet")));
    }
    const std::optional<std::string> id = found.text(0, 0);
    const std::string mine = "campaign_id = $1::bigint";
    fetch(server, mirror,
          "SELECT id, name, station, status, started_unix_s, ended_unix_s, reason, config_yaml, end_cause FROM campaigns "
          "WHERE id = $1::bigint",
          "INSERT INTO campaigns (id, name, station, status, started_unix_s, ended_unix_s, reason, config_yaml, end_cause) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
          id);
    fetch(server, mirror,
          "SELECT id, campaign_id, name, kind, uri, vendor, model, serial, firmware FROM devices WHERE " + mine + " ORDER BY id",
          "INSERT INTO devices (id, campaign_id, name, kind, uri, vendor, model, serial, firmware) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
          id);
    fetch(server, mirror,
          "SELECT id, digest, name, source, duration_s, step_s, proto FROM profiles WHERE id IN (SELECT profile_id FROM runs WHERE " +
              mine + ") ORDER BY id",
          "INSERT INTO profiles (id, digest, name, source, duration_s, step_s, proto) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", id);
    fetch(server, mirror,
          "SELECT id, campaign_id, profile_id, kind, ordinal, label, speed, status, started_unix_s, ended_unix_s FROM runs WHERE " +
              mine + " ORDER BY id",
          "INSERT INTO runs (id, campaign_id, profile_id, kind, ordinal, label, speed, status, started_unix_s, ended_unix_s) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
          id);
    fetch(server, mirror, "SELECT id, device_id, name, unit FROM channels WHERE " + mine + " ORDER BY id",
          "INSERT INTO channels (id, device_id, name, unit) VALUES (?1, ?2, ?3, ?4)", id);
    fetch(server, mirror,
          "SELECT id, campaign_id, run_id, device_id, t_s, wall_unix_s, kind, severity, message FROM events WHERE " + mine + " ORDER BY id",
          "INSERT INTO events (id, campaign_id, run_id, device_id, t_s, wall_unix_s, kind, severity, message) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
          id);
    fetch(server, mirror,
          "SELECT id, run_id, device_id, name, value, unit, low_limit, high_limit, verdict FROM measurements WHERE " + mine +
              " ORDER BY id",
          "INSERT INTO measurements (id, run_id, device_id, name, value, unit, low_limit, high_limit, verdict) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
          id);
    fetch(server, mirror,
          "SELECT b.run_id, b.device_id, b.phase, b.temp_bin_c, b.samples, b.tflops_sum, b.power_w_sum, b.sample_s, b.power_cap_s, "
          "b.thermal_s, b.power_brake_s, b.hw_slowdown_s FROM run_bins b JOIN runs r ON r.id = b.run_id WHERE r." + mine +
              " ORDER BY 1, 2, 3, 4",
          "INSERT INTO run_bins VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", id);
    fetch(server, mirror,
          "SELECT k.run_id, k.device_id, k.sdc_new, k.ecc_corrected_new, k.ecc_uncorrected_new FROM run_counters k "
          "JOIN runs r ON r.id = k.run_id WHERE r." + mine + " ORDER BY 1, 2",
          "INSERT INTO run_counters VALUES (?1, ?2, ?3, ?4, ?5)", id);
    server.query("DECLARE campaign_samples NO SCROLL CURSOR FOR SELECT run_id, channel_id, t_s, wall_unix_s, value FROM samples "
                 "WHERE campaign_id = $1::bigint ORDER BY run_id, channel_id, t_s",
                 {id});
    for (;;) {
      const auto before = mirror_rows(mirror);
      fetch(server, mirror, "FETCH 50000 FROM campaign_samples",
            "INSERT INTO samples (run_id, channel_id, t_s, wall_unix_s, value) VALUES (?1, ?2, ?3, ?4, ?5)", std::nullopt);
      if (mirror_rows(mirror) - before < 50000) break;
    }
  });
  return mirror;
}

}  // namespace ob::db::pg
