#include "bench/soak_monitor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ob::bench {
namespace {

constexpr double kSecondsPerMinute = 60;
// A fit needs this much of its window before its slope counts.
constexpr double kMinFitFraction = 0.5;
constexpr std::size_t kMinFitSamples = 3;

}  // namespace

SoakMonitor::SoakMonitor(SoakRule rule, std::vector<std::string> boards, double start_t_s, double board_step_s)
    : rule_(rule),
      start_t_s_(start_t_s),
      slope_window_s_(std::max(kSlopeWindowS, kSlopeWindowSamples * board_step_s)),
      timeout_s_(std::max(rule.timeout_s, slope_window_s_ + rule.hold_s + 2 * board_step_s)) {
  for (auto& name : boards) boards_.push_back(BoardTrack{std::move(name), {}, false});
}

void SoakMonitor::chamber(double, double air_c, double setpoint_c) { chamber_ = {air_c, setpoint_c}; }

void SoakMonitor::board(std::size_t index, double t_s, double temp_c) {
  if (index >= boards_.size()) return;
  auto& samples = boards_[index].samples;
  samples.emplace_back(t_s, temp_c);
  while (!samples.empty() && samples.front().first < t_s - slope_window_s_ - 1e-9) samples.pop_front();
}

void SoakMonitor::forget_board(std::size_t index) {
  if (index < boards_.size()) boards_[index].ignored = true;
}

std::optional<double> SoakMonitor::slope_c_per_min(const BoardTrack& board) const {
  const auto& s = board.samples;
  if (s.size() < kMinFitSamples || s.back().first - s.front().first < slope_window_s_ * kMinFitFraction) return std::nullopt;
  double mean_t = 0;
  double mean_y = 0;
  for (const auto& [t, y] : s) {
    mean_t += t;
    mean_y += y;
  }
  mean_t /= static_cast<double>(s.size());
  mean_y /= static_cast<double>(s.size());
  double stt = 0;
  double sty = 0;
  for (const auto& [t, y] : s) {
    stt += (t - mean_t) * (t - mean_t);
    sty += (t - mean_t) * (y - mean_y);
  }
  if (stt <= 0) return std::nullopt;
  return sty / stt * kSecondsPerMinute;
}

bool SoakMonitor::conditions_hold() const {
  if (!chamber_ || std::abs(chamber_->first - chamber_->second) > rule_.band_k) return false;
  for (const auto& board : boards_) {
    if (board.ignored) continue;
    const auto slope = slope_c_per_min(board);
    if (!slope || std::abs(*slope) >= rule_.max_slope_c_per_min) return false;
  }
  return true;
}

SoakMonitor::State SoakMonitor::update(double t_s) {
  if (state_ != State::soaking) return state_;
  if (conditions_hold()) {
    if (!holding_since_t_s_) holding_since_t_s_ = t_s;
    if (t_s - *holding_since_t_s_ >= rule_.hold_s) {
      stable_t_s_ = t_s;
      state_ = State::stable;
      return state_;
    }
  } else {
    holding_since_t_s_.reset();
  }
  if (t_s - start_t_s_ >= timeout_s_) state_ = State::timed_out;
  return state_;
}

std::string SoakMonitor::still_moving() const {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : "; ") + part; };
  char text[200];
  if (!chamber_) {
    add("no chamber reading");
  } else if (std::abs(chamber_->first - chamber_->second) > rule_.band_k) {
    std::snprintf(text, sizeof text, "chamber air %.1f °C vs setpoint %.1f °C (band %g K)", chamber_->first, chamber_->second,
                  rule_.band_k);
    add(text);
  }
  for (const auto& board : boards_) {
    if (board.ignored) continue;
    const auto slope = slope_c_per_min(board);
    if (!slope) {
      add(board.name + " too few readings");
    } else if (std::abs(*slope) >= rule_.max_slope_c_per_min) {
      std::snprintf(text, sizeof text, "%s %+.2f °C/min (limit %g)", board.name.c_str(), *slope, rule_.max_slope_c_per_min);
      add(text);
    }
  }
  if (out.empty() && state_ == State::soaking) out = "stable, holding";
  return out;
}

}  // namespace ob::bench
