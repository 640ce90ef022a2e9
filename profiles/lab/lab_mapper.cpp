#include "profiles/lab/lab_mapper.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "profiles/heat/spacecraft.hpp"
#include "profiles/number_format.hpp"
#include "profiles/orbit_profile.hpp"
#include "profiles/physical_constants.hpp"

namespace ob::profiles {

namespace {

// Below this predicted span the range cannot be stretched: the margin shifts it hot instead.
constexpr double kMinStretchSpanK = 0.01;
// Supply-current segments: deviations under this (A) are rounding, not infeasibility.
constexpr double kCurrentToleranceA = 1e-9;
// Range below which the bus counts as regulated for track_bus.
constexpr double kMinBusSpanV = 1e-6;
constexpr std::size_t kReservedSegments = 64;

void check_reference(const OrbitReference& reference) {
  std::vector<FieldError> errors;
  const auto require = [&](bool ok, const char* field, double value, const char* rule) {
    if (!ok || !std::isfinite(value)) {
      errors.push_back({std::string("reference.") + field,
                        "=" + format_number(value) + ": " + rule});
    }
  };
  require(true, "tracked_min_c", reference.tracked_min_c, "must be finite");
  require(reference.tracked_max_c >= reference.tracked_min_c, "tracked_max_c",
          reference.tracked_max_c, "must not be below tracked_min_c");
  require(reference.gpu_budget_reference_w > 0, "gpu_budget_reference_w",
          reference.gpu_budget_reference_w, "must be > 0");
  require(reference.bus_voltage_max_v >= reference.bus_voltage_min_v, "bus_voltage_max_v",
          reference.bus_voltage_max_v, "must not be below bus_voltage_min_v");
  require(true, "bus_voltage_min_v", reference.bus_voltage_min_v, "must be finite");
  if (!errors.empty()) throw ProfileError("invalid lab mapping reference: " + join_errors(errors));
}

const LabMapping& checked(const LabMapping& lab) {
  const std::vector<FieldError> errors = lab_errors(lab);
  if (!errors.empty()) throw ProfileError("invalid lab mapping: " + join_errors(errors));
  return lab;
}

}  // namespace

std::string_view to_string(InfeasibleKind kind) {
  switch (kind) {
    case InfeasibleKind::chamber_range: return "chamber_range";
    case InfeasibleKind::chamber_ramp: return "chamber_ramp";
    case InfeasibleKind::supply_current: return "supply_current";
  }
  return "?";
}

OrbitReference orbit_reference(const Spacecraft& craft, double tracked_min_c,
                               double tracked_max_c) {
  const bool regulated = craft.bus_regulation == BusRegulation::regulated;
  return {.tracked_min_c = tracked_min_c,
          .tracked_max_c = tracked_max_c,
          .gpu_budget_reference_w = craft.gpu_budget_sunlit_w,
          .bus_voltage_min_v = regulated ? craft.bus_voltage_nominal_v : craft.bus_voltage_min_v,
          .bus_voltage_max_v = regulated ? craft.bus_voltage_nominal_v : craft.bus_voltage_max_v};
}

LabMapper::LabMapper(const LabMapping& lab, const OrbitReference& reference)
    : lab_(checked(lab)),
      reference_(reference),
      margin_c_(margin_c(lab.qualification)),
      ramp_c_per_profile_s_(lab.chamber_max_ramp_c_per_min / kSecondsPerMinute / lab.speed) {
  check_reference(reference);
  const double span_k = reference.tracked_max_c - reference.tracked_min_c;
  if (span_k >= kMinStretchSpanK) {
    stretch_scale_ = (span_k + 2.0 * margin_c_) / span_k;
    stretch_offset_c_ = reference.tracked_min_c - margin_c_;
  } else {
    stretch_scale_ = 1.0;
    stretch_offset_c_ = reference.tracked_min_c + margin_c_;
  }
  report_.margin_c = margin_c_;
  report_.segments.reserve(kReservedSegments);
}

double LabMapper::with_margin_c(double tracked_c) const {
  return stretch_offset_c_ + (tracked_c - reference_.tracked_min_c) * stretch_scale_;
}

double LabMapper::gpu_power_cap_w(double budget_w) const {
  const double ratio = std::clamp(budget_w / reference_.gpu_budget_reference_w, 0.0, 1.0);
  switch (lab_.cap_scaling) {
    case CapScaling::proportional:
      return std::max(lab_.dut_power_min_w, ratio * lab_.dut_power_max_w);
    case CapScaling::affine:
      return lab_.dut_power_min_w + ratio * (lab_.dut_power_max_w - lab_.dut_power_min_w);
  }
  return lab_.dut_power_max_w;
}

double LabMapper::psu_voltage_v(double bus_voltage_v) const {
  const double bus_span_v = reference_.bus_voltage_max_v - reference_.bus_voltage_min_v;
  if (lab_.psu_voltage_mode == PsuVoltageMode::fixed || bus_span_v < kMinBusSpanV) {
    return lab_.supply_voltage_v;
  }
  const double place = std::clamp((bus_voltage_v - reference_.bus_voltage_min_v) / bus_span_v,
                                  0.0, 1.0);
  return lab_.supply_voltage_min_v +
         place * (lab_.supply_voltage_max_v - lab_.supply_voltage_min_v);
}

void LabMapper::close(InfeasibleKind kind, OpenSegment& segment, double end_t_s) {
  if (!segment.open) return;
  segment.open = false;
  if (kind != InfeasibleKind::supply_current) {
    report_.infeasible_chamber_s += end_t_s - segment.start_t_s;
  }
  if (report_.segments.size() >= kMaxSegments) {
    ++report_.segments_dropped;
    return;
  }
  const bool ramp = kind == InfeasibleKind::chamber_ramp;
  report_.segments.push_back(
      {.kind = kind,
       .start_t_s = segment.start_t_s,
       .end_t_s = end_t_s,
       .max_deviation = segment.max_deviation,
       .needed_ramp_c_per_min = ramp ? segment.needed_ramp_c_per_min : 0.0,
       .available_ramp_c_per_min = ramp ? lab_.chamber_max_ramp_c_per_min : 0.0});
}

void LabMapper::track(InfeasibleKind kind, OpenSegment& segment, double t_s, double deviation,
                      double tolerance, double needed_ramp_c_per_min) {
  if (deviation <= tolerance) {
    close(kind, segment, t_s);
    return;
  }
  if (!segment.open) segment = {.open = true, .start_t_s = t_s, .max_deviation = 0,
                                .needed_ramp_c_per_min = 0};
  segment.max_deviation = std::max(segment.max_deviation, deviation);
  segment.needed_ramp_c_per_min = std::max(segment.needed_ramp_c_per_min, needed_ramp_c_per_min);
}

LabSetpoints LabMapper::push(const OrbitPoint& point) {
  if (started_ && !(point.t_s > last_t_s_)) {
    throw ProfileError("lab mapping: samples must come in increasing t_s (got " +
                       format_number(point.t_s) + " after " + format_number(last_t_s_) + ")");
  }
  LabSetpoints out;
  out.gpu_power_cap_w = gpu_power_cap_w(point.gpu_power_budget_w);
  out.psu_voltage_v = psu_voltage_v(point.bus_voltage_v);

  const bool board = lab_.chamber_tracks == ChamberTracks::board;
  const double tracked_c = board ? point.board_temp_c : point.baseplate_temp_c;
  const double self_heating_k = board ? lab_.dut_self_heating_k_per_w * out.gpu_power_cap_w : 0.0;
  out.chamber_target_c = with_margin_c(tracked_c) - self_heating_k;
  const double reachable_c = std::clamp(out.chamber_target_c, lab_.chamber_min_c, lab_.chamber_max_c);
  const double range_deviation_k = std::abs(out.chamber_target_c - reachable_c);

  double ramp_deviation_k = 0;
  double needed_ramp_c_per_min = 0;
  if (!started_) {
    out.chamber_setpoint_c = reachable_c;
  } else {
    const double dt_s = point.t_s - last_t_s_;
    const double max_change_c = ramp_c_per_profile_s_ * dt_s;
    out.chamber_setpoint_c = std::clamp(reachable_c, last_setpoint_c_ - max_change_c,
                                        last_setpoint_c_ + max_change_c);
    ramp_deviation_k = std::abs(reachable_c - out.chamber_setpoint_c);
    // The target's slope in wall time: Δ°C / Δt_profile × speed × 60 s/min.
    needed_ramp_c_per_min =
        std::abs(reachable_c - last_reachable_c_) / dt_s * lab_.speed * kSecondsPerMinute;
  }

  const double wanted_current_a = out.gpu_power_cap_w / out.psu_voltage_v;
  out.psu_current_limit_a =
      std::min(wanted_current_a * lab_.current_margin, lab_.supply_max_current_a);

  track(InfeasibleKind::chamber_range, range_, point.t_s, range_deviation_k,
        lab_.chamber_tolerance_k, 0.0);
  track(InfeasibleKind::chamber_ramp, ramp_, point.t_s, ramp_deviation_k,
        lab_.chamber_tolerance_k, needed_ramp_c_per_min);
  track(InfeasibleKind::supply_current, supply_, point.t_s,
        wanted_current_a - lab_.supply_max_current_a, kCurrentToleranceA, 0.0);

  if (report_.samples == 0) {
    report_.target_min_c = report_.target_max_c = out.chamber_target_c;
    report_.setpoint_min_c = report_.setpoint_max_c = out.chamber_setpoint_c;
  }
  report_.target_min_c = std::min(report_.target_min_c, out.chamber_target_c);
  report_.target_max_c = std::max(report_.target_max_c, out.chamber_target_c);
  report_.setpoint_min_c = std::min(report_.setpoint_min_c, out.chamber_setpoint_c);
  report_.setpoint_max_c = std::max(report_.setpoint_max_c, out.chamber_setpoint_c);
  report_.worst_chamber_deviation_k =
      std::max({report_.worst_chamber_deviation_k, range_deviation_k, ramp_deviation_k});
  ++report_.samples;

  started_ = true;
  last_t_s_ = point.t_s;
  last_setpoint_c_ = out.chamber_setpoint_c;
  last_reachable_c_ = reachable_c;
  return out;
}

LabReport LabMapper::finish() {
  close(InfeasibleKind::chamber_range, range_, last_t_s_);
  close(InfeasibleKind::chamber_ramp, ramp_, last_t_s_);
  close(InfeasibleKind::supply_current, supply_, last_t_s_);
  std::stable_sort(report_.segments.begin(), report_.segments.end(),
            [](const InfeasibleSegment& a, const InfeasibleSegment& b) {
              return a.start_t_s < b.start_t_s;
            });
  return std::move(report_);
}

}  // namespace ob::profiles
