#pragma once
// One phase of the plan as it runs: its run's id and label, its targets, its tick grid, and
// where its measuring window lies (baseline and reference runs soak first).
#include <chrono>
#include <cstdint>
#include <string>

#include "bench/config/campaign_config.hpp"
#include "bench/phase_targets.hpp"

namespace ob::bench {

struct PhaseRun {
  std::int64_t run_id = 0;
  const PhaseConfig* phase = nullptr;
  const PhaseTargets* targets = nullptr;
  std::chrono::steady_clock::time_point start;
  double period_wall_s = 0;
  double step_profile_s = 0;
  double duration_s = 0;
  long ticks = 0;
  long first_tick = 0;     // > 0 when a resumed run goes on mid-phase
  double first_t_s = 0;    // its profile time: every loop begins at its own first tick from there
  int ordinal = 0;         // plan index
  int replays_before = 0;  // replay phases begun before this one
  std::string label;
  // Baseline and reference runs soak first: they measure from measure_from_t_s (when the bench
  // became stable) to end_t_s; until then `soaking` and end_t_s is the soak's timeout plus the
  // phase. Other runs measure from 0 to their duration.
  bool soaking = false;
  double measure_from_t_s = 0;
  double end_t_s = 0;
  double phase_s = 0;  // the phase's own length, from measure_from_t_s

  // Whether a reading at t_s is judged: after the soak, within the measuring window.
  bool measuring(double t_s) const { return !soaking && t_s >= measure_from_t_s - 1e-9; }
};

}  // namespace ob::bench
