#include "bench/participants/sensor_participant.hpp"

#include <cstdio>

#include "bench/participants/board_state.hpp"

namespace ob::bench {
namespace {

std::string sensor_unit(const std::string& name) {
  if (name.ends_with("_c")) return "degC";
  if (name.ends_with("_v")) return "V";
  if (name.ends_with("_a")) return "A";
  return "W";  // the station parser allows only _c, _v, _a, _w
}

}  // namespace

SensorParticipant::SensorParticipant(BenchContext& bench, SensorHubHandle& hub) : Participant(bench), hub_(hub) {}

// A sensor the station names but the context lacks fails here, before anything is energised.
asio::awaitable<drivers::Status> SensorParticipant::configure() {
  co_return co_await identify(hub_);
}

void SensorParticipant::register_device() {
  device_ = add_device(hub_.name, "sensors", hub_.uri, hub_.identity);
  // IIO sensors are recorded under the DUT they measure, next to what the board reports.
  for (const auto& reading : hub_.readings) {
    add_channel(bench_.board_state(reading.board).device, reading.sensor->name, sensor_unit(reading.sensor->name));
  }
}

asio::awaitable<void> SensorParticipant::tick(PhaseRun& run, double t_s) {
  auto readings = co_await hub_.driver->read_all();
  note_reconnects(device_, static_cast<std::uint64_t>(hub_.driver->reconnect_count()), hub_.driver->last_reconnect_reason(),
                  run.run_id, t_s);
  if (!readings) co_return note_fault(device_, readings.error(), run.run_id, t_s);
  device_.consecutive_faults = 0;
  std::map<std::pair<std::string, std::size_t>, double> scans;  // one timestamp per device's scan
  for (std::size_t i = 0; i < readings->size() && i < hub_.readings.size(); ++i) {
    const auto& [board, sensor] = hub_.readings[i];
    const auto& reading = (*readings)[i];
    if (reading.device_t_s) scans[{sensor->channel.substr(0, sensor->channel.find('/')), board}] = *reading.device_t_s;
  }
  for (const auto& [key, device_t_s] : scans) check_fresh(run, key.second, key.first, device_t_s, t_s);
  for (std::size_t i = 0; i < readings->size() && i < hub_.readings.size(); ++i) {
    const auto& [board, sensor] = hub_.readings[i];
    const auto& reading = (*readings)[i];
    auto& state = bench_.board_state(board);
    sample(run, state.device, sensor->name, t_s, reading.t_s, reading.value);  // also after isolation
    if (!state.isolated) check_limits(run, board, *sensor, reading, t_s);
    if (!state.isolated) bench_.check_interlock(run, board, sensor->name, reading.value, t_s);
  }
}

// A device's timestamp that did not advance since its last reading: the value is not new (a
// stuck sensor, a hung driver). Checked once per device and board per tick (its channels share
// one scan); a warning when it stops, an info when it moves again.
void SensorParticipant::check_fresh(const PhaseRun& run, std::size_t board, const std::string& device, double device_t_s,
                                    double t_s) {
  auto [it, first] = clocks_.try_emplace({device, board});
  auto& clock = it->second;
  if (first) {
    clock.last_t_s = device_t_s;
    return;
  }
  auto& state = bench_.board_state(board);
  if (device_t_s > clock.last_t_s) {
    clock.last_t_s = device_t_s;
    if (!clock.stale) return;
    clock.stale = false;
    char message[256];
    std::snprintf(message, sizeof message, "%s: %s %s gives fresh readings again (stale for %.0f s of profile time)",
                  state.device.name.c_str(), hub_.name.c_str(), device.c_str(), t_s - clock.stale_since_t_s);
    bench_.event(run.run_id, state.device.device_id, t_s, EventKind::sensor_stale, Severity::info, message);
    return;
  }
  if (clock.stale) return;
  clock.stale = true;
  clock.stale_since_t_s = t_s;
  std::string sensors;
  for (const auto& reading : hub_.readings) {
    if (reading.board == board && reading.sensor->channel.starts_with(device + "/")) {
      sensors += (sensors.empty() ? "" : ", ") + reading.sensor->name;
    }
  }
  char message[400];
  std::snprintf(message, sizeof message,
                "%s: %s %s timestamp stopped advancing (%.3f s, as at its last reading): its readings (%s) are stale",
                state.device.name.c_str(), hub_.name.c_str(), device.c_str(), device_t_s, sensors.c_str());
  bench_.event(run.run_id, state.device.device_id, t_s, EventKind::sensor_stale, Severity::warning, message);
  bench_.progress().last_event = message;
}

void SensorParticipant::check_limits(const PhaseRun& run, std::size_t board, const DutSensorConfig& sensor,
                                     const drivers::SensorReading& reading, double t_s) {
  const bool above = sensor.max && reading.value > *sensor.max;
  const bool below = sensor.min && reading.value < *sensor.min;
  if (!above && !below) return;
  auto& state = bench_.board_state(board);
  char message[256];
  std::snprintf(message, sizeof message, "%s %s at %.3g %s, %s its limit of %.3g %s (%s %s): safe state", state.device.name.c_str(),
                sensor.name.c_str(), reading.value, reading.unit.c_str(), above ? "above" : "below",
                above ? *sensor.max : *sensor.min, reading.unit.c_str(), hub_.name.c_str(), sensor.channel.c_str());
  bench_.event(run.run_id, state.device.device_id, t_s, EventKind::interlock, Severity::error, message);
  bench_.isolate(board, std::string("interlock: ") + message, run, t_s);
}

}  // namespace ob::bench
