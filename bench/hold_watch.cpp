#include "bench/hold_watch.hpp"

#include <cstdio>

#include "bench/participants/board_state.hpp"

namespace ob::bench {

HoldWatch::HoldWatch(BenchContext& bench, LabSession& session, int max_consecutive_faults)
    : bench_(bench), session_(session), max_faults_(max_consecutive_faults), board_faults_(session.boards().size(), 0) {}

asio::awaitable<void> HoldWatch::step() {
  auto& boards = session_.boards();
  auto& progress = bench_.progress();
  for (std::size_t i = 0; i < boards.size() && !bench_.aborting(); ++i) {
    if (bench_.board_state(i).isolated) continue;
    auto& board = boards[i];
    const auto telemetry = co_await board.driver->read_telemetry();
    if (!telemetry) {
      if (++board_faults_[i] < max_faults_) continue;
      bench_.abort_campaign(AbortCause::instrument_faults, board.config->name + " stopped answering while the clock was held: " +
                                                               telemetry.error().message());
      co_return;
    }
    board_faults_[i] = 0;
    if (i < progress.boards.size()) {
      auto& status = progress.boards[i];
      status.tflops = telemetry->tflops;
      status.temp_c = telemetry->gpu_temp_c;
      status.power_w = telemetry->power_w;
      status.sm_clock_mhz = telemetry->sm_clock_mhz;
      status.seen = true;
    }
    const double limit_c = board.config->limits.board_temp_c;
    if (telemetry->gpu_temp_c > limit_c) {
      char message[200];
      std::snprintf(message, sizeof message, "%s at %.1f °C, above its limit of %.1f °C while the clock was held: safe state",
                    board.config->name.c_str(), telemetry->gpu_temp_c, limit_c);
      bench_.event(std::nullopt, bench_.board_state(i).device.device_id, std::nullopt, EventKind::interlock, Severity::error, message);
      bench_.abort_campaign(AbortCause::interlock, message);
      co_return;
    }
  }
  if (bench_.aborting()) co_return;
  auto& chamber = session_.chamber();
  const auto reading = co_await chamber.driver->read();
  if (!reading) {
    if (++chamber_faults_ >= max_faults_) {
      bench_.abort_campaign(AbortCause::instrument_faults, chamber.name + " stopped answering while the clock was held: " +
                                                               reading.error().message());
    }
    co_return;
  }
  chamber_faults_ = 0;
  progress.chamber_known = true;
  progress.chamber_air_c = reading->air_temp_c;
  progress.chamber_setpoint_c = reading->setpoint_c;
  if (reading->alarm_count > 0) {
    std::string codes;
    for (const auto& alarm : reading->alarms) codes += (codes.empty() ? " (" : ", ") + alarm;
    if (!codes.empty()) codes += ")";
    const std::string message = chamber.name + " alarm" + codes + " while the clock was held: every instrument into its safe state";
    bench_.event(std::nullopt, std::nullopt, std::nullopt, EventKind::alarm, Severity::error, message);
    bench_.abort_campaign(AbortCause::chamber_alarm, message);
  }
}

}  // namespace ob::bench
