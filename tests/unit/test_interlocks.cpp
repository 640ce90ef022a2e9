// The campaign's interlocks: a channel beyond its level for a while trips once, per DUT.
#include <boost/test/unit_test.hpp>

#include "bench/interlocks.hpp"

using namespace ob::bench;

namespace {

InterlockRule rule(std::string name, std::string channel, std::optional<double> above, std::optional<double> below,
                   double for_s, InterlockAction action) {
  InterlockRule out;
  out.name = std::move(name);
  out.channel = std::move(channel);
  out.above = above;
  out.below = below;
  out.for_s = for_s;
  out.action = action;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_reading_beyond_the_level_trips_at_once_for_its_dut_only) {
  InterlockMonitor monitor({rule("over_current", "supply_current_a", 2.8, std::nullopt, 0, InterlockAction::isolate)}, 3);
  BOOST_TEST(monitor.watches("supply_current_a"));
  BOOST_TEST(!monitor.watches("gpu_temp_c"));
  BOOST_TEST(!monitor.observe(0, "supply_current_a", 2.8, 0).has_value());  // at the level: fine
  BOOST_TEST(!monitor.observe(0, "gpu_temp_c", 99, 0).has_value());
  const auto trip = monitor.observe(1, "supply_current_a", 2.95, 10);
  BOOST_REQUIRE(trip.has_value());
  BOOST_TEST(*trip->dut == 1u);
  BOOST_TEST(trip->value == 2.95);
  BOOST_TEST(trip->describe("board-02") == "interlock over_current: board-02 supply_current_a 2.95 above 2.8 (held 0 s) -> isolate");
  BOOST_TEST(!monitor.observe(1, "supply_current_a", 3.0, 11).has_value());  // once per DUT
  BOOST_TEST(monitor.observe(2, "supply_current_a", 3.0, 11).has_value());   // another DUT trips on its own
}

BOOST_AUTO_TEST_CASE(a_held_condition_trips_after_its_time_and_clearing_starts_over) {
  InterlockMonitor monitor({rule("deviation", "chamber.deviation_c", 5, std::nullopt, 600, InterlockAction::safe_state)}, 2);
  BOOST_TEST(!monitor.observe(std::nullopt, "chamber.deviation_c", 6, 0).has_value());
  BOOST_TEST(!monitor.observe(std::nullopt, "chamber.deviation_c", 7, 300).has_value());
  BOOST_TEST(!monitor.observe(std::nullopt, "chamber.deviation_c", 1, 400).has_value());  // back within: starts over
  BOOST_TEST(!monitor.observe(std::nullopt, "chamber.deviation_c", 6, 500).has_value());
  BOOST_TEST(!monitor.observe(std::nullopt, "chamber.deviation_c", 6, 1099).has_value());
  const auto trip = monitor.observe(std::nullopt, "chamber.deviation_c", 6.5, 1100);
  BOOST_REQUIRE(trip.has_value());
  BOOST_TEST(!trip->dut.has_value());
  BOOST_TEST(trip->held_s == 600);
  BOOST_TEST(trip->describe("") == "interlock deviation: chamber.deviation_c 6.5 above 5 (held 600 s) -> safe_state");
}

BOOST_AUTO_TEST_CASE(a_band_trips_on_either_side_and_safe_state_outranks_isolation) {
  InterlockMonitor monitor({rule("rail", "supply_voltage_v", 12.6, 11.4, 0, InterlockAction::isolate),
                            rule("rail_collapse", "supply_voltage_v", std::nullopt, 11.0, 0, InterlockAction::safe_state)},
                           1);
  const auto low = monitor.observe(0, "supply_voltage_v", 11.2, 0);
  BOOST_REQUIRE(low.has_value());
  BOOST_TEST(low->rule->name == "rail");
  BOOST_TEST(low->describe("b") == "interlock rail: b supply_voltage_v 11.2 below 11.4 (held 0 s) -> isolate");
  InterlockMonitor both({rule("rail", "supply_voltage_v", 12.6, 11.4, 0, InterlockAction::isolate),
                         rule("rail_collapse", "supply_voltage_v", std::nullopt, 11.0, 0, InterlockAction::safe_state)},
                        1);
  const auto collapse = both.observe(0, "supply_voltage_v", 10.0, 0);
  BOOST_REQUIRE(collapse.has_value());
  BOOST_TEST(collapse->rule->name == "rail_collapse");
}

// The `below` side's boundary, as the `above` side's: at the level is fine, a hair under trips.
BOOST_AUTO_TEST_CASE(a_reading_exactly_at_a_below_level_does_not_trip_and_one_under_it_does) {
  InterlockMonitor monitor({rule("rail_low", "supply_voltage_v", std::nullopt, 11.4, 0, InterlockAction::isolate)}, 1);
  BOOST_TEST(!monitor.observe(0, "supply_voltage_v", 11.4, 0).has_value());
  BOOST_TEST(!monitor.observe(0, "supply_voltage_v", 12.0, 1).has_value());
  const auto trip = monitor.observe(0, "supply_voltage_v", 11.399, 2);
  BOOST_REQUIRE(trip.has_value());
  BOOST_TEST(trip->describe("b") == "interlock rail_low: b supply_voltage_v 11.399 below 11.4 (held 0 s) -> isolate");
}
