#pragma once
// What the bench should be doing at a given profile time of a phase: the chamber setpoint and,
// per DUT, the GPU power cap and PSU current limit. Baseline/reference phases hold constant
// conditions; replays read the orbit profile (step-hold).
#include <optional>
#include <vector>

#include "bench/config/campaign_config.hpp"
#include "bench/thermal_cycling.hpp"
#include "profiles/orbit_profile.hpp"

namespace ob::bench {

// PSU current limit headroom over what the capped board draws, so the cap (not the supply)
// is what limits the board in normal operation.
inline constexpr double kCurrentLimitMargin = 1.15;

struct DutTargets {
  double power_cap_w = 0;
  double current_limit_a = 0;  // at full power: the station's max_current_a
  double voltage_v = 12;
  double min_power_cap_w = 0;  // the board's lowest accepted cap
};

// Illumination at or above this is sunlit (for the throughput split and the progress line).
inline constexpr double kSunlitThreshold = 0.5;

struct Targets {
  double chamber_c = 25;         // the setpoint to send (range- and ramp-limited)
  double chamber_target_c = 25;  // what the orbit (or the plan) asks of the air: tracking is judged on it
  std::optional<double> illumination;  // replays only
  std::optional<double> power_budget_w;
  std::vector<DutTargets> duts;
};

class PhaseTargets {
 public:
  // Constant conditions for a baseline or reference phase.
  PhaseTargets(const PhaseConfig& phase, std::vector<DutTargets> full_power);
  // Orbit replay: every DUT follows the profile's cap, scaled to its own maximum, from
  // offset_s into the profile (a replay continued after a reference check).
  PhaseTargets(const profiles::pb::Profile& profile, std::vector<DutTargets> full_power, double offset_s = 0);
  // One thermal cycle: the chamber follows the cycle's ramps and soaks, every DUT runs at
  // power_fraction of its full cap.
  PhaseTargets(CycleSchedule schedule, double power_fraction, std::vector<DutTargets> full_power);

  double duration_s() const { return duration_s_; }
  Targets at(double t_s) const;

 private:
  double duration_s_ = 0;
  double chamber_c_ = 25;
  double offset_s_ = 0;
  std::vector<DutTargets> full_power_;
  std::optional<CycleSchedule> cycle_;
  const profiles::pb::Profile* profile_ = nullptr;
  std::optional<profiles::SeriesCursor> chamber_;
  std::optional<profiles::SeriesCursor> chamber_target_;  // absent in profiles from before it was kept
  std::optional<profiles::SeriesCursor> illumination_;
  std::optional<profiles::SeriesCursor> budget_;
  std::optional<profiles::SeriesCursor> cap_;
  double profile_cap_max_w_ = 1;
};

}  // namespace ob::bench
