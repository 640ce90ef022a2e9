#include "db/analyses.hpp"

namespace ob::db {
namespace {

std::vector<std::optional<std::string>> params_of(const AnalysisFilter& filter) { return {filter.campaign, filter.dut, filter.run}; }

// ?1 campaign name or id, ?3 run id (campaign c, run r in scope).
constexpr const char* kCampaignRunFilter =
    "(?1 IS NULL OR c.name = ?1 OR CAST(c.id AS TEXT) = ?1) AND (?3 IS NULL OR CAST(r.id AS TEXT) = ?3)";

}  // namespace

ResultSet query_events(const Connection& db, const AnalysisFilter& filter) {
  const std::string sql =
      "SELECT e.id AS id, strftime('%Y-%m-%dT%H:%M:%fZ', e.wall_unix_s, 'unixepoch') AS utc, c.name AS campaign, "
      "r.id AS run, r.label AS run_label, d.name AS device, round(e.t_s, 3) AS t_s, e.kind AS kind, "
      "e.severity AS severity, e.message AS message "
      "FROM events e JOIN campaigns c ON c.id = e.campaign_id LEFT JOIN runs r ON r.id = e.run_id "
      "LEFT JOIN devices d ON d.id = e.device_id "
      "WHERE (?1 IS NULL OR c.name = ?1 OR CAST(c.id AS TEXT) = ?1) AND (?2 IS NULL OR d.name = ?2) "
      "AND (?3 IS NULL OR CAST(r.id AS TEXT) = ?3) ORDER BY e.id";
  return run_query(db, sql, params_of(filter));
}

ResultSet query_timing(const Connection& db, const AnalysisFilter& filter) {
  const std::string sql =
      std::string("SELECT c.name AS campaign, r.id AS run, r.label AS run_label, r.kind AS kind, "
                  "max(CASE WHEN m.name = 'command_lateness_p50_ms' THEN round(m.value, 3) END) AS p50_ms, "
                  "max(CASE WHEN m.name = 'command_lateness_p99_ms' THEN round(m.value, 3) END) AS p99_ms, "
                  "max(CASE WHEN m.name = 'command_lateness_max_ms' THEN round(m.value, 3) END) AS max_ms, "
                  "max(CASE WHEN m.name = 'ticks_on_time' THEN m.value END) AS ticks_on_time, "
                  "max(CASE WHEN m.name = 'ticks_skipped_late' THEN m.value END) AS ticks_skipped_late, "
                  "max(CASE WHEN m.name = 'paused_s' THEN round(m.value, 1) END) AS paused_s "
                  "FROM runs r JOIN campaigns c ON c.id = r.campaign_id "
                  "LEFT JOIN measurements m ON m.run_id = r.id AND m.device_id IS NULL "
                  "WHERE ") +
      kCampaignRunFilter + " AND ?2 IS ?2 GROUP BY r.id ORDER BY r.id";
  return run_query(db, sql, params_of(filter));
}

ResultSet query_summary(const Connection& db, const AnalysisFilter& filter) {
  const std::string sql =
      "SELECT c.id AS campaign_id, c.name AS campaign, c.status AS status, d.name AS dut, "
      "(SELECT count(*) FROM runs r WHERE r.campaign_id = c.id) AS runs, "
      // By (run, channel): the samples' own key, never a scan of the whole table.
      "(SELECT count(*) FROM runs r JOIN channels ch ON ch.device_id = d.id "
      "   JOIN samples s ON s.run_id = r.id AND s.channel_id = ch.id WHERE r.campaign_id = c.id) AS samples, "
      "(SELECT count(*) FROM events e WHERE e.device_id = d.id AND e.severity = 'error') AS errors, "
      "(SELECT count(*) FROM events e WHERE e.device_id = d.id AND e.severity = 'warning') AS warnings, "
      "(SELECT m.verdict FROM measurements m WHERE m.device_id = d.id AND m.name = 'verdict' ORDER BY m.id DESC LIMIT 1) "
      "  AS verdict, "
      "(SELECT group_concat(name, ', ') FROM (SELECT DISTINCT m.name AS name FROM measurements m JOIN runs r ON r.id = m.run_id "
      "   WHERE m.device_id = d.id AND m.verdict = 'fail' AND m.name <> 'verdict')) AS failed "
      "FROM campaigns c JOIN devices d ON d.campaign_id = c.id AND d.kind = 'gpu' "
      "WHERE (?1 IS NULL OR c.name = ?1 OR CAST(c.id AS TEXT) = ?1) AND (?2 IS NULL OR d.name = ?2) AND ?3 IS ?3 "
      "ORDER BY c.id, d.name";
  return run_query(db, sql, params_of(filter));
}

}  // namespace ob::db
