// Real hardware, opt-in: each case runs only when its URI is in the environment, e.g.
//   ORBITBENCH_HW_PSU_URI=scpi+tcp://10.0.4.21:5025 ctest -L hw
//   ORBITBENCH_HW_CHAMBER_URI=espec+tcp://10.0.4.30:10001
//   ORBITBENCH_HW_AGENT_URI=agent://gpu-host-1:7600
//   ORBITBENCH_HW_IIO_URI=iio:ip:bench-pi.local ORBITBENCH_HW_IIO_CHANNELS=max31856/temp,ina226/power2
// Each runs the driver conformance suite and leaves the instrument in its safe state.
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include "../support/hw_skips.hpp"
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "../support/instrument_conformance.hpp"
#include "drivers/common/uri.hpp"
#include "drivers/gpu/agent_board.hpp"
#include "drivers/instrument_factory.hpp"

namespace {

const char* env(const char* name) { return std::getenv(name); }

// A precondition: the environment names the instrument (tests/support/hw_skips.hpp).
auto needs_env(const char* name) {
  return ob::test::hw::needs(std::string(name) + " is not set", [name] { return env(name) != nullptr; });
}

template <class T>
T run(asio::io_context& io, asio::awaitable<T> operation) {
  auto future = asio::co_spawn(io, std::move(operation), asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

}  // namespace

using ob::test::hw::ReportWhenAllSkipped;
BOOST_TEST_GLOBAL_FIXTURE(ReportWhenAllSkipped);

// The same conformance suite the simulated instruments pass (tests/sim/test_drivers_conformance.cpp).
// Outputs are switched on only with ORBITBENCH_HW_ALLOW_OUTPUT=1 (nothing may be connected then),
// the chamber's setpoint is only touched with ORBITBENCH_HW_ALLOW_CHAMBER=1.
BOOST_AUTO_TEST_CASE(power_supply_conformance, *needs_env("ORBITBENCH_HW_PSU_URI")) {
  asio::io_context io;
  auto psu = ob::drivers::make_power_supply(io.get_executor(), "hw-psu", ob::drivers::parse_uri(env("ORBITBENCH_HW_PSU_URI")), {});
  ob::test::power_supply_conformance(io, *psu, env("ORBITBENCH_HW_ALLOW_OUTPUT") != nullptr);
}

BOOST_AUTO_TEST_CASE(chamber_conformance, *needs_env("ORBITBENCH_HW_CHAMBER_URI")) {
  asio::io_context io;
  auto chamber = ob::drivers::make_thermal_chamber(io.get_executor(), "hw-chamber",
                                                   ob::drivers::parse_uri(env("ORBITBENCH_HW_CHAMBER_URI")), {});
  ob::test::chamber_conformance(io, *chamber, env("ORBITBENCH_HW_ALLOW_CHAMBER") != nullptr);
}

BOOST_AUTO_TEST_CASE(gpu_agent_identifies_and_reads, *needs_env("ORBITBENCH_HW_AGENT_URI")) {
  asio::io_context io;
  auto board = ob::drivers::make_gpu_board(io.get_executor(), "hw-gpu", ob::drivers::parse_uri(env("ORBITBENCH_HW_AGENT_URI")), {});
  auto identity = run(io, board->configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), identity.error().message());
  auto telemetry = run(io, board->read_telemetry());
  BOOST_REQUIRE(telemetry.has_value());
  std::cout << "GPU " << identity->model << ": " << telemetry->power_w << " W, " << telemetry->gpu_temp_c << " °C\n";
}

// Reads every channel in ORBITBENCH_HW_IIO_CHANNELS (comma-separated DEVICE/CHANNEL; default: the
// context's whole list) once through libiio. Read-only.
BOOST_AUTO_TEST_CASE(iio_sensors_read, *needs_env("ORBITBENCH_HW_IIO_URI")) {
  asio::io_context io;
  ob::drivers::SensorHubOptions options;
  if (const char* list = env("ORBITBENCH_HW_IIO_CHANNELS")) {
    std::stringstream text(list);
    for (std::string channel; std::getline(text, channel, ',');) {
      if (!channel.empty()) options.channels.push_back(channel);
    }
  }
  auto hub = ob::drivers::make_sensor_hub(io.get_executor(), "hw-iio", env("ORBITBENCH_HW_IIO_URI"), options);
  auto identity = run(io, hub->configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), (identity ? std::string() : identity.error().message()));
  std::vector<std::string> channels = options.channels;
  if (channels.empty()) {
    auto listed = run(io, hub->list_channels());
    BOOST_REQUIRE(listed.has_value());
    channels = *listed;
  }
  for (const auto& channel : channels) {
    auto reading = run(io, hub->read(channel));
    if (options.channels.empty() && !reading) {  // listed channels may lack raw (e.g. timestamp)
      std::cout << channel << ": " << reading.error().message() << "\n";
      continue;
    }
    BOOST_REQUIRE_MESSAGE(reading.has_value(), (reading ? std::string() : reading.error().message()));
    std::cout << channel << " = " << reading->value << " " << reading->unit << "\n";
  }
}
