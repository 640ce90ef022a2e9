// The progress line and its pieces.
#include <boost/test/unit_test.hpp>

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
}
