#pragma once
// ThermalChamber for the Watlow F4T controller over Modbus TCP (port 502, unit 1): 0-based
// holding registers, 32-bit floats in two registers LOW word first; loop N at offset
// (N-1) x 160:
//   setpoint (r/w) 2782+o   process value 2820+o   current (ramping) setpoint 2810+o
//   range min / max 2774+o / 2776+o               loop mode 2730+o (10 = off, 54 = auto)
//   configure  read range min/max (-> spec(), intersected with the station's) and the PV
//   set        FC 16 setpoint     activate  FC 6 mode 54     safe_state  FC 6 mode 10 (off)
//   read       PV, setpoint, mode (running = auto)
// A Modbus exception response is FaultKind::nak naming the code. Alarms and the ramp rate are
// not read (their registers are not in protocols.md): alarm_count 0, set_ramp_rate -> nak.
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
constexpr std::uint16_t kF4tModeOff = 10;
constexpr std::uint16_t kF4tModeAuto = 54;

// Register addresses of one control loop (1-based loop number, 1..4).
struct F4tRegisters {
  std::uint16_t loop_mode = 0;
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
  asio::awaitable<Result<double>> read_float(std::uint16_t address);

  ModbusTcpClient modbus_;
  int loop_;
  F4tRegisters registers_;
  std::optional<double> station_min_c_;
  std::optional<double> station_max_c_;
  std::optional<ChamberSpec> chamber_limits_;
  ChamberSpec spec_;
};

}  // namespace ob::drivers
