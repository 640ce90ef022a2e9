#pragma once
// Everything the runner keeps per board under test, in one place: its database identity, its
// isolation, the bench's own failures for its verdict line, the cap last commanded and what
// its readbacks showed, its error counts over the campaign, and its run statistics.
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "bench/participants/participant.hpp"
#include "bench/run_statistics.hpp"

namespace ob::bench {

struct ErrorCounts {
  std::uint64_t ecc_corrected = 0;
  std::uint64_t ecc_uncorrected = 0;
  std::uint64_t sdc = 0;
};

// This run's readbacks against what was commanded.
struct BoardChecks {
  bool supply_off = false;  // its channel was seen off or tripped: no more judging on its data
  int cap_mismatches = 0;   // consecutive reads whose enforced cap differs from the commanded
  bool cap_fault_recorded = false;
  std::optional<std::chrono::steady_clock::time_point> idle_since;  // when it last stopped reporting throughput
  bool idle_fault_open = false;
};

struct BoardState {
  DeviceState device;                       // its database identity and fault count
  bool isolated = false;                    // out of the campaign (BenchContext::isolate)
  std::string isolation_reason;
  std::vector<std::string> failure_causes;  // the bench's own failures, for its verdict line
  double commanded_cap_w = 0;               // the power cap last commanded (0: none yet)
  std::uint64_t last_reasons = 0;           // clock-event reasons last seen
  std::optional<ErrorCounts> first_error_counts;  // at the campaign's first reading
  std::optional<ErrorCounts> last_error_counts;
  double max_temp_c = -std::numeric_limits<double>::infinity();  // over the campaign
  BoardChecks checks;                       // this run's readbacks
  RunStatistics statistics;                 // this run's measured ticks
  RunningMean baseline_means, reference_means, replay_means;  // per run of each kind
};

}  // namespace ob::bench
