// The two-node thermal model against analytic steady states, physics.md's reference figures,
// the qualitative orbit swings, energy conservation and stability of the step.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "profiles/heat/exposure.hpp"
#include "profiles/heat/spacecraft.hpp"
#include "profiles/heat/thermal_model.hpp"
#include "profiles/orbit_profile.hpp"
#include "profiles/physical_constants.hpp"

namespace prof = ob::profiles;
namespace tt = boost::test_tools;

namespace {

constexpr double kSigma = prof::kStefanBoltzmannWPerM2K4;
// Synthetic 550 km orbit at β = 0 (physics.md table): period 95.65 min, eclipse 35.61 min.
constexpr double kPeriodS = 95.65 * 60;
constexpr double kEclipseS = 35.61 * 60;
constexpr double kStepS = 10;

// No Sun, no Earth: only what the nodes dissipate leaves by radiation.
prof::Exposure deep_space() {
  prof::Exposure e;
  e.illumination = 0;
  e.radiator_sun_cos = 0;
  e.radiator_earth_view = 0;
  e.subsolar_cos = 0;
  return e;
}

// Runs until the state stops moving (or a day has passed); returns the final state.
prof::ThermalState settle(prof::ThermalModel& model, const prof::HeatLoads& loads) {
  constexpr double kDayS = 86400;
  for (double t = 0; t < 20 * kDayS; t += 60) (void)model.step(loads, 60);
  return model.state();
}

struct Swing {
  double radiator_k = 0;
  double board_k = 0;
};

// Square-wave orbit (sunlit, then eclipse), orientation-averaged radiator at 550 km; replays
// orbits until periodic and returns the peak-to-peak swing of the last one.
Swing orbit_swing(const prof::Spacecraft& craft, double sunlit_gpu_w, double eclipse_gpu_w) {
  prof::Exposure sunlit;  // S = 1361, illum 1
  sunlit.illumination = 1;
  sunlit.radiator_sun_cos = 0.25;
  sunlit.radiator_earth_view = (1 - std::sqrt(1 - std::pow(6378.137 / 6928.137, 2))) / 2;
  sunlit.subsolar_cos = 2 / std::numbers::pi;  // the sunlit half-orbit's average of cos ζ
  prof::Exposure eclipse = sunlit;
  eclipse.illumination = 0;
  eclipse.subsolar_cos = 0;
  prof::ThermalModel model(craft, {});
  model.set_state(model.equilibrium(model.loads(sunlit, sunlit_gpu_w)));
  Swing swing;
  for (int orbit = 0; orbit < 40; ++orbit) {
    double r_lo = 1e9, r_hi = -1e9, b_lo = 1e9, b_hi = -1e9;
    for (double t = 0; t < kPeriodS; t += kStepS) {
      const bool lit = t < kPeriodS - kEclipseS;
      const prof::ThermalSample s =
          model.step(model.loads(lit ? sunlit : eclipse, lit ? sunlit_gpu_w : eclipse_gpu_w), kStepS);
      r_lo = std::min(r_lo, s.radiator_temp_c);
      r_hi = std::max(r_hi, s.radiator_temp_c);
      b_lo = std::min(b_lo, s.board_temp_c);
      b_hi = std::max(b_hi, s.board_temp_c);
    }
    swing = {r_hi - r_lo, b_hi - b_lo};
  }
  return swing;
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_are_valid_and_bad_fields_are_named) {
  BOOST_TEST(prof::spacecraft_errors({}).empty());
  prof::Spacecraft craft;
  craft.radiator_area_m2 = -1;
  craft.radiator_emissivity = 1.5;
  craft.battery_max_depth_of_discharge = std::nan("");
  craft.bus_voltage_min_v = 40;  // above bus_voltage_max_v
  const auto errors = prof::spacecraft_errors(craft);
  BOOST_REQUIRE(errors.size() == 4u);
  BOOST_TEST(errors[0].field == "spacecraft.radiator_area_m2");
  BOOST_TEST(errors[0].message == "=-1: must be > 0");
  BOOST_TEST(errors[1].field == "spacecraft.radiator_emissivity");
  BOOST_TEST(errors[2].field == "spacecraft.battery_max_depth_of_discharge");
  BOOST_TEST(errors[3].field == "spacecraft.bus_voltage_min_v");
  BOOST_CHECK_EXCEPTION(prof::ThermalModel(craft, {}), prof::ProfileError,
                        [](const prof::ProfileError& e) {
                          return std::string(e.what()).find("spacecraft.radiator_area_m2=-1") !=
                                 std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(enum_names_round_trip) {
  for (const auto f : {prof::RadiatorFacing::orbit_normal, prof::RadiatorFacing::zenith,
                       prof::RadiatorFacing::anti_sun, prof::RadiatorFacing::isotropic}) {
    BOOST_TEST((prof::parse_radiator_facing(prof::to_string(f)) == f));
  }
  for (const auto p : {prof::ArrayPointing::sun_tracking, prof::ArrayPointing::single_axis,
                       prof::ArrayPointing::body_fixed_zenith}) {
    BOOST_TEST((prof::parse_array_pointing(prof::to_string(p)) == p));
  }
  BOOST_TEST((prof::parse_bus_regulation("regulated") == prof::BusRegulation::regulated));
  BOOST_TEST((prof::parse_eclipse_policy("battery_allows") == prof::EclipsePolicy::battery_allows));
  BOOST_TEST(!prof::parse_radiator_facing("nadir").has_value());
}

BOOST_AUTO_TEST_CASE(radiator_alone_settles_where_radiation_balances_the_load) {
  // Housekeeping heat straight into the radiator, no GPU: T = (Q/(εσA))^¼, board = radiator.
  prof::Spacecraft craft;
  craft.housekeeping_w = 400;
  craft.housekeeping_heat_fraction = 1;
  prof::ThermalModel model(craft, {.radiator_k = 250, .board_k = 250});
  const prof::HeatLoads loads = model.loads(deep_space(), 0);
  const prof::ThermalState settled = settle(model, loads);
  const double expected_k =
      std::pow(400 / (craft.radiator_emissivity * kSigma * craft.radiator_area_m2), 0.25);
  BOOST_TEST(settled.radiator_k == expected_k, tt::tolerance(1e-9));
  BOOST_TEST(settled.board_k == expected_k, tt::tolerance(1e-9));
  BOOST_TEST_MESSAGE("400 W on 1.7 m², ε 0.9: radiator " << expected_k - 273.15 << " °C");
}

BOOST_AUTO_TEST_CASE(board_sits_p_over_g_above_the_radiator) {
  const prof::Spacecraft craft;  // G = 25 W/K
  prof::ThermalModel model(craft, {.radiator_k = 280, .board_k = 280});
  const prof::HeatLoads loads = model.loads(deep_space(), 700);
  const prof::ThermalState settled = settle(model, loads);
  const double radiator_k = std::pow(700 / (0.9 * kSigma * 1.7), 0.25);
  BOOST_TEST(settled.radiator_k == radiator_k, tt::tolerance(1e-9));
  BOOST_TEST(settled.board_k - settled.radiator_k == 700 / 25.0, tt::tolerance(1e-7));
  const prof::ThermalState closed_form = model.equilibrium(loads);
  BOOST_TEST(closed_form.radiator_k == settled.radiator_k, tt::tolerance(1e-9));
  BOOST_TEST(closed_form.board_k == settled.board_k, tt::tolerance(1e-9));
  BOOST_TEST_MESSAGE("700 W, 1.7 m², G 25 W/K: radiator " << radiator_k - 273.15 << " °C, board "
                                                         << settled.board_k - 273.15 << " °C");
}

BOOST_AUTO_TEST_CASE(seven_hundred_watts_at_300_k_need_1_7_square_metres) {
  const double area_m2 = prof::radiator_area_for_m2(700, 300, 0.9);
  BOOST_TEST(std::abs(area_m2 - 1.7) < 0.01);  // physics.md: about 1.7 m²
  BOOST_TEST_MESSAGE("deep-space radiator for 700 W at 300 K, ε 0.9: " << area_m2 << " m²");
  prof::Spacecraft craft;
  craft.radiator_area_m2 = area_m2;
  prof::ThermalModel model(craft, {.radiator_k = 320, .board_k = 340});
  BOOST_TEST(settle(model, model.loads(deep_space(), 700)).radiator_k == 300.0, tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(environment_loads_follow_the_documented_formulas) {
  prof::Spacecraft craft;
  const prof::ThermalModel model(craft, {});
  prof::Exposure e;
  e.illumination = 0.5;
  e.irradiance_w_per_m2 = 1400;
  e.radiator_sun_cos = 0.3;
  e.radiator_earth_view = 0.2;
  e.subsolar_cos = 0.8;
  const prof::HeatLoads loads = model.loads(e, 123);
  const double alpha_a = craft.radiator_absorptivity * craft.radiator_area_m2;
  BOOST_TEST(loads.solar_w == alpha_a * 1400 * 0.5 * 0.3, tt::tolerance(1e-12));
  BOOST_TEST(loads.albedo_w == alpha_a * 1400 * 0.30 * 0.2 * 0.8, tt::tolerance(1e-12));
  BOOST_TEST(loads.earth_ir_w ==
                 craft.radiator_emissivity * craft.radiator_area_m2 * 237 * 0.2,
             tt::tolerance(1e-12));
  BOOST_TEST(loads.radiator_internal_w == 0.0);  // housekeeping heat goes elsewhere by default
  BOOST_TEST(loads.board_w == 123.0);
}

BOOST_AUTO_TEST_CASE(a_heavy_node_swings_a_few_kelvin_a_light_one_tens) {
  // physics.md: 30 kg aluminium with a 2 m² radiator swings a few K per orbit at constant
  // 700 W; 10 kg with 700 W / 350 W (sun/eclipse) swings tens of K.
  prof::Spacecraft heavy;
  heavy.radiator_area_m2 = 2;
  heavy.radiator_facing = prof::RadiatorFacing::isotropic;
  heavy.radiator_heat_capacity_j_per_k = 30 * 900;
  const Swing heavy_swing = orbit_swing(heavy, 700, 700);
  prof::Spacecraft light = heavy;
  light.radiator_heat_capacity_j_per_k = 10 * 900;
  const Swing light_swing = orbit_swing(light, 700, 350);
  BOOST_TEST_MESSAGE("30 kg, 2 m², 700 W: radiator swing " << heavy_swing.radiator_k
                     << " K, board " << heavy_swing.board_k << " K");
  BOOST_TEST_MESSAGE("10 kg, 2 m², 700/350 W: radiator swing " << light_swing.radiator_k
                     << " K, board " << light_swing.board_k << " K");
  BOOST_TEST(heavy_swing.radiator_k > 1.0);
  BOOST_TEST(heavy_swing.radiator_k < 10.0);
  BOOST_TEST(light_swing.radiator_k > 20.0);
  BOOST_TEST(light_swing.radiator_k < 100.0);
  BOOST_TEST(light_swing.board_k > light_swing.radiator_k);  // the board loses P/G too
}

BOOST_AUTO_TEST_CASE(the_step_conserves_energy) {
  // ΔE_stored = (absorbed + dissipated)·dt − radiated, to rounding, for any step; and the
  // radiated energy agrees with a much finer integration.
  prof::Spacecraft craft;
  craft.housekeeping_heat_fraction = 0.5;
  prof::ThermalModel model(craft, {.radiator_k = 240, .board_k = 330});
  prof::Exposure e;
  e.radiator_sun_cos = 0.4;
  e.radiator_earth_view = 0.25;
  e.subsolar_cos = 0.7;
  const prof::HeatLoads loads = model.loads(e, 650);
  prof::ThermalModel fine = model;
  double total_in_j = 0;
  double total_out_j = 0;
  const double start_j = model.stored_energy_j(model.state());
  for (int k = 0; k < 100; ++k) {
    const double before_j = model.stored_energy_j(model.state());
    (void)model.step(loads, 37);
    const double in_j = (loads.radiator_absorbed_w() + loads.board_w) * 37;
    const double change_j = model.stored_energy_j(model.state()) - before_j;
    BOOST_TEST(change_j == in_j - model.last_step_radiated_j(), tt::tolerance(1e-9));
    total_in_j += in_j;
    total_out_j += model.last_step_radiated_j();
  }
  double fine_out_j = 0;
  for (int k = 0; k < 100 * 370; ++k) {
    (void)fine.step(loads, 0.1);
    fine_out_j += fine.last_step_radiated_j();
  }
  BOOST_TEST(total_out_j == fine_out_j, tt::tolerance(1e-7));
  BOOST_TEST(model.state().radiator_k == fine.state().radiator_k, tt::tolerance(1e-7));
  BOOST_TEST(model.stored_energy_j(model.state()) - start_j == total_in_j - total_out_j,
             tt::tolerance(1e-6));
  // Conduction moves heat between the nodes and creates none.
  const prof::ThermalState rate = model.derivative_k_per_s({.radiator_k = 200, .board_k = 400}, {});
  BOOST_TEST(craft.radiator_heat_capacity_j_per_k * rate.radiator_k +
                     craft.board_heat_capacity_j_per_k * rate.board_k ==
                 -0.9 * kSigma * 1.7 * std::pow(200.0, 4),
             tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(stiff_nodes_stay_stable_at_long_steps) {
  // A 10 J/K board on 25 W/K has a 0.4 s time constant; 60 s steps must still settle cleanly.
  prof::Spacecraft craft;
  craft.board_heat_capacity_j_per_k = 10;
  prof::ThermalModel model(craft, {.radiator_k = 200, .board_k = 500});
  const prof::HeatLoads loads = model.loads(deep_space(), 700);
  BOOST_TEST(model.substeps(model.state(), loads, 60) >= 60 / (0.25 * 0.4));
  const prof::ThermalState settled = settle(model, loads);
  BOOST_TEST(std::isfinite(settled.board_k));
  BOOST_TEST(settled.board_k == model.equilibrium(loads).board_k, tt::tolerance(1e-9));
  // The defaults take one substep per 10 s step (a year at 10 s steps: 3.2 M RK4 steps).
  const prof::ThermalModel defaults({}, {.radiator_k = 300, .board_k = 330});
  BOOST_TEST(defaults.substeps(defaults.state(), loads, 10) == 1);
  BOOST_TEST(defaults.substeps(defaults.state(), loads, 60) == 6);
}

BOOST_AUTO_TEST_CASE(a_step_returns_the_row_at_its_start) {
  prof::ThermalModel model({}, {.radiator_k = 300, .board_k = 320});
  const prof::ThermalSample row = model.step(model.loads(deep_space(), 700), 10);
  BOOST_TEST(row.radiator_temp_c == 300 - 273.15, tt::tolerance(1e-12));
  BOOST_TEST(row.board_temp_c == 320 - 273.15, tt::tolerance(1e-12));
  BOOST_TEST(row.conducted_w == 25.0 * 20, tt::tolerance(1e-12));
  BOOST_TEST(model.state().board_k > 320);  // 700 W in, 500 W out: warming
  const prof::ThermalState held = model.state();
  (void)model.step(model.loads(deep_space(), 700), 0);
  BOOST_TEST(model.state().board_k == held.board_k);
}
