#pragma once
// Orbit → bench, one profile sample at a time (so a year streams in constant memory):
// chamber setpoint, GPU power cap, PSU voltage and current limit, and a report of where the
// bench cannot follow the orbit.
//
// Chamber (per sample):
//   1. tracked = baseplate (default) or board temperature (lab.chamber_tracks)
//   2. margin: the predicted range [min, max] of the tracked series is stretched linearly
//      about its own bounds so that both extremes grow by the margin m:
//        target = (min − m) + (tracked − min)·(max − min + 2m)/(max − min)
//      (a flat prediction, max − min < 0.01 K, is shifted hot: target = tracked + m)
//   3. board tracking: air = target − dut_self_heating_k_per_w × GPU cap
//   4. clamp to [chamber_min_c, chamber_max_c]                    → "chamber_range" if it bites
//   5. slew limit: |setpoint − previous| ≤ ramp/60 · Δt_profile / speed
//      (the ramp limit is per wall minute; at speed s a profile minute lasts 1/s wall minutes)
//                                                                 → "chamber_ramp" if it bites
// Power: r = budget / reference budget (clamped to [0, 1]);
//   cap = proportional: max(dut_min, r·dut_max) | affine: dut_min + r·(dut_max − dut_min)
//   PSU voltage = fixed supply_voltage_v | track_bus: (bus − bus_min)/(bus_max − bus_min) onto
//   [supply_voltage_min_v, supply_voltage_max_v] (a regulated bus gives supply_voltage_v)
//   current limit = min(cap / voltage × margin, supply_max_current_a)
//                                          → "supply_current" if cap / voltage alone exceeds it
#include <cstddef>
#include <string_view>
#include <vector>

#include "profiles/lab/lab_parameters.hpp"

namespace ob::profiles {

struct Spacecraft;

// What the mapper needs to know about the whole orbit profile before the first sample.
struct OrbitReference {
  // Predicted extremes of the tracked temperature (baseplate or board per lab.chamber_tracks)
  // over the whole profile: the margin is applied beyond these.
  double tracked_min_c = 0;
  double tracked_max_c = 0;
  double gpu_budget_reference_w = 700;  // the budget that maps onto dut_power_max_w
  double bus_voltage_min_v = 22;        // track_bus: the bus range mapped onto the supply's
  double bus_voltage_max_v = 34;
};

// Reference from the spacecraft (sunlit budget; bus range, or nominal when regulated) and the
// predicted extremes of the tracked temperature.
OrbitReference orbit_reference(const Spacecraft& craft, double tracked_min_c,
                               double tracked_max_c);

// One orbit sample, as the spacecraft model produced it.
struct OrbitPoint {
  double t_s = 0;
  double board_temp_c = 0;
  double baseplate_temp_c = 0;  // the radiator/baseplate node
  double gpu_power_budget_w = 0;
  double bus_voltage_v = 0;
};

struct LabSetpoints {
  double chamber_setpoint_c = 0;  // what the chamber is told (range- and ramp-limited)
  double chamber_target_c = 0;    // the air temperature the orbit asks for (margin applied)
  double gpu_power_cap_w = 0;
  double psu_voltage_v = 0;
  double psu_current_limit_a = 0;
};

enum class InfeasibleKind {
  chamber_range,   // the target lies outside the chamber's range
  chamber_ramp,    // the target moves faster than the chamber may ramp at this speed
  supply_current,  // the cap needs more current than the supply channel gives
};
std::string_view to_string(InfeasibleKind kind);

// A stretch of profile time where the bench cannot follow. It starts at the first sample off
// by more than the tolerance and ends at the first sample back within it (or the last sample).
struct InfeasibleSegment {
  InfeasibleKind kind = InfeasibleKind::chamber_range;
  double start_t_s = 0;
  double end_t_s = 0;
  double max_deviation = 0;  // K (chamber: |wanted − achievable|) or A (supply: needed − max)
  // chamber_ramp: the steepest target slope in the segment and the chamber's limit, both in
  // °C per wall minute at lab.speed. 0 for the other kinds.
  double needed_ramp_c_per_min = 0;
  double available_ramp_c_per_min = 0;
};

struct LabReport {
  std::vector<InfeasibleSegment> segments;  // sorted by start; the first kMaxSegments closed
  std::size_t segments_dropped = 0;         // beyond kMaxSegments (counted, not stored)
  double margin_c = 0;
  std::size_t samples = 0;
  double target_min_c = 0;  // the wanted air temperature's extremes
  double target_max_c = 0;
  double setpoint_min_c = 0;  // what the chamber was told
  double setpoint_max_c = 0;
  double worst_chamber_deviation_k = 0;  // over range and ramp together
  double infeasible_chamber_s = 0;       // total length of chamber segments (may overlap)

  bool feasible() const { return segments.empty() && segments_dropped == 0; }
};

class LabMapper {
 public:
  static constexpr std::size_t kMaxSegments = 100000;

  // Throws ProfileError naming the fields for an invalid lab or reference.
  LabMapper(const LabMapping& lab, const OrbitReference& reference);

  // Samples in increasing t_s (throws ProfileError otherwise). No allocation except when a
  // segment closes (amortised).
  LabSetpoints push(const OrbitPoint& point);
  // Closes open segments at the last sample and returns the report (the mapper is spent).
  LabReport finish();

  // The margin's mapping of a tracked temperature (step 2 above).
  double with_margin_c(double tracked_c) const;
  double gpu_power_cap_w(double budget_w) const;
  double psu_voltage_v(double bus_voltage_v) const;

 private:
  struct OpenSegment {
    bool open = false;
    double start_t_s = 0;
    double max_deviation = 0;
    double needed_ramp_c_per_min = 0;
  };
  void track(InfeasibleKind kind, OpenSegment& segment, double t_s, double deviation,
             double tolerance, double needed_ramp_c_per_min);
  void close(InfeasibleKind kind, OpenSegment& segment, double end_t_s);

  LabMapping lab_;
  OrbitReference reference_;
  double margin_c_;
  double stretch_offset_c_;  // target = offset + (tracked − min)·scale
  double stretch_scale_;
  double ramp_c_per_profile_s_;
  LabReport report_;
  OpenSegment range_;
  OpenSegment ramp_;
  OpenSegment supply_;
  bool started_ = false;
  double last_t_s_ = 0;
  double last_setpoint_c_ = 0;
  double last_reachable_c_ = 0;  // previous target after the range clamp
};

}  // namespace ob::profiles
