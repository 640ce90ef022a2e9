#pragma once
// One IIO context (libiio) as a participant: it reads the DUT sensors the station names on it
// (thermocouples, shunt monitors) every tick, records each under the board it measures, and
// judges them against their min/max (an interlock that isolates the board). A device whose own
// timestamp (its buffered scans' timestamp channel) stops advancing is giving stale readings:
// a warning on the board it measures, and another when it is fresh again.
#include <map>

#include "bench/lab_session.hpp"
#include "bench/participants/participant.hpp"

namespace ob::bench {

class SensorParticipant final : public Participant {
 public:
  SensorParticipant(BenchContext& bench, SensorHubHandle& hub);

  const std::string& name() const override { return hub_.name; }
  asio::awaitable<drivers::Status> configure() override;
  // The hub's own row; its sensors' channels on the boards they measure.
  void register_device() override;
  std::optional<double> sample_period_s() const override { return hub_.sample_period_s; }
  asio::awaitable<void> tick(PhaseRun& run, double t_s) override;
  // Sensors are only read: nothing to switch off.
  asio::awaitable<drivers::Status> safe_state() override { co_return drivers::Status{}; }

 private:
  void check_limits(const PhaseRun& run, std::size_t board, const DutSensorConfig& sensor, const drivers::SensorReading& reading,
                    double t_s);

  // Per IIO device and board it measures: its last device timestamp and whether it stopped.
  struct DeviceClock {
    double last_t_s = 0;
    double stale_since_t_s = 0;  // profile time of the first stale reading
    bool stale = false;
  };
  void check_fresh(const PhaseRun& run, std::size_t board, const std::string& device, double device_t_s, double t_s);

  SensorHubHandle& hub_;
  DeviceState device_;
  std::map<std::pair<std::string, std::size_t>, DeviceClock> clocks_;
};

}  // namespace ob::bench
