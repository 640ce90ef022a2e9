#include "bench/live/recorder_tap.hpp"

namespace ob::bench::live {

void RecorderTap::on_device(std::int64_t device_id, const db::DeviceRow& row) {
  const std::lock_guard lock(mutex_);
  devices_[device_id] = row.name;
}

void RecorderTap::on_run(std::int64_t run_id, const db::RunRow& row) {
  const std::lock_guard lock(mutex_);
  runs_[run_id] = row.label;
}

std::string RecorderTap::device_name(const std::optional<std::int64_t>& device_id) const {
  if (!device_id) return {};
  const std::lock_guard lock(mutex_);
  const auto found = devices_.find(*device_id);
  return found != devices_.end() ? found->second : "device " + std::to_string(*device_id);
}

std::string RecorderTap::run_label(std::int64_t run_id) const {
  const std::lock_guard lock(mutex_);
  const auto found = runs_.find(run_id);
  return found != runs_.end() ? found->second : "run " + std::to_string(run_id);  // recorded before a resume
}

void RecorderTap::on_event(const db::EventRow& row) {
  model_.add_event(LiveEvent{row.wall_unix_s, row.t_s, row.kind, row.severity, device_name(row.device_id), row.message});
}

void RecorderTap::on_measurement(const db::MeasurementRow& row) {
  if (row.verdict != "pass" && row.verdict != "fail") return;
  model_.add_verdict(LiveVerdict{run_label(row.run_id), device_name(row.device_id), row.name, row.value, row.unit, row.verdict});
}

}  // namespace ob::bench::live
