#include "bench/participants/participant.hpp"

namespace ob::bench {

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string fault_limit_reason(const DeviceState& device, const drivers::Fault& fault) {
  return device.name + ": " + std::to_string(device.consecutive_faults) + " consecutive faults, last: " + fault.message();
}

DeviceState Participant::add_device(const std::string& name, const char* kind, const std::string& uri,
                                    const drivers::Identity& identity) {
  db::DeviceRow row{name, kind, uri, identity.vendor, identity.model, identity.serial, identity.firmware};
  DeviceState state;
  state.name = name;
  state.device_id = bench_.recorder().add_device(bench_.campaign_id(), row);
  return state;
}

void Participant::add_channel(DeviceState& device, const std::string& name, const std::string& unit) {
  device.channels[name] = bench_.recorder().add_channel(device.device_id, name, unit);
}

void Participant::sample(const PhaseRun& run, const DeviceState& device, const std::string& channel, double t_s, double wall_s,
                         double value) {
  bench_.recorder().add_sample(db::SampleRow{run.run_id, device.channels.at(channel), t_s, wall_s, value});
}

void Participant::note_fault(DeviceState& device, const drivers::Fault& fault, std::int64_t run_id, double t_s) {
  if (bench_.count_fault(device, fault, run_id, t_s)) {
    bench_.abort_campaign(AbortCause::instrument_faults, fault_limit_reason(device, fault));
  }
}

void Participant::note_reconnects(DeviceState& device, std::uint64_t count, const std::string& reason, std::int64_t run_id,
                                  double t_s) {
  if (count <= device.reconnects_seen) return;
  const auto added = count - device.reconnects_seen;
  bench_.event(run_id, device.device_id, t_s, EventKind::reconnect, Severity::warning,
               device.name + ": link re-established (" + std::to_string(added) + " reconnect" + (added == 1 ? "" : "s") + ", " +
                   std::to_string(count) + " in all" + (reason.empty() ? "" : "; after: " + reason) + ")");
  device.reconnects_seen = count;
}

}  // namespace ob::bench
