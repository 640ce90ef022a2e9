#include "drivers/instrument_registry.hpp"

#include <array>

#include "drivers/chamber/espec_chamber.hpp"
#include "drivers/chamber/watlow_f4t_scpi.hpp"
#include "drivers/iio/sensor.hpp"
#include "drivers/scheme_factories.hpp"
#include "drivers/transport/modbus_tcp.hpp"

namespace ob::drivers {
namespace {

constexpr std::array<std::string_view, 3> kKindNames{"psu", "chamber", "sensors"};

}  // namespace

std::string_view kind_name(InstrumentKind kind) { return kKindNames.at(static_cast<std::size_t>(kind)); }

std::optional<InstrumentKind> parse_kind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<InstrumentKind>(i);
  }
  return std::nullopt;
}

const std::vector<SchemeInfo>& instrument_schemes() {
  static const std::vector<SchemeInfo> schemes = {
      {"scpi+tcp", InstrumentKind::psu, Transport::tcp,
       "SCPI supplies on a raw socket (Rigol DP800, Keysight E36300 and N5700; drivers/scpi dialect tables)", 0,
       "the model family's: Rigol 5555; Keysight, R&S, Siglent 5025", {"model"}, "dp832", &make_scpi_tcp_supply,
       nullptr},
      {"scpi+serial", InstrumentKind::psu, Transport::serial, "SCPI supplies on RS-232 (\"\\n\")", 0, "a device path",
       {"model", "baud"}, "dp832", &make_scpi_serial_supply, nullptr},
      {"espec+tcp", InstrumentKind::chamber, Transport::tcp, "Espec chambers (P/SH/SU series controllers), ASCII",
       kEspecDefaultPort, "", {}, "espec-p300", nullptr, &make_espec_tcp_chamber},
      {"espec+serial", InstrumentKind::chamber, Transport::serial, "Espec chambers on RS-232/485 (\"\\r\\n\")", 0,
       "a device path", {"baud", "address"}, "espec-p300", nullptr, &make_espec_serial_chamber},
      {"watlow-f4t+modbus", InstrumentKind::chamber, Transport::tcp, "Watlow F4T controllers, Modbus TCP",
       kModbusTcpDefaultPort, "", {"unit", "loop", "alarms"}, "watlow-f4t", nullptr, &make_f4t_modbus_chamber},
      {"watlow-f4t+tcp", InstrumentKind::chamber, Transport::tcp, "Watlow F4T controllers, SCPI-like text",
       kWatlowF4tScpiDefaultPort, "", {"loop"}, "watlow-f4t", nullptr, &make_f4t_tcp_chamber},
      {"iio", InstrumentKind::sensors, Transport::libiio,
       "IIO sensors through libiio: an iiod on the network, local, USB or an XML context", kIiodDefaultPort,
       "", {}, "iiod", nullptr, nullptr},
  };
  return schemes;
}

const SchemeInfo* find_scheme(std::string_view scheme) {
  for (const auto& entry : instrument_schemes()) {
    if (entry.scheme == scheme) return &entry;
  }
  return nullptr;
}

std::string scheme_of(std::string_view uri_text) {
  if (uri_text.starts_with("iio:")) return "iio";
  const auto end = uri_text.find("://");
  return end == std::string_view::npos ? std::string() : std::string(uri_text.substr(0, end));
}

std::string supported_schemes(InstrumentKind kind) {
  std::string out;
  for (const auto& entry : instrument_schemes()) {
    if (entry.kind != kind) continue;
    out += (out.empty() ? "" : ", ") + std::string(entry.scheme);
  }
  return out;
}

std::string schemes_markdown() {
  std::string text =
      "| scheme | kind | URI | default port | query keys | simulated by |\n| --- | --- | --- | --- | --- | --- |\n";
  for (const auto& entry : instrument_schemes()) {
    std::string uri;
    switch (entry.transport) {
      case Transport::tcp: uri = std::string(entry.scheme) + "://HOST[:PORT]"; break;
      case Transport::serial: uri = std::string(entry.scheme) + ":///DEVICE"; break;
      case Transport::libiio: uri = "iio:ip:HOST[:PORT], iio:local:, iio:usb:[BUS.ADDR], iio:xml:PATH"; break;
    }
    std::string port = entry.default_port != 0 ? std::to_string(entry.default_port) : std::string(entry.port_note);
    std::string keys;
    for (const auto& key : entry.keys) keys += (keys.empty() ? "`" : ", `") + key + "`";
    text += "| `" + std::string(entry.scheme) + "` | " + std::string(kind_name(entry.kind)) + " | `" + uri + "` — " +
            std::string(entry.speaks) + " | " + port + " | " + (keys.empty() ? "none" : keys) + " | `" +
            std::string(entry.sim_model) + "` |\n";
  }
  return text;
}

}  // namespace ob::drivers
