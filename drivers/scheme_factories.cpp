#include "drivers/scheme_factories.hpp"

#include <stdexcept>
#include <utility>

#include "drivers/chamber/espec_chamber.hpp"
#include "drivers/chamber/watlow_f4t.hpp"
#include "drivers/chamber/watlow_f4t_scpi.hpp"
#include "drivers/common/number_text.hpp"
#include "drivers/instrument_factory.hpp"
#include "drivers/psu/scpi_power_supply.hpp"
#include "drivers/transport/serial_line_client.hpp"

namespace ob::drivers {
namespace {

constexpr long kMaxEspecAddress = 99;
constexpr long kMaxBaud = 230400;
constexpr long kMaxModbusUnit = 247;
constexpr long kMaxF4tLoop = 4;
constexpr long kMaxF4tAlarms = 14;

[[noreturn]] void config_error(const std::string& name, const Uri& uri, const std::string& what) {
  throw std::invalid_argument(name + ": " + uri.to_string() + ": " + what);
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

long integer_key(const std::string& name, const Uri& uri, const std::string& key, long fallback, long min, long max) {
  const auto text = uri.query_or(key, "");
  if (text.empty()) return fallback;
  auto value = parse_integer(text);
  if (!value || *value < min || *value > max) {
    config_error(name, uri, key + "=" + text + " is not an integer in " + std::to_string(min) + ".." + std::to_string(max));
  }
  return *value;
}

// scheme:///dev/ttyUSB0?baud=9600: the device path and rate (the registry checked the shape).
std::unique_ptr<SerialLineClient> serial_link(asio::any_io_executor executor, const std::string& name, const Uri& uri,
                                              const InstrumentOptions& options, std::string terminator) {
  const auto baud = integer_key(name, uri, "baud", kSerialDefaultBaud, 1, kMaxBaud);
  if (!is_standard_baud(static_cast<unsigned>(baud))) {
    config_error(name, uri, "baud=" + std::to_string(baud) + " is not a standard rate (1200 .. 230400)");
  }
  return std::make_unique<SerialLineClient>(std::move(executor), link_options(name, options, std::move(terminator)),
                                            "/" + uri.path, static_cast<unsigned>(baud));
}

// The model a supply must identify as: the URI's model= and the station's `model:` must agree.
std::string supply_model(const std::string& name, const Uri& uri, const InstrumentOptions& options) {
  std::string model = uri.query_or("model", "");
  if (options.model.empty()) return model;
  const auto same_entry = [&] {  // `psi9080-120` (a URI has no blanks) and "PSI 9080-120 2U"
    const auto a = find_scpi_dialect(model);
    const auto b = find_scpi_dialect(options.model);
    return a && b && a->model == b->model;
  };
  if (!model.empty() && !iequals(model, options.model) && !same_entry()) {
    config_error(name, uri, "model=" + model + " disagrees with the station's model '" + options.model + "'");
  }
  return options.model;
}

}  // namespace

std::unique_ptr<PowerSupply> make_scpi_tcp_supply(asio::any_io_executor executor, const std::string& name,
                                                  const Uri& uri, const InstrumentOptions& options,
                                                  const SchemeInfo& scheme) {
  std::string model = supply_model(name, uri, options);
  // The raw socket's port belongs to the model family (scheme.port_note): without one in the
  // URI the model must say which family it is.
  std::uint16_t port = 0;
  if (uri.port) {
    port = *uri.port;
  } else if (const auto match = model.empty() ? std::nullopt : find_scpi_dialect(model)) {
    port = match->dialect->tcp_port;
  } else {
    const std::string families(scheme.port_note);
    config_error(name, uri,
                 model.empty() ? "no port, and no model to take its family's default from: add :PORT (" + families +
                                     "), model= or the station's model:"
                               : "no port, and model '" + model + "' is none orbitbench knows (" +
                                     supported_scpi_models() + "): add :PORT");
  }
  ScpiPsuOptions psu{std::move(model), link_options(name, options, "\n")};
  return std::make_unique<ScpiPowerSupply>(std::move(executor), uri.host, port, std::move(psu));
}

std::unique_ptr<PowerSupply> make_scpi_serial_supply(asio::any_io_executor executor, const std::string& name,
                                                     const Uri& uri, const InstrumentOptions& options,
                                                     const SchemeInfo&) {
  std::string model = supply_model(name, uri, options);
  auto serial = serial_link(std::move(executor), name, uri, options, "\n");
  return std::make_unique<ScpiPowerSupply>(std::move(serial), ScpiPsuOptions{std::move(model), {}});
}

std::unique_ptr<ThermalChamber> make_espec_tcp_chamber(asio::any_io_executor executor, const std::string& name,
                                                       const Uri& uri, const InstrumentOptions& options,
                                                       const SchemeInfo& scheme) {
  EspecOptions espec{options.min_temp_c, options.max_temp_c, link_options(name, options, "\r\n"), 0};
  return std::make_unique<EspecChamber>(std::move(executor), uri.host, uri.port.value_or(scheme.default_port),
                                        std::move(espec));
}

std::unique_ptr<ThermalChamber> make_espec_serial_chamber(asio::any_io_executor executor, const std::string& name,
                                                          const Uri& uri, const InstrumentOptions& options,
                                                          const SchemeInfo&) {
  EspecOptions espec{options.min_temp_c, options.max_temp_c, {}, 0};
  espec.address = static_cast<int>(integer_key(name, uri, "address", 0, 1, kMaxEspecAddress));
  auto serial = serial_link(std::move(executor), name, uri, options, "\r\n");
  return std::make_unique<EspecChamber>(std::move(serial), std::move(espec));
}

std::unique_ptr<ThermalChamber> make_f4t_modbus_chamber(asio::any_io_executor executor, const std::string& name,
                                                        const Uri& uri, const InstrumentOptions& options,
                                                        const SchemeInfo& scheme) {
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
  return std::make_unique<WatlowF4tChamber>(std::move(executor), uri.host, uri.port.value_or(scheme.default_port),
                                            std::move(f4t));
}

std::unique_ptr<ThermalChamber> make_f4t_tcp_chamber(asio::any_io_executor executor, const std::string& name,
                                                     const Uri& uri, const InstrumentOptions& options,
                                                     const SchemeInfo& scheme) {
  WatlowF4tScpiOptions f4t;
  f4t.loop = static_cast<int>(integer_key(name, uri, "loop", 1, 1, kMaxF4tLoop));
  f4t.min_temp_c = options.min_temp_c;
  f4t.max_temp_c = options.max_temp_c;
  f4t.link = link_options(name, options, "\n");
  return std::make_unique<WatlowF4tScpiChamber>(std::move(executor), uri.host, uri.port.value_or(scheme.default_port),
                                                std::move(f4t));
}

}  // namespace ob::drivers
