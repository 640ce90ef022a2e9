#pragma once
// The factory of each scheme in the instrument registry (drivers/instrument_registry.cpp). Each
// gets a URI already checked against its entry (shape, query keys) and builds the driver;
// nothing is connected here.
#include "drivers/instrument_registry.hpp"

namespace ob::drivers {

std::unique_ptr<PowerSupply> make_scpi_tcp_supply(asio::any_io_executor executor, const std::string& name,
                                                  const Uri& uri, const InstrumentOptions& options,
                                                  const SchemeInfo& scheme);
std::unique_ptr<PowerSupply> make_scpi_serial_supply(asio::any_io_executor executor, const std::string& name,
                                                     const Uri& uri, const InstrumentOptions& options,
                                                     const SchemeInfo& scheme);
std::unique_ptr<ThermalChamber> make_espec_tcp_chamber(asio::any_io_executor executor, const std::string& name,
                                                       const Uri& uri, const InstrumentOptions& options,
                                                       const SchemeInfo& scheme);
std::unique_ptr<ThermalChamber> make_espec_serial_chamber(asio::any_io_executor executor, const std::string& name,
                                                          const Uri& uri, const InstrumentOptions& options,
                                                          const SchemeInfo& scheme);
std::unique_ptr<ThermalChamber> make_f4t_modbus_chamber(asio::any_io_executor executor, const std::string& name,
                                                        const Uri& uri, const InstrumentOptions& options,
                                                        const SchemeInfo& scheme);
std::unique_ptr<ThermalChamber> make_f4t_tcp_chamber(asio::any_io_executor executor, const std::string& name,
                                                     const Uri& uri, const InstrumentOptions& options,
                                                     const SchemeInfo& scheme);

}  // namespace ob::drivers
