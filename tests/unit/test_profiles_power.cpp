// The power model: array output, battery state of charge with efficiencies and the depth-of-
// discharge floor, bus voltage, and the GPU budget policy in sunlight and eclipse.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "profiles/heat/exposure.hpp"
#include "profiles/heat/spacecraft.hpp"
#include "profiles/power/power_model.hpp"

namespace prof = ob::profiles;
namespace tt = boost::test_tools;

namespace {

// Synthetic 550 km orbit at β = 0 (physics.md): 95.65 min, eclipse 35.61 min at the end.
constexpr double kPeriodS = 95.65 * 60;
constexpr double kEclipseS = 35.61 * 60;
constexpr double kStepS = 10;

prof::Exposure lit(double illumination = 1) {
  prof::Exposure e;
  e.illumination = illumination;
  e.array_sun_cos = 1;
  return e;
}

struct OrbitRun {
  std::vector<double> t_s, soc, budget_w, solar_w, bus_v;
  std::vector<bool> sunlit;
};

// Orbits of sunlight then eclipse (eclipse_s long), 10 s steps.
OrbitRun run_orbits(prof::PowerModel& model, int orbits, double eclipse_s = kEclipseS,
                    double period_s = kPeriodS) {
  OrbitRun run;
  double t = 0;
  for (int orbit = 0; orbit < orbits; ++orbit) {
    for (double phase = 0; phase < period_s - 1e-9; phase += kStepS, t += kStepS) {
      const bool sunlit = phase < period_s - eclipse_s - 1e-9;
      prof::Exposure e = lit(sunlit ? 1 : 0);
      e.t_s = t;
      const prof::PowerSample s = model.step(e, kStepS);
      run.t_s.push_back(t);
      run.soc.push_back(s.battery_soc);
      run.budget_w.push_back(s.gpu_power_budget_w);
      run.solar_w.push_back(s.solar_power_w);
      run.bus_v.push_back(s.bus_voltage_v);
      run.sunlit.push_back(sunlit);
    }
  }
  return run;
}

}  // namespace

BOOST_AUTO_TEST_CASE(array_output_follows_the_formula) {
  prof::Spacecraft craft;
  craft.array_degradation_per_year = 0.02;
  const prof::PowerModel model(craft);
  prof::Exposure e = lit(0.8);
  e.irradiance_w_per_m2 = 1361 / (0.9833 * 0.9833);
  e.array_sun_cos = 0.5;
  // P = η·A·S·cos·illum·(1 − degradation)
  BOOST_TEST(model.solar_power_w(e) == 0.30 * 4 * e.irradiance_w_per_m2 * 0.5 * 0.8 * 0.95,
             tt::tolerance(1e-12));
  e.t_s = 365.25 * 86400;  // one year later: 2 % more lost
  BOOST_TEST(model.solar_power_w(e) == 0.30 * 4 * e.irradiance_w_per_m2 * 0.5 * 0.8 * 0.93,
             tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(budget_drops_in_eclipse_soc_falls_and_recovers) {
  const prof::Spacecraft craft;
  prof::PowerModel model(craft);
  const OrbitRun run = run_orbits(model, 3);
  const double floor = model.soc_floor();
  BOOST_TEST(floor == 0.6, tt::tolerance(1e-12));
  double soc_min = 1;
  for (std::size_t k = 1; k < run.soc.size(); ++k) {
    BOOST_TEST_CONTEXT("t=" << run.t_s[k]) {
      BOOST_TEST(run.soc[k] >= floor);
      // Rows hold the SOC at their start: row k + 1 shows what row k's budget did.
      if (!run.sunlit[k]) {
        BOOST_TEST(run.budget_w[k] == 350.0);  // fixed eclipse budget, the battery holds it
        if (k + 1 < run.soc.size()) BOOST_TEST(run.soc[k + 1] < run.soc[k]);  // discharging
      } else if (!run.sunlit[k - 1]) {
        BOOST_TEST(run.budget_w[k] < 700.0);  // battery first after the eclipse
      }
    }
    soc_min = std::min(soc_min, run.soc[k]);
  }
  // Eclipse draw: (350 + 150) W × 35.61 min / 0.95 = 312.4 Wh = 20.8 % of 1500 Wh.
  BOOST_TEST(1 - soc_min == 500 * kEclipseS / 3600 / 0.95 / 1500, tt::tolerance(0.01));
  // Recovered well before the next eclipse, and the GPU back at its sunlit budget.
  const auto last_sunlit = static_cast<std::size_t>(kPeriodS - kEclipseS) / 10 - 1;
  BOOST_TEST(run.soc[last_sunlit] == 1.0);
  BOOST_TEST(run.budget_w[last_sunlit] == 700.0);
  // While charging: min(700, P_array − housekeeping − max charge) = 1551.6 − 150 − 750.
  const auto first_sun = static_cast<std::size_t>(kPeriodS) / 10 + 1;  // orbit 2, after a step
  BOOST_TEST(run.budget_w[first_sun] == 0.3 * 4 * 1361 * 0.95 - 150 - 750, tt::tolerance(1e-9));
  BOOST_TEST_MESSAGE("defaults, 550 km β=0: SOC 1.000 → " << soc_min << " (floor " << floor
                     << "), budget 700 W sunlit / 350 W eclipse, "
                     << run.budget_w[first_sun] << " W while recharging");
}

BOOST_AUTO_TEST_CASE(a_small_battery_lowers_the_eclipse_budget_but_keeps_the_floor) {
  prof::Spacecraft craft;
  craft.battery_capacity_wh = 300;  // 120 Wh above the floor; the eclipse wants ~310 Wh
  prof::PowerModel model(craft);
  const OrbitRun run = run_orbits(model, 3);
  double eclipse_budget = 1e9;
  for (std::size_t k = 0; k < run.soc.size(); ++k) {
    BOOST_TEST(run.soc[k] >= model.soc_floor() - 1e-12);
    if (!run.sunlit[k]) eclipse_budget = std::min(eclipse_budget, run.budget_w[k]);
  }
  // Evenly over the design eclipse: 120 Wh × 0.95 / 0.6 h − 150 W housekeeping = 40 W.
  BOOST_TEST(eclipse_budget == 120 * 0.95 / (2160.0 / 3600) - 150, tt::tolerance(1e-6));
  BOOST_TEST(*std::min_element(run.soc.begin(), run.soc.end()) < model.soc_floor() + 0.01);
}

BOOST_AUTO_TEST_CASE(battery_allows_spreads_the_battery_over_the_design_eclipse) {
  prof::Spacecraft craft;
  craft.gpu_eclipse_policy = prof::EclipsePolicy::battery_allows;
  craft.battery_capacity_wh = 1000;  // 400 Wh above the floor
  craft.design_eclipse_s = kEclipseS - std::fmod(kEclipseS, kStepS) + kStepS;  // on the grid
  prof::PowerModel model(craft);
  const OrbitRun run = run_orbits(model, 2, craft.design_eclipse_s);
  const double expected_w = 400 * 0.95 * 3600 / craft.design_eclipse_s - 150;
  for (std::size_t k = 0; k < run.soc.size(); ++k) {
    if (!run.sunlit[k]) BOOST_TEST(run.budget_w[k] == expected_w, tt::tolerance(1e-9));
  }
  // The eclipse ends exactly on the floor.
  const auto end_of_first_eclipse = static_cast<std::size_t>(std::round(kPeriodS / kStepS));
  BOOST_TEST(run.soc[end_of_first_eclipse] == model.soc_floor(), tt::tolerance(1e-9));
  BOOST_TEST_MESSAGE("battery_allows, 1000 Wh: " << expected_w << " W through the eclipse");
  // With the default 1500 Wh the battery could give more than the sunlit budget: capped.
  prof::Spacecraft roomy;
  roomy.gpu_eclipse_policy = prof::EclipsePolicy::battery_allows;
  prof::PowerModel roomy_model(roomy);
  const OrbitRun roomy_run = run_orbits(roomy_model, 1);
  BOOST_TEST(*std::max_element(roomy_run.budget_w.begin(), roomy_run.budget_w.end()) == 700.0);
}

BOOST_AUTO_TEST_CASE(penumbra_interpolates_the_target) {
  prof::PowerModel model({});
  const prof::PowerSample s = model.step(lit(0.5), kStepS);
  BOOST_TEST(s.gpu_power_budget_w == 525.0, tt::tolerance(1e-12));  // 350 + (700 − 350)·0.5
}

BOOST_AUTO_TEST_CASE(efficiencies_apply_to_charge_and_discharge) {
  prof::Spacecraft craft;
  craft.battery_initial_soc = 0.8;
  craft.gpu_budget_eclipse_w = 100;
  prof::PowerModel model(craft);
  // One hour of eclipse at 100 W GPU + 150 W housekeeping: 250 Wh / 0.95 out of the battery.
  for (int k = 0; k < 360; ++k) (void)model.step(lit(0), kStepS);
  BOOST_TEST(model.battery_energy_wh() == 1200 - 250 / 0.95, tt::tolerance(1e-9));
  // Ten minutes of sun: the charger's 750 W store 750 × 0.95 W.
  const double before_wh = model.battery_energy_wh();
  for (int k = 0; k < 60; ++k) (void)model.step(lit(1), kStepS);
  BOOST_TEST(model.battery_energy_wh() - before_wh == 750 * 0.95 / 6, tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(bus_voltage_follows_the_state_of_charge_when_unregulated) {
  prof::Spacecraft craft;
  const prof::PowerModel unregulated(craft);
  BOOST_TEST(unregulated.bus_voltage_v(0) == 22.0);
  BOOST_TEST(unregulated.bus_voltage_v(1) == 34.0);
  BOOST_TEST(unregulated.bus_voltage_v(0.5) == 28.0);
  craft.bus_regulation = prof::BusRegulation::regulated;
  const prof::PowerModel regulated(craft);
  BOOST_TEST(regulated.bus_voltage_v(0.3) == 28.0);
  // The row's voltage is the row's SOC's.
  prof::PowerModel model({});
  (void)model.step(lit(0), 600);
  const prof::PowerSample s = model.step(lit(0), 10);
  BOOST_TEST(s.bus_voltage_v == 22 + 12 * s.battery_soc, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(an_undersized_array_starves_the_gpu_not_the_floor) {
  prof::Spacecraft craft;
  craft.array_area_m2 = 1.5;  // 582 W: housekeeping and the charger first, the GPU gets little
  prof::PowerModel model(craft);
  const OrbitRun run = run_orbits(model, 10);
  for (std::size_t k = 0; k < run.soc.size(); ++k) BOOST_TEST(run.soc[k] >= model.soc_floor() - 1e-12);
  BOOST_TEST(*std::max_element(run.budget_w.begin(), run.budget_w.end()) < 700.0);
}

BOOST_AUTO_TEST_CASE(housekeeping_alone_below_the_floor_is_flagged) {
  // A power-negative spacecraft: no array, the GPU is cut at the floor, housekeeping goes on.
  prof::Spacecraft craft;
  craft.array_area_m2 = 0;
  craft.battery_capacity_wh = 100;  // floor at 60 Wh: 40 Wh usable
  prof::PowerModel model(craft);
  bool flagged = false;
  for (int k = 0; k < 360; ++k) {
    const prof::PowerSample s = model.step(lit(1), kStepS);
    if (model.battery_energy_wh() >= 60 - 1e-9) BOOST_TEST(!s.below_floor);
    if (s.below_floor) {
      flagged = true;
      BOOST_TEST(s.gpu_power_budget_w == 0.0);
    }
  }
  BOOST_TEST(flagged);
  BOOST_TEST(model.battery_soc() >= 0.0);
}
