// Real hardware, opt-in: each case runs only when its URI is in the environment, e.g.
//   ORBITBENCH_HW_PSU_URI=scpi+tcp://10.0.4.21:5025 ctest -L hw
//   ORBITBENCH_HW_CHAMBER_URI=espec+tcp://10.0.4.30:10001
//   ORBITBENCH_HW_AGENT_URI=agent://gpu-host-1:7600
// Each identifies the instrument, reads it, and leaves it in its safe state; nothing is energised.
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <iostream>

#include "drivers/common/uri.hpp"
#include "drivers/gpu/agent_board.hpp"
#include "drivers/instrument_factory.hpp"

namespace {

const char* env(const char* name) { return std::getenv(name); }

struct HasEnv {
  const char* name;
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result result(env(name) != nullptr);
    result.message() << name << " is not set";
    return result;
  }
};

template <class T>
T run(asio::io_context& io, asio::awaitable<T> operation) {
  auto future = asio::co_spawn(io, std::move(operation), asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

}  // namespace

BOOST_AUTO_TEST_CASE(power_supply_identifies_and_reads, *boost::unit_test::precondition(HasEnv{"ORBITBENCH_HW_PSU_URI"})) {
  asio::io_context io;
  auto psu = ob::drivers::make_power_supply(io.get_executor(), "hw-psu", ob::drivers::parse_uri(env("ORBITBENCH_HW_PSU_URI")), {});
  auto identity = run(io, psu->configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), identity.error().message());
  std::cout << "PSU: " << identity->vendor << " " << identity->model << " " << identity->serial << " " << identity->firmware << "\n";
  for (int channel = 1; channel <= psu->channel_count(); ++channel) {
    auto reading = run(io, psu->measure(channel));
    BOOST_TEST(reading.has_value());
  }
  auto safe = run(io, psu->safe_state());
  BOOST_TEST(safe.has_value());
}

BOOST_AUTO_TEST_CASE(chamber_identifies_and_reads, *boost::unit_test::precondition(HasEnv{"ORBITBENCH_HW_CHAMBER_URI"})) {
  asio::io_context io;
  auto chamber = ob::drivers::make_thermal_chamber(io.get_executor(), "hw-chamber",
                                                   ob::drivers::parse_uri(env("ORBITBENCH_HW_CHAMBER_URI")), {});
  auto identity = run(io, chamber->configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), identity.error().message());
  auto reading = run(io, chamber->read());
  BOOST_REQUIRE(reading.has_value());
  std::cout << "chamber air " << reading->air_temp_c << " °C, setpoint " << reading->setpoint_c << " °C\n";
  auto safe = run(io, chamber->safe_state());
  BOOST_TEST(safe.has_value());
}

BOOST_AUTO_TEST_CASE(gpu_agent_identifies_and_reads, *boost::unit_test::precondition(HasEnv{"ORBITBENCH_HW_AGENT_URI"})) {
  asio::io_context io;
  auto board = ob::drivers::make_gpu_board(io.get_executor(), "hw-gpu", ob::drivers::parse_uri(env("ORBITBENCH_HW_AGENT_URI")), {});
  auto identity = run(io, board->configure());
  BOOST_REQUIRE_MESSAGE(identity.has_value(), identity.error().message());
  auto telemetry = run(io, board->read_telemetry());
  BOOST_REQUIRE(telemetry.has_value());
  std::cout << "GPU " << identity->model << ": " << telemetry->power_w << " W, " << telemetry->gpu_temp_c << " °C\n";
}
