// The driver conformance suite (tests/support/instrument_conformance.hpp) against every
// simulated power supply and chamber; tests/hw/test_hw_instruments.cpp runs the same suite
// against real instruments.
#include <boost/test/unit_test.hpp>

#include "../support/instrument_conformance.hpp"
#include "drivers/common/uri.hpp"
#include "drivers/instrument_factory.hpp"
#include "fixtures/sim_lab.hpp"

namespace {

struct Lab {
  Lab() {
    ob::fixtures::SimLabOptions options;
    options.speed = 600;
    lab = std::make_unique<ob::fixtures::SimLab>(options);
    lab->start();
  }
  ~Lab() { lab->stop(); }
  std::unique_ptr<ob::fixtures::SimLab> lab;
};

void check_psu(const std::string& name) {
  Lab lab;
  asio::io_context io;
  auto psu = ob::drivers::make_power_supply(io.get_executor(), name, ob::drivers::parse_uri(lab.lab->uri(name)), {});
  ob::test::power_supply_conformance(io, *psu, true);
}

void check_chamber(const std::string& name) {
  Lab lab;
  asio::io_context io;
  auto chamber = ob::drivers::make_thermal_chamber(io.get_executor(), name, ob::drivers::parse_uri(lab.lab->uri(name)), {});
  ob::test::chamber_conformance(io, *chamber, true);
}

}  // namespace

BOOST_AUTO_TEST_CASE(rigol_dp832) { check_psu("psu"); }
BOOST_AUTO_TEST_CASE(keysight_e36312a) { check_psu("psu-e36312a"); }
BOOST_AUTO_TEST_CASE(espec_p300) { check_chamber("chamber"); }
BOOST_AUTO_TEST_CASE(watlow_f4t_modbus) { check_chamber("chamber-f4t"); }
