#pragma once
// One interface for every programmable power supply. Lifecycle as in ros2_control:
// configure() connects and identifies; the runner then sets limits and switches outputs;
// safe_state() switches every output off and is always safe to call (also after a fault).
//
// Protection, regulation and watchdog calls were added later with defaults, so a driver that
// lacks them still compiles: the defaults answer FaultKind::nak "not supported".
#include <asio/awaitable.hpp>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "drivers/common/fault.hpp"
#include "drivers/common/identity.hpp"

namespace ob::drivers {

struct PsuChannelSpec {
  double max_voltage_v = 0;
  double max_current_a = 0;
  double max_power_w = 0;  // 0: no separate power rating (V x I never exceeds it)
};

// What the output regulates right now. `unknown`: the model cannot say, or the output is off
// and the model reports nothing for an off output.
enum class PsuRegulation { unknown, constant_voltage, constant_current, unregulated };
const char* to_string(PsuRegulation regulation);  // "unknown", "CV", "CC", "UR"
std::ostream& operator<<(std::ostream& out, PsuRegulation regulation);  // to_string(), for logs and tests

struct PsuReading {
  double voltage_v = 0;
  double current_a = 0;
  double power_w = 0;
  bool output_on = false;
  PsuRegulation regulation = PsuRegulation::unknown;  // filled when the dialect can report it
  // The protections' trip state, read in the same exchange where the model can report it.
  std::optional<bool> ovp_tripped;
  std::optional<bool> ocp_tripped;
};

// Trip state of one channel's protections; nullopt where the model cannot report that one.
struct PsuProtectionStatus {
  std::optional<bool> ovp_tripped;
  std::optional<bool> ocp_tripped;
  bool any_tripped() const { return ovp_tripped.value_or(false) || ocp_tripped.value_or(false); }
};

// What the model behind a driver can do (from its dialect table).
struct PsuCapabilities {
  bool regulation = false;      // PsuReading::regulation / regulation()
  bool ovp = false;             // configure_ovp
  bool ovp_level = false;       //   ... with a programmable level
  bool ocp = false;             // configure_ocp
  bool ocp_level = false;       //   ... with a programmable level (else it trips at the current limit)
  bool protection_status = false;
  bool watchdog = false;        // configure_watchdog
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
  // Why the link was last re-established (the fault that lost it), "" before any reconnect.
  virtual std::string last_reconnect_reason() const { return {}; }

  virtual PsuCapabilities capabilities() const { return {}; }
  // CV / CC / unregulated of one channel.
  virtual asio::awaitable<Result<PsuRegulation>> regulation(int channel);
  // Over-voltage / over-current protection of one channel. `level` nullopt keeps the level the
  // instrument has (required where the level is not programmable, e.g. an OCP that trips at the
  // current limit); a level above 110 % of the channel rating is refused as out_of_range.
  // A model without the feature (or without a way to switch it off, when enabled == false)
  // answers FaultKind::nak "... not supported by <model>".
  virtual asio::awaitable<Status> configure_ovp(int channel, std::optional<double> level_v, bool enabled);
  virtual asio::awaitable<Status> configure_ocp(int channel, std::optional<double> level_a, bool enabled);
  virtual asio::awaitable<Result<PsuProtectionStatus>> protection_status(int channel);
  // Clears the channel's OVP/OCP trips (the output stays off until set_output(on)).
  virtual asio::awaitable<Status> clear_protection(int channel);
  // Output watchdog (OUTP:PROT:WDOG): all outputs off when no command arrives for delay_s.
  virtual asio::awaitable<Status> configure_watchdog(bool enabled, double delay_s);
};

}  // namespace ob::drivers
