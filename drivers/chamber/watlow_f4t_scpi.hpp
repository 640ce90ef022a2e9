#pragma once
// ThermalChamber for the Watlow F4T over its SCPI-like interface (TCP 5025, "\n" lines):
//   configure  :UNIT:TEMPERATURE? (C or F; values are converted, the driver speaks °C)
//              + :SOURCE:CLOOPn:PVALUE? (the loop answers)
//   set        :SOURCE:CLOOPn:SPOINT 25.0, then :SOURCE:CLOOPn:SPOINT? must read it back
//   read       :SOURCE:CLOOPn:PVALUE? + :SOURCE:CLOOPn:SPOINT?
// The documented command set has no loop mode, range or alarm queries, so: spec() is the
// station's limits (ChamberSpec defaults without them); activate() only checks the link (the
// loop controls whenever the controller is in auto) and running reports true; safe_state()
// parks the setpoint at ambient_c (clamped to spec()); alarm_count stays 0; the ramp rate is
// nak. Use watlow-f4t+modbus for loop on/off.
#include <asio/any_io_executor.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/chamber/thermal_chamber.hpp"
#include "drivers/transport/instrument_link.hpp"

namespace ob::drivers {

constexpr std::uint16_t kWatlowF4tScpiDefaultPort = 5025;

struct WatlowF4tScpiOptions {
  int loop = 1;                      // 1..4
  std::optional<double> min_temp_c;  // the station's (DUT's) limits
  std::optional<double> max_temp_c;
  double ambient_c = 23;             // safe_state() setpoint
  TcpLineOptions link;               // link.instrument = station name; terminator "\n"
};

enum class TemperatureUnit { celsius, fahrenheit };
// ":UNIT:TEMPERATURE?" reply: C / F / CELSIUS / FAHRENHEIT (any case); nullopt otherwise.
std::optional<TemperatureUnit> parse_temperature_unit(std::string_view reply);

class WatlowF4tScpiChamber final : public ThermalChamber {
 public:
  WatlowF4tScpiChamber(asio::any_io_executor executor, std::string host, std::uint16_t port,
                       WatlowF4tScpiOptions options);

  asio::awaitable<Result<Identity>> configure() override;
  ChamberSpec spec() const override { return spec_; }
  asio::awaitable<Status> set_setpoint(double temp_c) override;
  asio::awaitable<Status> activate() override;
  asio::awaitable<Result<ChamberReading>> read() override;
  asio::awaitable<Status> safe_state() override;
  std::uint64_t reconnect_count() const override { return link_.reconnect_count(); }
  std::string last_reconnect_reason() const override { return link_.last_reconnect_reason(); }

  TemperatureUnit unit() const { return unit_; }
  const std::string& name() const { return link_.instrument(); }

 private:
  asio::awaitable<Result<TemperatureUnit>> read_unit();
  asio::awaitable<Status> write_setpoint(double temp_c);
  Result<double> to_celsius(const std::string& command, const std::string& reply) const;
  std::string command(std::string_view node) const;  // ":SOURCE:CLOOP<n>:<node>"

  InstrumentLink link_;
  int loop_;
  double ambient_c_;
  ChamberSpec spec_;
  TemperatureUnit unit_ = TemperatureUnit::celsius;
};

}  // namespace ob::drivers
