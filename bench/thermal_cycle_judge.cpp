#include "bench/thermal_cycle_judge.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "db/statement.hpp"

namespace ob::bench {
namespace {

using Series = std::vector<std::pair<double, double>>;

// One channel's samples of a run within [from_s, to_s] of profile time (the samples' own key
// range: no scan beyond it).
Series read_series(const db::Connection& db, std::int64_t run_id, std::int64_t channel_id, double from_s, double to_s) {
  db::Statement query(db,
                      "SELECT t_s, value FROM samples WHERE run_id = ?1 AND channel_id = ?2 AND t_s BETWEEN ?3 AND ?4 "
                      "AND value IS NOT NULL ORDER BY t_s");
  query.bind_all(run_id, channel_id, from_s, to_s);
  Series series;
  while (query.step()) series.emplace_back(query.column_double(0), query.column_double(1));
  return series;
}

double mean_of(const Series& series) {
  if (series.empty()) return 0;
  double sum = 0;
  for (const auto& point : series) sum += point.second;
  return sum / static_cast<double>(series.size());
}

// Counters (SDC, ECC) only grow: what a window added is its last value less its first.
double growth_of(const Series& series) {
  if (series.size() < 2) return 0;
  return std::max(0.0, series.back().second - series.front().second);
}

}  // namespace

std::optional<double> least_squares_slope(const Series& points) {
  if (points.size() < 3) return std::nullopt;
  double mean_t = 0;
  double mean_y = 0;
  for (const auto& [t, y] : points) {
    mean_t += t;
    mean_y += y;
  }
  mean_t /= static_cast<double>(points.size());
  mean_y /= static_cast<double>(points.size());
  double covariance = 0;
  double variance = 0;
  for (const auto& [t, y] : points) {
    covariance += (t - mean_t) * (y - mean_y);
    variance += (t - mean_t) * (t - mean_t);
  }
  if (variance <= 0) return std::nullopt;
  return covariance / variance;
}

CycleJudgement judge_cycle(const db::Connection& db, std::int64_t run_id, const CycleSchedule& schedule,
                           const CycleChannels& channels, double stable_c_per_h) {
  CycleJudgement judgement;
  for (const auto& plateau : schedule.plateaus) {
    PlateauJudgement out;
    out.hot = plateau.hot;
    const auto air = read_series(db, run_id, channels.chamber_air, plateau.stability_start_s(), plateau.soak_end_s);
    out.air_samples = static_cast<int>(air.size());
    out.air_mean_c = mean_of(air);
    if (auto slope = least_squares_slope(air)) out.air_rate_c_per_h = *slope * 3600.0;
    out.stable = out.air_rate_c_per_h && std::abs(*out.air_rate_c_per_h) < stable_c_per_h;
    judgement.plateaus.push_back(out);
  }
  for (const auto& board : channels.boards) {
    BoardCycleJudgement out;
    bool all_functional = true;
    for (std::size_t p = 0; p < schedule.plateaus.size(); ++p) {
      const auto& plateau = schedule.plateaus[p];
      BoardPlateauJudgement test;
      const auto tflops = read_series(db, run_id, board.tflops, plateau.test_start_s, plateau.soak_end_s);
      test.samples = static_cast<int>(tflops.size());
      test.tflops_mean = mean_of(tflops);
      test.tflops_min = std::numeric_limits<double>::infinity();
      for (const auto& point : tflops) test.tflops_min = std::min(test.tflops_min, point.second);
      if (tflops.empty()) test.tflops_min = 0;
      test.gpu_temp_mean_c = mean_of(read_series(db, run_id, board.gpu_temp, plateau.test_start_s, plateau.soak_end_s));
      test.sdc_new = growth_of(read_series(db, run_id, board.sdc, plateau.test_start_s, plateau.soak_end_s));
      test.ecc_uncorrected_new =
          growth_of(read_series(db, run_id, board.ecc_uncorrected, plateau.test_start_s, plateau.soak_end_s));
      test.functional = !board.isolated && test.samples > 0 && test.tflops_min > 0 && test.sdc_new == 0 &&
                        test.ecc_uncorrected_new == 0;
      all_functional = all_functional && test.functional && judgement.plateaus[p].stable;
      out.plateaus.push_back(test);
    }
    out.sdc_new = growth_of(read_series(db, run_id, board.sdc, 0, schedule.duration_s));
    out.ecc_uncorrected_new = growth_of(read_series(db, run_id, board.ecc_uncorrected, 0, schedule.duration_s));
    out.failure_free = all_functional && !board.isolated && out.sdc_new == 0 && out.ecc_uncorrected_new == 0;
    judgement.boards.push_back(out);
  }
  return judgement;
}

int failure_free_cycles(const db::Connection& db, std::int64_t campaign_id, std::int64_t device_id, int first_ordinal,
                        int last_ordinal, int count) {
  db::Statement query(db,
                      "SELECT m.verdict FROM measurements m JOIN runs r ON r.id = m.run_id "
                      "WHERE r.campaign_id = ?1 AND m.device_id = ?2 AND m.name = 'cycle_failure_free' "
                      "AND r.kind = 'thermal_cycle' AND r.ordinal BETWEEN ?3 AND ?4 "
                      "ORDER BY r.ordinal DESC LIMIT ?5");
  query.bind_all(campaign_id, device_id, static_cast<std::int64_t>(first_ordinal), static_cast<std::int64_t>(last_ordinal), static_cast<std::int64_t>(count));
  int passed = 0;
  while (query.step()) passed += query.column_text(0) == "pass" ? 1 : 0;
  return passed;
}

std::vector<std::pair<std::optional<std::int64_t>, std::string>> failed_thermal_verdicts(const db::Connection& db,
                                                                                         std::int64_t campaign_id) {
  db::Statement failed(db,
                       "SELECT m.device_id, m.name FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.campaign_id = ?1 "
                       "AND r.kind = 'thermal_cycle' AND m.verdict = 'fail' "
                       "AND (m.name = 'last_cycles_failure_free' OR m.name LIKE 'conforms\\_to\\_%' ESCAPE '\\')");
  failed.bind(1, campaign_id);
  std::vector<std::pair<std::optional<std::int64_t>, std::string>> out;
  while (failed.step()) out.emplace_back(failed.column_optional_int64(0), failed.column_text(1));
  return out;
}

}  // namespace ob::bench
