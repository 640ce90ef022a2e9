#pragma once
// The campaign's own interlocks (`interlocks:` in the campaign file) beside the station's fixed
// ones (board_temp_c, sensor min/max, a lost agent): a channel above or below a level for a
// while (profile time) isolates the board it belongs to, or takes the whole station to its safe
// state. Pure: the runner feeds every reading in and acts on the trips.
//
//   interlocks:
//     rail_over_current: { channel: supply_current_a, above: 2.8, action: isolate }
//     chamber_deviation: { channel: chamber.deviation_c, above: 5, for: 10m, action: safe_state }
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ob::bench {

enum class InterlockAction { isolate, safe_state };
const char* to_string(InterlockAction action);

// Per-DUT channels every board has besides its own telemetry (kBoardChannels) and its sensors.
inline constexpr std::string_view kSupplyInterlockChannels[] = {"supply_voltage_v", "supply_current_a", "supply_power_w"};
// Station-wide channels.
inline constexpr std::string_view kChamberAirChannel = "chamber.air_temp_c";
inline constexpr std::string_view kChamberDeviationChannel = "chamber.deviation_c";  // |air - setpoint|

struct InterlockRule {
  std::string name;
  std::string channel;
  std::optional<double> above;
  std::optional<double> below;
  double for_s = 0;  // profile seconds the condition must hold (0: the first reading trips)
  InterlockAction action = InterlockAction::isolate;
  int line = 0;
  bool station_wide() const { return channel.rfind("chamber.", 0) == 0; }
};

struct InterlockTrip {
  const InterlockRule* rule = nullptr;
  std::optional<std::size_t> dut;  // unset for a station-wide channel
  double value = 0;
  double held_s = 0;  // how long the condition had held
  std::string describe(const std::string& dut_name) const;  // "interlock rail_over_current: board-01 supply_current_a 2.95 above 2.8 (held 0 s)"
};

class InterlockMonitor {
 public:
  InterlockMonitor() = default;
  InterlockMonitor(std::vector<InterlockRule> rules, std::size_t dut_count);

  bool watches(std::string_view channel) const { return by_channel_.find(channel) != by_channel_.end(); }
  // One reading at campaign profile time t_s (monotonic across runs). A trip is reported once
  // per rule and DUT; the condition clearing before `for` has passed starts it over.
  std::optional<InterlockTrip> observe(std::optional<std::size_t> dut, std::string_view channel, double value, double t_s);
  const std::vector<InterlockRule>& rules() const { return rules_; }

 private:
  struct State {
    std::optional<double> since_t_s;
    bool tripped = false;
  };
  std::vector<InterlockRule> rules_;
  std::size_t scopes_ = 1;  // DUTs + 1 (the station)
  std::map<std::string, std::vector<std::size_t>, std::less<>> by_channel_;
  std::vector<State> states_;  // rule × scope
};

}  // namespace ob::bench
