#include "drivers/instrument_factory.hpp"

#include <set>
#include <stdexcept>
#include <utility>

#include "drivers/chamber/espec_chamber.hpp"
#include "drivers/chamber/watlow_f4t.hpp"
#include "drivers/chamber/watlow_f4t_scpi.hpp"
#include "drivers/common/number_text.hpp"
#if defined(ORBITBENCH_WITH_IIO)
#include "drivers/iio/iio_sensor_hub.hpp"
#endif
#include "drivers/psu/scpi_power_supply.hpp"
#include "drivers/transport/serial_line_client.hpp"

namespace ob::drivers {
namespace {

constexpr std::string_view kScpiTcp = "scpi+tcp";
constexpr std::string_view kEspecTcp = "espec+tcp";
constexpr std::string_view kScpiSerial = "scpi+serial";
constexpr std::string_view kEspecSerial = "espec+serial";
constexpr std::string_view kWatlowF4tModbus = "watlow-f4t+modbus";
constexpr std::string_view kWatlowF4tTcp = "watlow-f4t+tcp";
constexpr long kMaxEspecAddress = 99;
constexpr long kMaxBaud = 230400;
constexpr long kMaxModbusUnit = 247;
constexpr long kMaxF4tLoop = 4;
constexpr long kMaxF4tAlarms = 14;

[[noreturn]] void config_error(const std::string& name, const Uri& uri, const std::string& what) {
  throw std::invalid_argument(name + ": " + uri.to_string() + ": " + what);
}

void check_keys(const std::string& name, const Uri& uri, const std::set<std::string>& allowed_keys) {
  for (const auto& [key, value] : uri.query) {
    if (allowed_keys.contains(key)) continue;
    std::string allowed;
    for (const auto& k : allowed_keys) allowed += (allowed.empty() ? "" : ", ") + k;
    config_error(name, uri, "unknown query key '" + key + "' (allowed: " + (allowed.empty() ? "none" : allowed) + ")");
  }
}

TcpLineOptions link_options(const std::string& name, const InstrumentOptions& options, std::string terminator) {
  TcpLineOptions link;
  link.instrument = name;
  link.terminator = std::move(terminator);
  link.timeout = options.timeout;
  link.max_line_bytes = options.max_line_bytes;
  link.reconnect_attempts = options.reconnect_attempts;
  link.reconnect_backoff = options.reconnect_backoff;
  return link;
}

void check_shape(const std::string& name, const Uri& uri, const std::set<std::string>& allowed_keys) {
  if (!uri.path.empty()) config_error(name, uri, "unexpected path '/" + uri.path + "'");
  check_keys(name, uri, allowed_keys);
}

long integer_key(const std::string& name, const Uri& uri, const std::string& key, long fallback, long min, long max) {
  const auto text = uri.query_or(key, "");
  if (text.empty()) return fallback;
  auto value = parse_integer(text);
  if (!value || *value < min || *value > max) {
    config_error(name, uri, key + "=" + text + " is not an integer in " + std::to_string(min) + ".." + std::to_string(max));
  }
  return *value;
}

// scheme:///dev/ttyUSB0?baud=9600: a device path, no host or port.
std::unique_ptr<SerialLineClient> serial_link(asio::any_io_executor executor, const std::string& name, const Uri& uri,
                                              const InstrumentOptions& options, std::string terminator,
                                              const std::set<std::string>& allowed_keys) {
  if (!uri.host.empty() || uri.port) config_error(name, uri, "a serial URI names a device path, not a host (scheme:///dev/ttyUSB0)");
  if (uri.path.empty()) config_error(name, uri, "missing device path (scheme:///dev/ttyUSB0)");
  check_keys(name, uri, allowed_keys);
  const auto baud = integer_key(name, uri, "baud", kSerialDefaultBaud, 1, kMaxBaud);
  if (!is_standard_baud(static_cast<unsigned>(baud))) {
    config_error(name, uri, "baud=" + std::to_string(baud) + " is not a standard rate (1200 .. 230400)");
  }
  return std::make_unique<SerialLineClient>(std::move(executor), link_options(name, options, std::move(terminator)),
                                            "/" + uri.path, static_cast<unsigned>(baud));
}

void check_timing(const std::string& name, const Uri& uri, const InstrumentOptions& options) {
  if (options.timeout.count() <= 0) config_error(name, uri, "timeout must be positive");
  if (options.reconnect_attempts < 1) config_error(name, uri, "reconnect_attempts must be at least 1");
}

}  // namespace

std::unique_ptr<PowerSupply> make_power_supply(asio::any_io_executor executor, const std::string& name,
                                               const Uri& uri, const InstrumentOptions& options) {
  if (uri.scheme != kScpiTcp && uri.scheme != kScpiSerial) {
    config_error(name, uri,
                 "unsupported scheme '" + uri.scheme + "' for a power supply (supported: " + std::string(kScpiTcp) + ", " +
                     std::string(kScpiSerial) + ")");
  }
  check_timing(name, uri, options);
  std::string model = uri.query_or("model", "");
  if (!options.model.empty()) {
    if (!model.empty() && !iequals(model, options.model)) {
      config_error(name, uri, "model=" + model + " disagrees with the station's model '" + options.model + "'");
    }
    model = options.model;
  }
  if (uri.scheme == kScpiSerial) {
    auto serial = serial_link(executor, name, uri, options, "\n", {"model", "baud"});
    return std::make_unique<ScpiPowerSupply>(std::move(serial), ScpiPsuOptions{std::move(model), {}});
  }
  check_shape(name, uri, {"model"});
  // The raw socket's port belongs to the model family (Rigol 5555, Keysight/R&S/Siglent 5025):
  // without one in the URI the model must say which family it is.
  std::uint16_t port = 0;
  if (uri.port) {
    port = *uri.port;
  } else if (const auto match = model.empty() ? std::nullopt : find_scpi_dialect(model)) {
    port = match->dialect->tcp_port;
  } else {
    config_error(name, uri,
                 model.empty() ? "no port, and no model to take its family's default from: add :PORT (Rigol 5555; "
                                 "Keysight, R&S, Siglent 5025), model= or the station's model:"
                               : "no port, and model '" + model + "' is none orbitbench knows (" +
                                     supported_scpi_models() + "): add :PORT");
  }
  ScpiPsuOptions psu{std::move(model), link_options(name, options, "\n")};
  return std::make_unique<ScpiPowerSupply>(std::move(executor), uri.host, port, std::move(psu));
}

std::unique_ptr<ThermalChamber> make_thermal_chamber(asio::any_io_executor executor, const std::string& name,
                                                     const Uri& uri, const InstrumentOptions& options) {
  if (uri.scheme != kEspecTcp && uri.scheme != kEspecSerial && uri.scheme != kWatlowF4tModbus &&
      uri.scheme != kWatlowF4tTcp) {
    config_error(name, uri,
                 "unsupported scheme '" + uri.scheme + "' for a thermal chamber (supported: " + std::string(kEspecTcp) + ", " +
                     std::string(kEspecSerial) + ", " + std::string(kWatlowF4tModbus) + ", " + std::string(kWatlowF4tTcp) +
                     ")");
  }
  check_timing(name, uri, options);
  if (options.min_temp_c && options.max_temp_c && *options.min_temp_c > *options.max_temp_c) {
    config_error(name, uri, "min_temp_c is above max_temp_c");
  }
  if (uri.scheme == kWatlowF4tModbus) {
    check_shape(name, uri, {"unit", "loop", "alarms"});
    WatlowF4tOptions f4t;
    f4t.loop = static_cast<int>(integer_key(name, uri, "loop", 1, 1, kMaxF4tLoop));
    f4t.alarms = static_cast<int>(integer_key(name, uri, "alarms", kF4tDefaultAlarms, 0, kMaxF4tAlarms));
    f4t.min_temp_c = options.min_temp_c;
    f4t.max_temp_c = options.max_temp_c;
    f4t.modbus.instrument = name;
    f4t.modbus.unit_id = static_cast<std::uint8_t>(integer_key(name, uri, "unit", 1, 0, kMaxModbusUnit));
    f4t.modbus.timeout = options.timeout;
    f4t.modbus.reconnect_attempts = options.reconnect_attempts;
    f4t.modbus.reconnect_backoff = options.reconnect_backoff;
    return std::make_unique<WatlowF4tChamber>(std::move(executor), uri.host, uri.port.value_or(kModbusTcpDefaultPort),
                                              std::move(f4t));
  }
  if (uri.scheme == kWatlowF4tTcp) {
    check_shape(name, uri, {"loop"});
    WatlowF4tScpiOptions f4t;
    f4t.loop = static_cast<int>(integer_key(name, uri, "loop", 1, 1, kMaxF4tLoop));
    f4t.min_temp_c = options.min_temp_c;
    f4t.max_temp_c = options.max_temp_c;
    f4t.link = link_options(name, options, "\n");
    return std::make_unique<WatlowF4tScpiChamber>(std::move(executor), uri.host,
                                                  uri.port.value_or(kWatlowF4tScpiDefaultPort), std::move(f4t));
  }
  EspecOptions espec{options.min_temp_c, options.max_temp_c, {}, 0};
  if (uri.scheme == kEspecSerial) {
    espec.address = static_cast<int>(integer_key(name, uri, "address", 0, 1, kMaxEspecAddress));
    auto serial = serial_link(executor, name, uri, options, "\r\n", {"baud", "address"});
    return std::make_unique<EspecChamber>(std::move(serial), std::move(espec));
  }
  check_shape(name, uri, {});
  espec.link = link_options(name, options, "\r\n");
  return std::make_unique<EspecChamber>(std::move(executor), uri.host, uri.port.value_or(kEspecDefaultPort),
                                        std::move(espec));
}

std::unique_ptr<SensorHub> make_sensor_hub(asio::any_io_executor executor, const std::string& name,
                                           const std::string& uri, const SensorHubOptions& options) {
  auto sensor_error = [&](const std::string& what) { throw std::invalid_argument(name + ": " + uri + ": " + what); };
  std::string why;
  auto parsed = parse_iio_uri(uri, &why);
  if (!parsed) sensor_error(why);
  if (options.timeout.count() <= 0 || options.connect_timeout.count() <= 0) sensor_error("timeouts must be positive");
  if (options.reconnect_attempts < 1) sensor_error("reconnect_attempts must be at least 1");
  for (const auto& channel : options.channels) {
    if (!parse_channel_address(channel)) sensor_error("channel '" + channel + "' is not DEVICE/CHANNEL (e.g. ina226/voltage1)");
  }
#if defined(ORBITBENCH_WITH_IIO)
  return make_iio_sensor_hub(std::move(executor), name, std::move(*parsed), options);
#else
  (void)executor;
  sensor_error("orbitbench was built without libiio (ORBITBENCH_WITH_IIO=OFF; install libiio-dev)");
  return nullptr;
#endif
}

}  // namespace ob::drivers
