#pragma once
// How late the runner's ticks woke (and so issued their setpoints) against their schedule, in
// fixed 50 µs bins up to one second: constant memory however long a run lasts, quantiles to
// the bin's upper edge, the maximum exact.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace ob::bench {

class LatenessHistogram {
 public:
  static constexpr double kBinMs = 0.05;
  static constexpr std::size_t kBins = 20000;  // 0 … 1000 ms; later wake-ups land in the last bin

  void add(double lateness_ms) {
    const double ms = std::max(0.0, lateness_ms);
    const auto bin = std::min(kBins - 1, static_cast<std::size_t>(ms / kBinMs));
    ++bins_[bin];
    ++count_;
    max_ms_ = std::max(max_ms_, ms);
  }

  std::uint64_t count() const { return count_; }
  double max_ms() const { return max_ms_; }

  // The smallest bin edge below which a fraction q of the wake-ups fall (0 when empty).
  double quantile_ms(double q) const {
    if (count_ == 0) return 0;
    const auto wanted = static_cast<std::uint64_t>(q * static_cast<double>(count_) + 0.999999);
    std::uint64_t seen = 0;
    for (std::size_t bin = 0; bin < kBins; ++bin) {
      seen += bins_[bin];
      if (seen < std::max<std::uint64_t>(wanted, 1)) continue;
      if (bin == kBins - 1) return max_ms_;  // the overflow bin: only the maximum is known
      return std::min(max_ms_, static_cast<double>(bin + 1) * kBinMs);
    }
    return max_ms_;
  }

  void clear() {
    std::fill(bins_.begin(), bins_.end(), 0);
    count_ = 0;
    max_ms_ = 0;
  }

 private:
  std::vector<std::uint32_t> bins_ = std::vector<std::uint32_t>(kBins, 0);
  std::uint64_t count_ = 0;
  double max_ms_ = 0;
};

}  // namespace ob::bench
