// Thermal-cycling programs (SMC-S-016 levels) and the chamber schedule of each cycle.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <stdexcept>

#include "bench/thermal_cycling.hpp"

using namespace ob::bench;

BOOST_AUTO_TEST_CASE(levels_widen_predicted_extremes_by_their_margin_and_minimum_range) {
  ThermalCycleConfig config;
  config.level = QualificationLevel::qualification;
  config.predicted_min_c = -40;
  config.predicted_max_c = 50;
  auto program = derive_thermal_program(config);
  BOOST_TEST(program.cold_c == -50);  // -40 - 10
  BOOST_TEST(program.hot_c == 71);    // 50 + 10 < 71: the minimum range wins
  BOOST_TEST(program.cycles == 27);
  BOOST_TEST(program.soak_s == 3600);
  BOOST_TEST(program.soak_first_last_s == 6 * 3600);
  BOOST_TEST(program.deviations.empty());

  config.level = QualificationLevel::acceptance;
  program = derive_thermal_program(config);
  BOOST_TEST(program.cold_c == -40);
  BOOST_TEST(program.hot_c == 61);
  BOOST_TEST(program.cycles == 14);

  config.level = QualificationLevel::protoqualification;
  program = derive_thermal_program(config);
  BOOST_TEST(program.cold_c == -45);
  BOOST_TEST(program.hot_c == 66);
  BOOST_TEST(program.cycles == 20);
}

BOOST_AUTO_TEST_CASE(without_predictions_a_level_runs_its_minimum_range) {
  ThermalCycleConfig config;
  config.level = QualificationLevel::qualification;
  const auto program = derive_thermal_program(config);
  BOOST_TEST(program.cold_c == -34);
  BOOST_TEST(program.hot_c == 71);
  BOOST_TEST(program.required_cycles == 27);
}

BOOST_AUTO_TEST_CASE(a_reduced_range_needs_more_cycles_by_the_1_4_power_rule) {
  // 27·(105/ΔT)^1.4: ΔT = 105 → 27; ΔT = 70 → 27·1.5^1.4 = 47.6 → 48.
  BOOST_TEST(required_cycles(QualificationLevel::qualification, 105) == 27);
  BOOST_TEST(required_cycles(QualificationLevel::qualification, 120) == 27);
  BOOST_TEST(required_cycles(QualificationLevel::qualification, 70) == 48);
  BOOST_TEST(required_cycles(QualificationLevel::acceptance, 85) == 14);
  BOOST_TEST(required_cycles(QualificationLevel::acceptance, 70) ==
             static_cast<int>(std::ceil(14 * std::pow(85.0 / 70.0, 1.4))));

  ThermalCycleConfig config;
  config.level = QualificationLevel::qualification;
  config.cold_c = -20;
  config.hot_c = 50;
  auto program = derive_thermal_program(config);
  BOOST_TEST(program.required_cycles == 48);
  BOOST_TEST(program.cycles == 48);
  BOOST_TEST(program.deviations.size() == 1u);  // the narrower range is said, the cycles make up for it

  config.cycles = 10;
  program = derive_thermal_program(config);
  BOOST_TEST(program.cycles == 10);
  BOOST_TEST(program.deviations.size() == 2u);
  BOOST_TEST(program.deviations[1].find("10 cycles, the level requires 48") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(short_soaks_and_ramps_outside_3_to_5_are_deviations_slower_than_1_is_refused) {
  ThermalCycleConfig config;
  config.level = QualificationLevel::acceptance;
  config.ramp_c_per_min = 2;
  config.soak_s = 1800;
  config.soak_first_last_s = 3600;
  auto program = derive_thermal_program(config);
  BOOST_TEST(program.deviations.size() == 3u);

  config.ramp_c_per_min = 0.5;
  BOOST_CHECK_THROW(derive_thermal_program(config), std::invalid_argument);
  config.ramp_c_per_min = 3;
  config.functional_test_s = 7200;  // longer than the 30-minute soak
  BOOST_CHECK_THROW(derive_thermal_program(config), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(impossible_steps_name_their_field) {
  ThermalCycleConfig config;
  config.level = QualificationLevel::custom;
  try {
    derive_thermal_program(config);
    BOOST_FAIL("a custom step without plateaus was accepted");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()).find("hot_c") == 0u);
  }
  config.cold_c = 40;
  config.hot_c = 10;
  config.cycles = 2;
  BOOST_CHECK_THROW(derive_thermal_program(config), std::invalid_argument);
  config.level = QualificationLevel::acceptance;
  config.predicted_min_c = 0;
  config.predicted_max_c = 40;
  BOOST_CHECK_THROW(derive_thermal_program(config), std::invalid_argument);  // both ways at once
}

BOOST_AUTO_TEST_CASE(a_custom_step_is_judged_against_no_level) {
  ThermalCycleConfig config;
  config.level = QualificationLevel::custom;
  config.cold_c = 0;
  config.hot_c = 40;
  config.cycles = 2;
  config.soak_s = 1200;
  config.functional_test_s = 300;
  const auto program = derive_thermal_program(config);
  BOOST_TEST(program.deviations.empty());
  BOOST_TEST(program.required_cycles == 0);
  BOOST_TEST(program.soak_first_last_s == 1200);  // no 6-hour rule
}

BOOST_AUTO_TEST_CASE(cycles_ramp_at_the_rate_soak_and_return_to_ambient_at_the_end) {
  ThermalCycleConfig config;
  config.level = QualificationLevel::custom;
  config.cold_c = -5;
  config.hot_c = 55;
  config.cycles = 3;
  config.ramp_c_per_min = 3;  // 60 K in 20 minutes
  config.soak_s = 1800;
  config.soak_first_last_s = 3600;
  config.functional_test_s = 600;
  config.ambient_c = 25;
  const auto program = derive_thermal_program(config);

  const auto first = cycle_schedule(program, 1);
  // 25 → 55: 10 min; soak 60 min; 55 → -5: 20 min; soak 60 min.
  BOOST_TEST(first.duration_s == 600 + 3600 + 1200 + 3600, boost::test_tools::tolerance(1e-9));
  BOOST_REQUIRE(first.plateaus.size() == 2u);
  BOOST_TEST(first.plateaus[0].hot);
  BOOST_TEST(first.plateaus[0].soak_start_s == 600, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(first.plateaus[0].test_start_s == 600 + 3600 - 600, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(!first.plateaus[1].hot);
  BOOST_TEST(first.plateaus[1].level_c == -5);
  BOOST_TEST(first.setpoint_at(0) == 25);
  BOOST_TEST(first.setpoint_at(300) == 40, boost::test_tools::tolerance(1e-9));  // half way up
  BOOST_TEST(first.setpoint_at(2000) == 55);
  BOOST_TEST(first.setpoint_at(600 + 3600 + 600) == 25, boost::test_tools::tolerance(1e-9));  // half way down
  BOOST_TEST(first.setpoint_at(1e9) == -5);

  const auto middle = cycle_schedule(program, 2);  // from cold, short soaks
  BOOST_TEST(middle.setpoint_at(0) == -5);
  BOOST_TEST(middle.duration_s == 1200 + 1800 + 1200 + 1800, boost::test_tools::tolerance(1e-9));

  const auto last = cycle_schedule(program, 3);  // long soaks, then back to ambient
  BOOST_TEST(last.duration_s == 1200 + 3600 + 1200 + 3600 + 600, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(last.setpoint_at(last.duration_s) == 25);
  BOOST_CHECK_THROW(cycle_schedule(program, 4), std::out_of_range);
}
