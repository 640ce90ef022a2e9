#include "drivers/instrument_factory.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#if defined(ORBITBENCH_WITH_IIO)
#include "drivers/iio/iio_sensor_hub.hpp"
#endif

namespace ob::drivers {
namespace {

[[noreturn]] void config_error(const std::string& name, const Uri& uri, const std::string& what) {
  throw std::invalid_argument(name + ": " + uri.to_string() + ": " + what);
}

// The registry entry of `uri`'s scheme, which must be one of `kind`'s; its shape (host or
// device path), query keys and the options' timing checked against that entry.
const SchemeInfo& checked_scheme(const std::string& name, const Uri& uri, const InstrumentOptions& options,
                                 InstrumentKind kind) {
  const auto* scheme = find_scheme(uri.scheme);
  if (scheme == nullptr || scheme->kind != kind) {
    const std::string what = kind == InstrumentKind::psu ? "a power supply" : "a thermal chamber";
    config_error(name, uri,
                 "unsupported scheme '" + uri.scheme + "' for " + what + " (supported: " + supported_schemes(kind) + ")");
  }
  if (options.timeout.count() <= 0) config_error(name, uri, "timeout must be positive");
  if (options.reconnect_attempts < 1) config_error(name, uri, "reconnect_attempts must be at least 1");
  if (options.min_temp_c && options.max_temp_c && *options.min_temp_c > *options.max_temp_c) {
    config_error(name, uri, "min_temp_c is above max_temp_c");
  }
  if (scheme->transport == Transport::serial) {
    if (!uri.host.empty() || uri.port) {
      config_error(name, uri, "a serial URI names a device path, not a host (scheme:///dev/ttyUSB0)");
    }
    if (uri.path.empty()) config_error(name, uri, "missing device path (scheme:///dev/ttyUSB0)");
  } else if (!uri.path.empty()) {
    config_error(name, uri, "unexpected path '/" + uri.path + "'");
  }
  for (const auto& [key, value] : uri.query) {
    if (std::find(scheme->keys.begin(), scheme->keys.end(), key) != scheme->keys.end()) continue;
    std::string allowed;
    for (const auto& k : scheme->keys) allowed += (allowed.empty() ? "" : ", ") + k;
    config_error(name, uri, "unknown query key '" + key + "' (allowed: " + (allowed.empty() ? "none" : allowed) + ")");
  }
  return *scheme;
}

}  // namespace

std::unique_ptr<PowerSupply> make_power_supply(asio::any_io_executor executor, const std::string& name,
                                               const Uri& uri, const InstrumentOptions& options) {
  const auto& scheme = checked_scheme(name, uri, options, InstrumentKind::psu);
  return scheme.make_psu(std::move(executor), name, uri, options, scheme);
}

std::unique_ptr<ThermalChamber> make_thermal_chamber(asio::any_io_executor executor, const std::string& name,
                                                     const Uri& uri, const InstrumentOptions& options) {
  const auto& scheme = checked_scheme(name, uri, options, InstrumentKind::chamber);
  return scheme.make_chamber(std::move(executor), name, uri, options, scheme);
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
