// The instrument trace (drivers/common/trace.hpp, `orbitbench run --trace`): SCPI lines and
// Modbus requests and replies against the simulated lab, each with its instrument and
// direction; failures traced as failures; nothing traced once the sink is removed.
#include <boost/test/unit_test.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "drivers/common/run_until_ready.hpp"
#include "drivers/common/trace.hpp"
#include "drivers/transport/modbus_tcp.hpp"
#include "drivers/transport/tcp_line_client.hpp"
#include "fixtures/sim_lab.hpp"

namespace {

struct Captured {
  std::mutex mutex;
  std::vector<std::string> lines;
};

// Installs a sink that keeps "instrument arrow what" lines; removes it at the end.
struct TraceCapture {
  std::shared_ptr<Captured> captured = std::make_shared<Captured>();
  TraceCapture() {
    ob::drivers::set_trace_sink([captured = captured](std::string_view instrument, ob::drivers::TraceDirection direction,
                                                      std::string_view what) {
      std::lock_guard lock(captured->mutex);
      captured->lines.push_back(std::string(instrument) + " " + ob::drivers::trace_arrow(direction) + " " + std::string(what));
    });
  }
  ~TraceCapture() { ob::drivers::set_trace_sink({}); }
  std::vector<std::string> lines() {
    std::lock_guard lock(captured->mutex);
    return captured->lines;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(scpi_lines_and_modbus_registers_are_traced_with_instrument_and_direction) {
  ob::fixtures::SimLab lab(ob::fixtures::SimLabOptions{});  // psu (DP832), chamber-f4t (Watlow F4T), …
  lab.start();
  asio::io_context io;
  TraceCapture capture;
  ob::drivers::LineOptions line_options;
  line_options.instrument = "psu-a";
  ob::drivers::TcpLineClient psu(io.get_executor(), line_options, "127.0.0.1", lab.psu_port());
  BOOST_TEST_REQUIRE(ob::drivers::run_until_ready(io, psu.open()).has_value());
  const auto idn = ob::drivers::run_until_ready(io, psu.query("*IDN?"));
  BOOST_TEST_REQUIRE(idn.has_value());
  ob::drivers::ModbusTcpOptions modbus_options;
  modbus_options.instrument = "chamber";
  ob::drivers::ModbusTcpClient chamber(io.get_executor(), "127.0.0.1", lab.f4t_port(), modbus_options);
  const auto off = ob::drivers::run_until_ready(io, chamber.write_register(2730, 62));  // loop 1 mode: Off
  BOOST_TEST_REQUIRE(off.has_value(), (off ? std::string() : off.error().message()));
  const auto units = ob::drivers::run_until_ready(io, chamber.read_holding_registers(1328, 1));
  BOOST_TEST_REQUIRE(units.has_value());
  const auto nak = ob::drivers::run_until_ready(io, chamber.read_holding_registers(65000, 2));

  const auto lines = capture.lines();
  const std::vector<std::string> expected = {
      "psu-a → *IDN?",
      "psu-a ← " + *idn,
      "chamber → write of 62 to register 2730",
      "chamber ← registers []",
      "chamber → read of register 1328",
      "chamber ← registers [" + std::to_string(units->at(0)) + "]",
      "chamber → read of register 65000..65001",
  };
  BOOST_TEST_REQUIRE(lines.size() >= expected.size() + (nak ? 0 : 1), [&] {
    std::string all;
    for (const auto& line : lines) all += line + "\n";
    return all;
  }());
  for (std::size_t i = 0; i < expected.size(); ++i) BOOST_TEST(lines[i] == expected[i]);
  if (!nak) BOOST_TEST(lines[expected.size()].find("chamber ✗ ") == 0u, lines[expected.size()]);

  ob::drivers::set_trace_sink({});
  BOOST_TEST_REQUIRE(ob::drivers::run_until_ready(io, psu.query("*IDN?")).has_value());
  BOOST_TEST(capture.lines().size() == lines.size());  // off: nothing more
}
