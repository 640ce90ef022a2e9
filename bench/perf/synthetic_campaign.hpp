#pragma once
// A synthetic campaign for the benchmarks that need a big results database (perf query, push,
// fleet): kBoards boards whose throughput falls with temperature, a baseline, kReplayRuns orbit
// replays with an eclipse every orbit, and a reference; the runs folded into their aggregates as
// the recorder folds them.
#include <cstdint>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace ob::bench::perf {

inline constexpr int kSyntheticBoards = 8;
inline constexpr int kSyntheticReplayRuns = 10;

// Writes campaign 1 of `station` with about `samples` samples into an empty database at this
// build's schema, folds its runs; returns the run ids.
std::vector<std::int64_t> build_synthetic_campaign(const db::Connection& db, std::int64_t samples,
                                                   const std::string& station = "perf");

}  // namespace ob::bench::perf
