#include "bench/lab_session.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bench/config/config_error.hpp"
#include "bench/readback_fed_supply.hpp"
#include "drivers/common/uri.hpp"
#include "drivers/gpu/agent_board.hpp"
#include "drivers/instrument_factory.hpp"
#include "drivers/common/number_text.hpp"
#include "drivers/instrument_registry.hpp"
#include "drivers/scpi/scpi_dialect.hpp"
#include "fixtures/sim_lab.hpp"

namespace ob::bench {
namespace {

bool uses_sim_uri(const StationConfig& station) {
  auto is_sim = [](const std::string& uri) { return uri.starts_with("sim://"); };
  return std::any_of(station.instruments.begin(), station.instruments.end(),
                     [&](const InstrumentConfig& i) { return is_sim(i.uri); }) ||
         std::any_of(station.duts.begin(), station.duts.end(), [&](const DutConfig& d) { return is_sim(d.agent_uri); });
}

// The simulated model an instrument of `kind` gets when the station names one the default lab
// lacks (sim://psu-b): the station's `model:` where the lab simulates it (sim://psu-hp with
// model: N5767A), else the simulated model of the kind's first scheme in the instrument registry.
fixtures::SimModel sim_model_for(const InstrumentConfig& instrument) {
  // The station's model names a simulated one: its lab name (n5767a), or the model it
  // identifies as, matched as the driver matches *IDN? (one SCPI table entry: "PSI 9080-120").
  const auto names = [&](fixtures::SimModel candidate) {
    if (drivers::iequals(instrument.model, fixtures::sim_model_name(candidate))) return true;
    const auto identity = fixtures::sim_model_identity(candidate);
    if (identity.empty() || instrument.model.empty()) return false;
    if (drivers::iequals(instrument.model, identity)) return true;
    const auto said = drivers::find_scpi_dialect(instrument.model);
    const auto simulated = drivers::find_scpi_dialect(identity);
    return said && simulated && said->model == simulated->model;
  };
  const auto fits = [&](fixtures::SimModel candidate) {
    switch (instrument.kind) {
      case InstrumentKind::psu: return fixtures::is_supply(candidate);
      case InstrumentKind::chamber: return fixtures::is_chamber(candidate);
      case InstrumentKind::sensors: return candidate == fixtures::SimModel::iiod;
    }
    return false;
  };
  for (const auto candidate : fixtures::kSimModels) {
    if (fits(candidate) && names(candidate)) return candidate;
  }
  for (const auto& scheme : drivers::instrument_schemes()) {
    if (scheme.kind != instrument.kind) continue;
    if (const auto stand_in = fixtures::parse_sim_model(scheme.sim_model)) return *stand_in;
  }
  throw std::logic_error("instrument registry: no simulated model for a " + std::string(drivers::kind_name(instrument.kind)));
}

// Which simulated instrument a station entry stands for: sim://NAME names it; a real URI (in a
// `simulated: true` station) gets the default lab's instrument of its scheme's simulated model
// (instrument registry: watlow-f4t+modbus → chamber-f4t, scpi+tcp → psu, …).
std::string sim_name(const InstrumentConfig& instrument) {
  if (instrument.uri.starts_with("sim://")) return drivers::parse_uri(instrument.uri).host;
  const auto* scheme = drivers::find_scheme(drivers::scheme_of(instrument.uri));
  const auto model = scheme == nullptr ? std::nullopt : fixtures::parse_sim_model(scheme->sim_model);
  for (const auto& spec : fixtures::default_sim_instruments({})) {
    if (model && spec.model == *model) return spec.name;
  }
  throw ConfigError("instruments." + instrument.name + ": '" + instrument.uri + "' has no simulated stand-in");
}

// The default simulated lab, plus one more instrument for every sim://NAME the station names
// that the default lab lacks (sim://psu-b: a second DP832; model: N5767A: an N5767A), so a
// simulated station can have as many supplies as its boards need.
std::vector<fixtures::SimInstrumentSpec> simulated_instruments(const StationConfig& station,
                                                                const fixtures::SimLabOptions& options) {
  auto instruments = fixtures::default_sim_instruments(options);
  for (const auto& instrument : station.instruments) {
    if (!instrument.uri.starts_with("sim://")) continue;
    const std::string name = drivers::parse_uri(instrument.uri).host;
    const bool known = std::any_of(instruments.begin(), instruments.end(),
                                   [&](const fixtures::SimInstrumentSpec& spec) { return spec.name == name; });
    if (known) continue;
    fixtures::SimInstrumentSpec spec;
    spec.name = name;
    spec.model = sim_model_for(instrument);
    instruments.push_back(spec);
  }
  return instruments;
}

// A dry run's simulated board on a real supply is fed from that supply's readback through a
// simulated supply of its own, named after the board (fixtures: `feed <supply> 1 <volts> on|off`).
std::string dry_run_feed_name(const DutConfig& dut) { return "dry-run-" + dut.name; }

// The simulated board a DUT stands for follows its rail: a 48..54-V supply feeds an SXM
// module (an H100-class board at 700 W), a 12-V channel the scaled 30-W board.
constexpr double kSxmRailMinV = 40;
fixtures::BoardClass board_class_for(const DutConfig& dut) {
  return dut.supply.voltage_v >= kSxmRailMinV ? fixtures::BoardClass::h100_sxm : fixtures::BoardClass::scaled;
}

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long>(seconds * 1000.0));
}

}  // namespace

LabSession::LabSession(asio::any_io_executor executor, const StationConfig& station, double speed) {
  if (station.simulated || uses_sim_uri(station)) {
    fixtures::SimLabOptions options;
    options.speed = speed;
    options.boards = static_cast<int>(station.duts.size());
    // Each simulated board is fed by the supply channel, and sits in the chamber, the station says.
    const auto* chamber = station.first_of(InstrumentKind::chamber);
    std::vector<fixtures::SimInstrumentSpec> dry_run_feeds;
    for (const auto& dut : station.duts) {
      const auto* supply = station.find_instrument(dut.supply.instrument);
      const std::string chamber_name = chamber ? sim_name(*chamber) : "";
      if (dry_run(station, dut)) {  // a simulated board on a real supply: fed from its readback
        options.board_feeds.push_back(fixtures::SimBoardFeed{dry_run_feed_name(dut), 1, chamber_name, board_class_for(dut)});
        dry_run_feeds.push_back(fixtures::SimInstrumentSpec{dry_run_feed_name(dut), fixtures::SimModel::dp832, 0, 1, 0});
        continue;
      }
      options.board_feeds.push_back(
          fixtures::SimBoardFeed{sim_name(*supply), dut.supply.channel, chamber_name, board_class_for(dut)});
    }
    options.instruments = simulated_instruments(station, options);
    options.instruments.insert(options.instruments.end(), dry_run_feeds.begin(), dry_run_feeds.end());
    sim_lab_ = std::make_unique<fixtures::SimLab>(options);
    sim_lab_->start();
    all_simulated_ = station.simulated;
  }
  for (const auto& instrument : station.instruments) {
    drivers::InstrumentOptions options;
    options.model = instrument.model;
    options.timeout = to_ms(instrument.timeout_s);
    options.min_temp_c = instrument.min_temp_c;
    options.max_temp_c = instrument.max_temp_c;
    if (instrument.kind == InstrumentKind::sensors) {
      sensor_hubs_.push_back(make_sensor_hub(executor, station, instrument));
      continue;
    }
    if (instrument.kind == InstrumentKind::psu) {
      PsuHandle handle;
      handle.name = instrument.name;
      handle.uri = resolve(instrument);
      handle.sample_period_s = instrument.sample_period_s;
      handle.driver = drivers::make_power_supply(executor, instrument.name, drivers::parse_uri(handle.uri), options);
      feed_dry_run_boards(station, handle);
      supplies_.push_back(std::move(handle));
      continue;
    }
    if (chamber_.driver) {
      throw ConfigError(station.label + ":" + std::to_string(instrument.line) + ": instruments." + instrument.name +
                        ": only one thermal chamber per station is supported");
    }
    chamber_.name = instrument.name;
    chamber_.uri = resolve(instrument);
    chamber_.max_ramp_c_per_min = instrument.max_ramp_c_per_min;
    chamber_.in_process_sim =
        instrument.ramps_in_profile_time || (sim_lab_ && (all_simulated_ || instrument.uri.starts_with("sim://")));
    chamber_.config = &instrument;
    chamber_.sample_period_s = instrument.sample_period_s;
    chamber_.driver = drivers::make_thermal_chamber(executor, instrument.name, drivers::parse_uri(chamber_.uri), options);
  }
  for (const auto& dut : station.duts) {
    BoardHandle handle;
    handle.config = &dut;
    handle.uri = resolve_agent(dut);
    drivers::GpuBoardOptions options;
    options.gpu_index = dut.gpu_index;
    // A board of the simulated lab authenticates with the lab's agent secret.
    if (sim_lab_ && (all_simulated_ || dut.agent_uri.starts_with("sim://"))) options.secret = sim_lab_->agent_secret();
    if (!dut.agent_secret_file.empty()) {
      try {
        options.secret = drivers::read_agent_secret_file(dut.agent_secret_file, dut.name);
      } catch (const std::invalid_argument& e) {
        throw ConfigError(station.label + ":" + std::to_string(dut.line) + ": duts." + dut.name + ".secret_file: " + e.what());
      }
    }
    handle.driver = drivers::make_gpu_board(executor, dut.name, drivers::parse_uri(handle.uri), options);
    for (auto& supply : supplies_) {
      if (supply.name == dut.supply.instrument) handle.supply = &supply;
    }
    boards_.push_back(std::move(handle));
  }
}

LabSession::~LabSession() = default;

bool LabSession::dry_run(const StationConfig& station, const DutConfig& dut) {
  if (station.simulated || !dut.agent_uri.starts_with("sim://")) return false;
  const auto* supply = station.find_instrument(dut.supply.instrument);
  return supply != nullptr && !supply->uri.starts_with("sim://");
}

void LabSession::feed_dry_run_boards(const StationConfig& station, PsuHandle& supply) {
  if (!sim_lab_) return;
  std::map<int, std::vector<std::string>> feeds;  // real channel -> the simulated boards' feeds
  for (const auto& dut : station.duts) {
    if (dut.supply.instrument == supply.name && dry_run(station, dut)) feeds[dut.supply.channel].push_back(dry_run_feed_name(dut));
  }
  if (feeds.empty()) return;
  std::set<int> channels;
  for (const auto& [channel, names] : feeds) channels.insert(channel);
  auto* lab = sim_lab_.get();
  supply.driver = std::make_unique<ReadbackFedSupply>(
      std::move(supply.driver), std::move(channels), [lab, feeds](int channel, double voltage_v, bool output_on) {
        const auto found = feeds.find(channel);
        if (found == feeds.end()) return;
        for (const auto& name : found->second) {
          lab->control("feed " + name + " 1 " + std::to_string(voltage_v) + (output_on ? " on" : " off"));
        }
      });
}

SensorHubHandle LabSession::make_sensor_hub(asio::any_io_executor executor, const StationConfig& station,
                                            const InstrumentConfig& instrument) const {
  SensorHubHandle handle;
  handle.name = instrument.name;
  handle.uri = resolve(instrument);
  handle.sample_period_s = instrument.sample_period_s;
  drivers::SensorHubOptions options;
  options.timeout = to_ms(instrument.timeout_s);
  for (std::size_t board = 0; board < station.duts.size(); ++board) {
    for (const auto& sensor : station.duts[board].sensors) {
      if (sensor.hub != instrument.name) continue;
      options.channels.push_back(sensor.channel);
      handle.readings.push_back(SensorHubHandle::Reading{board, &sensor});
    }
  }
  handle.driver = drivers::make_sensor_hub(std::move(executor), instrument.name, handle.uri, options);
  return handle;
}

std::string LabSession::resolve(const InstrumentConfig& instrument) const {
  // In a simulated station every instrument is the simulated lab's, whatever its URI says;
  // sim://NAME names one of the simulated lab's instruments (`orbitbench lab` lists them).
  if (!sim_lab_ || !(all_simulated_ || instrument.uri.starts_with("sim://"))) return instrument.uri;
  const std::string name = sim_name(instrument);
  try {
    return sim_lab_->uri(name);
  } catch (const std::out_of_range&) {
    throw ConfigError("'" + instrument.uri + "': the simulated lab has no instrument named " + name);
  }
}

std::string LabSession::resolve_agent(const DutConfig& dut) const {
  if (!sim_lab_ || !(all_simulated_ || dut.agent_uri.starts_with("sim://"))) return dut.agent_uri;
  return sim_lab_->agent_uri() + "?gpu=" + std::to_string(dut.gpu_index);
}

}  // namespace ob::bench
