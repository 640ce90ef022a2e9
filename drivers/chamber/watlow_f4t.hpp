#pragma once
// ThermalChamber for the Watlow F4T controller over Modbus TCP (port 502, unit 1): 0-based
// holding registers, 32-bit floats in two registers LOW word first; loop N at offset
// (N-1) x 160 (Watlow F4T Setup and Operations User's Guide, appendix "Modbus registers"; Espec's
// ChamberConnectLibrary watlowf4t.py agrees, drivers/README.md cites both):
//   setpoint (r/w) 2782+o   process value 2820+o   current (ramping) setpoint 2810+o
//   range min / max 2774+o / 2776+o
//   control mode (write) 2730+o, active control mode (read) 2814+o: 62 Off, 10 Auto (closed
//   loop), 54 Manual (open loop at a fixed power %)
//   display units (global) 1328: 15 = °C, 30 = °F — every temperature register is in them
//   alarm N state 1356 + 100 x (N-1): 88 Startup, 61 None, 12 Blocked are quiet; anything else
//   (7 Alarm high, 8 Alarm low, 28 Error, …) is a raised alarm
//   ramp action / scale / rate 2794+o / 2796+o / 2798+o (not used: the runner ramps the setpoint)
//   configure  display units, range min/max (-> spec(), intersected with the station's), PV
//   set        FC 16 setpoint (in display units)    activate  FC 6 mode 10 (Auto)
//   safe_state FC 6 mode 62 (Off)
//   read       PV, setpoint, active mode (running = Auto), every alarm's state
// Temperatures cross this interface in °C: converted from and to the display units.
// A Modbus exception response is FaultKind::nak naming the code; set_ramp_rate -> nak.
#include <asio/any_io_executor.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "drivers/chamber/thermal_chamber.hpp"
#include "drivers/transport/modbus_tcp.hpp"

namespace ob::drivers {

constexpr int kF4tLoopStride = 160;
constexpr std::uint16_t kF4tModeOff = 62;
constexpr std::uint16_t kF4tModeAuto = 10;
constexpr std::uint16_t kF4tModeManual = 54;
constexpr std::uint16_t kF4tDisplayUnitsRegister = 1328;
constexpr std::uint16_t kF4tUnitsCelsius = 15;
constexpr std::uint16_t kF4tUnitsFahrenheit = 30;
constexpr std::uint16_t kF4tAlarmStateBase = 1356;  // alarm N: + 100 x (N-1)
constexpr int kF4tAlarmStride = 100;
constexpr int kF4tDefaultAlarms = 6;  // the fewest an F4T has (part number digit 7: A, D)

// Alarm N's state register (1-based).
std::uint16_t f4t_alarm_state_register(int alarm);
// What an alarm state value means; nullopt when the alarm is quiet (Startup, None, Blocked).
std::optional<std::string> f4t_alarm_state_text(std::uint16_t state);

// Register addresses of one control loop (1-based loop number, 1..4).
struct F4tRegisters {
  std::uint16_t loop_mode = 0;    // the commanded control mode (write)
  std::uint16_t active_mode = 0;  // the control mode in effect (read)
  std::uint16_t range_min = 0;
  std::uint16_t range_max = 0;
  std::uint16_t setpoint = 0;
  std::uint16_t current_setpoint = 0;
  std::uint16_t process_value = 0;
};
F4tRegisters f4t_registers(int loop);

// IEEE-754 single in two registers, LOW word first (F4T order): {low16, high16}.
std::pair<std::uint16_t, std::uint16_t> float_to_words_low_first(float value);
float float_from_words_low_first(std::uint16_t first, std::uint16_t second);

struct WatlowF4tOptions {
  int loop = 1;                      // 1..4
  int alarms = kF4tDefaultAlarms;    // alarm blocks whose state read() reads (1..14)
  std::optional<double> min_temp_c;  // the station's (DUT's) limits, narrowing the loop's range
  std::optional<double> max_temp_c;
  ModbusTcpOptions modbus;  // modbus.instrument = station name; modbus.unit_id from ?unit=
};

class WatlowF4tChamber final : public ThermalChamber {
 public:
  WatlowF4tChamber(asio::any_io_executor executor, std::string host, std::uint16_t port, WatlowF4tOptions options);

  asio::awaitable<Result<Identity>> configure() override;
  ChamberSpec spec() const override { return spec_; }
  asio::awaitable<Status> set_setpoint(double temp_c) override;
  asio::awaitable<Status> activate() override;
  asio::awaitable<Result<ChamberReading>> read() override;
  asio::awaitable<Status> safe_state() override;
  std::uint64_t reconnect_count() const override { return modbus_.reconnect_count(); }
  std::string last_reconnect_reason() const override { return modbus_.last_reconnect_reason(); }

  // The setpoint the controller is ramping through right now (2810+o).
  asio::awaitable<Result<double>> ramping_setpoint();
  const F4tRegisters& registers() const { return registers_; }
  std::optional<ChamberSpec> chamber_limits() const override { return chamber_limits_; }
  const std::string& name() const { return modbus_.instrument(); }

 private:
  asio::awaitable<Result<double>> read_float(std::uint16_t address);  // as held: in display units
  asio::awaitable<Result<double>> read_temp_c(std::uint16_t address);  // converted to °C
  double to_c(double display) const { return fahrenheit_ ? (display - 32.0) * 5.0 / 9.0 : display; }
  double from_c(double temp_c) const { return fahrenheit_ ? temp_c * 9.0 / 5.0 + 32.0 : temp_c; }

  ModbusTcpClient modbus_;
  int loop_;
  int alarms_;
  bool fahrenheit_ = false;  // display units °F (register 1328), read at configure()
  F4tRegisters registers_;
  std::optional<double> station_min_c_;
  std::optional<double> station_max_c_;
  std::optional<ChamberSpec> chamber_limits_;
  ChamberSpec spec_;
};

}  // namespace ob::drivers
