// What the bench is told to do at a phase's profile time: constant conditions, an orbit replay
// (also one continued after a reference check), a thermal cycle.
#include <boost/test/unit_test.hpp>

#include "../support/profile_fixture.hpp"
#include "bench/phase_targets.hpp"

using namespace ob::bench;

namespace {

std::vector<DutTargets> two_boards() { return {{30, 3, 12, 5}, {20, 2, 12, 5}}; }

}  // namespace

BOOST_AUTO_TEST_CASE(a_replay_continued_after_a_reference_check_goes_on_where_it_stopped) {
  const auto profile = ob::test::build_test_profile(ob::test::profile_request("starlink-550", 3 * 5739, 30));
  const double period_s = profile.orbit().period_s();
  const PhaseTargets whole(profile, two_boards());
  const PhaseTargets second_part(profile, two_boards(), period_s);
  int differs = 0;
  for (double t = 0; t < period_s; t += 60) {
    const auto expected = whole.at(period_s + t);
    const auto got = second_part.at(t);
    BOOST_TEST(got.chamber_c == expected.chamber_c);
    BOOST_TEST(*got.illumination == *expected.illumination);
    BOOST_TEST(*got.power_budget_w == *expected.power_budget_w);
    BOOST_TEST(got.duts[1].power_cap_w == expected.duts[1].power_cap_w);
    const auto first = whole.at(t);
    if (first.chamber_c != expected.chamber_c || *first.illumination != *expected.illumination) ++differs;
  }
  // The second orbit is not the first replayed again (the eclipse moves, the radiator warms up).
  BOOST_TEST(differs > 0);
}

BOOST_AUTO_TEST_CASE(a_thermal_cycle_drives_the_chamber_and_holds_the_boards_at_a_fraction_of_their_cap) {
  ThermalCycleConfig config;
  config.level = QualificationLevel::custom;
  config.cold_c = 0;
  config.hot_c = 40;
  config.cycles = 1;
  config.ramp_c_per_min = 5;
  config.soak_s = 600;
  config.functional_test_s = 300;
  const auto program = derive_thermal_program(config);
  const PhaseTargets targets(cycle_schedule(program, 1), 0.5, two_boards());
  BOOST_TEST(targets.duration_s() == cycle_schedule(program, 1).duration_s);
  const auto start = targets.at(0);
  BOOST_TEST(start.chamber_c == 25);
  BOOST_TEST(!start.illumination.has_value());
  BOOST_TEST(start.duts[0].power_cap_w == 15);
  BOOST_TEST(start.duts[1].power_cap_w == 10);
  BOOST_TEST(start.duts[0].current_limit_a == 15.0 / 12 * kCurrentLimitMargin, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(targets.at(180 + 300).chamber_c == 40);  // 25 → 40 at 5 °C/min: 3 minutes, then the soak
  BOOST_TEST(targets.at(targets.duration_s()).chamber_c == 25);  // the last cycle returns to ambient

  const PhaseTargets floor_cap(cycle_schedule(program, 1), 0.1, two_boards());
  BOOST_TEST(floor_cap.at(0).duts[1].power_cap_w == 5);  // never below the board's lowest cap
}
