// The spacecraft stepped as a whole along a circular LEO orbit (geometry built here, cylindrical
// shadow), as the profile assembly will stream it: exposure → power → heat → lab mapping.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <vector>

#include "profiles/heat/spacecraft_model.hpp"
#include "profiles/lab/lab_mapper.hpp"
#include "profiles/physical_constants.hpp"

namespace prof = ob::profiles;
namespace tt = boost::test_tools;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kStepS = 10;

// Circular orbit in the x-y plane (normal z), Sun at β from the plane; t = 0 at orbit noon.
struct CircularGeometry {
  double radius_km;
  double beta_rad;
  double period_s;

  CircularGeometry(double altitude_km, double beta_deg)
      : radius_km(prof::kEarthRadiusKm + altitude_km),
        beta_rad(beta_deg * kPi / 180),
        period_s(2 * kPi * std::sqrt(std::pow(radius_km, 3) / prof::kMuKm3PerS2)) {}

  prof::StepEnvironment at(double t_s, double dt_s) const {
    const double u = 2 * kPi * t_s / period_s;
    const double speed_km_s = 2 * kPi * radius_km / period_s;
    prof::StepEnvironment env;
    env.t_s = t_s;
    env.dt_s = dt_s;
    env.sun_unit = {std::cos(beta_rad), 0, std::sin(beta_rad)};
    env.position_km = {radius_km * std::cos(u), radius_km * std::sin(u), 0};
    env.velocity_km_s = {-speed_km_s * std::sin(u), speed_km_s * std::cos(u), 0};
    const double along_sun = env.position_km[0] * env.sun_unit[0];  // r·ŝ
    const double off_axis2 = radius_km * radius_km - along_sun * along_sun;
    env.illumination =
        (along_sun < 0 && off_axis2 < prof::kEarthRadiusKm * prof::kEarthRadiusKm) ? 0 : 1;
    return env;
  }

  std::vector<prof::StepEnvironment> one_orbit() const {
    std::vector<prof::StepEnvironment> orbit;
    const auto steps = static_cast<int>(std::round(period_s / kStepS));
    const double dt = period_s / steps;  // the grid closes on the period
    for (int k = 0; k < steps; ++k) orbit.push_back(at(k * dt, dt));
    return orbit;
  }
};

struct Extremes {
  double lo = 1e300, hi = -1e300;
  void add(double v) { lo = std::min(lo, v); hi = std::max(hi, v); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(default_spacecraft_over_a_550_km_orbit) {
  const CircularGeometry orbit(550, 0);
  const std::vector<prof::StepEnvironment> steps = orbit.one_orbit();
  prof::SpacecraftModel model({});
  const prof::SpinUpResult spun = model.spin_up(steps);
  BOOST_TEST(spun.converged);
  BOOST_TEST_MESSAGE("spin-up: " << spun.orbits << " orbits, residual " << spun.residual_k << " K");

  Extremes soc, board, radiator, budget_sun, budget_dark, solar;
  double eclipse_s = 0;
  std::vector<prof::SpacecraftSample> rows;
  for (int pass = 0; pass < 2; ++pass) {
    for (const prof::StepEnvironment& env : steps) {
      const prof::SpacecraftSample s = model.step(env);
      if (pass == 0) continue;  // the first orbit settles the battery's cycle
      rows.push_back(s);
      soc.add(s.power.battery_soc);
      board.add(s.heat.board_temp_c);
      radiator.add(s.heat.radiator_temp_c);
      solar.add(s.power.solar_power_w);
      (env.illumination > 0 ? budget_sun : budget_dark).add(s.power.gpu_power_budget_w);
      if (env.illumination == 0) eclipse_s += env.dt_s;
    }
  }
  BOOST_TEST_MESSAGE("550 km β=0, defaults: eclipse " << eclipse_s / 60 << " min; SOC "
                     << soc.lo << "…" << soc.hi << "; bus "
                     << 22 + 12 * soc.lo << "…" << 22 + 12 * soc.hi << " V; array "
                     << solar.hi << " W; GPU " << budget_sun.lo << "…" << budget_sun.hi
                     << " W sunlit, " << budget_dark.hi << " W eclipse");
  BOOST_TEST_MESSAGE("  radiator " << radiator.lo << "…" << radiator.hi << " °C, board "
                     << board.lo << "…" << board.hi << " °C");
  BOOST_TEST(eclipse_s / 60 == 35.61, tt::tolerance(0.01));  // physics.md table
  BOOST_TEST(soc.lo >= model.power().soc_floor());
  BOOST_TEST(soc.hi == 1.0);
  BOOST_TEST(budget_dark.hi == 350.0);
  BOOST_TEST(budget_sun.hi == 700.0);
  BOOST_TEST(board.hi - board.lo > 10.0);  // the eclipse cools the board twice over
  BOOST_TEST(board.hi < 85.0);             // within a GPU's board limits at these defaults
  // Periodic: the orbit ends where it started (spun up).
  const prof::ThermalState end = model.thermal().state();
  BOOST_TEST(end.board_k - 273.15 == rows.front().heat.board_temp_c, tt::tolerance(0.01));

  // Lab mapping at protoqualification: the chamber tracks the baseplate (default) and follows
  // at speed 1 but not at 20; tracking the board it cannot follow the eclipse-entry edge even
  // at speed 1 (the board drops ~8 °C/min there), and says so.
  for (const auto tracks : {prof::ChamberTracks::baseplate, prof::ChamberTracks::board})
  for (const double speed : {1.0, 20.0}) {
    const bool on_board = tracks == prof::ChamberTracks::board;
    prof::LabMapping lab;
    lab.qualification = prof::QualificationLevel::protoqualification;
    lab.chamber_tracks = tracks;
    lab.speed = speed;
    const Extremes& tracked = on_board ? board : radiator;
    prof::LabMapper mapper(lab, prof::orbit_reference({}, tracked.lo, tracked.hi));
    for (const prof::SpacecraftSample& s : rows) {
      (void)mapper.push({.t_s = s.exposure.t_s,
                         .board_temp_c = s.heat.board_temp_c,
                         .baseplate_temp_c = s.heat.radiator_temp_c,
                         .gpu_power_budget_w = s.power.gpu_power_budget_w,
                         .bus_voltage_v = s.power.bus_voltage_v});
    }
    const prof::LabReport report = mapper.finish();
    BOOST_TEST_MESSAGE("  lab ±5 °C tracking " << prof::to_string(tracks) << " at speed " << speed << ": chamber " << report.setpoint_min_c
                       << "…" << report.setpoint_max_c << " °C, " << report.segments.size()
                       << " infeasible segments, worst " << report.worst_chamber_deviation_k
                       << " K" << (report.segments.empty() ? "" : ", needs ")
                       << (report.segments.empty() ? 0.0 : report.segments[0].needed_ramp_c_per_min)
                       << " °C/min");
    BOOST_TEST(report.target_max_c == tracked.hi + 5, tt::tolerance(1e-9));
    BOOST_TEST(report.target_min_c == tracked.lo - 5, tt::tolerance(1e-9));
    BOOST_TEST(report.feasible() == (speed == 1.0 && !on_board));
  }
}

BOOST_AUTO_TEST_CASE(spin_up_finds_the_cycle_of_a_slow_heavy_radiator) {
  // A 300 kg radiator's time constant spans several orbits: starting from a guess would leave
  // a drift; after spin-up, one orbit later is where it started.
  prof::Spacecraft heavy;
  heavy.radiator_heat_capacity_j_per_k = 300 * 900;
  const std::vector<prof::StepEnvironment> steps = CircularGeometry(550, 0).one_orbit();
  prof::SpacecraftModel model(heavy);
  const prof::SpinUpResult spun = model.spin_up(steps);
  BOOST_TEST(spun.converged);
  BOOST_TEST_MESSAGE("300 kg radiator spin-up: " << spun.orbits << " orbits");
  BOOST_TEST(model.power().battery_soc() == heavy.battery_initial_soc);  // battery restored
  const prof::ThermalState start = model.thermal().state();
  for (const prof::StepEnvironment& env : steps) (void)model.step(env);
  BOOST_TEST(std::abs(model.thermal().state().radiator_k - start.radiator_k) < 0.01);
  BOOST_TEST(std::abs(model.thermal().state().board_k - start.board_k) < 0.01);
}

BOOST_AUTO_TEST_CASE(a_month_streams_in_constant_memory_and_little_time) {
  // The streaming loop the assembly will run: no allocation per step; the figure is printed
  // (a year at 10 s steps is 12× this).
  const CircularGeometry orbit(550, 20);
  prof::SpacecraftModel model({});
  prof::LabMapper mapper({}, prof::orbit_reference({}, 0, 40));
  constexpr double kMonthS = 30 * 86400.0;
  const auto start = std::chrono::steady_clock::now();
  double checksum = 0;
  long steps = 0;
  for (double t = 0; t < kMonthS; t += kStepS, ++steps) {
    const prof::SpacecraftSample s = model.step(orbit.at(t, kStepS));
    const prof::LabSetpoints lab = mapper.push({.t_s = t,
                                                .board_temp_c = s.heat.board_temp_c,
                                                .baseplate_temp_c = s.heat.radiator_temp_c,
                                                .gpu_power_budget_w = s.power.gpu_power_budget_w,
                                                .bus_voltage_v = s.power.bus_voltage_v});
    checksum += lab.chamber_setpoint_c;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(std::isfinite(checksum));
  BOOST_TEST(mapper.finish().feasible());
  BOOST_TEST_MESSAGE(steps << " steps (30 days at 10 s) in " << seconds << " s: "
                           << steps / seconds / 1e6 << " M steps/s");
}
