#include "bench/chamber_tracking.hpp"

#include <algorithm>
#include <cmath>

namespace ob::bench {

double ChamberTracking::add(double t_s, double target_c, double air_c) {
  if (!ideal_c_) {
    ideal_c_ = air_c;  // where the chamber really was when the run began
  } else {
    // Since the last reading the chamber was heading for the target it was given then.
    const double step_c = rule_.ramp_c_per_s > 0 ? rule_.ramp_c_per_s * std::max(0.0, t_s - last_t_s_) : 1e300;
    *ideal_c_ = std::clamp(last_target_c_, *ideal_c_ - step_c, *ideal_c_ + step_c);
  }
  last_t_s_ = t_s;
  last_target_c_ = target_c;
  window_.emplace_back(t_s, *ideal_c_);
  while (window_.size() > 1 && window_.front().first < t_s - rule_.lag_s) window_.pop_front();
  // Anywhere between where an ideal chamber could be and the target is on track: a chamber
  // that ramps faster than its rating is not blamed for being ahead of the ideal.
  double low_c = std::min(*ideal_c_, target_c);
  double high_c = std::max(*ideal_c_, target_c);
  for (const auto& [t, ideal] : window_) {
    low_c = std::min(low_c, ideal);
    high_c = std::max(high_c, ideal);
  }
  const double error_k = air_c < low_c ? low_c - air_c : air_c > high_c ? air_c - high_c : 0.0;
  const auto bin = std::min(kBins - 1, static_cast<std::size_t>(error_k / kBinK));
  ++bins_[bin];
  ++count_;
  max_k_ = std::max(max_k_, error_k);
  max_raw_k_ = std::max(max_raw_k_, std::abs(air_c - target_c));
  return error_k;
}

double ChamberTracking::quantile_k(double q) const {
  if (count_ == 0) return 0;
  const auto wanted = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_) - 1e-9)));
  std::uint64_t seen = 0;
  for (std::size_t bin = 0; bin < kBins; ++bin) {
    seen += bins_[bin];
    if (seen < wanted) continue;
    if (bin == kBins - 1) return max_k_;
    return std::min(max_k_, static_cast<double>(bin + 1) * kBinK);
  }
  return max_k_;
}

}  // namespace ob::bench
