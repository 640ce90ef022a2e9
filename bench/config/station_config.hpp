#pragma once
// station.yaml: what is on the bench (instruments with URIs, DUTs with their agent, supply
// channel and limits). Schema: docs/configuration.md.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/instrument_kind.hpp"

namespace ob::bench {

using InstrumentKind = drivers::InstrumentKind;  // psu, chamber, sensors (an IIO context)

struct InstrumentConfig {
  std::string name;
  InstrumentKind kind = InstrumentKind::psu;
  std::string uri;
  std::string model;  // expected model; empty = take it from *IDN?
  double timeout_s = 1.0;
  // chamber only
  std::optional<double> min_temp_c;
  std::optional<double> max_temp_c;
  double max_ramp_c_per_min = 5;
  // ramp_clock: profile — the chamber's physics runs at the campaign's speed (a simulated lab
  // served by `orbitbench lab --speed S`), so its rated ramp holds per profile minute. Default:
  // wall, as a real chamber (the in-process simulated lab of sim:// URIs is profile by itself).
  bool ramps_in_profile_time = false;
  // Wall seconds between its readings (and setpoint updates); unset = the campaign's sample_period_s.
  std::optional<double> sample_period_s;
  int line = 0;  // where it was declared, for messages
};

struct SupplyConfig {
  std::string instrument;
  int channel = 1;
  double voltage_v = 12;
  double max_voltage_v = 12.6;
  double max_current_a = 3;
  int line = 0;  // where it was declared, for messages
};

// One IIO channel measuring a DUT (a thermocouple on its heat spreader, a shunt monitor on
// its rail), recorded under the DUT as `name` next to what the board reports. min/max make it
// an interlock: a reading outside them takes the station to its safe state.
struct DutSensorConfig {
  std::string name;     // channel name in the database, e.g. "heatsink_temp_c"
  std::string hub;      // the sensors instrument it is read from
  std::string channel;  // DEVICE/CHANNEL, e.g. "board0-thermocouple/temp"
  std::optional<double> min;
  std::optional<double> max;
  int line = 0;
};

struct DutLimits {
  double board_temp_c = 85;  // interlock: safe state above this
  std::optional<double> max_power_w;  // the cap never goes above this
};

struct DutConfig {
  std::string name;
  std::string agent_uri;
  std::string agent_secret_file;  // the agent's shared secret (0600), relative to the station file
  std::uint32_t gpu_index = 0;
  SupplyConfig supply;
  DutLimits limits;
  std::vector<DutSensorConfig> sensors;
  std::optional<double> sample_period_s;  // the board's telemetry and power-cap updates; unset = the campaign's
  int line = 0;
};

// `results:` — where the station's results go besides its own file (issue 20).
struct ResultsConfig {
  std::string push_url;       // a lab's PostgreSQL (postgresql://…) pushed to while recording; "" for none
  double push_every_s = 30;   // how often
};

struct StationConfig {
  std::string label;  // file the station came from
  std::string text;   // the file as read, for provenance
  std::string name;
  bool simulated = false;  // start the simulated lab in-process
  ResultsConfig results;
  std::vector<InstrumentConfig> instruments;
  std::vector<DutConfig> duts;

  const InstrumentConfig* find_instrument(const std::string& name) const;
  const InstrumentConfig* first_of(InstrumentKind kind) const;
};

// True for the channels a GPU board's own telemetry is recorded under (bench/board_channels.hpp).
bool is_board_channel(std::string_view name);

// Throws ConfigError "label:line: field: reason".
StationConfig parse_station(const std::string& label, const std::string& text);

}  // namespace ob::bench
