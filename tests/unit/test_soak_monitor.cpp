// The soak before baseline and reference measurements (bench/soak_monitor): chamber within its
// band and every board still, held for the hold time; a timeout names what still moved.
#include <boost/test/unit_test.hpp>

#include "bench/soak_monitor.hpp"

using ob::bench::SoakMonitor;
using ob::bench::SoakRule;
using State = SoakMonitor::State;

namespace {
SoakRule rule() {
  SoakRule r;
  r.band_k = 1;
  r.max_slope_c_per_min = 0.2;
  r.hold_s = 300;
  r.timeout_s = 3600;
  return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(stable_after_the_hold_once_air_and_boards_settle) {
  SoakMonitor soak(rule(), {"board-01", "board-02"}, 0);
  std::optional<double> stable_at;
  for (int i = 0; i <= 200 && !stable_at; ++i) {
    const double t = i * 10.0;
    // The air reaches 60 °C at t = 400 s; the boards settle at t = 600 s.
    const double air = std::min(60.0, 23.0 + 37.0 * t / 400.0);
    soak.chamber(t, air, 60.0);
    for (std::size_t b = 0; b < 2; ++b) soak.board(b, t, std::min(70.0, 30.0 + 40.0 * t / 600.0));
    if (soak.update(t) == State::stable) stable_at = t;
  }
  BOOST_REQUIRE(stable_at);
  // Boards still from 600 s, the fit's window (120 s) clear of the ramp by 720 s, plus the hold.
  BOOST_TEST(*stable_at >= 600.0 + 300.0);
  BOOST_TEST(*stable_at <= 720.0 + 300.0 + 10.0);
  BOOST_TEST(soak.stable_t_s().value() == *stable_at);
}

BOOST_AUTO_TEST_CASE(a_wobble_restarts_the_hold) {
  SoakMonitor soak(rule(), {"board-01"}, 0);
  std::optional<double> stable_at;
  for (int i = 0; i <= 300 && !stable_at; ++i) {
    const double t = i * 10.0;
    const double air = (t >= 200 && t < 220) ? 62.0 : 60.0;  // out of the band for a moment
    soak.chamber(t, air, 60.0);
    soak.board(0, t, 70.0);
    if (soak.update(t) == State::stable) stable_at = t;
  }
  BOOST_REQUIRE(stable_at);
  BOOST_TEST(*stable_at >= 220.0 + 300.0);  // the hold began again after it
  BOOST_TEST(*stable_at <= 230.0 + 300.0);
}

BOOST_AUTO_TEST_CASE(timeout_names_what_still_moves) {
  SoakMonitor soak(rule(), {"board-01", "board-02"}, 100);
  State state = State::soaking;
  for (int i = 0; i <= 400 && state == State::soaking; ++i) {
    const double t = 100 + i * 10.0;
    soak.chamber(t, 27.1, 60.0);  // a chamber that never gets there
    soak.board(0, t, 50.0);
    soak.board(1, t, 30.0 + t / 60.0);  // 1 °C/min, forever
    state = soak.update(t);
  }
  BOOST_TEST(static_cast<int>(state) == static_cast<int>(State::timed_out));
  const auto moving = soak.still_moving();
  BOOST_TEST(moving.find("chamber air 27.1 °C vs setpoint 60.0 °C") != std::string::npos, moving);
  BOOST_TEST(moving.find("board-02 +1.00 °C/min") != std::string::npos, moving);
  BOOST_TEST(moving.find("board-01") == std::string::npos, moving);
}

BOOST_AUTO_TEST_CASE(an_isolated_board_no_longer_holds_it_back) {
  SoakMonitor soak(rule(), {"board-01", "board-02"}, 0);
  soak.forget_board(1);
  std::optional<double> stable_at;
  for (int i = 0; i <= 100 && !stable_at; ++i) {
    const double t = i * 10.0;
    soak.chamber(t, 25.0, 25.0);
    soak.board(0, t, 40.0);
    soak.board(1, t, t);  // racing away, but out of the campaign
    if (soak.update(t) == State::stable) stable_at = t;
  }
  BOOST_TEST(stable_at.has_value());
}

BOOST_AUTO_TEST_CASE(a_slow_sample_rate_widens_the_slope_window) {
  // At 5000× a board reports every 500 profile seconds: the fit spans three of its samples.
  SoakMonitor soak(rule(), {"board-01"}, 0, 500);
  std::optional<double> stable_at;
  for (int i = 0; i <= 20 && !stable_at; ++i) {
    const double t = i * 500.0;
    soak.chamber(t, 25.0, 25.0);
    soak.board(0, t, 40.0);
    if (soak.update(t) == State::stable) stable_at = t;
  }
  BOOST_REQUIRE(stable_at.has_value());
  BOOST_TEST(*stable_at <= 2500.0);
}
