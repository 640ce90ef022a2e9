// Which simulated instrument stands in for a station entry (issue 16, item 6): the instrument
// registry's simulated model for a real URI in a `simulated: true` station, and a `sim://NAME`
// the default lab lacks gets the model its `model:` names. The stand-in is then reached and
// identified over its own protocol.
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include "bench/lab_session.hpp"
#include "bench/config/station_config.hpp"
#include "drivers/common/run_until_ready.hpp"

namespace {

ob::drivers::Identity identify(asio::io_context& io, ob::drivers::PowerSupply& psu) {
  auto result = ob::drivers::run_until_ready(io, psu.configure());
  BOOST_REQUIRE_MESSAGE(result.has_value(), (result.has_value() ? std::string() : result.error().message()));
  return *result;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_simulated_station_gets_each_schemes_stand_in) {
  const auto station = ob::bench::parse_station("station.yaml",
                                                "station: stand-ins\n"
                                                "simulated: true\n"
                                                "instruments:\n"
                                                "  psu-a: { uri: \"scpi+tcp://10.0.4.21\", model: DP832 }\n"
                                                "  chamber: { uri: \"watlow-f4t+modbus://10.0.4.30?unit=1&loop=1\" }\n"
                                                "duts:\n"
                                                "  board-01:\n"
                                                "    agent: \"agent://10.0.4.50:7600\"\n"
                                                "    supply: { instrument: psu-a, channel: 1, voltage_v: 12, "
                                                "max_voltage_v: 12.6, max_current_a: 3 }\n");
  asio::io_context io;
  ob::bench::LabSession session(io.get_executor(), station, 1);
  // The F4T chamber is the lab's F4T (not its Espec), and the board sits in it.
  BOOST_TEST(session.chamber().uri.starts_with("watlow-f4t+modbus://127.0.0.1:"), session.chamber().uri);
  BOOST_TEST(session.chamber().uri.ends_with("?unit=1&loop=1"), session.chamber().uri);
  auto chamber = ob::drivers::run_until_ready(io, session.chamber().driver->configure());
  BOOST_REQUIRE_MESSAGE(chamber.has_value(), (chamber.has_value() ? std::string() : chamber.error().message()));
  BOOST_TEST(chamber->vendor.find("Watlow") != std::string::npos, chamber->vendor);
  BOOST_REQUIRE(session.supplies().size() == 1u);
  BOOST_TEST(session.supplies()[0].uri.ends_with("?model=dp832"), session.supplies()[0].uri);
  BOOST_TEST(identify(io, *session.supplies()[0].driver).model == "DP832");
  BOOST_TEST(session.boards()[0].uri.starts_with("agent://127.0.0.1:"), session.boards()[0].uri);
}

BOOST_AUTO_TEST_CASE(a_sim_name_the_lab_lacks_gets_the_model_the_station_names) {
  const auto station = ob::bench::parse_station("station.yaml",
                                                "station: high-power\n"
                                                "instruments:\n"
                                                "  psu-hp: { uri: \"sim://psu-hp\", model: N5767A }\n"
                                                "  psu-b: { uri: \"sim://psu-b\" }\n"
                                                "  chamber: { uri: \"sim://chamber\" }\n"
                                                "duts:\n"
                                                "  board-01:\n"
                                                "    agent: \"sim://agent?gpu=0\"\n"
                                                "    supply: { instrument: psu-hp, channel: 1, voltage_v: 12, "
                                                "max_voltage_v: 12.6, max_current_a: 3 }\n");
  asio::io_context io;
  ob::bench::LabSession session(io.get_executor(), station, 1);
  BOOST_REQUIRE(session.supplies().size() == 2u);
  BOOST_TEST(session.supplies()[0].uri.ends_with("?model=n5767a"), session.supplies()[0].uri);
  BOOST_TEST(identify(io, *session.supplies()[0].driver).model == "N5767A");
  // No model: the kind's first scheme's stand-in (scpi+tcp → a DP832).
  BOOST_TEST(session.supplies()[1].uri.ends_with("?model=dp832"), session.supplies()[1].uri);
  BOOST_TEST(identify(io, *session.supplies()[1].driver).model == "DP832");
  BOOST_TEST(session.chamber().uri.starts_with("espec+tcp://127.0.0.1:"), session.chamber().uri);
}
