#pragma once
// The instruments of one station, connected for one campaign: drivers made from the station's
// URIs, with `sim://` URIs (or `simulated: true`) resolved against an in-process simulated lab.
#include <asio/any_io_executor.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/config/station_config.hpp"
#include "drivers/chamber/thermal_chamber.hpp"
#include "drivers/gpu/gpu_board.hpp"
#include "drivers/iio/sensor.hpp"
#include "drivers/psu/power_supply.hpp"

namespace ob::fixtures {
class SimLab;
}

namespace ob::bench {

struct PsuHandle {
  std::string name;
  std::string uri;  // as resolved
  std::optional<double> sample_period_s;  // the station's; unset = the campaign's
  std::unique_ptr<drivers::PowerSupply> driver;
  drivers::Identity identity;
  bool watchdog_armed = false;
};

struct ChamberHandle {
  std::string name;
  std::string uri;
  double max_ramp_c_per_min = 5;
  // A simulated lab's (in this process, or `ramp_clock: profile`): its physics runs at the
  // campaign's speed, so its rated ramp holds per profile minute. A real chamber ramps per wall
  // minute.
  bool in_process_sim = false;
  std::optional<double> sample_period_s;
  std::unique_ptr<drivers::ThermalChamber> driver;
  const InstrumentConfig* config = nullptr;
  drivers::Identity identity;
};

struct BoardHandle {
  const DutConfig* config = nullptr;
  std::string uri;
  std::unique_ptr<drivers::GpuBoard> driver;
  drivers::Identity identity;
  PsuHandle* supply = nullptr;
};

// One IIO context and the DUT sensors read from it, in the order of driver->channels().
struct SensorHubHandle {
  struct Reading {
    std::size_t board = 0;  // index into boards()
    const DutSensorConfig* sensor = nullptr;
  };
  std::string name;
  std::string uri;
  std::optional<double> sample_period_s;
  std::unique_ptr<drivers::SensorHub> driver;
  drivers::Identity identity;
  std::vector<Reading> readings;
};

class LabSession {
 public:
  // Starts the simulated lab first when the station asks for it (speed = the campaign's speed).
  // Throws ConfigError / std::invalid_argument for URIs no driver supports.
  LabSession(asio::any_io_executor executor, const StationConfig& station, double speed);
  ~LabSession();

  std::vector<PsuHandle>& supplies() { return supplies_; }
  ChamberHandle& chamber() { return chamber_; }
  std::vector<BoardHandle>& boards() { return boards_; }
  std::vector<SensorHubHandle>& sensor_hubs() { return sensor_hubs_; }
  bool simulated() const { return sim_lab_ != nullptr; }

 private:
  // A dry run: the board is simulated (sim:// agent) but its supply is real (drivers/README.md,
  // bench/readback_fed_supply.hpp).
  static bool dry_run(const StationConfig& station, const DutConfig& dut);
  // Wraps a real supply that feeds simulated boards so its readback powers them.
  void feed_dry_run_boards(const StationConfig& station, PsuHandle& supply);
  std::string resolve(const InstrumentConfig& instrument) const;  // as the lab reaches it
  std::string resolve_agent(const DutConfig& dut) const;
  SensorHubHandle make_sensor_hub(asio::any_io_executor executor, const StationConfig& station,
                                  const InstrumentConfig& instrument) const;

  std::unique_ptr<fixtures::SimLab> sim_lab_;
  bool all_simulated_ = false;  // `simulated: true`: every instrument is the simulated lab's
  std::vector<PsuHandle> supplies_;
  ChamberHandle chamber_;
  std::vector<BoardHandle> boards_;
  std::vector<SensorHubHandle> sensor_hubs_;
};

}  // namespace ob::bench
