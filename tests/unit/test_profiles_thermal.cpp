// The two-node thermal model inside a profile: sanity of the swing and of the limit cycle.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "profiles/orbit_profile.hpp"
#include "profiles/thermal_nodes.hpp"

namespace prof = ob::profiles;

namespace {

std::vector<double> values_of(const prof::pb::Profile& profile, std::string_view name) {
  for (const auto& s : profile.series()) {
    if (s.name() == name) return {s.value().begin(), s.value().end()};
  }
  BOOST_FAIL("no series " << name);
  return {};
}

struct EclipseEdges {
  std::size_t last_sunlit;  // last grid point before the eclipse
  std::size_t last_dark;    // last grid point in the eclipse
};

EclipseEdges first_eclipse(const std::vector<double>& illumination) {
  const auto first_dark = std::find(illumination.begin(), illumination.end(), 0.0);
  BOOST_REQUIRE((first_dark != illumination.begin()));
  BOOST_REQUIRE((first_dark != illumination.end()));
  const auto next_sunlit = std::find(first_dark, illumination.end(), 1.0);
  return {static_cast<std::size_t>(first_dark - illumination.begin()) - 1,
          static_cast<std::size_t>(next_sunlit - illumination.begin()) - 1};
}

prof::pb::Profile leo550(double orbits, const prof::Spacecraft& craft = {}) {
  return prof::build_circular_profile({.altitude_km = 550, .inclination_deg = 53, .beta_deg = 0},
                                      craft, {}, {.step_s = 10, .orbits = orbits, .name = {}});
}

}  // namespace

BOOST_AUTO_TEST_CASE(nodes_cool_in_eclipse_and_warm_in_sunlight) {
  const prof::pb::Profile profile = leo550(1);
  const std::vector<double> illumination = values_of(profile, prof::series::kIllumination);
  const std::vector<double> board = values_of(profile, prof::series::kBoardTemp);
  const std::vector<double> radiator = values_of(profile, prof::series::kRadiatorTemp);
  const EclipseEdges edges = first_eclipse(illumination);
  // 700 W → 350 W and no sunlight: both nodes lose several kelvin over a 35-minute eclipse.
  constexpr double kMinSwingK = 5.0;
  BOOST_TEST(board[edges.last_dark] < board[edges.last_sunlit] - kMinSwingK);
  BOOST_TEST(radiator[edges.last_dark] < radiator[edges.last_sunlit] - kMinSwingK);
  // The radiator is coldest just after eclipse exit: it keeps cooling for a few seconds until
  // the sunlight and the re-heated board outweigh its radiation (the two-node lag).
  constexpr double kMaxLagS = 120;
  const auto coldest = static_cast<std::size_t>(
      std::min_element(radiator.begin(), radiator.end()) - radiator.begin());
  BOOST_TEST(coldest >= edges.last_dark);
  BOOST_TEST(profile.t_s(static_cast<int>(coldest)) - profile.t_s(static_cast<int>(edges.last_dark)) <=
             kMaxLagS);
  // The board follows its power at once: coldest at the last eclipse sample.
  const auto board_coldest = static_cast<std::size_t>(
      std::min_element(board.begin(), board.end()) - board.begin());
  BOOST_TEST(board_coldest == edges.last_dark);
  // Heat flows from the board to the radiator everywhere (the board always dissipates).
  for (std::size_t k = 0; k < board.size(); ++k) BOOST_TEST(board[k] > radiator[k]);
}

BOOST_AUTO_TEST_CASE(profile_starts_on_the_periodic_steady_state) {
  // A step that divides the period puts sample k and sample k + N on the same orbit phase
  // (near eclipse edges the board moves ~0.1 K/s, so a phase offset would blur the check).
  constexpr int kStepsPerOrbit = 600;
  const double period_s = prof::orbital_period_s(550);
  const prof::pb::Profile profile = prof::build_circular_profile(
      {.altitude_km = 550, .inclination_deg = 53, .beta_deg = 0}, {}, {},
      {.step_s = period_s / kStepsPerOrbit, .orbits = 2, .name = {}});
  BOOST_REQUIRE(profile.t_s_size() == 2 * kStepsPerOrbit + 1);
  constexpr double kPeriodicToleranceK = 0.5;
  for (const std::string_view name : {prof::series::kBoardTemp, prof::series::kRadiatorTemp}) {
    BOOST_TEST_CONTEXT(name) {
      const std::vector<double> temps = values_of(profile, name);
      double worst_k = 0;
      for (std::size_t k = 0; k + kStepsPerOrbit < temps.size(); ++k) {
        worst_k = std::max(worst_k, std::abs(temps[k] - temps[k + kStepsPerOrbit]));
      }
      BOOST_TEST(worst_k <= kPeriodicToleranceK);
      BOOST_TEST_MESSAGE(name << ": largest orbit-to-orbit difference " << worst_k << " K");
    }
  }
}

BOOST_AUTO_TEST_CASE(limit_cycle_is_found_for_a_slow_heavy_radiator) {
  // A 300 kg radiator's time constant spans many orbits: spinning up orbit by orbit from the
  // average would leave a drift; the Newton search must still land on the cycle.
  prof::Spacecraft heavy;
  heavy.radiator_heat_capacity_j_per_k = 300.0 * 900.0;
  const prof::pb::Profile profile = leo550(2, heavy);
  const prof::SeriesCursor radiator(profile, prof::series::kRadiatorTemp);
  const double period_s = profile.orbit().period_s();
  constexpr double kDriftToleranceK = 0.05;
  // Same phase (noon) one orbit apart; step 10 s misses the exact period by < 10 s.
  BOOST_TEST(std::abs(radiator.at(0) - radiator.at(period_s)) <= kDriftToleranceK);
}

BOOST_AUTO_TEST_CASE(constant_load_settles_to_the_radiative_equilibrium) {
  // Eclipse-free: the profile must sit on the equilibrium where ε·σ·A·T⁴ balances every input.
  const prof::Spacecraft craft;
  const prof::pb::Profile profile = prof::build_preset_profile("sso-dawn-dusk-650", craft, {}, {});
  const std::vector<double> radiator = values_of(profile, prof::series::kRadiatorTemp);
  const std::vector<double> board = values_of(profile, prof::series::kBoardTemp);
  const auto [low, high] = std::minmax_element(radiator.begin(), radiator.end());
  constexpr double kFlatK = 1e-6;
  BOOST_TEST(*high - *low <= kFlatK);
  // The board sits P/G above the radiator.
  BOOST_TEST(std::abs(board.front() - radiator.front() -
                      craft.gpu_budget_sunlit_w / craft.board_to_radiator_w_per_k) <= 1e-6);
  const prof::TwoNodeModel model(craft, 650);
  const prof::NodeTemps settled = model.equilibrium({.illumination = 1, .board_power_w = 700});
  const prof::NodeTemps rate = model.derivative_k_per_s(settled, {.illumination = 1, .board_power_w = 700});
  BOOST_TEST(std::abs(rate.radiator_k) <= 1e-12);
  BOOST_TEST(std::abs(rate.board_k) <= 1e-12);
  BOOST_TEST(std::abs(settled.radiator_k - 273.15 - radiator.front()) <= 1e-6);
}

BOOST_AUTO_TEST_CASE(more_radiator_area_runs_cooler) {
  prof::Spacecraft big;
  big.radiator_area_m2 = 3.4;
  const std::vector<double> small_board = values_of(leo550(1), prof::series::kBoardTemp);
  const std::vector<double> big_board = values_of(leo550(1, big), prof::series::kBoardTemp);
  BOOST_TEST(*std::max_element(big_board.begin(), big_board.end()) <
             *std::max_element(small_board.begin(), small_board.end()));
}
