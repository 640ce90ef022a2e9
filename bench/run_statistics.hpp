#pragma once
// Running figures of one board over one run, kept in memory so the runner never reads the DB.
#include <algorithm>
#include <limits>
#include <optional>

namespace ob::bench {

class RunningMean {
 public:
  void add(double value) {
    sum_ += value;
    ++count_;
  }
  long count() const { return count_; }
  double mean() const { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }
  std::optional<double> mean_if_any() const { return count_ == 0 ? std::nullopt : std::optional<double>(mean()); }

 private:
  double sum_ = 0;
  long count_ = 0;
};

class RunStatistics {
 public:
  // sunlit: nullopt on the ground (baseline, reference), else whether the orbit is in sunlight.
  void add(double tflops, double temp_c, double power_w, std::optional<bool> sunlit) {
    tflops_.add(tflops);
    power_w_.add(power_w);
    max_temp_c_ = std::max(max_temp_c_, temp_c);
    if (sunlit) (*sunlit ? sunlit_tflops_ : eclipse_tflops_).add(tflops);
  }
  long count() const { return tflops_.count(); }
  double mean_tflops() const { return tflops_.mean(); }
  double mean_power_w() const { return power_w_.mean(); }
  double max_temp_c() const { return max_temp_c_; }
  std::optional<double> mean_tflops_sunlit() const { return sunlit_tflops_.mean_if_any(); }
  std::optional<double> mean_tflops_eclipse() const { return eclipse_tflops_.mean_if_any(); }

 private:
  RunningMean tflops_, power_w_, sunlit_tflops_, eclipse_tflops_;
  double max_temp_c_ = -std::numeric_limits<double>::infinity();
};

}  // namespace ob::bench
