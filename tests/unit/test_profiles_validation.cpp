// Out-of-range inputs are refused with a ProfileError that names the field and its value.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "profiles/orbit_profile.hpp"

namespace prof = ob::profiles;

namespace {

struct Inputs {
  prof::CircularOrbit orbit;
  prof::Spacecraft craft;
  prof::LabMapping lab;
  prof::ProfileOptions options;
};

struct BadCase {
  std::string field;  // must appear in the message
  std::string value;  // must appear in the message
  std::function<void(Inputs&)> spoil;
};

std::string error_of(const Inputs& in) {
  try {
    (void)prof::build_circular_profile(in.orbit, in.craft, in.lab, in.options);
  } catch (const prof::ProfileError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_are_valid) { BOOST_TEST(error_of({}).empty()); }

BOOST_AUTO_TEST_CASE(errors_name_the_field_and_value) {
  const std::vector<BadCase> cases{
      {"altitude_km", "0", [](Inputs& in) { in.orbit.altitude_km = 0; }},
      {"altitude_km", "-5", [](Inputs& in) { in.orbit.altitude_km = -5; }},
      {"altitude_km", "40001", [](Inputs& in) { in.orbit.altitude_km = 40001; }},
      {"altitude_km", "nan",
       [](Inputs& in) { in.orbit.altitude_km = std::numeric_limits<double>::quiet_NaN(); }},
      {"inclination_deg", "181", [](Inputs& in) { in.orbit.inclination_deg = 181; }},
      {"beta_deg", "90.5", [](Inputs& in) { in.orbit.beta_deg = 90.5; }},
      {"beta_deg", "-91", [](Inputs& in) { in.orbit.beta_deg = -91; }},
      {"step_s", "0", [](Inputs& in) { in.options.step_s = 0; }},
      {"step_s", "-1", [](Inputs& in) { in.options.step_s = -1; }},
      {"step_s", "600", [](Inputs& in) { in.options.step_s = 600; }},  // > period/10 at 550 km
      {"step_s", "0.0001", [](Inputs& in) { in.options.step_s = 1e-4; }},  // too many samples
      {"orbits", "0", [](Inputs& in) { in.options.orbits = 0; }},
      {"orbits", "1001", [](Inputs& in) { in.options.orbits = 1001; }},
      {"gpu_budget_sunlit_w", "0", [](Inputs& in) { in.craft.gpu_budget_sunlit_w = 0; }},
      {"gpu_budget_eclipse_w", "-1", [](Inputs& in) { in.craft.gpu_budget_eclipse_w = -1; }},
      {"radiator_area_m2", "-1.7", [](Inputs& in) { in.craft.radiator_area_m2 = -1.7; }},
      {"radiator_emissivity", "1.2", [](Inputs& in) { in.craft.radiator_emissivity = 1.2; }},
      {"radiator_absorptivity", "-0.1",
       [](Inputs& in) { in.craft.radiator_absorptivity = -0.1; }},
      {"radiator_heat_capacity_j_per_k", "0",
       [](Inputs& in) { in.craft.radiator_heat_capacity_j_per_k = 0; }},
      {"board_heat_capacity_j_per_k", "-2700",
       [](Inputs& in) { in.craft.board_heat_capacity_j_per_k = -2700; }},
      {"board_to_radiator_w_per_k", "0", [](Inputs& in) { in.craft.board_to_radiator_w_per_k = 0; }},
      {"chamber_min_c", "130", [](Inputs& in) { in.lab.chamber_min_c = 130; }},
      {"chamber_max_c", "inf",
       [](Inputs& in) { in.lab.chamber_max_c = std::numeric_limits<double>::infinity(); }},
      {"chamber_max_ramp_c_per_min", "0", [](Inputs& in) { in.lab.chamber_max_ramp_c_per_min = 0; }},
      {"chamber_max_ramp_c_per_min", "-5",
       [](Inputs& in) { in.lab.chamber_max_ramp_c_per_min = -5; }},
      {"dut_power_max_w", "0", [](Inputs& in) { in.lab.dut_power_max_w = 0; }},
      {"dut_power_min_w", "40", [](Inputs& in) { in.lab.dut_power_min_w = 40; }},
      {"dut_power_min_w", "-1", [](Inputs& in) { in.lab.dut_power_min_w = -1; }},
      {"supply_voltage_v", "0", [](Inputs& in) { in.lab.supply_voltage_v = 0; }},
      {"supply_voltage_v", "-12", [](Inputs& in) { in.lab.supply_voltage_v = -12; }},
      {"current_margin", "0.9", [](Inputs& in) { in.lab.current_margin = 0.9; }},
  };
  for (const BadCase& bad : cases) {
    BOOST_TEST_CONTEXT(bad.field << " = " << bad.value) {
      Inputs in;
      bad.spoil(in);
      const std::string message = error_of(in);
      BOOST_TEST(!message.empty());
      BOOST_TEST(message.find(bad.field + "=" + bad.value) != std::string::npos, message);
    }
  }
}

BOOST_AUTO_TEST_CASE(boundary_values_are_accepted) {
  Inputs in;
  in.orbit.beta_deg = 90;  // the Sun on the orbit normal: always lit
  in.options.step_s = prof::orbital_period_s(in.orbit.altitude_km) / 10;
  in.options.orbits = 0.5;
  in.lab.chamber_min_c = in.lab.chamber_max_c = 25;
  in.lab.dut_power_min_w = in.lab.dut_power_max_w;
  in.craft.gpu_budget_eclipse_w = 0;
  BOOST_TEST(error_of(in).empty(), error_of(in));
}
