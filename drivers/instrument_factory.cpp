#include "drivers/instrument_factory.hpp"

#include <set>
#include <stdexcept>
#include <utility>

#include "drivers/chamber/espec_chamber.hpp"
#include "drivers/chamber/watlow_f4t.hpp"
#include "drivers/common/number_text.hpp"
#include "drivers/psu/scpi_power_supply.hpp"

namespace ob::drivers {
namespace {

constexpr std::string_view kScpiTcp = "scpi+tcp";
constexpr std::string_view kEspecTcp = "espec+tcp";
constexpr std::string_view kWatlowF4tModbus = "watlow-f4t+modbus";
constexpr long kMaxModbusUnit = 247;
constexpr long kMaxF4tLoop = 4;

[[noreturn]] void config_error(const std::string& name, const Uri& uri, const std::string& what) {
  throw std::invalid_argument(name + ": " + uri.to_string() + ": " + what);
}

void check_scheme(const std::string& name, const Uri& uri, std::string_view kind, std::string_view supported) {
  if (uri.scheme == supported) return;
  config_error(name, uri,
               "unsupported scheme '" + uri.scheme + "' for a " + std::string(kind) + " (supported: " +
                   std::string(supported) + ")");
}

void check_shape(const std::string& name, const Uri& uri, const std::set<std::string>& allowed_keys) {
  if (!uri.path.empty()) config_error(name, uri, "unexpected path '/" + uri.path + "'");
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

long integer_key(const std::string& name, const Uri& uri, const std::string& key, long fallback, long min, long max) {
  const auto text = uri.query_or(key, "");
  if (text.empty()) return fallback;
  auto value = parse_integer(text);
  if (!value || *value < min || *value > max) {
    config_error(name, uri, key + "=" + text + " is not an integer in " + std::to_string(min) + ".." + std::to_string(max));
  }
  return *value;
}

void check_timing(const std::string& name, const Uri& uri, const InstrumentOptions& options) {
  if (options.timeout.count() <= 0) config_error(name, uri, "timeout must be positive");
  if (options.reconnect_attempts < 1) config_error(name, uri, "reconnect_attempts must be at least 1");
}

}  // namespace

std::unique_ptr<PowerSupply> make_power_supply(asio::any_io_executor executor, const std::string& name,
                                               const Uri& uri, const InstrumentOptions& options) {
  check_scheme(name, uri, "power supply", kScpiTcp);
  check_shape(name, uri, {"model"});
  check_timing(name, uri, options);
  std::string model = uri.query_or("model", "");
  if (!options.model.empty()) {
    if (!model.empty() && !iequals(model, options.model)) {
      config_error(name, uri, "model=" + model + " disagrees with the station's model '" + options.model + "'");
    }
    model = options.model;
  }
  ScpiPsuOptions psu{std::move(model), link_options(name, options, "\n")};
  return std::make_unique<ScpiPowerSupply>(std::move(executor), uri.host, uri.port.value_or(kScpiDefaultPort),
                                           std::move(psu));
}

std::unique_ptr<ThermalChamber> make_thermal_chamber(asio::any_io_executor executor, const std::string& name,
                                                     const Uri& uri, const InstrumentOptions& options) {
  if (uri.scheme != kEspecTcp && uri.scheme != kWatlowF4tModbus) {
    config_error(name, uri,
                 "unsupported scheme '" + uri.scheme + "' for a thermal chamber (supported: " + std::string(kEspecTcp) + ", " +
                     std::string(kWatlowF4tModbus) + ")");
  }
  check_timing(name, uri, options);
  if (options.min_temp_c && options.max_temp_c && *options.min_temp_c > *options.max_temp_c) {
    config_error(name, uri, "min_temp_c is above max_temp_c");
  }
  if (uri.scheme == kWatlowF4tModbus) {
    check_shape(name, uri, {"unit", "loop"});
    WatlowF4tOptions f4t;
    f4t.loop = static_cast<int>(integer_key(name, uri, "loop", 1, 1, kMaxF4tLoop));
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
  check_shape(name, uri, {});
  EspecOptions espec{options.min_temp_c, options.max_temp_c, link_options(name, options, "\r\n")};
  return std::make_unique<EspecChamber>(std::move(executor), uri.host, uri.port.value_or(kEspecDefaultPort),
                                        std::move(espec));
}

}  // namespace ob::drivers
