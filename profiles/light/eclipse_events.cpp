#include "profiles/light/eclipse_events.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ob::profiles {

namespace {

// Illumination within this of 1 counts as full Sun, within this of 0 as umbra: the conical
// model returns exact 0 and 1 there, other callables may carry rounding.
constexpr double kLevelEpsilon = 1e-9;
constexpr double kHalfLight = 0.5;

enum class Level { shadow, half, umbra };

bool below(Level level, double f) {
  switch (level) {
    case Level::shadow: return f < 1.0 - kLevelEpsilon;
    case Level::half: return f < kHalfLight;
    case Level::umbra: return f <= kLevelEpsilon;
  }
  return false;
}

// [t_a, t_b] brackets one crossing of `level`; returns the middle of a bracket ≤ tolerance_s.
double bisect(IlluminationFunctionRef illumination, Level level, double t_a, double t_b,
              double tolerance_s) {
  const bool below_at_a = below(level, illumination(t_a));
  while (t_b - t_a > tolerance_s) {
    const double t_mid = 0.5 * (t_a + t_b);
    if (t_mid <= t_a || t_mid >= t_b) break;  // the bracket is down to adjacent doubles
    if (below(level, illumination(t_mid)) == below_at_a) {
      t_a = t_mid;
    } else {
      t_b = t_mid;
    }
  }
  return 0.5 * (t_a + t_b);
}

class EclipseCollector {
 public:
  void open(double t_s, bool at_window_start) {
    current_ = Eclipse{};
    current_->penumbra_entry_s = t_s;
    current_->begins_before_window = at_window_start;
  }
  void cross(Level level, bool entering, double t_s) {
    if (!current_) return;  // cannot happen for a continuous f; tolerate a noisy one
    Eclipse& e = *current_;
    switch (level) {
      case Level::shadow:
        if (!entering) close(t_s, false);
        break;
      case Level::half:
        if (entering) {
          if (!e.half_entry_s) e.half_entry_s = t_s;
        } else {
          e.half_exit_s = t_s;
        }
        break;
      case Level::umbra:
        if (entering) {
          if (!e.umbra_entry_s) e.umbra_entry_s = t_s;
        } else {
          e.umbra_exit_s = t_s;
        }
        break;
    }
  }
  // Ends the pass at t_s: the half-light and umbra phases still open end there too.
  void close(double t_s, bool at_window_end) {
    Eclipse& e = *current_;
    if (e.half_entry_s && (!e.half_exit_s || *e.half_exit_s < *e.half_entry_s)) e.half_exit_s = t_s;
    if (e.umbra_entry_s && (!e.umbra_exit_s || *e.umbra_exit_s < *e.umbra_entry_s)) {
      e.umbra_exit_s = t_s;
    }
    e.penumbra_exit_s = t_s;
    e.ends_after_window = at_window_end;
    eclipses_.push_back(e);
    current_.reset();
  }
  bool is_open() const { return current_.has_value(); }
  std::vector<Eclipse> take() { return std::move(eclipses_); }

 private:
  std::optional<Eclipse> current_;
  std::vector<Eclipse> eclipses_;
};

template <class GridAt>
std::vector<Eclipse> search(IlluminationFunctionRef illumination, std::size_t point_count,
                            GridAt grid_at, const EclipseSearchOptions& options) {
  if (point_count < 2) throw std::invalid_argument("find_eclipses: the grid needs two points");
  if (!(options.tolerance_s > 0.0)) {
    throw std::invalid_argument("find_eclipses: tolerance_s must be positive");
  }
  constexpr Level kEntryOrder[] = {Level::shadow, Level::half, Level::umbra};
  constexpr Level kExitOrder[] = {Level::umbra, Level::half, Level::shadow};

  EclipseCollector collector;
  double t_prev = grid_at(0);
  double f_prev = illumination(t_prev);
  if (below(Level::shadow, f_prev)) {
    collector.open(t_prev, true);
    if (below(Level::half, f_prev)) collector.cross(Level::half, true, t_prev);
    if (below(Level::umbra, f_prev)) collector.cross(Level::umbra, true, t_prev);
  }
  for (std::size_t k = 1; k < point_count; ++k) {
    const double t = grid_at(k);
    if (!(t > t_prev)) throw std::invalid_argument("find_eclipses: the grid must ascend");
    const double f = illumination(t);
    for (const Level level : kExitOrder) {
      if (below(level, f_prev) && !below(level, f)) {
        const double t_event = bisect(illumination, level, t_prev, t, options.tolerance_s);
        collector.cross(level, false, t_event);
      }
    }
    for (const Level level : kEntryOrder) {
      if (!below(level, f_prev) && below(level, f)) {
        const double t_event = bisect(illumination, level, t_prev, t, options.tolerance_s);
        if (level == Level::shadow) {
          collector.open(t_event, false);
        } else {
          collector.cross(level, true, t_event);
        }
      }
    }
    t_prev = t;
    f_prev = f;
  }
  if (collector.is_open()) collector.close(t_prev, true);
  return collector.take();
}

}  // namespace

double Eclipse::umbra_duration_s() const {
  return umbra_entry_s && umbra_exit_s ? *umbra_exit_s - *umbra_entry_s : 0.0;
}

double Eclipse::half_light_duration_s() const {
  return half_entry_s && half_exit_s ? *half_exit_s - *half_entry_s : 0.0;
}

std::vector<Eclipse> find_eclipses(IlluminationFunctionRef illumination,
                                   std::span<const double> t_grid_s,
                                   const EclipseSearchOptions& options) {
  return search(illumination, t_grid_s.size(), [&](std::size_t k) { return t_grid_s[k]; },
                options);
}

std::vector<Eclipse> find_eclipses(IlluminationFunctionRef illumination, double start_s,
                                   double end_s, double step_s,
                                   const EclipseSearchOptions& options) {
  if (!(step_s > 0.0) || !(end_s > start_s)) {
    throw std::invalid_argument("find_eclipses: need step_s > 0 and end_s > start_s");
  }
  // Steps k·step_s from start_s, then end_s itself unless the last step lands on it.
  const double steps = std::ceil((end_s - start_s) / step_s * (1.0 - 1e-12));
  const auto point_count = static_cast<std::size_t>(steps) + 1;
  return search(
      illumination, point_count,
      [&](std::size_t k) {
        return k + 1 == point_count ? end_s : start_s + static_cast<double>(k) * step_s;
      },
      options);
}

EclipseSummary summarize_eclipses(std::span<const Eclipse> eclipses, double window_s) {
  EclipseSummary summary{.count = eclipses.size(), .window_s = window_s};
  for (const Eclipse& e : eclipses) {
    summary.shadow_s += e.duration_s();
    summary.half_light_s += e.half_light_duration_s();
    summary.umbra_s += e.umbra_duration_s();
    summary.longest_s = std::max(summary.longest_s, e.duration_s());
  }
  return summary;
}

std::optional<Eclipse> longest_eclipse(std::span<const Eclipse> eclipses) {
  const auto it = std::max_element(
      eclipses.begin(), eclipses.end(),
      [](const Eclipse& a, const Eclipse& b) { return a.duration_s() < b.duration_s(); });
  if (it == eclipses.end()) return std::nullopt;
  return *it;
}

}  // namespace ob::profiles
