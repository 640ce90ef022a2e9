#pragma once
// How closely the chamber air followed the orbit's target during one run: commanded versus
// achieved for the chamber. The target is the orbit's (after the qualification margin, before
// any range or ramp limit); the air is what the chamber measured.
//
// Tracking error = |air − target| less the lag a chamber at its rated ramp cannot avoid: the
// allowance follows an ideal chamber that starts at the air of the run's first reading and,
// between two readings, moves at the rated ramp towards the target of the earlier one (the
// setpoint it was then given: readings and setpoints share the chamber's tick). The error at t
// is the air's distance from the band spanned by the target and that ideal chamber over
// [t − lag_s, t] (a chamber ahead of the ideal is on track). With thermal infeasibility
// accepted the runner passes the setpoint it sent as the target: what the chamber can do.
// Quantiles come from fixed 0.01 K bins (constant memory however long a run lasts); the
// maximum is exact.
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

namespace ob::bench {

struct TrackingRule {
  double ramp_c_per_s = 0;  // the chamber's rated ramp per profile second (0: steps at once)
  double lag_s = 60;        // profile seconds an ideal chamber may trail its own ramp
};

class ChamberTracking {
 public:
  static constexpr double kBinK = 0.01;
  static constexpr std::size_t kBins = 20000;  // 0 … 200 K; worse lands in the last bin

  explicit ChamberTracking(TrackingRule rule = {}) : rule_(rule) {}

  // One chamber reading at profile time t_s (increasing). Returns the judged error in K.
  double add(double t_s, double target_c, double air_c);

  std::uint64_t count() const { return count_; }
  double max_k() const { return max_k_; }
  double p95_k() const { return quantile_k(0.95); }
  double quantile_k(double q) const;
  // The largest |air − target| without any allowance (how far the air was from the orbit).
  double max_raw_k() const { return max_raw_k_; }

 private:
  TrackingRule rule_;
  std::optional<double> ideal_c_;
  double last_t_s_ = 0;
  double last_target_c_ = 0;
  std::deque<std::pair<double, double>> window_;  // (t_s, ideal_c) over the last lag_s
  std::vector<std::uint32_t> bins_ = std::vector<std::uint32_t>(kBins, 0);
  std::uint64_t count_ = 0;
  double max_k_ = 0;
  double max_raw_k_ = 0;
};

}  // namespace ob::bench
