#pragma once
// One interface for every programmable power supply. Lifecycle as in ros2_control:
// configure() connects and identifies; the runner then sets limits and switches outputs;
// safe_state() switches every output off and is always safe to call (also after a fault).
#include <asio/awaitable.hpp>
#include <cstdint>

#include "drivers/common/fault.hpp"
#include "drivers/common/identity.hpp"

namespace ob::drivers {

struct PsuChannelSpec {
  double max_voltage_v = 0;
  double max_current_a = 0;
};

struct PsuReading {
  double voltage_v = 0;
  double current_a = 0;
  double power_w = 0;
  bool output_on = false;
};

class PowerSupply {
 public:
  virtual ~PowerSupply() = default;

  // Connect, *IDN?, check the model matches the dialect (and the station's `model:` if given).
  virtual asio::awaitable<Result<Identity>> configure() = 0;
  // Channels are 1-based as on the front panel.
  virtual int channel_count() const = 0;
  virtual PsuChannelSpec channel_spec(int channel) const = 0;
  // Refused with FaultKind::out_of_range before anything is sent when outside channel_spec().
  virtual asio::awaitable<Status> set_voltage(int channel, double voltage_v) = 0;
  virtual asio::awaitable<Status> set_current_limit(int channel, double current_a) = 0;
  virtual asio::awaitable<Status> set_output(int channel, bool on) = 0;
  virtual asio::awaitable<Result<PsuReading>> measure(int channel) = 0;
  // All outputs off. Reconnects if needed; reports the fault if even that fails.
  virtual asio::awaitable<Status> safe_state() = 0;
  // Times the link to the instrument was re-established since construction (the runner logs
  // increments as events). 0 for drivers without a reconnecting link.
  virtual std::uint64_t reconnect_count() const { return 0; }
};

}  // namespace ob::drivers
