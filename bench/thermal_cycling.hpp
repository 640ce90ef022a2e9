#pragma once
// Thermal-cycling qualification in the SMC-S-016 style (../shared/reference/physics.md):
// a level (qualification, protoqualification, acceptance) sets the margin beyond the predicted
// extremes, the minimum range, the cycle count; ramps of 3–5 °C/min on average (never slower
// than 1), soaks of at least 6 h on the first and last cycle and 1 h otherwise, a functional
// test at the end of every hot and cold soak, plateaus judged stable below 3 °C/h, and the last
// three cycles failure-free. A range narrower than the level's minimum needs more cycles:
// N·(ΔT_min/ΔT)^1.4 (27·(105/ΔT)^1.4 for qualification).
//
// Pure: a campaign step is derived into a ThermalProgram (what will be run and where it falls
// short of its level), and each cycle into a CycleSchedule (chamber setpoint against time and
// the plateau windows the functional tests and stability judgements use).
#include <optional>
#include <string>
#include <vector>

namespace ob::bench {

enum class QualificationLevel { qualification, protoqualification, acceptance, custom };
const char* to_string(QualificationLevel level);
std::optional<QualificationLevel> parse_qualification_level(const std::string& text);

// What a level requires.
struct LevelRules {
  double margin_c = 0;       // beyond the predicted extremes, both ends
  double min_cold_c = 0;     // the plateaus span at least min_cold_c … min_hot_c
  double min_hot_c = 0;
  int cycles = 0;            // at that range or wider
};
LevelRules level_rules(QualificationLevel level);  // not for custom

inline constexpr double kMinRampCPerMin = 1;      // never slower
inline constexpr double kRampLowCPerMin = 3;      // the average ramp lies within 3 … 5
inline constexpr double kRampHighCPerMin = 5;
inline constexpr double kSoakFirstLastS = 6 * 3600.0;
inline constexpr double kSoakS = 3600.0;
inline constexpr double kStableCPerH = 3;
inline constexpr int kFailureFreeCycles = 3;
inline constexpr double kReducedRangeExponent = 1.4;
// A range so narrow that its level would require more cycles is refused: no plan holds them.
inline constexpr int kMaxRequiredCycles = 100000;

// A `thermal_cycle:` step as written in the campaign file.
struct ThermalCycleConfig {
  QualificationLevel level = QualificationLevel::acceptance;
  std::optional<double> predicted_min_c;  // the unit's predicted extremes in orbit
  std::optional<double> predicted_max_c;
  std::optional<double> cold_c;           // or the plateaus themselves (a reduced range needs more cycles)
  std::optional<double> hot_c;
  std::optional<int> cycles;              // default: what the level requires
  double ramp_c_per_min = kRampLowCPerMin;
  std::optional<double> soak_s;           // default 1 h
  std::optional<double> soak_first_last_s;  // default 6 h
  double functional_test_s = 600;         // the last part of every soak
  double ambient_c = 25;                  // where the first cycle starts and the last one ends
  double power_fraction = 1;              // of each board's full power cap, during the cycles
};

// What will be run.
struct ThermalProgram {
  QualificationLevel level = QualificationLevel::acceptance;
  double cold_c = 0;
  double hot_c = 0;
  int cycles = 0;
  int required_cycles = 0;  // by the level at this range (0 for custom)
  double ramp_c_per_min = kRampLowCPerMin;
  double soak_s = kSoakS;
  double soak_first_last_s = kSoakFirstLastS;
  double functional_test_s = 600;
  double ambient_c = 25;
  double power_fraction = 1;
  // Where the program falls short of its level, one sentence each; empty = it conforms.
  std::vector<std::string> deviations;

  std::string describe() const;  // "acceptance: -24.0 … 61.0 °C, 14 cycles, ramp 3.0 °C/min, soak 1h (6h first/last)"
};

// Throws std::invalid_argument naming the field ("hot_c: …") for an impossible step.
ThermalProgram derive_thermal_program(const ThermalCycleConfig& config);

// The cycles a range of span_c needs at a level (the reduced-range rule). Throws
// std::invalid_argument ("hot_c: …") past kMaxRequiredCycles.
int required_cycles(QualificationLevel level, double span_c);

struct Plateau {
  bool hot = true;
  double level_c = 0;
  double soak_start_s = 0;  // the setpoint arrives here
  double soak_end_s = 0;
  double test_start_s = 0;  // the functional test: test_start_s … soak_end_s
  // Stability is judged on the chamber air over the second half of the soak.
  double stability_start_s() const { return (soak_start_s + soak_end_s) / 2; }
};

struct CycleSchedule {
  int cycle = 1;  // 1-based
  std::vector<std::pair<double, double>> points;  // (t_s, setpoint °C), linear in between
  std::vector<Plateau> plateaus;                  // hot, then cold
  double duration_s = 0;
  double setpoint_at(double t_s) const;
};

// Cycle k (1-based): from ambient (k = 1) or the cold plateau, up to hot, soak, down to cold,
// soak; the last cycle then returns to ambient.
CycleSchedule cycle_schedule(const ThermalProgram& program, int cycle);

}  // namespace ob::bench
