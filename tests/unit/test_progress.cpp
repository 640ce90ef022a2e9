// The progress line and its pieces.
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "bench/progress.hpp"

BOOST_AUTO_TEST_CASE(durations_read_like_a_clock) {
  BOOST_TEST(ob::bench::format_duration(0) == "0s");
  BOOST_TEST(ob::bench::format_duration(59.6) == "1m00s");
  BOOST_TEST(ob::bench::format_duration(5739) == "1h35m39s");
  BOOST_TEST(ob::bench::format_duration(3 * 86400 + 7200 + 60) == "3d02h01m");
  BOOST_TEST(ob::bench::format_duration(-5) == "0s");
}

BOOST_AUTO_TEST_CASE(clock_event_reasons_are_named) {
  BOOST_TEST(ob::bench::decode_clock_event_reasons(0) == "");
  BOOST_TEST(ob::bench::decode_clock_event_reasons(0x4) == "SwPowerCap");
  BOOST_TEST(ob::bench::decode_clock_event_reasons(0x24) == "SwPowerCap,SwThermalSlowdown");
}

BOOST_AUTO_TEST_CASE(progress_line_shows_phase_time_eta_and_boards) {
  ob::bench::ProgressState state;
  state.phase = "replay 2/3";
  state.t_s = 1390;
  state.phase_duration_s = 5739;
  state.remaining_wall_s = 12;
  state.condition = "eclipse";
  ob::bench::BoardStatus board;
  board.name = "board-07";
  board.tflops = 612.34;
  board.temp_c = 74;
  board.power_w = 688;
  board.throttle = "SwPowerCap";
  state.boards.push_back(board);
  // Nothing known yet: no made-up zeros.
  auto line = ob::bench::format_progress(state);
  BOOST_TEST(line == "replay 2/3  t+23m10s/1h35m39s  ETA 12s  eclipse");
  state.chamber_known = true;
  state.chamber_air_c = 31.44;
  state.chamber_setpoint_c = 30.9;
  state.boards[0].seen = true;
  line = ob::bench::format_progress(state);
  BOOST_TEST(line == "replay 2/3  t+23m10s/1h35m39s  ETA 12s  eclipse  chamber 31.4→30.9 °C  board-07 612.3 TFLOP/s 74 °C 688.0 W SwPowerCap");
  // Replays say which orbit; an isolated board says so; the last event ends the line.
  state.orbit = 2;
  state.orbits = 5;
  ob::bench::BoardStatus off;
  off.name = "board-08";
  off.isolated = true;
  state.boards.push_back(off);
  state.last_event = "board-08 isolated";
  line = ob::bench::format_progress(state);
  BOOST_TEST(line == "replay 2/3  orbit 2/5  t+23m10s/1h35m39s  ETA 12s  eclipse  chamber 31.4→30.9 °C  board-07 612.3 TFLOP/s "
                     "74 °C 688.0 W SwPowerCap  board-08 isolated  | board-08 isolated");
  // A continuous push to a lab's server says how far behind it is, in full and in short.
  state.last_event.clear();
  state.push = "push 12s";
  line = ob::bench::format_progress(state);
  BOOST_TEST(line.find("chamber 31.4→30.9 °C  push 12s  board-07") != std::string::npos, line);
  line = ob::bench::format_progress(state, 100);
  BOOST_TEST(line == "replay 2/3 2/5 t+23m10s/1h36m ETA 12s eclipse ch 31.4→30.9°C push 12s +2 boards", line);
}

namespace {

// Three (or more) boards, every one with telemetry, one throttled, and a last event.
ob::bench::ProgressState busy_state(int boards) {
  ob::bench::ProgressState state;
  state.phase = "replay 1/1";
  state.orbit = 1;
  state.orbits = 30;
  state.t_s = 1390;
  state.phase_duration_s = 5739;
  state.remaining_wall_s = 172800;
  state.condition = "eclipse";
  state.chamber_known = true;
  state.chamber_air_c = 25.3;
  state.chamber_setpoint_c = 24.9;
  for (int b = 1; b <= boards; ++b) {
    ob::bench::BoardStatus board;
    board.name = "board-0" + std::to_string(b);
    board.tflops = 670.1 + b;
    board.temp_c = 61;
    board.power_w = 699.5;
    board.throttle = b == 2 ? "SwPowerCap,SwThermalSlowdown" : "";
    board.seen = true;
    state.boards.push_back(board);
  }
  state.last_event = "board-02 throttled: SwPowerCap";
  return state;
}

std::size_t columns(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

// Issue 19: with three boards the full line is ~250 columns; at any width it fits in one line,
// keeps the head, and over the rotations every board comes round.
BOOST_AUTO_TEST_CASE(the_progress_line_fits_any_width) {
  for (const int boards : {1, 3, 8}) {
    const auto state = busy_state(boards);
    BOOST_TEST(columns(ob::bench::format_progress(state)) > 120u);  // unlimited: everything
    for (std::size_t width = 10; width <= 300; ++width) {
      for (std::size_t rotation = 0; rotation < 8; ++rotation) {
        const auto line = ob::bench::format_progress(state, width, rotation);
        BOOST_TEST_REQUIRE(columns(line) <= width, boards << " boards at " << width << " columns: " << line);
        if (width >= 40) BOOST_TEST_REQUIRE(line.find("replay 1/1") == 0u, line);
      }
    }
    // At 120 columns (a common terminal) every board shows across the rotations.
    std::string seen;
    for (std::size_t rotation = 0; rotation < static_cast<std::size_t>(boards); ++rotation) {
      seen += ob::bench::format_progress(state, 119, rotation);
    }
    for (const auto& board : state.boards) BOOST_TEST(seen.find(board.name) != std::string::npos, board.name);
  }
  // Three boards at 119 columns (a 120-column terminal): two short boards and how many more;
  // at 140 all three, the throttled one marked; at 170 the last event too.
  const std::string head = "replay 1/1 1/30 t+23m10s/1h36m ETA 2d00h eclipse ch 25.3→24.9°C";
  BOOST_TEST(ob::bench::format_progress(busy_state(3), 119, 0) == head + " board-01 671T 61° 700W board-02 672T 61° 700W! +1 more");
  BOOST_TEST(ob::bench::format_progress(busy_state(3), 119, 1) == head + " board-02 672T 61° 700W! board-03 673T 61° 700W +1 more");
  BOOST_TEST(ob::bench::format_progress(busy_state(3), 140, 0) ==
             head + " board-01 671T 61° 700W board-02 672T 61° 700W! board-03 673T 61° 700W");
  BOOST_TEST(ob::bench::format_progress(busy_state(3), 170, 0) ==
             head + " board-01 671T 61° 700W board-02 672T 61° 700W! board-03 673T 61° 700W  | board-02 throttled: SwPowerCap");
}

// The printer on a real pseudo-terminal: it asks the terminal's width, stays within it, and
// follows a resize at its next refresh.
BOOST_AUTO_TEST_CASE(the_printer_follows_the_terminal_width) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  BOOST_TEST_REQUIRE(master >= 0);
  BOOST_TEST_REQUIRE(::grantpt(master) == 0);
  BOOST_TEST_REQUIRE(::unlockpt(master) == 0);
  const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  BOOST_TEST_REQUIRE(slave >= 0);
  auto resize = [&](unsigned short cols) {
    winsize size{};
    size.ws_row = 24;
    size.ws_col = cols;
    BOOST_TEST_REQUIRE(::ioctl(master, TIOCSWINSZ, &size) == 0);
  };
  // Every refresh the master saw: the text after each "\r\033[K".
  auto refreshes = [&] {
    std::string text;
    char chunk[4096];
    for (;;) {
      pollfd ready{master, POLLIN, 0};
      if (::poll(&ready, 1, 100) <= 0) break;
      const ssize_t got = ::read(master, chunk, sizeof chunk);
      if (got <= 0) break;
      text.append(chunk, static_cast<std::size_t>(got));
    }
    std::vector<std::string> lines;
    const std::string clear = "\r\033[K";
    for (auto at = text.find(clear); at != std::string::npos;) {
      const auto next = text.find(clear, at + clear.size());
      lines.push_back(text.substr(at + clear.size(), next == std::string::npos ? std::string::npos : next - at - clear.size()));
      at = next;
    }
    return lines;
  };
  std::FILE* out = ::fdopen(slave, "w");
  BOOST_TEST_REQUIRE(out != nullptr);
  const auto state = busy_state(3);
  {
    ob::bench::ProgressPrinter printer(out, true);
    resize(80);
    printer.update(state, 0.0);
    printer.update(state, 1.0);
    auto lines = refreshes();
    BOOST_TEST_REQUIRE(lines.size() == 2u);
    for (const auto& line : lines) BOOST_TEST(columns(line) <= 79u, line);
    resize(300);
    printer.update(state, 2.0);
    lines = refreshes();
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0] == ob::bench::format_progress(state), lines[0]);  // everything, in full
  }
  std::fclose(out);
  ::close(master);
}
