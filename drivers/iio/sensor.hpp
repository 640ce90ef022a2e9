#pragma once
// Bench sensors read through the Linux IIO subsystem (libiio): board thermocouples (MAX31856)
// and shunt power monitors (INA226), locally or from a remote iiod. One interface, SensorHub;
// the libiio implementation is drivers/iio/iio_sensor_hub.hpp (built with ORBITBENCH_WITH_IIO).
// This header has no libiio dependency: the URI and unit helpers below are pure and always built.
//
// URIs (libiio's own, with an `iio:` prefix that may be left out):
//   iio:ip:HOST[:PORT]     remote iiod (PORT defaults to 30431)
//   iio:local:             this machine's /sys/bus/iio
//   iio:usb:[BUS.ADDR[.INTF]]
//   iio:xml:PATH           structure only (attribute reads fail): for tests
// Channels are addressed DEVICE/CHANNEL: max31856/temp, ina226/voltage1, ina226/power2,
// ina226/current3. DEVICE matches the IIO device id (iio:device0), label or name; CHANNEL the
// channel id or name (input channels). Values are (raw + offset) × scale (or `input` when the
// channel has it), converted from IIO's milli-units to °C, V, A, W.
#include <asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/common/fault.hpp"
#include "drivers/common/identity.hpp"

namespace ob::drivers {

constexpr std::uint16_t kIiodDefaultPort = 30431;

struct SensorReading {
  double value = 0;  // in `unit`
  std::string unit;  // "°C", "V", "A", "W", or "" for a channel type without a known unit
  double t_s = 0;    // host clock (UNIX time, seconds) when the value was read
  // The device's own timestamp of this value (seconds), when it has one: set for a channel that is
  // a scan element of a device with a buffer-capable `timestamp` channel, whose value then comes
  // from a one-sample buffered scan (IIO has no sysfs attribute for the timestamp). The kernel
  // stamps scans with the device's current_timestamp_clock: CLOCK_REALTIME (UNIX time) unless
  // someone changed it. A value whose device_t_s does not advance from one read to the next is
  // stale (a stuck sensor, a hung driver). Unset for attribute-only channels and devices.
  std::optional<double> device_t_s;
};

// One block of a buffered capture (libiio buffers): `samples` scans of channels on one device.
struct CaptureBlock {
  std::vector<std::string> channels;        // DEVICE/CHANNEL as asked
  std::vector<std::string> units;           // per channel, as SensorReading::unit
  std::vector<std::vector<double>> values;  // values[channel][sample], SI units
  // Per sample: the device's own timestamp channel (UNIX time, seconds) when it has one;
  // otherwise host time at the end of the refill, spread back at the sampling frequency.
  std::vector<double> t_s;
  bool device_timestamps = false;  // t_s came from the device's timestamp channel
};

struct SensorHubOptions {
  std::vector<std::string> channels;        // DEVICE/CHANNEL, each checked at configure()
  std::chrono::milliseconds timeout{1000};  // libiio's I/O timeout; our deadline per read is 3× + 500 ms
  std::chrono::milliseconds connect_timeout{6000};  // deadline of creating a context
  int reconnect_attempts = 3;                       // per reconnect
  std::chrono::milliseconds reconnect_backoff{100};  // doubled per attempt: 100, 200, 400 ms
};

class SensorHub {
 public:
  virtual ~SensorHub() = default;

  // Creates the context and resolves every configured channel. A missing device or channel is
  // FaultKind::protocol naming it and listing what exists ("ina226/voltage9: no channel
  // 'voltage9' on ina226 (channels: voltage0, voltage1, power2, current3, timestamp)").
  virtual asio::awaitable<Result<Identity>> configure() = 0;
  // One single read of DEVICE/CHANNEL (configured or not); raw, offset, scale applied, SI units.
  // A scan element of a device with a timestamp channel is read as a one-sample scan (with
  // device_t_s); any other channel by its attributes (`input`, else raw/offset/scale).
  virtual asio::awaitable<Result<SensorReading>> read(std::string channel) = 0;
  // Every configured channel in order; stops at the first fault. Per device with a timestamp
  // channel, ONE one-sample scan of its configured scan elements: their values and device_t_s come
  // from the same scan. Other channels by their attributes, without device_t_s.
  virtual asio::awaitable<Result<std::vector<SensorReading>>> read_all() = 0;
  // Buffered capture: `samples` scans of `channels` (scan elements of ONE device), with the
  // device's timestamp channel when it has one. sampling_frequency_hz > 0 first writes the
  // device's (in_)sampling_frequency. A channel that is not a scan element, channels on two
  // devices, or a device without buffers is FaultKind::protocol naming it.
  virtual asio::awaitable<Result<CaptureBlock>> capture(std::vector<std::string> channels, std::size_t samples,
                                                        double sampling_frequency_hz = 0) = 0;
  // Every input channel of the context, DEVICE/CHANNEL (device by label, else name, else id).
  virtual asio::awaitable<Result<std::vector<std::string>>> list_channels() = 0;

  virtual const std::string& name() const = 0;
  virtual const std::vector<std::string>& channels() const = 0;
  virtual int reconnect_count() const = 0;
  virtual const std::string& last_reconnect_reason() const = 0;
};

// --- pure helpers (header-only, unit-tested) ---------------------------------------------

struct IioUri {
  std::string backend;      // "ip", "local", "usb", "xml"
  std::string host;         // ip only
  std::optional<std::uint16_t> port;  // ip only, when given
  std::string libiio_uri;   // what iio_create_context_from_uri gets: "ip:127.0.0.1:30431"
};

// nullopt + `why` for a malformed URI.
inline std::optional<IioUri> parse_iio_uri(std::string_view text, std::string* why = nullptr) {
  auto bad = [&](std::string reason) -> std::optional<IioUri> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  if (text.starts_with("iio:")) text.remove_prefix(4);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return bad("expected iio:ip:HOST[:PORT], iio:local:, iio:usb:[BUS.ADDR] or iio:xml:PATH");
  IioUri uri;
  uri.backend = std::string(text.substr(0, colon));
  const auto rest = text.substr(colon + 1);
  if (uri.backend == "local") {
    if (!rest.empty()) return bad("iio:local: takes nothing after the colon");
  } else if (uri.backend == "usb") {
    for (char c : rest) {
      if (!(c >= '0' && c <= '9') && c != '.') return bad("iio:usb: expects BUS.ADDR[.INTF] (digits and dots)");
    }
  } else if (uri.backend == "xml") {
    if (rest.empty()) return bad("iio:xml: needs a file path");
  } else if (uri.backend == "ip") {
    if (rest.empty()) return bad("iio:ip: needs a host");
    std::string_view host = rest;
    std::string_view port_text;
    if (rest.front() == '[') {  // [IPv6]:port
      const auto close = rest.find(']');
      if (close == std::string_view::npos) return bad("unterminated '[' in IPv6 host");
      host = rest.substr(1, close - 1);
      const auto after = rest.substr(close + 1);
      if (!after.empty()) {
        if (after.front() != ':') return bad("expected ':PORT' after ']'");
        port_text = after.substr(1);
        if (port_text.empty()) return bad("empty port");
      }
    } else if (const auto last = rest.rfind(':'); last != std::string_view::npos) {
      if (rest.find(':') != last) return bad("an IPv6 host must be written [ADDR]:PORT");
      host = rest.substr(0, last);
      port_text = rest.substr(last + 1);
      if (port_text.empty()) return bad("empty port");
    }
    if (host.empty()) return bad("iio:ip: needs a host");
    if (!port_text.empty()) {
      unsigned long port = 0;
      for (char c : port_text) {
        if (c < '0' || c > '9') return bad("port '" + std::string(port_text) + "' is not a number");
        port = port * 10 + static_cast<unsigned long>(c - '0');
        if (port > 65535) return bad("port '" + std::string(port_text) + "' is out of range");
      }
      if (port == 0) return bad("port 0 is not allowed");
      uri.port = static_cast<std::uint16_t>(port);
    }
    uri.host = std::string(host);
  } else {
    return bad("unknown IIO backend '" + uri.backend + "' (ip, local, usb, xml)");
  }
  uri.libiio_uri = std::string(text);
  return uri;
}

struct ChannelAddress {
  std::string device;
  std::string channel;
};

// "ina226/voltage1" → {ina226, voltage1}; nullopt unless exactly one '/' with text on each side.
inline std::optional<ChannelAddress> parse_channel_address(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  if (text.find('/', slash + 1) != std::string_view::npos) return std::nullopt;
  return ChannelAddress{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
}

struct IioUnit {
  const char* unit;  // SI unit after conversion
  double factor;     // IIO value × factor = value in `unit`
};

// By channel id prefix (IIO ABI: in_temp* m°C, in_voltage* mV, in_current* mA, in_power* mW).
inline IioUnit iio_unit_for_channel(std::string_view channel_id) {
  if (channel_id.starts_with("temp")) return {"°C", 1e-3};
  if (channel_id.starts_with("voltage") || channel_id.starts_with("altvoltage")) return {"V", 1e-3};
  if (channel_id.starts_with("current")) return {"A", 1e-3};
  if (channel_id.starts_with("power")) return {"W", 1e-3};
  return {"", 1.0};
}

// IIO ABI: processed = (raw + offset) × scale, in milli-units; then to SI.
inline double iio_convert(double raw, double scale, double offset, std::string_view channel_id) {
  return (raw + offset) * scale * iio_unit_for_channel(channel_id).factor;
}

}  // namespace ob::drivers
