#pragma once
// Eclipse entry and exit instants from an illumination history f(t) (0 umbra … 1 full Sun):
// sample f on a time grid, and where a threshold is crossed between two samples, bisect that
// bracket down to a tolerance (default 1 ms, well under the 0.1 s asked for).
//
// Thresholds (events): shadow   f < 1 − 1e-9   penumbra entry / exit (the eclipse proper)
//                      half     f < 0.5        where the cylindrical model would put the edge
//                      umbra    f ≤ 1e-9       umbra entry / exit
// An event whose shadow begins and ends between two samples is missed, so the step must be
// shorter than the shortest eclipse of interest (grazing eclipses near the critical β can be
// arbitrarily short; 30–60 s finds every LEO eclipse longer than that); f should be continuous
// and cross each threshold once per transition, as the conical model does.
#include <cstddef>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace ob::profiles {

// A non-owning reference to any callable double(double) — lambda, function pointer,
// std::function — so that the search itself lives in the .cpp and never allocates per step.
// The callable must outlive the reference.
class IlluminationFunctionRef {
 public:
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, IlluminationFunctionRef> &&
             std::is_invocable_r_v<double, const F&, double>)
  IlluminationFunctionRef(const F& f)  // NOLINT(google-explicit-constructor): a view, like span
      : object_(&f), call_([](const void* object, double t_s) {
          return static_cast<double>((*static_cast<const F*>(object))(t_s));
        }) {}

  double operator()(double t_s) const { return call_(object_, t_s); }

 private:
  const void* object_;
  double (*call_)(const void*, double);
};

struct EclipseSearchOptions {
  double tolerance_s = 1e-3;  // width of the final bracket around each event
};

// One pass through shadow. Times are the grid's (e.g. profile time t_s). An eclipse already
// under way at the first sample starts there (begins_before_window), one still under way at
// the last sample ends there (ends_after_window). Umbra and half-light instants are empty when
// the pass never got that dark (a penumbral-only, grazing eclipse).
struct Eclipse {
  double penumbra_entry_s = 0.0;
  std::optional<double> half_entry_s;
  std::optional<double> umbra_entry_s;
  std::optional<double> umbra_exit_s;
  std::optional<double> half_exit_s;
  double penumbra_exit_s = 0.0;
  bool begins_before_window = false;
  bool ends_after_window = false;

  // Any shadow at all, penumbra entry to exit.
  double duration_s() const { return penumbra_exit_s - penumbra_entry_s; }
  // Total darkness; 0 without an umbra.
  double umbra_duration_s() const;
  // Below half light: compare this with a cylindrical-shadow eclipse duration.
  double half_light_duration_s() const;
};

// Eclipses along an ascending time grid (at least two points).
std::vector<Eclipse> find_eclipses(IlluminationFunctionRef illumination,
                                   std::span<const double> t_grid_s,
                                   const EclipseSearchOptions& options = {});
// Eclipses on the uniform grid start_s, start_s + step_s, …, end_s (end_s always sampled).
std::vector<Eclipse> find_eclipses(IlluminationFunctionRef illumination, double start_s,
                                   double end_s, double step_s,
                                   const EclipseSearchOptions& options = {});

struct EclipseSummary {
  std::size_t count = 0;
  double window_s = 0.0;
  double shadow_s = 0.0;      // Σ duration_s()
  double half_light_s = 0.0;  // Σ half_light_duration_s()
  double umbra_s = 0.0;       // Σ umbra_duration_s()
  double longest_s = 0.0;     // max duration_s()

  double shadow_fraction() const { return window_s > 0.0 ? shadow_s / window_s : 0.0; }
  // The "eclipse fraction" comparable with the cylindrical formula (circular_orbit.hpp).
  double half_light_fraction() const { return window_s > 0.0 ? half_light_s / window_s : 0.0; }
  double umbra_fraction() const { return window_s > 0.0 ? umbra_s / window_s : 0.0; }
};

EclipseSummary summarize_eclipses(std::span<const Eclipse> eclipses, double window_s);
// The eclipse with the longest duration_s(); empty when there is none.
std::optional<Eclipse> longest_eclipse(std::span<const Eclipse> eclipses);

}  // namespace ob::profiles
