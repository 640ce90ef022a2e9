#include "db/analyses.hpp"

#include "db/statement.hpp"

namespace ob::db {

std::vector<std::optional<std::string>> filter_params(const AnalysisFilter& filter) {
  return {filter.campaign, filter.dut, filter.run};
}

// The filters (filter_params): ?1 campaign name or id, ?2 DUT name, ?3 run id.
// STATION/NAME tells apart campaigns of one name from several stations (a merged or lab database).
#define OB_CAMPAIGN_FILTER "(?1 IS NULL OR c.name = ?1 OR CAST(c.id AS TEXT) = ?1 OR c.station || '/' || c.name = ?1)"
// Campaign c and run r in scope.
const char* const kCampaignRunFilterSql = OB_CAMPAIGN_FILTER " AND (?3 IS NULL OR CAST(r.id AS TEXT) = ?3)";

namespace {

// Campaign c and device d in scope.
constexpr const char* kCampaignDutFilter = OB_CAMPAIGN_FILTER " AND (?2 IS NULL OR d.name = ?2) ";

// The figures over a group of DUT rows (b: run_bins, r: runs, k: run_counters per device).
std::string figures_sql(const std::string& key_columns, const std::string& group_by) {
  return "WITH per AS (SELECT " + key_columns + ", "
         "  sum(CASE WHEN r.kind = 'baseline' THEN b.tflops_sum END) / sum(CASE WHEN r.kind = 'baseline' THEN b.samples END) AS base, "
         "  sum(CASE WHEN r.kind = 'reference' THEN b.tflops_sum END) / sum(CASE WHEN r.kind = 'reference' THEN b.samples END) AS ref, "
         "  sum(CASE WHEN r.kind = 'replay' AND b.phase = 'sunlit' THEN b.tflops_sum END) / "
         "    sum(CASE WHEN r.kind = 'replay' AND b.phase = 'sunlit' THEN b.samples END) AS sunlit, "
         "  sum(CASE WHEN r.kind = 'replay' AND b.phase = 'penumbra' THEN b.tflops_sum END) / "
         "    sum(CASE WHEN r.kind = 'replay' AND b.phase = 'penumbra' THEN b.samples END) AS penumbra, "
         "  sum(CASE WHEN r.kind = 'replay' AND b.phase = 'eclipse' THEN b.tflops_sum END) / "
         "    sum(CASE WHEN r.kind = 'replay' AND b.phase = 'eclipse' THEN b.samples END) AS eclipse, "
         "  sum(CASE WHEN r.kind = 'replay' THEN b.tflops_sum END) / sum(CASE WHEN r.kind = 'replay' THEN b.power_w_sum END) AS efficiency, "
         "  sum(b.power_cap_s) AS power_cap_s, sum(b.thermal_s) AS thermal_s, sum(b.power_brake_s) AS power_brake_s, "
         "  sum(b.hw_slowdown_s) AS hw_slowdown_s, "
         "  group_concat(DISTINCT d.id) AS device_ids "
         "FROM campaigns c JOIN devices d ON d.campaign_id = c.id AND d.kind = 'gpu' "
         "LEFT JOIN run_bins b ON b.device_id = d.id LEFT JOIN runs r ON r.id = b.run_id "
         "WHERE " + kCampaignDutFilter +
         "AND (?3 IS NULL OR b.run_id IS NULL OR CAST(b.run_id AS TEXT) = ?3) "
         "GROUP BY " + group_by + ") "
         "SELECT per.*, round(100.0 * (ref / base - 1), 2) AS reference_vs_baseline_pct FROM per";
}

// The group's error counts and verdicts, from the ids the figures gathered.
constexpr const char* kCounts =
    "CAST((SELECT sum(k.sdc_new) FROM run_counters k WHERE instr(',' || per.device_ids || ',', ',' || k.device_id || ',')) "
    "  AS INTEGER) AS sdc, "
    "CAST((SELECT sum(k.ecc_corrected_new) FROM run_counters k WHERE instr(',' || per.device_ids || ',', ',' || k.device_id || ',')) "
    "  AS INTEGER) AS ecc_corrected, "
    "CAST((SELECT sum(k.ecc_uncorrected_new) FROM run_counters k WHERE instr(',' || per.device_ids || ',', ',' || k.device_id || ',')) "
    "  AS INTEGER) AS ecc_uncorrected, "
    "(SELECT CASE WHEN count(*) = 0 THEN NULL WHEN sum(m.verdict = 'fail') > 0 THEN 'fail' ELSE 'pass' END FROM measurements m "
    "  WHERE m.name = 'verdict' AND instr(',' || per.device_ids || ',', ',' || m.device_id || ',')) AS verdict";

constexpr const char* kFigureColumns =
    "round(base, 3) AS baseline_tflops, round(ref, 3) AS reference_tflops, reference_vs_baseline_pct, "
    "round(sunlit, 3) AS sunlit_tflops, round(penumbra, 3) AS penumbra_tflops, round(eclipse, 3) AS eclipse_tflops, "
    "round(efficiency, 4) AS orbit_tflop_per_j, CAST(round(power_cap_s) AS INTEGER) AS power_cap_s, "
    "CAST(round(thermal_s) AS INTEGER) AS thermal_s, CAST(round(power_brake_s) AS INTEGER) AS power_brake_s, "
    "CAST(round(hw_slowdown_s) AS INTEGER) AS hw_slowdown_s, ";

}  // namespace

std::vector<ResultSet> query_degradation_figures(const Connection& db, const AnalysisFilter& filter) {
  const std::string figures = figures_sql("c.id AS campaign_id, c.name AS campaign, d.name AS dut", "d.id") +
                              " ";
  const std::string sql = "SELECT campaign, dut, " + std::string(kFigureColumns) + kCounts + " FROM (" + figures +
                          ") per ORDER BY campaign_id, dut";
  const std::string bins =
      "SELECT c.name AS campaign, d.name AS dut, b.temp_bin_c AS temp_bin_c, sum(b.samples) AS samples, "
      "round(sum(b.tflops_sum) / sum(b.samples), 3) AS tflops, round(sum(b.power_w_sum) / sum(b.samples), 2) AS power_w "
      "FROM campaigns c JOIN devices d ON d.campaign_id = c.id AND d.kind = 'gpu' JOIN run_bins b ON b.device_id = d.id "
      "JOIN runs r ON r.id = b.run_id AND r.kind = 'replay' "
      "WHERE " + std::string(kCampaignDutFilter) +
      "AND (?3 IS NULL OR CAST(b.run_id AS TEXT) = ?3) GROUP BY d.id, b.temp_bin_c ORDER BY c.id, d.name, b.temp_bin_c";
  return {run_query(db, sql, filter_params(filter)), run_query(db, bins, filter_params(filter))};
}

ResultSet query_compare(const Connection& db, const AnalysisFilter& filter, CompareBy by) {
  std::string key = "d.name";
  std::string label = "dut";
  if (by == CompareBy::firmware) {
    key = "d.firmware";
    label = "firmware";
  } else if (by == CompareBy::campaign) {
    key = "c.id";
    label = "campaign";
  }
  const std::string name = by == CompareBy::campaign ? "c.name" : key;
  const std::string figures = figures_sql(name + " AS " + label + ", count(DISTINCT d.id) AS boards", key);
  const std::string sql = "SELECT " + label + ", boards, " + std::string(kFigureColumns) + kCounts + " FROM (" + figures +
                          ") per ORDER BY " + label;
  return run_query(db, sql, filter_params(filter));
}

ResultSet query_events(const Connection& db, const AnalysisFilter& filter) {
  const std::string sql =
      "SELECT e.id AS id, strftime('%Y-%m-%dT%H:%M:%fZ', e.wall_unix_s, 'unixepoch') AS utc, c.name AS campaign, "
      "r.id AS run, r.label AS run_label, d.name AS device, round(e.t_s, 3) AS t_s, e.kind AS kind, "
      "e.severity AS severity, e.message AS message "
      "FROM events e JOIN campaigns c ON c.id = e.campaign_id LEFT JOIN runs r ON r.id = e.run_id "
      "LEFT JOIN devices d ON d.id = e.device_id "
      "WHERE " + std::string(kCampaignDutFilter) + "AND (?3 IS NULL OR CAST(r.id AS TEXT) = ?3) ORDER BY e.id";
  return run_query(db, sql, filter_params(filter));
}

ResultSet query_timing(const Connection& db, const AnalysisFilter& filter) {
  const std::string sql =
      std::string("SELECT c.name AS campaign, r.id AS run, r.label AS run_label, r.kind AS kind, "
                  "max(CASE WHEN m.name = 'command_lateness_p50_ms' THEN round(m.value, 3) END) AS p50_ms, "
                  "max(CASE WHEN m.name = 'command_lateness_p99_ms' THEN round(m.value, 3) END) AS p99_ms, "
                  "max(CASE WHEN m.name = 'command_lateness_max_ms' THEN round(m.value, 3) END) AS max_ms, "
                  "CAST(max(CASE WHEN m.name = 'ticks_on_time' THEN m.value END) AS INTEGER) AS ticks_on_time, "
                  "CAST(max(CASE WHEN m.name = 'ticks_skipped_late' THEN m.value END) AS INTEGER) AS ticks_skipped_late, "
                  "max(CASE WHEN m.name = 'paused_s' THEN round(m.value, 1) END) AS paused_s "
                  "FROM runs r JOIN campaigns c ON c.id = r.campaign_id "
                  "LEFT JOIN measurements m ON m.run_id = r.id AND m.device_id IS NULL "
                  "WHERE ") +
      kCampaignRunFilterSql + " AND ?2 IS ?2 GROUP BY r.id ORDER BY r.id";
  return run_query(db, sql, filter_params(filter));
}

// The devices whose events count for board d of campaign c in the summary: the board itself, and
// its campaign's chamber(s) and profile (an infeasible profile, a chamber fault or alarm concerns
// every board in the chamber). Each event counts once: it names one device.
constexpr const char* kBoardAndShared =
    "SELECT ed.id FROM devices ed WHERE ed.id = d.id OR (ed.campaign_id = c.id AND ed.kind IN ('chamber', 'profile'))";

// Whether the connection holds the boards' sample counts ready-made (a mirror of a lab's server,
// db/postgres/pg_mirror.hpp, whose samples stay on the server).
bool has_sample_counts(const Connection& db) {
  Statement query(db, "SELECT count(*) FROM temp.sqlite_master WHERE name = 'sample_counts'");
  query.step();
  return query.column_int64(0) > 0;
}

ResultSet query_summary(const Connection& db, const AnalysisFilter& filter) {
  const std::string samples =
      has_sample_counts(db)
          ? "coalesce((SELECT sc.samples FROM temp.sample_counts sc WHERE sc.device_id = d.id), 0) AS samples, "
          // By (run, channel): the samples' own key, never a scan of the whole table.
          : "(SELECT count(*) FROM runs r JOIN channels ch ON ch.device_id = d.id "
            "   JOIN samples s ON s.run_id = r.id AND s.channel_id = ch.id WHERE r.campaign_id = c.id) AS samples, ";
  const std::string sql =
      "SELECT c.id AS campaign_id, c.name AS campaign, c.status AS status, d.name AS dut, "
      "(SELECT count(*) FROM runs r WHERE r.campaign_id = c.id) AS runs, " + samples +
      "(SELECT count(*) FROM events e WHERE e.severity = 'error' AND e.device_id IN (" + std::string(kBoardAndShared) +
      ")) AS errors, "
      "(SELECT count(*) FROM events e WHERE e.severity = 'warning' AND e.device_id IN (" + std::string(kBoardAndShared) +
      ")) AS warnings, "
      "(SELECT m.verdict FROM measurements m WHERE m.device_id = d.id AND m.name = 'verdict' ORDER BY m.id DESC LIMIT 1) "
      "  AS verdict, "
      "(SELECT group_concat(name, ', ') FROM (SELECT DISTINCT m.name AS name FROM measurements m JOIN runs r ON r.id = m.run_id "
      "   WHERE m.device_id = d.id AND m.verdict = 'fail' AND m.name <> 'verdict')) AS failed "
      "FROM campaigns c JOIN devices d ON d.campaign_id = c.id AND d.kind = 'gpu' "
      "WHERE " + std::string(kCampaignDutFilter) + "AND ?3 IS ?3 ORDER BY c.id, d.name";
  return run_query(db, sql, filter_params(filter));
}

bool campaign_exists(const Connection& db, const std::string& name_or_id) {
  Statement query(db, "SELECT count(*) FROM campaigns c WHERE " OB_CAMPAIGN_FILTER);
  query.bind(1, name_or_id);
  query.step();
  return query.column_int64(0) > 0;
}

namespace {

// Whether `sql` (?1 the campaign or NULL for any, ?2 the thing's name or id) counts any row.
bool any_in_campaign(const Connection& db, const char* sql, const std::string& campaign, const std::string& thing) {
  Statement query(db, sql);
  query.bind(1, campaign.empty() ? std::optional<std::string>() : std::optional<std::string>(campaign));
  query.bind(2, thing);
  query.step();
  return query.column_int64(0) > 0;
}

}  // namespace

bool board_exists(const Connection& db, const std::string& campaign, const std::string& name) {
  return any_in_campaign(db,
                         "SELECT count(*) FROM campaigns c JOIN devices d ON d.campaign_id = c.id AND d.kind = 'gpu' "
                         "WHERE " OB_CAMPAIGN_FILTER " AND d.name = ?2",
                         campaign, name);
}

bool run_exists(const Connection& db, const std::string& campaign, const std::string& id) {
  return any_in_campaign(db,
                         "SELECT count(*) FROM campaigns c JOIN runs r ON r.campaign_id = c.id "
                         "WHERE " OB_CAMPAIGN_FILTER " AND CAST(r.id AS TEXT) = ?2",
                         campaign, id);
}

ResultSet query_campaigns(const Connection& db) {
  return run_query(db,
                   "SELECT id, name AS campaign, station, status, "
                   "strftime('%Y-%m-%dT%H:%M:%SZ', started_unix_s, 'unixepoch') AS started_utc, "
                   "round(ended_unix_s - started_unix_s, 1) AS wall_s, reason "
                   "FROM campaigns ORDER BY id",
                   {});
}

int count_failed_measurements(const Connection& db, std::int64_t run_id) {
  Statement query(db, "SELECT count(*) FROM measurements WHERE run_id = ?1 AND verdict = 'fail'");
  query.bind(1, run_id);
  query.step();
  return static_cast<int>(query.column_int64(0));
}

}  // namespace ob::db
