#include "bench/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace ob::bench {
namespace {

constexpr double kTtyRefreshS = 0.25;

struct ReasonBit {
  unsigned long long bit;
  const char* name;
};
// NVML nvmlClocksEventReasons (protocols.md).
constexpr ReasonBit kReasonBits[] = {
    {0x1, "GpuIdle"},          {0x2, "ApplicationsClocksSetting"}, {0x4, "SwPowerCap"},
    {0x8, "HwSlowdown"},       {0x10, "SyncBoost"},                {0x20, "SwThermalSlowdown"},
    {0x40, "HwThermalSlowdown"}, {0x80, "HwPowerBrakeSlowdown"},   {0x100, "DisplayClockSetting"},
};

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  const long total = std::lround(seconds);
  const long days = total / 86400, hours = (total % 86400) / 3600, minutes = (total % 3600) / 60, secs = total % 60;
  char text[64];
  if (days > 0) std::snprintf(text, sizeof text, "%ldd%02ldh%02ldm", days, hours, minutes);
  else if (hours > 0) std::snprintf(text, sizeof text, "%ldh%02ldm%02lds", hours, minutes, secs);
  else if (minutes > 0) std::snprintf(text, sizeof text, "%ldm%02lds", minutes, secs);
  else std::snprintf(text, sizeof text, "%lds", secs);
  return text;
}

std::string decode_clock_event_reasons(unsigned long long reasons) {
  std::string out;
  for (const auto& [bit, name] : kReasonBits) {
    if ((reasons & bit) == 0) continue;
    if (!out.empty()) out += ",";
    out += name;
  }
  return out;
}

std::string format_progress(const ProgressState& state) {
  char head[256];
  char orbit[48] = "";
  if (state.orbit > 0) std::snprintf(orbit, sizeof orbit, "  orbit %d/%d", state.orbit, state.orbits);
  std::snprintf(head, sizeof head, "%s%s  t+%s/%s  ETA %s  %s", state.phase.c_str(), orbit, format_duration(state.t_s).c_str(),
                format_duration(state.phase_duration_s).c_str(), format_duration(state.remaining_wall_s).c_str(),
                state.condition.c_str());
  std::string line = head;
  if (state.chamber_known) {
    char chamber[96];
    std::snprintf(chamber, sizeof chamber, "  chamber %.1f→%.1f °C", state.chamber_air_c, state.chamber_setpoint_c);
    line += chamber;
  }
  for (const auto& board : state.boards) {
    if (board.isolated) {
      line += "  " + board.name + " isolated";
      continue;
    }
    if (!board.seen) continue;
    char part[256];
    std::snprintf(part, sizeof part, "  %s %.1f TFLOP/s %.0f °C %.1f W%s%s", board.name.c_str(), board.tflops,
                  board.temp_c, board.power_w, board.throttle.empty() ? "" : " ", board.throttle.c_str());
    line += part;
  }
  if (!state.last_event.empty()) {
    constexpr std::size_t kMaxEventChars = 72;
    line += "  | " + (state.last_event.size() > kMaxEventChars ? state.last_event.substr(0, kMaxEventChars - 1) + "…"
                                                               : state.last_event);
  }
  return line;
}

ProgressPrinter::ProgressPrinter(std::FILE* out, bool enabled)
    : out_(out), enabled_(enabled), is_tty_(isatty(fileno(out)) != 0) {}

void ProgressPrinter::update(const ProgressState& state, double wall_s) {
  if (!enabled_ || !is_tty_) return;
  if (wall_s - last_print_wall_s_ < kTtyRefreshS) return;
  last_print_wall_s_ = wall_s;
  const std::string line = format_progress(state);
  if (is_tty_) {
    std::fprintf(out_, "\r\033[K%s", line.c_str());
    line_open_ = true;
  } else {
    std::fprintf(out_, "%s\n", line.c_str());
  }
  std::fflush(out_);
}

void ProgressPrinter::finish() {
  if (line_open_) std::fprintf(out_, "\n");
  line_open_ = false;
  last_print_wall_s_ = -1e9;
}

}  // namespace ob::bench
