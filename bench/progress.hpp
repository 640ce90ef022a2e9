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
  double sm_clock_mhz = 0;
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
  std::string push;          // the continuous push to a lab's server: "push 12s" behind, "push failing"; "" without one
};

// "1h35m39s", "23m10s", "12s"
std::string format_duration(double seconds);
// The line, at most `max_cols` terminal columns (0: no limit). When the whole line does not fit
// it shortens each board ("board-01 671T 61° 700W!"), then shows as many boards as fit starting
// at `rotation` (mod the count) with "+N more", then cuts the head; never wider than max_cols.
std::string format_progress(const ProgressState& state, std::size_t max_cols = 0, std::size_t rotation = 0);
// NVML clock event reason bits → "SwPowerCap,SwThermalSlowdown" ("" when none).
std::string decode_clock_event_reasons(unsigned long long reasons);

// Refreshes one line in place on a terminal, as wide as the terminal is (TIOCGWINSZ at each
// refresh) and never wider; quiet otherwise (logs and CI keep the events).
class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::FILE* out, bool enabled);
  void update(const ProgressState& state, double wall_s);
  void finish();  // ends the refreshing line

 private:
  std::size_t terminal_columns() const;

  std::FILE* out_;
  bool enabled_;
  bool is_tty_;
  double last_print_wall_s_ = -1e9;
  bool line_open_ = false;
};

}  // namespace ob::bench
