#pragma once
// When a baseline or reference run may start measuring: once the bench is stable. Stable means
// the chamber air within `band_k` of its setpoint and every board's temperature changing by less
// than `max_slope_c_per_min`, both holding for `hold_s` of profile time. Past `timeout_s` the
// soak has failed and still_moving() says what was not stable. Profile time throughout.
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ob::bench {

struct SoakRule {
  double band_k = 1;
  double max_slope_c_per_min = 0.2;
  double hold_s = 300;
  double timeout_s = 3600;
};

class SoakMonitor {
 public:
  // The window a board's slope is fitted over (least squares): long enough that sensor noise
  // does not read as movement, and at least three of the boards' samples wide.
  static constexpr double kSlopeWindowS = 120;
  static constexpr double kSlopeWindowSamples = 3;

  enum class State { soaking, stable, timed_out };

  // `board_step_s`: profile seconds between a board's samples (the slowest board's). Sampled so
  // coarsely that the fit and the hold cannot fit in the rule's timeout, the timeout stretches
  // to what they need (timeout_s()).
  SoakMonitor(SoakRule rule, std::vector<std::string> boards, double start_t_s, double board_step_s = 0);
  double timeout_s() const { return timeout_s_; }

  void chamber(double t_s, double air_c, double setpoint_c);
  void board(std::size_t index, double t_s, double temp_c);
  // A board that left the campaign no longer holds the soak back.
  void forget_board(std::size_t index);

  // Judged at profile time t_s (each loop's tick calls it; the first to see stability decides).
  State update(double t_s);
  State state() const { return state_; }
  // When the bench became stable (the hold complete): where measuring starts.
  std::optional<double> stable_t_s() const { return stable_t_s_; }
  // "chamber air 27.1 °C vs setpoint 60.0 °C (band 1 K); board-02 0.8 °C/min": what was not stable.
  std::string still_moving() const;

 private:
  struct BoardTrack {
    std::string name;
    std::deque<std::pair<double, double>> samples;  // (t_s, temp_c) over kSlopeWindowS
    bool ignored = false;
  };
  std::optional<double> slope_c_per_min(const BoardTrack& board) const;
  bool conditions_hold() const;

  SoakRule rule_;
  double start_t_s_ = 0;
  double slope_window_s_ = kSlopeWindowS;
  double timeout_s_ = 0;
  std::optional<std::pair<double, double>> chamber_;  // air, setpoint
  std::vector<BoardTrack> boards_;
  std::optional<double> holding_since_t_s_;
  std::optional<double> stable_t_s_;
  State state_ = State::soaking;
};

}  // namespace ob::bench
