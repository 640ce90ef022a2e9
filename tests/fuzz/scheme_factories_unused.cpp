// The config fuzz target parses station and campaign files, which read the instrument registry
// (drivers/instrument_registry.cpp: schemes, kinds, keys) but never build a driver. This file
// stands in for the registry's factories so that target links without the whole driver library;
// none of them is ever called there (each aborts if one were).
#include <cstdlib>

#include "drivers/scheme_factories.hpp"

namespace ob::drivers {

#define OB_UNUSED_FACTORY(kind, name)                                                                          \
  std::unique_ptr<kind> name(asio::any_io_executor, const std::string&, const Uri&, const InstrumentOptions&,  \
                             const SchemeInfo&) {                                                              \
    std::abort();                                                                                              \
  }
OB_UNUSED_FACTORY(PowerSupply, make_scpi_tcp_supply)
OB_UNUSED_FACTORY(PowerSupply, make_scpi_serial_supply)
OB_UNUSED_FACTORY(ThermalChamber, make_espec_tcp_chamber)
OB_UNUSED_FACTORY(ThermalChamber, make_espec_serial_chamber)
OB_UNUSED_FACTORY(ThermalChamber, make_f4t_modbus_chamber)
OB_UNUSED_FACTORY(ThermalChamber, make_f4t_tcp_chamber)

}  // namespace ob::drivers
