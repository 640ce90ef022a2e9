#include "bench/thermal_cycling.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "bench/progress.hpp"

namespace ob::bench {
namespace {

std::string number(double value, const char* format = "%.1f") {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

}  // namespace

const char* to_string(QualificationLevel level) {
  switch (level) {
    case QualificationLevel::qualification: return "qualification";
    case QualificationLevel::protoqualification: return "protoqualification";
    case QualificationLevel::acceptance: return "acceptance";
    case QualificationLevel::custom: return "custom";
  }
  return "unknown";
}

std::optional<QualificationLevel> parse_qualification_level(const std::string& text) {
  for (auto level : {QualificationLevel::qualification, QualificationLevel::protoqualification,
                     QualificationLevel::acceptance, QualificationLevel::custom}) {
    if (text == to_string(level)) return level;
  }
  return std::nullopt;
}

LevelRules level_rules(QualificationLevel level) {
  switch (level) {
    // SMC-S-016: qualification ±10 °C beyond the predicted extremes, at least −34 … +71 °C, 27 cycles.
    case QualificationLevel::qualification: return {10, -34, 71, 27};
    // Protoqualification: ±5 °C, 4 + 16 cycles; its minimum range is acceptance's widened by the margin.
    case QualificationLevel::protoqualification: return {5, -29, 66, 20};
    // Acceptance: the predicted extremes, at least −24 … +61 °C, 14 cycles.
    case QualificationLevel::acceptance: return {0, -24, 61, 14};
    case QualificationLevel::custom: break;
  }
  throw std::logic_error("a custom thermal-cycling step has no level rules");
}

int required_cycles(QualificationLevel level, double span_c) {
  if (level == QualificationLevel::custom) return 0;
  const auto rules = level_rules(level);
  const double full_span_c = rules.min_hot_c - rules.min_cold_c;
  if (span_c >= full_span_c) return rules.cycles;
  const double cycles = std::ceil(rules.cycles * std::pow(full_span_c / span_c, kReducedRangeExponent) - 1e-9);
  if (!(cycles <= kMaxRequiredCycles)) {
    throw std::invalid_argument("hot_c: a range of " + number(span_c, "%g") + " K is too narrow: the level would require more than " +
                                std::to_string(kMaxRequiredCycles) + " cycles");
  }
  return static_cast<int>(cycles);
}

ThermalProgram derive_thermal_program(const ThermalCycleConfig& config) {
  ThermalProgram program;
  program.level = config.level;
  program.ramp_c_per_min = config.ramp_c_per_min;
  program.functional_test_s = config.functional_test_s;
  program.ambient_c = config.ambient_c;
  program.power_fraction = config.power_fraction;
  const bool custom = config.level == QualificationLevel::custom;
  const bool predicted = config.predicted_min_c || config.predicted_max_c;
  const bool explicit_range = config.cold_c || config.hot_c;
  if (predicted && explicit_range) throw std::invalid_argument("predicted_c: give either predicted_c or cold_c/hot_c, not both");
  if (predicted && !(config.predicted_min_c && config.predicted_max_c)) {
    throw std::invalid_argument("predicted_c: give both extremes, [min, max]");
  }
  if (explicit_range && !(config.cold_c && config.hot_c)) throw std::invalid_argument("cold_c: give both cold_c and hot_c");
  if (custom && !explicit_range) throw std::invalid_argument("hot_c: a custom step needs cold_c and hot_c");
  if (custom && !config.cycles) throw std::invalid_argument("cycles: a custom step needs its number of cycles");

  if (predicted) {
    if (*config.predicted_min_c >= *config.predicted_max_c) throw std::invalid_argument("predicted_c: expected [min, max] with min < max");
    const auto rules = level_rules(config.level);
    program.cold_c = std::min(*config.predicted_min_c - rules.margin_c, rules.min_cold_c);
    program.hot_c = std::max(*config.predicted_max_c + rules.margin_c, rules.min_hot_c);
  } else if (explicit_range) {
    program.cold_c = *config.cold_c;
    program.hot_c = *config.hot_c;
  } else {
    const auto rules = level_rules(config.level);  // the level's minimum range
    program.cold_c = rules.min_cold_c;
    program.hot_c = rules.min_hot_c;
  }
  if (program.hot_c <= program.cold_c) throw std::invalid_argument("hot_c: the hot plateau must lie above the cold one");
  const double span_c = program.hot_c - program.cold_c;
  program.required_cycles = required_cycles(config.level, span_c);
  program.cycles = config.cycles.value_or(program.required_cycles);
  if (program.cycles < 1) throw std::invalid_argument("cycles: at least 1");
  program.soak_s = config.soak_s.value_or(kSoakS);
  program.soak_first_last_s = config.soak_first_last_s.value_or(custom ? program.soak_s : kSoakFirstLastS);
  if (config.ramp_c_per_min < kMinRampCPerMin) {
    throw std::invalid_argument("ramp_c_per_min: never slower than " + number(kMinRampCPerMin) + " °C/min");
  }
  if (program.functional_test_s > std::min(program.soak_s, program.soak_first_last_s)) {
    throw std::invalid_argument("functional_test: longer than the soak it ends");
  }
  if (custom) return program;

  const auto rules = level_rules(config.level);
  auto& deviations = program.deviations;
  if (span_c < rules.min_hot_c - rules.min_cold_c) {
    deviations.push_back("range " + number(span_c) + " K is narrower than the level's " +
                         number(rules.min_hot_c - rules.min_cold_c) + " K: " + std::to_string(program.required_cycles) +
                         " cycles are needed (" + std::to_string(rules.cycles) + "·(" +
                         number(rules.min_hot_c - rules.min_cold_c, "%.0f") + "/ΔT)^1.4)");
  }
  if (program.cycles < program.required_cycles) {
    deviations.push_back(std::to_string(program.cycles) + " cycles, the level requires " +
                         std::to_string(program.required_cycles));
  }
  if (program.ramp_c_per_min < kRampLowCPerMin || program.ramp_c_per_min > kRampHighCPerMin) {
    deviations.push_back("ramp " + number(program.ramp_c_per_min) + " °C/min outside 3 … 5 °C/min");
  }
  if (program.soak_s < kSoakS) deviations.push_back("soak " + format_duration(program.soak_s) + " is shorter than 1h");
  if (program.soak_first_last_s < kSoakFirstLastS) {
    deviations.push_back("first/last soak " + format_duration(program.soak_first_last_s) + " is shorter than 6h");
  }
  return program;
}

std::string ThermalProgram::describe() const {
  std::string text = std::string(to_string(level)) + ": " + number(cold_c) + " … " + number(hot_c) + " °C, " +
                     std::to_string(cycles) + " cycles, ramp " + number(ramp_c_per_min) + " °C/min, soak " +
                     format_duration(soak_s);
  if (soak_first_last_s != soak_s) text += " (" + format_duration(soak_first_last_s) + " first/last)";
  text += ", functional test " + format_duration(functional_test_s) + " at each plateau";
  if (power_fraction < 1) text += ", boards at " + number(power_fraction * 100, "%.0f") + " % of their cap";
  return text;
}

double CycleSchedule::setpoint_at(double t_s) const {
  if (points.empty()) return 0;
  if (t_s <= points.front().first) return points.front().second;
  for (std::size_t i = 1; i < points.size(); ++i) {
    const auto& [t1, c1] = points[i];
    if (t_s > t1) continue;
    const auto& [t0, c0] = points[i - 1];
    if (t1 <= t0) return c1;
    return c0 + (c1 - c0) * (t_s - t0) / (t1 - t0);
  }
  return points.back().second;
}

CycleSchedule cycle_schedule(const ThermalProgram& program, int cycle) {
  if (cycle < 1 || cycle > program.cycles) throw std::out_of_range("thermal cycle " + std::to_string(cycle));
  CycleSchedule schedule;
  schedule.cycle = cycle;
  const bool long_soak = cycle == 1 || cycle == program.cycles;
  const double soak_s = long_soak ? program.soak_first_last_s : program.soak_s;
  const double ramp_c_per_s = program.ramp_c_per_min / 60.0;
  double t_s = 0;
  double temp_c = cycle == 1 ? program.ambient_c : program.cold_c;
  schedule.points.emplace_back(t_s, temp_c);
  auto ramp_to = [&](double target_c) {
    t_s += std::abs(target_c - temp_c) / ramp_c_per_s;
    temp_c = target_c;
    schedule.points.emplace_back(t_s, temp_c);
  };
  auto soak = [&](bool hot) {
    Plateau plateau;
    plateau.hot = hot;
    plateau.level_c = temp_c;
    plateau.soak_start_s = t_s;
    t_s += soak_s;
    plateau.soak_end_s = t_s;
    plateau.test_start_s = t_s - program.functional_test_s;
    schedule.points.emplace_back(t_s, temp_c);
    schedule.plateaus.push_back(plateau);
  };
  ramp_to(program.hot_c);
  soak(true);
  ramp_to(program.cold_c);
  soak(false);
  if (cycle == program.cycles) ramp_to(program.ambient_c);
  schedule.duration_s = t_s;
  return schedule;
}

}  // namespace ob::bench
