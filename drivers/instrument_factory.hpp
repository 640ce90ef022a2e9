#pragma once
// URI -> driver, as libiio picks a backend by URI: the scheme's entry in the instrument
// registry (drivers/instrument_registry.hpp; grammar in drivers/README.md) checks the URI's
// shape and query keys and builds the driver.
// Configuration errors (unknown scheme, unknown query key, model given twice and disagreeing)
// throw std::invalid_argument naming the instrument; hardware faults surface later as Fault
// values from the driver's coroutines. Nothing is connected here: configure() connects.
#include <asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "drivers/chamber/thermal_chamber.hpp"
#include "drivers/common/uri.hpp"
#include "drivers/instrument_registry.hpp"
#include "drivers/iio/sensor.hpp"
#include "drivers/psu/power_supply.hpp"

namespace ob::drivers {

struct InstrumentOptions {
  std::string model;                        // station's `model:`; must agree with the URI's model=
  std::chrono::milliseconds timeout{1000};  // deadline of every connect / send / reply
  std::optional<double> min_temp_c;         // chamber: the station's (DUT's) limits
  std::optional<double> max_temp_c;
  int reconnect_attempts = 3;                       // per reconnect
  std::chrono::milliseconds reconnect_backoff{100};  // doubled per attempt: 100, 200, 400 ms
  std::size_t max_line_bytes = 4096;                 // longer reply lines are protocol faults
};

std::unique_ptr<PowerSupply> make_power_supply(asio::any_io_executor executor, const std::string& name,
                                               const Uri& uri, const InstrumentOptions& options);
std::unique_ptr<ThermalChamber> make_thermal_chamber(asio::any_io_executor executor, const std::string& name,
                                                     const Uri& uri, const InstrumentOptions& options);

// `uri` is libiio's URI text (not the scheme:// grammar). Throws std::invalid_argument naming the
// instrument for a malformed URI, a channel not written DEVICE/CHANNEL, a non-positive timeout, or
// when orbitbench was built without libiio (ORBITBENCH_WITH_IIO off). Whether the devices and
// channels exist is checked by configure() (FaultKind::protocol naming them).
std::unique_ptr<SensorHub> make_sensor_hub(asio::any_io_executor executor, const std::string& name,
                                           const std::string& uri, const SensorHubOptions& options);

}  // namespace ob::drivers
