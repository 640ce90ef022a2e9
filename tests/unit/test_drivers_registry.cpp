// The instrument registry (drivers/instrument_registry.cpp) is the one table every layer reads:
// each entry builds its kind's driver through the factory, names a simulated model of that kind,
// is documented, and URIs are checked against its keys and shape.
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "drivers/instrument_factory.hpp"
#include "drivers/instrument_registry.hpp"
#include "fixtures/sim_lab.hpp"

using namespace ob::drivers;

namespace {

std::string read_text(const std::string& relative) {
  std::ifstream in(std::string(OB_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A URI of the entry's shape, with no query: HOST:PORT for a socket, a device path for serial.
std::string sample_uri(const SchemeInfo& entry) {
  if (entry.transport == Transport::serial) return std::string(entry.scheme) + ":///dev/ttyUSB0";
  return std::string(entry.scheme) + "://10.0.4.21:7000";
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_entry_has_its_kinds_factory_and_a_simulated_model_of_that_kind) {
  std::set<std::string_view> seen;
  for (const auto& entry : instrument_schemes()) {
    BOOST_TEST_CONTEXT(entry.scheme) {
      BOOST_TEST(seen.insert(entry.scheme).second, "scheme listed twice");
      BOOST_TEST((entry.make_psu != nullptr) == (entry.kind == InstrumentKind::psu));
      BOOST_TEST((entry.make_chamber != nullptr) == (entry.kind == InstrumentKind::chamber));
      BOOST_TEST((entry.transport == Transport::libiio) == (entry.kind == InstrumentKind::sensors));
      BOOST_TEST(!entry.speaks.empty());
      BOOST_TEST((entry.default_port != 0 || !entry.port_note.empty()), "neither a default port nor a note why not");
      if (entry.transport == Transport::serial) BOOST_TEST(std::count(entry.keys.begin(), entry.keys.end(), "baud") == 1);
      const auto model = ob::fixtures::parse_sim_model(entry.sim_model);
      BOOST_REQUIRE(model.has_value());
      switch (entry.kind) {
        case InstrumentKind::psu: BOOST_TEST(ob::fixtures::is_supply(*model)); break;
        case InstrumentKind::chamber: BOOST_TEST(ob::fixtures::is_chamber(*model)); break;
        case InstrumentKind::sensors: BOOST_TEST((*model == ob::fixtures::SimModel::iiod)); break;
      }
      BOOST_TEST(find_scheme(entry.scheme) == &entry);
      BOOST_TEST((parse_kind(kind_name(entry.kind)) == entry.kind));
    }
  }
  BOOST_TEST(find_scheme("scpi") == nullptr);
  BOOST_TEST(scheme_of("iio:ip:10.0.4.40") == "iio");
  BOOST_TEST(scheme_of("watlow-f4t+modbus://h:502") == "watlow-f4t+modbus");
  BOOST_TEST(scheme_of("no-scheme") == "");
}

BOOST_AUTO_TEST_CASE(each_scheme_builds_its_kinds_driver_and_the_other_kind_refuses_it) {
  asio::io_context io;
  InstrumentOptions options;
  options.model = "DP832";  // scpi+tcp with a port needs none; the serial ones take it as the expected model
  for (const auto& entry : instrument_schemes()) {
    if (entry.kind == InstrumentKind::sensors) continue;
    BOOST_TEST_CONTEXT(entry.scheme) {
      const auto uri = parse_uri(sample_uri(entry));
      if (entry.kind == InstrumentKind::psu) {
        BOOST_TEST(make_power_supply(io.get_executor(), "x", uri, options) != nullptr);
        const auto message = error_of([&] { make_thermal_chamber(io.get_executor(), "x", uri, options); });
        BOOST_TEST(message.find("for a thermal chamber (supported: " + supported_schemes(InstrumentKind::chamber)) !=
                   std::string::npos, message);
      } else {
        BOOST_TEST(make_thermal_chamber(io.get_executor(), "x", uri, options) != nullptr);
        const auto message = error_of([&] { make_power_supply(io.get_executor(), "x", uri, options); });
        BOOST_TEST(message.find("for a power supply (supported: scpi+tcp, scpi+serial") != std::string::npos, message);
      }
      // A key the entry does not list is refused, naming the ones it does.
      const auto bad = parse_uri(sample_uri(entry) + "?speed=9");
      const auto message = error_of([&] {
        if (entry.kind == InstrumentKind::psu) make_power_supply(io.get_executor(), "x", bad, options);
        else make_thermal_chamber(io.get_executor(), "x", bad, options);
      });
      BOOST_TEST(message.find("unknown query key 'speed'") != std::string::npos, message);
      // The other transport's shape is refused.
      const std::string other = entry.transport == Transport::serial ? std::string(entry.scheme) + "://10.0.4.21"
                                                                     : std::string(entry.scheme) + "://10.0.4.21/x";
      BOOST_TEST(!error_of([&] {
                    if (entry.kind == InstrumentKind::psu) make_power_supply(io.get_executor(), "x", parse_uri(other), options);
                    else make_thermal_chamber(io.get_executor(), "x", parse_uri(other), options);
                  }).empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(every_scheme_is_documented_and_printed_by_orbitbench_schema) {
  const auto readme = read_text("drivers/README.md");
  const auto configuration = read_text("docs/configuration.md");
  const auto table = schemes_markdown();
  for (const auto& entry : instrument_schemes()) {
    const std::string scheme(entry.scheme);
    BOOST_TEST(readme.find("`" + scheme) != std::string::npos, scheme << " is not in drivers/README.md");
    BOOST_TEST(configuration.find(scheme) != std::string::npos, scheme << " is not in docs/configuration.md");
    BOOST_TEST(table.find("| `" + scheme + "` | " + std::string(kind_name(entry.kind))) != std::string::npos, table);
  }
  BOOST_TEST(table.find("| `espec+tcp` | chamber | `espec+tcp://HOST[:PORT]`") != std::string::npos, table);
  BOOST_TEST(table.find("| 10001 | none | `espec-p300` |") != std::string::npos, table);
  BOOST_TEST(table.find("Rigol 5555") != std::string::npos, table);
}
