#include "bench/bench_checks.hpp"

#include <cmath>
#include <cstdio>

#include "bench/progress.hpp"
#include "profiles/number_format.hpp"

namespace ob::bench {
namespace {

// How far above a channel's rating its over-voltage protection may be set (DP832: 33 V on a
// 30 V channel); the driver refuses more.
constexpr double kProtectionHeadroom = 1.1;

// A station that claims more of the chamber than its controller reports is misconfigured.
std::optional<std::string> check_chamber_ranges(const CampaignConfig& config, LabSession& session) {
  const auto& chamber = session.chamber();
  const auto rated = chamber.driver->chamber_limits();
  if (!rated || !chamber.config) return std::nullopt;
  const auto& station = config.station;
  const std::string where = station.label + ":" + std::to_string(chamber.config->line) + ": instruments." + chamber.name;
  char text[320];
  if (chamber.config->min_temp_c && *chamber.config->min_temp_c < rated->min_temp_c) {
    std::snprintf(text, sizeof text, ".min_temp_c: %.1f °C is below what %s reports it can reach (%.1f … %.1f °C)",
                  *chamber.config->min_temp_c, chamber.identity.model.c_str(), rated->min_temp_c, rated->max_temp_c);
    return where + text;
  }
  if (chamber.config->max_temp_c && *chamber.config->max_temp_c > rated->max_temp_c) {
    std::snprintf(text, sizeof text, ".max_temp_c: %.1f °C is above what %s reports it can reach (%.1f … %.1f °C)",
                  *chamber.config->max_temp_c, chamber.identity.model.c_str(), rated->min_temp_c, rated->max_temp_c);
    return where + text;
  }
  return std::nullopt;
}

// Each DUT's supply channel exists on the identified model, and its voltage, current limit
// and protection levels are within that channel's rating.
std::optional<std::string> check_supplies(const CampaignConfig& config, LabSession& session) {
  for (const auto& board : session.boards()) {
    const auto& dut = *board.config;
    const auto& supply = dut.supply;
    auto& driver = *board.supply->driver;
    const std::string where = config.station.label + ":" + std::to_string(supply.line) + ": duts." + dut.name + ".supply.";
    char text[320];
    if (supply.channel < 1 || supply.channel > driver.channel_count()) {
      std::snprintf(text, sizeof text, "channel: %d does not exist on %s (%s: channels 1 … %d)", supply.channel,
                    board.supply->name.c_str(), board.supply->identity.model.c_str(), driver.channel_count());
      return where + text;
    }
    const auto rating = driver.channel_spec(supply.channel);
    if (rating.max_voltage_v <= 0) continue;  // a model without ratings in its table
    if (supply.voltage_v > rating.max_voltage_v) {
      std::snprintf(text, sizeof text, "voltage_v: %.3f V is beyond %s CH%d's rating of %.3f V", supply.voltage_v,
                    board.supply->name.c_str(), supply.channel, rating.max_voltage_v);
      return where + text;
    }
    if (supply.max_current_a > rating.max_current_a) {
      std::snprintf(text, sizeof text, "max_current_a: %.3f A is beyond %s CH%d's rating of %.3f A", supply.max_current_a,
                    board.supply->name.c_str(), supply.channel, rating.max_current_a);
      return where + text;
    }
    const auto capabilities = driver.capabilities();
    if (capabilities.ovp && capabilities.ovp_level && supply.max_voltage_v > rating.max_voltage_v * kProtectionHeadroom) {
      std::snprintf(text, sizeof text, "max_voltage_v: OVP at %.3f V is beyond %s CH%d's %.3f V (rating %.3f V + 10 %%)",
                    supply.max_voltage_v, board.supply->name.c_str(), supply.channel, rating.max_voltage_v * kProtectionHeadroom,
                    rating.max_voltage_v);
      return where + text;
    }
  }
  return std::nullopt;
}

// The chamber temperature of each baseline and reference phase within the chamber's range
// (the station's min/max_temp_c, else the model's).
std::optional<std::string> check_plan_setpoints(const CampaignConfig& config, LabSession& session) {
  const auto chamber = session.chamber().driver->spec();
  for (const auto& phase : config.plan) {
    if (phase.kind != PhaseKind::baseline && phase.kind != PhaseKind::reference) continue;
    if (phase.chamber_c >= chamber.min_temp_c && phase.chamber_c <= chamber.max_temp_c) continue;
    char text[320];
    std::snprintf(text, sizeof text, "%s:%d: %s.chamber_c: %.1f °C is outside %s's %.1f … %.1f °C", config.label.c_str(),
                  phase.line, to_string(phase.kind), phase.chamber_c, session.chamber().name.c_str(), chamber.min_temp_c,
                  chamber.max_temp_c);
    return std::string(text);
  }
  return std::nullopt;
}

// A thermal-cycling step this bench cannot run: plateaus beyond the chamber's range, ramps
// faster than it may be driven, or functional tests too short to hold three samples at this
// speed.
std::optional<std::string> check_thermal_programs(const CampaignConfig& config, LabSession& session) {
  const auto chamber = session.chamber().driver->spec();
  const double max_ramp = session.chamber().max_ramp_c_per_min;
  double board_period_s = config.sample_period_s;  // the functional tests are judged on the boards' samples
  for (const auto& board : session.boards()) {
    board_period_s = std::max(board_period_s, board.config->sample_period_s.value_or(config.sample_period_s));
  }
  const double step_profile_s = board_period_s * config.speed;
  for (std::size_t index = 0; index < config.plan.size(); ++index) {
    const auto& phase = config.plan[index];
    if (phase.kind != PhaseKind::thermal_cycle || phase.cycle != 1) continue;
    const auto& program = *phase.thermal;
    char problem[320] = "";
    if (program.cold_c < chamber.min_temp_c || program.hot_c > chamber.max_temp_c) {
      std::snprintf(problem, sizeof problem, "plateaus %.1f … %.1f °C exceed %s's %.1f … %.1f °C", program.cold_c,
                    program.hot_c, session.chamber().name.c_str(), chamber.min_temp_c, chamber.max_temp_c);
    } else if (max_ramp > 0 && program.ramp_c_per_min > max_ramp) {
      std::snprintf(problem, sizeof problem, "ramp %.1f °C/min is faster than %s's max_ramp_c_per_min %.1f",
                    program.ramp_c_per_min, session.chamber().name.c_str(), max_ramp);
    } else if (program.functional_test_s < 3 * step_profile_s) {
      std::snprintf(problem, sizeof problem,
                    "functional_test %s holds fewer than 3 samples at speed %g and sample_period_s %g (one per %s)",
                    format_duration(program.functional_test_s).c_str(), config.speed, board_period_s,
                    format_duration(step_profile_s).c_str());
    }
    if (problem[0] == 0) continue;
    return config.label + ":" + std::to_string(phase.line) + ": thermal_cycle: " + problem;
  }
  return std::nullopt;
}

}  // namespace

// Everything the plan and the station ask of the instruments, checked against the identified
// models' ratings and the station's limits before a campaign row exists and before anything
// is energised: "file:line: field: what is wrong", or nullopt when all is well.
std::optional<std::string> check_configuration(const CampaignConfig& config, LabSession& session) {
  if (auto problem = check_chamber_ranges(config, session)) return problem;
  if (auto problem = check_supplies(config, session)) return problem;
  if (auto problem = check_plan_setpoints(config, session)) return problem;
  return check_thermal_programs(config, session);
}

std::string describe_segment(const profiles::InfeasibleSegment& segment) {
  char text[256];
  std::snprintf(text, sizeof text, "%s from t+%s to t+%s (off by %.2f %s)", std::string(profiles::to_string(segment.kind)).c_str(),
                format_duration(segment.start_t_s).c_str(), format_duration(segment.end_t_s).c_str(), segment.max_deviation,
                segment.kind == profiles::InfeasibleKind::supply_current ? "A" : "K");
  return text;
}

bool is_chamber_segment(const profiles::InfeasibleSegment& segment) {
  return segment.kind != profiles::InfeasibleKind::supply_current;
}

// The chamber segments the orbit's target leaves by more than the tracking tolerance.
std::vector<const profiles::InfeasibleSegment*> untrackable_segments(const std::vector<profiles::InfeasibleSegment>& segments,
                                                                    double tolerance_k) {
  std::vector<const profiles::InfeasibleSegment*> out;
  for (const auto& segment : segments) {
    if (is_chamber_segment(segment) && segment.max_deviation > tolerance_k) out.push_back(&segment);
  }
  return out;
}

// An orbit the chamber cannot follow within the tracking tolerance is refused before
// anything is energised, naming the segments and the speed that would work, unless the
// campaign accepts it (accept_thermal_infeasibility: tracking judged against what the chamber
// can do, and the verdict says how far that was from the orbit).
std::optional<std::string> check_feasibility(const CampaignConfig& config, LabSession& session,
                                             const std::vector<profiles::InfeasibleSegment>& infeasible) {
  const auto segments = untrackable_segments(infeasible, config.limits.chamber_tracking_p95_k);
  if (segments.empty() || config.accept_thermal_infeasibility) return std::nullopt;
  std::string text = config.label + ": the chamber cannot follow this orbit within limits.chamber_tracking_k.p95 " +
                     profiles::format_number(config.limits.chamber_tracking_p95_k) + " K:";
  double workable_speed = config.speed;
  bool speed_helps = !session.chamber().in_process_sim;
  for (const auto* segment : segments) {
    text += "\n  " + describe_segment(*segment);
    if (segment->kind == profiles::InfeasibleKind::chamber_range) speed_helps = false;
    if (segment->kind == profiles::InfeasibleKind::chamber_ramp && segment->needed_ramp_c_per_min > 0) {
      workable_speed = std::min(workable_speed, config.speed * segment->available_ramp_c_per_min / segment->needed_ramp_c_per_min);
    }
  }
  if (speed_helps) {
    text += "\n  a speed of at most " + profiles::format_number(std::floor(workable_speed * 100) / 100) + " would let " +
            session.chamber().name + " ramp fast enough";
  } else {
    text += "\n  no speed helps: " + std::string(session.chamber().in_process_sim
                                                    ? "the simulated chamber's ramp scales with the speed"
                                                    : "the orbit's target lies beyond the chamber's range");
  }
  text += "\n  (accept_thermal_infeasibility: true replays it anyway, judged against what the chamber can do)";
  return text;
}

}  // namespace ob::bench
