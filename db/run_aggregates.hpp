#pragma once
// Aggregates kept while recording, so the degradation analyses read thousands of rows instead of
// scanning every sample: when a run ends, the recorder folds each board's samples of that run
// into `run_bins` (per orbital phase and 5 °C temperature bin: samples, throughput and power
// sums, seconds throttled per reason) and `run_counters` (new SDC and ECC errors). A run
// resumed later is folded again at its end (its rows replaced). Files from before schema 4 get
// theirs the first time a recorder opens them.
#include <cstdint>

#include "db/database.hpp"

namespace ob::db {

inline constexpr double kTemperatureBinC = 5;

// Folds one run (its previous aggregates replaced).
void aggregate_run(const Connection& db, std::int64_t run_id);
// Folds every run that has none yet and is no longer running; returns how many.
int backfill_run_aggregates(const Connection& db);

}  // namespace ob::db
