#pragma once
// One driver test suite for every power supply and chamber: run against the simulated
// instruments (label sim) and, when an environment variable names a real one, against it
// (label hw). On real hardware nothing is energised unless ORBITBENCH_HW_ALLOW_OUTPUT=1.
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <string>

#include "drivers/chamber/thermal_chamber.hpp"
#include "drivers/common/run_until_ready.hpp"
#include "drivers/psu/power_supply.hpp"

namespace ob::test {

// Boost.Test builds a check's message even when the check passes: never call .error() there.
template <class Result>
std::string why(const Result& result) {
  return result ? std::string() : result.error().message();
}

// Identify, refuse out-of-range settings before sending, set safe values, optionally switch an
// output on and measure it, and end in the safe state (every output off).
inline void power_supply_conformance(asio::io_context& io, drivers::PowerSupply& psu, bool energize) {
  using drivers::run_until_ready;
  const auto identity = run_until_ready(io, psu.configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), why(identity));
  BOOST_TEST_MESSAGE("PSU: " << identity->vendor << " " << identity->model << " " << identity->serial);
  BOOST_TEST(!identity->model.empty());
  BOOST_REQUIRE(psu.channel_count() >= 1);
  const auto spec = psu.channel_spec(1);
  BOOST_TEST(spec.max_voltage_v > 0);
  BOOST_TEST(spec.max_current_a > 0);

  // Refused before anything is sent.
  const auto too_high = run_until_ready(io, psu.set_voltage(1, spec.max_voltage_v * 1.5));
  BOOST_REQUIRE(!too_high.has_value());
  BOOST_TEST(too_high.error().kind == drivers::FaultKind::out_of_range);
  const auto negative = run_until_ready(io, psu.set_current_limit(1, -1));
  BOOST_REQUIRE(!negative.has_value());
  BOOST_TEST(negative.error().kind == drivers::FaultKind::out_of_range);
  const auto no_channel = run_until_ready(io, psu.set_voltage(psu.channel_count() + 1, 1));
  BOOST_TEST(!no_channel.has_value());

  // Start from the safe state, then set harmless values (the error queue is checked after each).
  const auto off = run_until_ready(io, psu.safe_state());
  BOOST_REQUIRE_MESSAGE(off.has_value(), why(off));
  const double voltage_v = energize ? spec.max_voltage_v / 4 : 0.0;
  const auto set_v = run_until_ready(io, psu.set_voltage(1, voltage_v));
  BOOST_TEST(set_v.has_value(), why(set_v));
  const auto set_a = run_until_ready(io, psu.set_current_limit(1, spec.max_current_a / 10));
  BOOST_TEST(set_a.has_value(), why(set_a));

  if (energize) {
    const auto on = run_until_ready(io, psu.set_output(1, true));
    BOOST_REQUIRE_MESSAGE(on.has_value(), why(on));
    const auto reading = run_until_ready(io, psu.measure(1));
    BOOST_REQUIRE_MESSAGE(reading.has_value(), why(reading));
    BOOST_TEST(reading->output_on);
    BOOST_TEST(std::abs(reading->voltage_v - voltage_v) < 0.05 * spec.max_voltage_v);
  }
  const auto safe = run_until_ready(io, psu.safe_state());
  BOOST_REQUIRE_MESSAGE(safe.has_value(), why(safe));
  for (int channel = 1; channel <= psu.channel_count(); ++channel) {
    const auto reading = run_until_ready(io, psu.measure(channel));
    BOOST_REQUIRE_MESSAGE(reading.has_value(), why(reading));
    BOOST_TEST(!reading->output_on, "channel " << channel << " still on after safe_state()");
  }
}

// Identify, read, refuse an out-of-range setpoint before sending, optionally hold the current
// setpoint in constant mode, and end in standby.
inline void chamber_conformance(asio::io_context& io, drivers::ThermalChamber& chamber, bool change_setpoint) {
  using drivers::run_until_ready;
  const auto identity = run_until_ready(io, chamber.configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), why(identity));
  BOOST_TEST_MESSAGE("chamber: " << identity->vendor << " " << identity->model);
  const auto spec = chamber.spec();
  BOOST_TEST(spec.min_temp_c < spec.max_temp_c);
  const auto reading = run_until_ready(io, chamber.read());
  BOOST_REQUIRE_MESSAGE(reading.has_value(), why(reading));
  BOOST_TEST(reading->air_temp_c > -100);
  BOOST_TEST(reading->air_temp_c < 300);

  const auto too_hot = run_until_ready(io, chamber.set_setpoint(spec.max_temp_c + 10));
  BOOST_REQUIRE(!too_hot.has_value());
  BOOST_TEST(too_hot.error().kind == drivers::FaultKind::out_of_range);

  if (change_setpoint) {
    const double hold_c = std::clamp(reading->air_temp_c, spec.min_temp_c, spec.max_temp_c);
    const auto set = run_until_ready(io, chamber.set_setpoint(hold_c));
    BOOST_REQUIRE_MESSAGE(set.has_value(), why(set));
    const auto active = run_until_ready(io, chamber.activate());
    BOOST_REQUIRE_MESSAGE(active.has_value(), why(active));
    const auto running = run_until_ready(io, chamber.read());
    BOOST_REQUIRE(running.has_value());
    BOOST_TEST(running->running);
    BOOST_TEST(std::abs(running->setpoint_c - hold_c) < 0.11);
  }
  const auto safe = run_until_ready(io, chamber.safe_state());
  BOOST_REQUIRE_MESSAGE(safe.has_value(), why(safe));
  const auto after = run_until_ready(io, chamber.read());
  BOOST_REQUIRE(after.has_value());
  BOOST_TEST(!after->running);
}

}  // namespace ob::test
