// Eclipse events (profiles/light/eclipse_events.*) on illumination histories whose instants
// are known exactly.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <vector>

#include "profiles/light/eclipse_events.hpp"

namespace prof = ob::profiles;

namespace {

// Full Sun, a linear penumbra of ramp_s, umbra, the same ramp back: a trapezoid dip.
struct Trapezoid {
  double entry_s;
  double ramp_s;
  double umbra_s;
  double floor = 0.0;  // > 0: a penumbral-only (grazing) eclipse bottoming out there

  double exit_s() const { return entry_s + 2 * ramp_s + umbra_s; }
  double operator()(double t_s) const {
    if (t_s <= entry_s || t_s >= exit_s()) return 1.0;
    const double into_s = std::min(t_s - entry_s, exit_s() - t_s);
    return std::max(1.0 - (1.0 - floor) * into_s / ramp_s, floor);
  }
};

// Eclipses every period_s: the same dip repeated.
struct Periodic {
  Trapezoid dip;
  double period_s;
  double operator()(double t_s) const {
    return dip(t_s - period_s * std::floor(t_s / period_s));
  }
};

double illumination_free_function(double t_s) { return Trapezoid{100, 10, 80}(t_s); }

}  // namespace

BOOST_AUTO_TEST_CASE(six_instants_of_one_eclipse) {
  const Trapezoid dip{.entry_s = 1000.3, .ramp_s = 10.0, .umbra_s = 2000.0};
  for (const double step_s : {1.0, 7.0, 30.0, 60.0, 300.0}) {
    BOOST_TEST_CONTEXT("step " << step_s) {
      const auto eclipses = prof::find_eclipses(dip, 0.0, 5000.0, step_s);
      BOOST_REQUIRE(eclipses.size() == 1u);
      const prof::Eclipse& e = eclipses.front();
      constexpr double kTolS = 1e-3;  // the default bracket
      BOOST_TEST(std::abs(e.penumbra_entry_s - 1000.3) <= kTolS);
      BOOST_REQUIRE((e.half_entry_s && e.umbra_entry_s && e.umbra_exit_s && e.half_exit_s));
      BOOST_TEST(std::abs(*e.half_entry_s - 1005.3) <= kTolS);
      BOOST_TEST(std::abs(*e.umbra_entry_s - 1010.3) <= kTolS);
      BOOST_TEST(std::abs(*e.umbra_exit_s - 3010.3) <= kTolS);
      BOOST_TEST(std::abs(*e.half_exit_s - 3015.3) <= kTolS);
      BOOST_TEST(std::abs(e.penumbra_exit_s - 3020.3) <= kTolS);
      BOOST_TEST(std::abs(e.duration_s() - 2020.0) <= 2 * kTolS);
      BOOST_TEST(std::abs(e.half_light_duration_s() - 2010.0) <= 2 * kTolS);
      BOOST_TEST(std::abs(e.umbra_duration_s() - 2000.0) <= 2 * kTolS);
      BOOST_TEST(!e.begins_before_window);
      BOOST_TEST(!e.ends_after_window);
    }
  }
}

BOOST_AUTO_TEST_CASE(tolerance_bounds_the_error) {
  const Trapezoid dip{.entry_s = 123.456789, .ramp_s = 8.5, .umbra_s = 2100.0};
  for (const double tolerance_s : {0.1, 0.01, 1e-6}) {
    const auto eclipses = prof::find_eclipses(dip, 0.0, 3000.0, 60.0, {.tolerance_s = tolerance_s});
    BOOST_REQUIRE(eclipses.size() == 1u);
    BOOST_TEST(std::abs(eclipses.front().penumbra_entry_s - dip.entry_s) <= tolerance_s / 2);
    BOOST_TEST(std::abs(eclipses.front().penumbra_exit_s - dip.exit_s()) <= tolerance_s / 2);
  }
}

BOOST_AUTO_TEST_CASE(penumbral_only_eclipse_has_no_umbra) {
  const Trapezoid shallow{.entry_s = 500.0, .ramp_s = 20.0, .umbra_s = 30.0, .floor = 0.7};
  const auto eclipses = prof::find_eclipses(shallow, 0.0, 1000.0, 10.0);
  BOOST_REQUIRE(eclipses.size() == 1u);
  const prof::Eclipse& e = eclipses.front();
  BOOST_TEST(!e.half_entry_s.has_value());
  BOOST_TEST(!e.umbra_entry_s.has_value());
  BOOST_TEST(e.umbra_duration_s() == 0.0);
  BOOST_TEST(e.half_light_duration_s() == 0.0);
  BOOST_TEST(std::abs(e.duration_s() - 70.0) <= 2e-3);
  // Deeper than half, still no umbra.
  const Trapezoid deeper{.entry_s = 500.0, .ramp_s = 20.0, .umbra_s = 30.0, .floor = 0.2};
  const auto deep = prof::find_eclipses(deeper, 0.0, 1000.0, 10.0);
  BOOST_REQUIRE(deep.size() == 1u);
  BOOST_TEST(deep.front().half_entry_s.has_value());
  BOOST_TEST(!deep.front().umbra_entry_s.has_value());
}

BOOST_AUTO_TEST_CASE(eclipses_cut_by_the_window) {
  const Trapezoid dip{.entry_s = 100.0, .ramp_s = 10.0, .umbra_s = 1000.0};
  // Starts in umbra, ends in the penumbra of the way out, below half light (f(1113) = 0.3).
  const auto eclipses = prof::find_eclipses(dip, 500.0, 1113.0, 30.0);
  BOOST_REQUIRE(eclipses.size() == 1u);
  const prof::Eclipse& e = eclipses.front();
  BOOST_TEST(e.begins_before_window);
  BOOST_TEST(e.ends_after_window);
  BOOST_TEST(e.penumbra_entry_s == 500.0);
  BOOST_TEST(e.umbra_entry_s.value() == 500.0);
  BOOST_TEST(std::abs(e.umbra_exit_s.value() - 1110.0) <= 1e-3);
  BOOST_TEST(e.half_exit_s.value() == 1113.0);
  BOOST_TEST(e.penumbra_exit_s == 1113.0);
}

BOOST_AUTO_TEST_CASE(summary_of_repeated_eclipses) {
  // A 95-minute orbit with a 2100 s umbra and 8.5 s penumbrae, over a day.
  const Periodic orbit{{.entry_s = 2000.0, .ramp_s = 8.5, .umbra_s = 2100.0}, 5700.0};
  const double window_s = 86400.0;
  const auto eclipses = prof::find_eclipses(orbit, 0.0, window_s, 30.0);
  BOOST_REQUIRE(eclipses.size() == 15u);  // 86400/5700 = 15.2, the 16th starts at 87500 s
  for (std::size_t k = 0; k < eclipses.size(); ++k) {
    BOOST_TEST(std::abs(eclipses[k].penumbra_entry_s - (2000.0 + 5700.0 * static_cast<double>(k))) <=
               1e-3);
  }
  const prof::EclipseSummary summary = prof::summarize_eclipses(eclipses, window_s);
  BOOST_TEST(summary.count == 15u);
  BOOST_TEST(std::abs(summary.shadow_s - 15 * 2117.0) <= 0.05);
  BOOST_TEST(std::abs(summary.half_light_s - 15 * 2108.5) <= 0.05);
  BOOST_TEST(std::abs(summary.umbra_s - 15 * 2100.0) <= 0.05);
  BOOST_TEST(std::abs(summary.longest_s - 2117.0) <= 0.01);
  BOOST_TEST(summary.half_light_fraction() == summary.half_light_s / window_s);
  BOOST_TEST(summary.shadow_fraction() > summary.half_light_fraction());
  BOOST_TEST(summary.half_light_fraction() > summary.umbra_fraction());

  const auto longest = prof::longest_eclipse(eclipses);
  BOOST_REQUIRE(longest.has_value());
  BOOST_TEST(longest->duration_s() == summary.longest_s);
  BOOST_TEST(!prof::longest_eclipse({}).has_value());
  BOOST_TEST(prof::summarize_eclipses({}, window_s).half_light_fraction() == 0.0);
  BOOST_TEST(prof::summarize_eclipses({}, 0.0).shadow_fraction() == 0.0);
}

BOOST_AUTO_TEST_CASE(explicit_grid_matches_uniform_grid) {
  const Periodic orbit{{.entry_s = 2000.0, .ramp_s = 8.5, .umbra_s = 2100.0}, 5700.0};
  std::vector<double> grid;
  for (double t = 0.0; t < 20000.0; t += 45.0) grid.push_back(t);
  grid.push_back(20000.0);
  const auto from_span = prof::find_eclipses(orbit, grid);
  const auto uniform = prof::find_eclipses(orbit, 0.0, 20000.0, 45.0);
  BOOST_REQUIRE(from_span.size() == uniform.size());
  for (std::size_t k = 0; k < uniform.size(); ++k) {
    BOOST_TEST(from_span[k].penumbra_entry_s == uniform[k].penumbra_entry_s);
    BOOST_TEST(from_span[k].penumbra_exit_s == uniform[k].penumbra_exit_s);
  }
  // The last point is end_s even when the step does not divide the window.
  const Trapezoid late{.entry_s = 990.0, .ramp_s = 5.0, .umbra_s = 100.0};
  const auto cut = prof::find_eclipses(late, 0.0, 1000.0, 300.0);
  BOOST_REQUIRE(cut.size() == 1u);
  BOOST_TEST(cut.front().penumbra_exit_s == 1000.0);
  BOOST_TEST(cut.front().ends_after_window);
}

BOOST_AUTO_TEST_CASE(accepts_any_callable) {
  const std::function<double(double)> wrapped = Trapezoid{100, 10, 80};
  BOOST_TEST(prof::find_eclipses(wrapped, 0.0, 500.0, 30.0).size() == 1u);
  BOOST_TEST(prof::find_eclipses(&illumination_free_function, 0.0, 500.0, 30.0).size() == 1u);
  int calls = 0;
  const auto counting = [&calls](double t_s) {
    ++calls;
    return Trapezoid{100, 10, 80}(t_s);
  };
  BOOST_TEST(prof::find_eclipses(counting, 0.0, 500.0, 30.0).size() == 1u);
  // 18 grid points + 6 bisections of ≈15 halvings (30 s → 1 ms), each with one extra call.
  BOOST_TEST(calls < 18 + 6 * 17);
}

BOOST_AUTO_TEST_CASE(eclipse_shorter_than_a_step_may_be_missed) {
  // Documented limit: a whole eclipse between two samples is invisible to the grid.
  const Trapezoid brief{.entry_s = 31.0, .ramp_s = 2.0, .umbra_s = 10.0};
  BOOST_TEST(prof::find_eclipses(brief, 0.0, 120.0, 60.0).empty());
  BOOST_TEST(prof::find_eclipses(brief, 0.0, 120.0, 5.0).size() == 1u);
}

BOOST_AUTO_TEST_CASE(refuses_bad_grids) {
  const Trapezoid dip{100, 10, 80};
  const std::vector<double> one{0.0};
  const std::vector<double> descending{0.0, 10.0, 5.0};
  BOOST_CHECK_THROW(prof::find_eclipses(dip, one), std::invalid_argument);
  BOOST_CHECK_THROW(prof::find_eclipses(dip, descending), std::invalid_argument);
  BOOST_CHECK_THROW(prof::find_eclipses(dip, 0.0, 100.0, 0.0), std::invalid_argument);
  BOOST_CHECK_THROW(prof::find_eclipses(dip, 100.0, 0.0, 10.0), std::invalid_argument);
  BOOST_CHECK_THROW(prof::find_eclipses(dip, 0.0, 100.0, 10.0, {.tolerance_s = 0.0}),
                    std::invalid_argument);
}
