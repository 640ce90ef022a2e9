#pragma once
// Feeds the live view what a running campaign records (`--serve`): its events and its pass/fail
// judgements as the runner hands them to the recorder, named by device and run.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "bench/live/live_model.hpp"
#include "db/recorder.hpp"

namespace ob::bench::live {

class RecorderTap final : public db::RecorderObserver {
 public:
  explicit RecorderTap(LiveModel& model) : model_(model) {}

  void on_device(std::int64_t device_id, const db::DeviceRow& row) override;
  void on_run(std::int64_t run_id, const db::RunRow& row) override;
  void on_event(const db::EventRow& row) override;
  void on_measurement(const db::MeasurementRow& row) override;

 private:
  std::string device_name(const std::optional<std::int64_t>& device_id) const;
  std::string run_label(std::int64_t run_id) const;

  LiveModel& model_;
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::string> devices_;
  std::map<std::int64_t, std::string> runs_;
};

}  // namespace ob::bench::live
