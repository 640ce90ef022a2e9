#pragma once
// The degradation summary: per board, throughput in sunlight vs eclipse during replays and
// reference vs baseline, in %. Reads through a read-only connection.
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace ob::db {

struct DegradationRow {
  std::string campaign;
  std::string dut;
  std::optional<double> baseline_tflops;   // mean over baseline runs
  std::optional<double> reference_tflops;  // mean over reference runs
  std::optional<double> reference_vs_baseline_pct;  // (ref - base) / base × 100
  std::optional<double> sunlit_tflops;     // replay samples with illumination ≥ 0.5
  std::optional<double> eclipse_tflops;    // replay samples with illumination < 0.5
  std::optional<double> eclipse_vs_sunlit_pct;
  std::optional<double> max_board_temp_c;
  long samples = 0;
};

// campaign: name filter, or all campaigns when empty.
std::vector<DegradationRow> query_degradation(const Connection& db, const std::string& campaign = {});
// Aligned text table for the terminal.
std::string format_degradation(const std::vector<DegradationRow>& rows);

// How many of a run's measurements have the verdict 'fail'.
int count_failed_measurements(const Connection& db, std::int64_t run_id);

}  // namespace ob::db
