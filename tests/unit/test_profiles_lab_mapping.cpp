// Orbit → bench mapping: chamber setpoint limits, GPU power cap, PSU current limit.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "profiles/lab_mapping.hpp"
#include "profiles/orbit_profile.hpp"

namespace prof = ob::profiles;

namespace {

constexpr double kSecondsPerMinute = 60.0;
constexpr double kEps = 1e-9;

std::vector<double> values_of(const prof::pb::Profile& profile, std::string_view name) {
  for (const auto& s : profile.series()) {
    if (s.name() == name) return {s.value().begin(), s.value().end()};
  }
  BOOST_FAIL("no series " << name);
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(chamber_setpoint_respects_ramp_and_range) {
  prof::LabMapping lab;
  lab.chamber_min_c = 28;
  lab.chamber_max_c = 40;
  lab.chamber_max_ramp_c_per_min = 0.2;  // slower than the radiator: the limiter must act
  const prof::ProfileOptions options{.step_s = 10, .orbits = 2, .name = {}};
  const prof::pb::Profile profile = prof::build_circular_profile({}, {}, lab, options);
  const std::vector<double> chamber = values_of(profile, prof::series::kChamberSetpoint);
  const std::vector<double> radiator = values_of(profile, prof::series::kRadiatorTemp);
  const double max_step_c = lab.chamber_max_ramp_c_per_min * options.step_s / kSecondsPerMinute;

  bool limited = false;
  for (std::size_t k = 0; k < chamber.size(); ++k) {
    BOOST_TEST(chamber[k] >= lab.chamber_min_c);
    BOOST_TEST(chamber[k] <= lab.chamber_max_c);
    if (k == 0) continue;
    const double change_c = std::abs(chamber[k] - chamber[k - 1]);
    BOOST_TEST(change_c <= max_step_c + kEps, "k=" << k);
    const double wanted_c = std::clamp(radiator[k], lab.chamber_min_c, lab.chamber_max_c);
    if (std::abs(wanted_c - chamber[k - 1]) > max_step_c + kEps) limited = true;
  }
  BOOST_TEST(limited);  // the case really exercised the ramp limit
  BOOST_TEST(chamber.front() == std::clamp(radiator.front(), lab.chamber_min_c, lab.chamber_max_c));
}

BOOST_AUTO_TEST_CASE(chamber_setpoint_is_clamped_to_the_chamber_range) {
  prof::LabMapping lab;  // default ramp (5 °C/min) is faster than the radiator
  lab.chamber_min_c = 28;
  lab.chamber_max_c = 40;
  const prof::pb::Profile profile = prof::build_circular_profile({}, {}, lab, {});
  const std::vector<double> chamber = values_of(profile, prof::series::kChamberSetpoint);
  const std::vector<double> radiator = values_of(profile, prof::series::kRadiatorTemp);
  // The radiator spans both ends of the range, and the chamber stops at them.
  BOOST_TEST(*std::min_element(radiator.begin(), radiator.end()) < lab.chamber_min_c);
  BOOST_TEST(*std::max_element(radiator.begin(), radiator.end()) > lab.chamber_max_c);
  BOOST_TEST(*std::min_element(chamber.begin(), chamber.end()) == lab.chamber_min_c);
  BOOST_TEST(*std::max_element(chamber.begin(), chamber.end()) == lab.chamber_max_c);
  for (std::size_t k = 0; k < chamber.size(); ++k) {
    BOOST_TEST(chamber[k] == std::clamp(radiator[k], lab.chamber_min_c, lab.chamber_max_c));
  }
}

BOOST_AUTO_TEST_CASE(chamber_follows_the_radiator_when_the_ramp_allows) {
  const prof::pb::Profile profile = prof::build_circular_profile({}, {}, {}, {});
  BOOST_TEST(values_of(profile, prof::series::kChamberSetpoint) ==
                 values_of(profile, prof::series::kRadiatorTemp),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(chamber_setpoints_slew_from_the_first_value) {
  prof::LabMapping lab;
  lab.chamber_max_ramp_c_per_min = 6;  // 1 °C per 10 s step
  const std::vector<double> radiator{20, 30, 30, 10, 200, -100};
  const std::vector<double> chamber = prof::chamber_setpoints_c(lab, radiator, 10);
  const std::vector<double> expected{20, 21, 22, 21, 22, 21};
  BOOST_TEST(chamber == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(power_cap_halves_in_eclipse) {
  prof::Spacecraft craft;
  craft.gpu_budget_sunlit_w = 700;
  craft.gpu_budget_eclipse_w = 350;
  const prof::LabMapping lab;  // DUT 5..30 W, 12 V, margin 1.15
  const prof::pb::Profile profile = prof::build_circular_profile({}, craft, lab, {});
  const std::vector<double> illumination = values_of(profile, prof::series::kIllumination);
  const std::vector<double> budget = values_of(profile, prof::series::kPowerBudget);
  const std::vector<double> cap = values_of(profile, prof::series::kGpuPowerCap);
  const std::vector<double> current = values_of(profile, prof::series::kPsuCurrentLimit);
  BOOST_TEST(std::count(illumination.begin(), illumination.end(), 0.0) > 0);
  for (std::size_t k = 0; k < cap.size(); ++k) {
    const bool sunlit = illumination[k] == 1.0;
    BOOST_TEST(budget[k] == (sunlit ? 700.0 : 350.0));
    BOOST_TEST(cap[k] == (sunlit ? lab.dut_power_max_w : lab.dut_power_max_w / 2));
    BOOST_TEST(std::abs(current[k] - cap[k] / lab.supply_voltage_v * lab.current_margin) <= kEps);
  }
  BOOST_TEST(std::abs(current.front() - 30.0 / 12.0 * 1.15) <= kEps);
}

BOOST_AUTO_TEST_CASE(power_cap_is_clamped_to_the_dut_range) {
  prof::Spacecraft craft;
  craft.gpu_budget_eclipse_w = 35;  // 5 % of sunlit: 1.5 W, under the DUT's 5 W floor
  const prof::LabMapping lab;
  BOOST_TEST(prof::gpu_power_cap_w(lab, craft, craft.gpu_budget_eclipse_w) == lab.dut_power_min_w);
  BOOST_TEST(prof::gpu_power_cap_w(lab, craft, 2 * craft.gpu_budget_sunlit_w) == lab.dut_power_max_w);
  BOOST_TEST(prof::gpu_power_cap_w(lab, craft, craft.gpu_budget_sunlit_w) == lab.dut_power_max_w);
}
