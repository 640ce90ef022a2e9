#pragma once
// ThermalChamber for Espec P-300 / SCP-220 controllers: ASCII lines over TCP (port 10001) or a
// serial port (RS-232/485), "\r\n"-terminated, one reply line per command. On RS-485 every
// command carries the controller's address (`1,TEMP?`; replies are read unprefixed — unconfirmed). Set commands are answered `OK:...`; a
// refusal is `NA:<reason>` (FaultKind::nak carrying the text).
//   configure  ROM? (firmware), TYPE? (model), TEMP? (pv,sp,high,low -> spec())
//   set        TEMP, S25.0         activate  MODE,CONSTANT        safe_state  MODE,STANDBY
//   read       MON? (pv,humidity,mode,alarms) + TEMP? (setpoint); when MON? counts alarms,
//              ALARM? ("0" or "<count>,<code>,...") fills ChamberReading::alarms (a controller
//              answering ALARM? with NA: keeps the count only)
// Setpoints outside spec() are refused before anything is sent. spec() is the chamber's
// TEMP? limits intersected with the station's min/max (before configure(): the station's).
// One exchange in flight at a time (InstrumentLink's async mutex).
#include <asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/chamber/thermal_chamber.hpp"
#include "drivers/transport/instrument_link.hpp"

namespace ob::drivers {

constexpr std::uint16_t kEspecDefaultPort = 10001;  // espec+tcp

struct EspecOptions {
  std::optional<double> min_temp_c;  // the station's (DUT's) limits, narrowing the chamber's
  std::optional<double> max_temp_c;
  TcpLineOptions link;  // link.instrument = station name; terminator "\r\n" (TCP constructor only)
  int address = 0;      // RS-485 address prefixed to every command ("1,TEMP?"); 0 = none
};

class EspecChamber final : public ThermalChamber {
 public:
  EspecChamber(asio::any_io_executor executor, std::string host, std::uint16_t port, EspecOptions options);
  // Over any line transport (SerialLineClient for RS-232/485); options.link is not used.
  EspecChamber(std::unique_ptr<LineTransport> transport, EspecOptions options);

  asio::awaitable<Result<Identity>> configure() override;
  ChamberSpec spec() const override { return spec_; }
  asio::awaitable<Status> set_setpoint(double temp_c) override;
  asio::awaitable<Status> activate() override;
  asio::awaitable<Result<ChamberReading>> read() override;
  asio::awaitable<Status> safe_state() override;
  std::uint64_t reconnect_count() const override { return link_.reconnect_count(); }
  std::string last_reconnect_reason() const override { return link_.last_reconnect_reason(); }

  // One raw line, no range check (diagnostics consoles, tests). The reply; `NA:...` -> nak.
  asio::awaitable<Result<std::string>> raw_command(std::string line);

  // The chamber's own limits from TEMP? (nullopt before configure()).
  std::optional<ChamberSpec> chamber_limits() const override { return chamber_limits_; }
  const std::string& name() const { return link_.instrument(); }

 private:
  asio::awaitable<Result<std::string>> query(std::string command);
  asio::awaitable<Status> command_expecting_ok(std::string command);
  std::string addressed(const std::string& command) const;

  InstrumentLink link_;
  int address_ = 0;
  std::optional<double> station_min_c_;
  std::optional<double> station_max_c_;
  std::optional<ChamberSpec> chamber_limits_;
  ChamberSpec spec_;
};

// Reply parsers, exposed for tests. nullopt when the reply does not have the expected fields.
struct EspecTempReply {
  double pv_c = 0;
  double sp_c = 0;
  double high_limit_c = 0;
  double low_limit_c = 0;
};
std::optional<EspecTempReply> parse_espec_temp(std::string_view reply);
std::optional<ChamberReading> parse_espec_mon(std::string_view reply);  // setpoint_c left 0
// TYPE?: "drybulb[,wetbulb],controller,tempmax" (Espec's ChamberConnectLibrary, P300.read_type:
// the sensor types, the controller and the chamber's maximum temperature), e.g. "T,P300,150" or
// "T,S,P300,150" on a humidity chamber.
struct EspecTypeReply {
  std::string drybulb;
  std::optional<std::string> wetbulb;
  std::string controller;
  double temp_max_c = 0;
};
std::optional<EspecTypeReply> parse_espec_type(std::string_view reply);
// ROM?: the controller's ROM version ("P300 Ver 1.06"); its first word names the controller
// model (ChamberConnectLibrary's Espec.process_controller tells P300 from SCP-220 by it).
std::string espec_model_from_rom(std::string_view reply);
// ALARM?: "0", or the number of alarms followed by their codes ("1,3"; "2,3,17").
struct EspecAlarmReply {
  int count = 0;
  std::vector<std::string> codes;
};
std::optional<EspecAlarmReply> parse_espec_alarm(std::string_view reply);

}  // namespace ob::drivers
