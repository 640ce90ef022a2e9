#pragma once
// URI -> driver, as libiio picks a backend by URI (grammar in drivers/README.md):
//   power supply    scpi+tcp://HOST[:PORT][?model=MODEL]     PORT defaults to 5025
//                   scpi+serial:///DEVICE[?baud=9600&model=MODEL]     8N1, "\n"
//   thermal chamber espec+tcp://HOST[:PORT]                  PORT defaults to 10001
//                   espec+serial:///DEVICE[?baud=9600&address=1]      8N1, "\r\n"; address = RS-485 prefix
//                   watlow-f4t+modbus://HOST[:PORT][?unit=1&loop=1]   PORT defaults to 502
//                   watlow-f4t+tcp://HOST[:PORT][?loop=1]             SCPI-like, PORT defaults to 5025
//   IIO sensors     iio:ip:HOST[:PORT] | iio:local: | iio:usb:[BUS.ADDR] | iio:xml:PATH   (libiio's URIs;
//                   the `iio:` prefix is stripped, PORT defaults to 30431; drivers/iio/sensor.hpp)
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
#include "drivers/iio/sensor.hpp"
#include "drivers/psu/power_supply.hpp"

namespace ob::drivers {

constexpr std::uint16_t kEspecDefaultPort = 10001;

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
