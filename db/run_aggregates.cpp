#include "db/run_aggregates.hpp"

#include <string>
#include <vector>

#include "db/statement.hpp"

namespace ob::db {
namespace {

// Per board of the run's campaign: its tflops samples joined, at the same t_s, with its GPU
// temperature, power, clock-event reasons and the profile's illumination (each a key lookup);
// `sample_s` is the board's sampling step in that run (profile seconds per sample).
// NVML clock event reasons: 0x4 SwPowerCap, 0x8 HwSlowdown, 0x20 SwThermalSlowdown,
// 0x40 HwThermalSlowdown, 0x80 HwPowerBrakeSlowdown.
constexpr const char* kBinsSql = R"sql(
INSERT INTO run_bins (run_id, device_id, phase, temp_bin_c, samples, tflops_sum, power_w_sum, sample_s,
                      power_cap_s, thermal_s, power_brake_s, hw_slowdown_s)
SELECT run_id, device_id, phase, temp_bin_c, count(*), sum(tflops), sum(power_w), sample_s,
       sum((reasons & 4) != 0) * sample_s, sum((reasons & 96) != 0) * sample_s,
       sum((reasons & 128) != 0) * sample_s, sum((reasons & 8) != 0) * sample_s
FROM (
  SELECT b.run_id AS run_id, b.device_id AS device_id, tf.value AS tflops, pw.value AS power_w,
         CAST(COALESCE(rs.value, 0) AS INTEGER) AS reasons, b.sample_s AS sample_s,
         CASE WHEN il.value IS NULL THEN 'ground' WHEN il.value >= 0.999 THEN 'sunlit'
              WHEN il.value <= 0.001 THEN 'eclipse' ELSE 'penumbra' END AS phase,
         CAST((CASE WHEN tp.value < 0 THEN CAST(tp.value / 5.0 AS INTEGER) - (tp.value / 5.0 < CAST(tp.value / 5.0 AS INTEGER))
                    ELSE CAST(tp.value / 5.0 AS INTEGER) END) * 5 AS INTEGER) AS temp_bin_c
  FROM (
    SELECT r.id AS run_id, d.id AS device_id, ctf.id AS tflops_ch,
           (SELECT id FROM channels WHERE device_id = d.id AND name = 'gpu_temp_c') AS temp_ch,
           (SELECT id FROM channels WHERE device_id = d.id AND name = 'power_w') AS power_ch,
           (SELECT id FROM channels WHERE device_id = d.id AND name = 'clock_event_reasons') AS reasons_ch,
           (SELECT ch.id FROM channels ch JOIN devices p ON p.id = ch.device_id
             WHERE p.campaign_id = r.campaign_id AND p.kind = 'profile' AND ch.name = 'illumination') AS light_ch,
           (SELECT CASE WHEN count(*) > 1 THEN (max(t_s) - min(t_s)) / (count(*) - 1) ELSE 0 END
              FROM samples WHERE run_id = r.id AND channel_id = ctf.id) AS sample_s
    FROM runs r JOIN devices d ON d.campaign_id = r.campaign_id AND d.kind = 'gpu'
    JOIN channels ctf ON ctf.device_id = d.id AND ctf.name = 'tflops'
    WHERE r.id = ?1
  ) b
  JOIN samples tf ON tf.run_id = b.run_id AND tf.channel_id = b.tflops_ch
  JOIN samples tp ON tp.run_id = b.run_id AND tp.channel_id = b.temp_ch AND tp.t_s = tf.t_s
  LEFT JOIN samples pw ON pw.run_id = b.run_id AND pw.channel_id = b.power_ch AND pw.t_s = tf.t_s
  LEFT JOIN samples rs ON rs.run_id = b.run_id AND rs.channel_id = b.reasons_ch AND rs.t_s = tf.t_s
  LEFT JOIN samples il ON il.run_id = b.run_id AND il.channel_id = b.light_ch AND il.t_s = tf.t_s
  WHERE tf.value IS NOT NULL AND tp.value IS NOT NULL
    -- a baseline or reference run measures from the end of its soak (its measurement soak_s)
    AND tf.t_s >= COALESCE((SELECT value FROM measurements WHERE run_id = ?1 AND name = 'soak_s' AND device_id IS NULL
                            ORDER BY id DESC LIMIT 1), 0)
)
GROUP BY run_id, device_id, phase, temp_bin_c
)sql";

// Counters only grow: what a run added is its last value less its first.
constexpr const char* kCountersSql = R"sql(
INSERT INTO run_counters (run_id, device_id, sdc_new, ecc_corrected_new, ecc_uncorrected_new)
SELECT r.id, d.id,
  (SELECT max(value) - min(value) FROM samples s JOIN channels ch ON ch.id = s.channel_id
    WHERE s.run_id = r.id AND ch.device_id = d.id AND ch.name = 'sdc_count'),
  (SELECT max(value) - min(value) FROM samples s JOIN channels ch ON ch.id = s.channel_id
    WHERE s.run_id = r.id AND ch.device_id = d.id AND ch.name = 'ecc_corrected'),
  (SELECT max(value) - min(value) FROM samples s JOIN channels ch ON ch.id = s.channel_id
    WHERE s.run_id = r.id AND ch.device_id = d.id AND ch.name = 'ecc_uncorrected')
FROM runs r JOIN devices d ON d.campaign_id = r.campaign_id AND d.kind = 'gpu'
WHERE r.id = ?1
)sql";

}  // namespace

void aggregate_run(const Connection& db, std::int64_t run_id) {
  for (const char* clear : {"DELETE FROM run_bins WHERE run_id = ?1", "DELETE FROM run_counters WHERE run_id = ?1"}) {
    Statement statement(db, clear);
    statement.bind(1, run_id);
    statement.run();
  }
  for (const char* sql : {kBinsSql, kCountersSql}) {
    Statement statement(db, sql);
    statement.bind(1, run_id);
    statement.run();
  }
}

int backfill_run_aggregates(const Connection& db) {
  std::vector<std::int64_t> runs;
  {
    Statement missing(db,
                      "SELECT id FROM runs WHERE status <> 'running' "
                      "AND id NOT IN (SELECT run_id FROM run_counters) ORDER BY id");
    while (missing.step()) runs.push_back(missing.column_int64(0));
  }
  if (runs.empty()) return 0;
  db.in_transaction([&] {
    for (const auto run : runs) aggregate_run(db, run);
  });
  return static_cast<int>(runs.size());
}

}  // namespace ob::db
