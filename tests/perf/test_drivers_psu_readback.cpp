// A supply's per-tick readbacks (ScpiPowerSupply::measure() on every channel) against the
// simulated lab's E36312A over loopback TCP, one query per line (what the E36300's table entry
// does today) vs the same queries as one `;`-compound line per channel
// (ScpiPsuOptions::compound_queries forced on), interleaved in the same run. No `orbitbench perf`
// benchmark drives measure() (fanin runs the agent client and recorder only), hence this one.
// Prints the closing line
//   psu-readback: X us per tick (3 channels, compound); ratio vs one query per line R
// No timing is asserted: it checks that both ways read the same thing and sent the lines they claim.
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/common/run_until_ready.hpp"
#include "drivers/psu/scpi_power_supply.hpp"
#include "fixtures/sim_lab.hpp"

using namespace ob::drivers;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kChannels = 3;
constexpr int kTicksPerRound = 500;
constexpr int kRounds = 5;  // interleaved, medians

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Microseconds per tick (every channel measured once), over `ticks` ticks.
double time_ticks(asio::io_context& io, ScpiPowerSupply& psu, int ticks, std::vector<PsuReading>& last) {
  last.assign(kChannels, PsuReading{});
  const auto start = Clock::now();
  for (int tick = 0; tick < ticks; ++tick) {
    for (int ch = 1; ch <= kChannels; ++ch) {
      auto reading = run_until_ready(io, psu.measure(ch));
      BOOST_REQUIRE_MESSAGE(reading.has_value(), (reading ? std::string() : reading.error().message()));
      last[static_cast<std::size_t>(ch - 1)] = *reading;
    }
  }
  const std::chrono::duration<double, std::micro> elapsed = Clock::now() - start;
  return elapsed.count() / ticks;
}

}  // namespace

BOOST_AUTO_TEST_CASE(compound_readbacks_vs_one_query_per_line) {
  ob::fixtures::SimLabOptions lab_options;
  lab_options.speed = 1;
  ob::fixtures::SimLab lab(lab_options);
  lab.start();

  asio::io_context io;
  auto make = [&](std::optional<bool> compound, const std::string& name) {
    ScpiPsuOptions options;
    options.link.instrument = name;
    options.link.timeout = 2000ms;
    options.compound_queries = compound;
    return std::make_unique<ScpiPowerSupply>(io.get_executor(), "127.0.0.1", lab.e36312a_port(), options);
  };
  auto separate = make(std::nullopt, "psu-lines");
  auto compound = make(true, "psu-compound");
  BOOST_REQUIRE(run_until_ready(io, separate->configure()));
  BOOST_REQUIRE(run_until_ready(io, compound->configure()));
  BOOST_REQUIRE(!separate->batches_queries());
  BOOST_REQUIRE(compound->batches_queries());
  // Something to read back: CH1 on at 5 V, CH2 at 12 V off, CH3 at 0 V.
  BOOST_REQUIRE(run_until_ready(io, separate->set_voltage(1, 5)));
  BOOST_REQUIRE(run_until_ready(io, separate->set_output(1, true)));
  BOOST_REQUIRE(run_until_ready(io, separate->set_voltage(2, 12)));

  std::vector<PsuReading> by_lines;
  std::vector<PsuReading> by_compound;
  time_ticks(io, *separate, 20, by_lines);  // warm-up: connections, caches
  time_ticks(io, *compound, 20, by_compound);
  std::vector<double> lines_us;
  std::vector<double> compound_us;
  for (int round = 0; round < kRounds; ++round) {
    lines_us.push_back(time_ticks(io, *separate, kTicksPerRound, by_lines));
    compound_us.push_back(time_ticks(io, *compound, kTicksPerRound, by_compound));
    std::printf("round %d: one query per line %.0f us per tick, compound %.0f us per tick\n", round + 1, lines_us.back(),
                compound_us.back());
  }

  // Both ways read the same instrument state.
  for (std::size_t i = 0; i < by_lines.size(); ++i) {
    BOOST_TEST(by_lines[i].output_on == by_compound[i].output_on, "CH" << i + 1);
    BOOST_TEST(std::abs(by_lines[i].voltage_v - by_compound[i].voltage_v) < 1e-3, "CH" << i + 1);
    BOOST_TEST((by_lines[i].regulation == by_compound[i].regulation), "CH" << i + 1);
    BOOST_TEST((by_lines[i].ovp_tripped == by_compound[i].ovp_tripped), "CH" << i + 1);
    BOOST_TEST((by_lines[i].ocp_tripped == by_compound[i].ocp_tripped), "CH" << i + 1);
  }
  BOOST_TEST(by_compound[0].output_on);
  BOOST_TEST(std::abs(by_compound[0].voltage_v - 5.0) < 1e-3);

  const double lines = median(lines_us);
  const double batched = median(compound_us);
  std::printf("one query per line: %.0f us per tick (%d lines: 6 queries x %d channels)\n", lines, 6 * kChannels, kChannels);
  std::printf("compound: %.0f us per tick (%d lines)\n", batched, kChannels);
  std::printf("psu-readback: %.0f us per tick (%d channels, compound); ratio vs one query per line %.2f\n", batched,
              kChannels, batched / lines);
  BOOST_TEST(lines > 0);
  BOOST_TEST(batched > 0);
}
