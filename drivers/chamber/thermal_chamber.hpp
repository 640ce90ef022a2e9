#pragma once
// One interface for every thermal chamber. configure() connects and identifies;
// activate() starts constant-temperature operation; safe_state() returns the chamber to
// standby (air handling on, no active heating/cooling) and is always safe to call.
// Ramp-rate calls were added later with defaults (FaultKind::nak "not supported").
#include <asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/common/fault.hpp"
#include "drivers/common/identity.hpp"

namespace ob::drivers {

struct ChamberSpec {
  double min_temp_c = -40;
  double max_temp_c = 150;
};

struct ChamberReading {
  double air_temp_c = 0;
  double setpoint_c = 0;
  bool running = false;  // constant-temperature mode active
  int alarm_count = 0;
  std::vector<std::string> alarms;  // the controller's alarm codes/texts, when it lists them
};

class ThermalChamber {
 public:
  virtual ~ThermalChamber() = default;

  virtual asio::awaitable<Result<Identity>> configure() = 0;
  virtual ChamberSpec spec() const = 0;
  // The range the controller itself reports (after configure()), before the station narrows it;
  // nullopt where the model cannot say. A station that claims more than this is misconfigured.
  virtual std::optional<ChamberSpec> chamber_limits() const { return std::nullopt; }
  // Refused with FaultKind::out_of_range before anything is sent when outside spec().
  virtual asio::awaitable<Status> set_setpoint(double temp_c) = 0;
  virtual asio::awaitable<Status> activate() = 0;
  virtual asio::awaitable<Result<ChamberReading>> read() = 0;
  virtual asio::awaitable<Status> safe_state() = 0;
  // Times the link to the chamber was re-established since construction (logged as events).
  virtual std::uint64_t reconnect_count() const { return 0; }
  // Why the link was last re-established (the fault that lost it), "" before any reconnect.
  virtual std::string last_reconnect_reason() const { return {}; }

  // Setpoint ramp limit in °C per minute (0 = step). FaultKind::nak where the controller has no
  // programmable ramp in constant mode.
  virtual asio::awaitable<Status> set_ramp_rate(double rate_c_per_min);
  virtual asio::awaitable<Result<double>> ramp_rate();
};

}  // namespace ob::drivers
