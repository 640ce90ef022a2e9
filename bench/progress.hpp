#pragma once
// The line a lab engineer watches while a campaign runs:
//   replay 1/1  t+23m10s/1h35m39s  ETA 12s  eclipse  chamber 25.3→24.9 °C  board-01 38.2 TFLOP/s 61 °C 29.8 W
#include <cstdio>
#include <string>
#include <vector>

namespace ob::bench {

struct BoardStatus {
  std::string name;
  double tflops = 0;
  double temp_c = 0;
  double power_w = 0;
  std::string throttle;  // decoded clock event reasons, e.g. "SwPowerCap"
  bool seen = false;     // false until the board's first telemetry
  bool isolated = false; // taken out of the campaign
};

struct ProgressState {
  std::string phase;         // "replay 1/1"
  int orbit = 0;             // replays: the orbit being replayed, 1-based (0: not a replay)
  int orbits = 0;
  double t_s = 0;            // profile time in the phase
  double phase_duration_s = 0;
  double remaining_wall_s = 0;  // whole campaign
  std::string condition;     // "sunlit" | "eclipse" | "ground"
  bool chamber_known = false;  // false until the chamber's first reading
  double chamber_air_c = 0;
  double chamber_setpoint_c = 0;
  std::vector<BoardStatus> boards;
  std::string last_event;
};

// "1h35m39s", "23m10s", "12s"
std::string format_duration(double seconds);
std::string format_progress(const ProgressState& state);
// NVML clock event reason bits → "SwPowerCap,SwThermalSlowdown" ("" when none).
std::string decode_clock_event_reasons(unsigned long long reasons);

// Refreshes one line in place on a terminal; quiet otherwise (logs and CI keep the events).
class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::FILE* out, bool enabled);
  void update(const ProgressState& state, double wall_s);
  void finish();  // ends the refreshing line

 private:
  std::FILE* out_;
  bool enabled_;
  bool is_tty_;
  double last_print_wall_s_ = -1e9;
  bool line_open_ = false;
};

}  // namespace ob::bench
