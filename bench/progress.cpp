#include "bench/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bench/text_columns.hpp"

namespace ob::bench {
namespace {

constexpr double kTtyRefreshS = 0.25;
constexpr double kRotateEveryS = 2;  // boards that do not fit take turns this often
constexpr std::size_t kFallbackColumns = 80;  // a terminal that does not say its width

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

namespace {

std::size_t columns(const std::string& text) { return text_columns(text); }

// The first `max_cols` columns of `text`, the last one "…" when anything was cut.
std::string cut_to(const std::string& text, std::size_t max_cols) {
  if (columns(text) <= max_cols) return text;
  if (max_cols == 0) return {};
  std::string out;
  std::size_t cols = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool starts = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts && ++cols > max_cols - 1) break;
    out += text[i];
  }
  return out + "…";
}

// A duration to the minute once it passes an hour: "23m10s", "1h36m", "2d00h".
std::string short_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  constexpr double kHourS = 3600;
  constexpr double kDayS = 86400;
  if (seconds < kHourS) return format_duration(seconds);
  const long minutes = std::lround(seconds / 60);
  char text[32];
  if (seconds < kDayS) {
    std::snprintf(text, sizeof text, "%ldh%02ldm", minutes / 60, minutes % 60);
  } else {
    std::snprintf(text, sizeof text, "%ldd%02ldh", minutes / 1440, (minutes % 1440) / 60);
  }
  return text;
}

std::string head_of(const ProgressState& state, bool compact) {
  char head[256];
  char orbit[48] = "";
  if (state.orbit > 0) std::snprintf(orbit, sizeof orbit, compact ? " %d/%d" : "  orbit %d/%d", state.orbit, state.orbits);
  const auto duration = compact ? short_duration : format_duration;
  std::snprintf(head, sizeof head, compact ? "%s%s t+%s/%s ETA %s %s" : "%s%s  t+%s/%s  ETA %s  %s", state.phase.c_str(), orbit,
                duration(state.t_s).c_str(), duration(state.phase_duration_s).c_str(), duration(state.remaining_wall_s).c_str(),
                state.condition.c_str());
  std::string line = head;
  if (state.chamber_known) {
    char chamber[96];
    std::snprintf(chamber, sizeof chamber, compact ? " ch %.1f→%.1f°C" : "  chamber %.1f→%.1f °C", state.chamber_air_c,
                  state.chamber_setpoint_c);
    line += chamber;
  }
  if (!state.push.empty()) line += (compact ? " " : "  ") + state.push;
  return line;
}

// One board: in full ("board-01 671.1 TFLOP/s 61 °C 699.5 W SwPowerCap") or short ("board-01 671T
// 61° 700W!", "!" for any throttle reason).
std::string board_part(const BoardStatus& board, bool compact) {
  if (board.isolated) return board.name + " isolated";
  char part[256];
  if (compact) {
    std::snprintf(part, sizeof part, "%s %.0fT %.0f° %.0fW%s", board.name.c_str(), board.tflops, board.temp_c, board.power_w,
                  board.throttle.empty() ? "" : "!");
  } else {
    std::snprintf(part, sizeof part, "%s %.1f TFLOP/s %.0f °C %.1f W%s%s", board.name.c_str(), board.tflops, board.temp_c,
                  board.power_w, board.throttle.empty() ? "" : " ", board.throttle.c_str());
  }
  return part;
}

}  // namespace

std::string format_progress(const ProgressState& state, std::size_t max_cols, std::size_t rotation) {
  std::vector<const BoardStatus*> shown;
  for (const auto& board : state.boards) {
    if (board.isolated || board.seen) shown.push_back(&board);
  }
  std::string event;
  if (!state.last_event.empty()) {
    constexpr std::size_t kMaxEventChars = 72;
    event = "  | " + (state.last_event.size() > kMaxEventChars ? state.last_event.substr(0, kMaxEventChars - 1) + "…"
                                                                : state.last_event);
  }
  // 1. Everything in full.
  std::string line = head_of(state, false);
  for (const auto* board : shown) line += "  " + board_part(*board, false);
  if (max_cols == 0 || columns(line + event) <= max_cols) return line + event;
  // 2. Every board, short, and the event if it still fits.
  const std::string head = head_of(state, true);
  line = head;
  for (const auto* board : shown) line += " " + board_part(*board, true);
  if (columns(line + event) <= max_cols) return line + event;
  if (columns(line) <= max_cols) return line;
  // 3. As many boards as fit, short, starting at one that moves with `rotation`, and how many
  // more there are: over a few refreshes every board comes round.
  const std::size_t count = shown.size();
  for (std::size_t fit = count; fit-- > 1;) {
    const std::string more = " +" + std::to_string(count - fit) + " more";
    std::string rotated = head;
    for (std::size_t i = 0; i < fit; ++i) rotated += " " + board_part(*shown[(rotation + i) % count], true);
    if (columns(rotated + more) <= max_cols) return rotated + more;
  }
  // 4. The head alone, cut to the width if even that is too wide.
  return cut_to(count > 0 ? head + " +" + std::to_string(count) + " boards" : head, max_cols);
}

ProgressPrinter::ProgressPrinter(std::FILE* out, bool enabled)
    : out_(out), enabled_(enabled), is_tty_(isatty(fileno(out)) != 0) {}

std::size_t ProgressPrinter::terminal_columns() const {
  winsize size{};
  if (ioctl(fileno(out_), TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return kFallbackColumns;
  return size.ws_col;
}

void ProgressPrinter::update(const ProgressState& state, double wall_s) {
  if (!enabled_ || !is_tty_) return;
  if (wall_s - last_print_wall_s_ < kTtyRefreshS) return;
  last_print_wall_s_ = wall_s;
  // The width is asked at every refresh, so a resized window (SIGWINCH) is followed at the next
  // one without a signal handler. One column is left free: some terminals wrap a line that
  // reaches the last column.
  const std::size_t width = terminal_columns();
  const auto rotation = static_cast<std::size_t>(std::max(0.0, wall_s) / kRotateEveryS);
  const std::string line = format_progress(state, width > 1 ? width - 1 : 1, rotation);
  std::fprintf(out_, "\r\033[K%s", line.c_str());
  line_open_ = true;
  std::fflush(out_);
}

void ProgressPrinter::finish() {
  if (line_open_) std::fprintf(out_, "\n");
  line_open_ = false;
  last_print_wall_s_ = -1e9;
}

}  // namespace ob::bench
