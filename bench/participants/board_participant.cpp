#include "bench/participants/board_participant.hpp"

#include <cmath>
#include <cstdio>

#include "bench/board_channels.hpp"
#include "bench/soak_monitor.hpp"

namespace ob::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Power-cap changes smaller than this are not worth a command.
constexpr double kPowerCapDeadbandW = 0.1;
// An enforced power cap further than this from the commanded one, on this many reads in a row
// (a new cap takes a read to show), is a board fault.
constexpr double kPowerCapToleranceW = 1.0;
constexpr double kPowerCapToleranceFraction = 0.02;
constexpr int kCapMismatchReads = 3;
// Wall seconds a running workload may report no throughput before it is a fault.
constexpr double kStalledWorkloadS = 5.0;

}  // namespace

BoardParticipant::BoardParticipant(BenchContext& bench, BoardHandle& board, std::size_t index)
    : Participant(bench), board_(board), index_(index) {}

asio::awaitable<drivers::Status> BoardParticipant::configure() {
  co_return co_await identify(board_);
}

void BoardParticipant::register_device() {
  state_.device = add_device(board_.config->name, "gpu", board_.uri, board_.identity);
  for (const auto& channel : kBoardChannels) add_channel(state_.device, std::string(channel.name), std::string(channel.unit));
}

asio::awaitable<bool> BoardParticipant::energise(double power_cap_w) {
  state_.commanded_cap_w = 0;
  if (state_.isolated) co_return true;  // isolated before a resume: it stays off
  auto& board = *board_.driver;
  if (auto status = co_await board.set_power_cap(power_cap_w); !bench_.expect(status)) co_return false;
  if (auto status = co_await board.start_workload(bench_.config().workload); !bench_.expect(status)) co_return false;
  state_.commanded_cap_w = power_cap_w;
  co_return true;
}

asio::awaitable<drivers::Status> BoardParticipant::safe_state() { co_return co_await board_.driver->safe_state(); }

asio::awaitable<void> BoardParticipant::tick(PhaseRun& run, double t_s) {
  if (state_.isolated) co_return;
  auto& device = state_.device;
  const Targets targets = run.targets->at(t_s);
  const double cap_w = targets.duts[index_].power_cap_w;
  if (std::abs(cap_w - state_.commanded_cap_w) > kPowerCapDeadbandW) {
    auto status = co_await board_.driver->set_power_cap(cap_w);
    if (!status) co_return co_await link_fault(status.error(), run, t_s);
    state_.commanded_cap_w = cap_w;
  }
  auto telemetry = co_await board_.driver->read_telemetry();
  if (!telemetry) co_return co_await link_fault(telemetry.error(), run, t_s);
  device.consecutive_faults = 0;
  const double wall = unix_now_s();
  const auto& t = *telemetry;
  const auto values = board_channel_values(t);
  for (std::size_t channel = 0; channel < kBoardChannelCount; ++channel) {
    sample(run, device, std::string(kBoardChannels[channel].name), t_s, wall, values[channel]);
  }
  for (std::size_t channel = 0; channel < kBoardChannelCount && !state_.isolated; ++channel) {
    bench_.check_interlock(run, index_, kBoardChannels[channel].name, values[channel], t_s);
  }
  std::optional<bool> sunlit;
  if (targets.illumination) sunlit = *targets.illumination >= kSunlitThreshold;
  if (run.soaking && bench_.soak()) bench_.soak()->board(index_, t_s, t.gpu_temp_c);
  // Judged only on what was measured: after the soak, and never while its supply was off.
  if (run.measuring(t_s) && !state_.checks.supply_off) state_.statistics.add(t.tflops, t.gpu_temp_c, t.power_w, sunlit);
  check_readbacks(run, t, t_s);
  auto& status = bench_.progress().boards[index_];
  status.tflops = t.tflops;
  status.temp_c = t.gpu_temp_c;
  status.power_w = t.power_w;
  status.sm_clock_mhz = t.sm_clock_mhz;
  status.throttle = decode_clock_event_reasons(t.clock_event_reasons);
  status.seen = true;
  if (t.clock_event_reasons != state_.last_reasons) {
    bench_.event(run.run_id, device.device_id, t_s, EventKind::throttle, Severity::info,
                 name() + " clock event reasons: " + (status.throttle.empty() ? std::string("none") : status.throttle));
    state_.last_reasons = t.clock_event_reasons;
  }
  note_error_counts(run, t, t_s);
  const double limit_c = board_.config->limits.board_temp_c;
  if (t.gpu_temp_c > limit_c) {
    char message[160];
    std::snprintf(message, sizeof message, "%s at %.1f °C, above its limit of %.1f °C: safe state", name().c_str(), t.gpu_temp_c,
                  limit_c);
    bench_.event(run.run_id, device.device_id, t_s, EventKind::interlock, Severity::error, message);
    bench_.isolate(index_, std::string("interlock: ") + message, run, t_s);
  }
}

// ECC counts and silent data corruption (results that failed their reference checksum): an
// event for every increase, with the new total, from the first reading of the campaign on.
void BoardParticipant::note_error_counts(const PhaseRun& run, const drivers::GpuTelemetry& t, double t_s) {
  const ErrorCounts now{t.ecc_corrected, t.ecc_uncorrected, t.sdc_count};
  state_.max_temp_c = std::max(state_.max_temp_c, t.gpu_temp_c);
  auto& last = state_.last_error_counts;
  if (!state_.first_error_counts) state_.first_error_counts = now;
  if (!last) {
    last = now;
    return;
  }
  auto report = [&](std::uint64_t before, std::uint64_t after, EventKind kind, Severity severity, const char* what) {
    if (after <= before) return;
    const std::string message =
        name() + ": " + std::to_string(after - before) + " new " + what + " (" + std::to_string(after) + " in all)";
    bench_.event(run.run_id, state_.device.device_id, t_s, kind, severity, message);
    bench_.progress().last_event = message;
  };
  report(last->ecc_corrected, now.ecc_corrected, EventKind::ecc, Severity::warning, "corrected ECC error(s)");
  report(last->ecc_uncorrected, now.ecc_uncorrected, EventKind::ecc, Severity::error, "uncorrected ECC error(s)");
  report(last->sdc, now.sdc, EventKind::sdc, Severity::error, "result(s) that failed the reference checksum");
  last = now;
}

// The board's own readbacks: the enforced power cap against the one commanded, and a workload
// that should be running but reports no throughput.
void BoardParticipant::check_readbacks(const PhaseRun& run, const drivers::GpuTelemetry& t, double t_s) {
  auto& check = state_.checks;
  const double commanded_w = state_.commanded_cap_w;
  const bool cap_differs = commanded_w > 0 && t.power_limit_w > 0 &&
                           std::abs(t.power_limit_w - commanded_w) >
                               std::max(kPowerCapToleranceW, commanded_w * kPowerCapToleranceFraction);
  check.cap_mismatches = cap_differs ? check.cap_mismatches + 1 : 0;
  if (check.cap_mismatches == kCapMismatchReads && !check.cap_fault_recorded) {
    check.cap_fault_recorded = true;
    char what[200];
    std::snprintf(what, sizeof what, "power cap %.1f W enforced, %.1f W commanded (%s)", t.power_limit_w, commanded_w,
                  run.label.c_str());
    readback_fault(run, what, t_s);
  }
  const bool working = t.tflops > 0 || t.hbm_gbps > 0;
  const auto now = Clock::now();
  if (working || state_.isolated) {
    check.idle_since.reset();
    check.idle_fault_open = false;
    return;
  }
  if (!check.idle_since) check.idle_since = now;
  // A duty-cycled workload rests for part of each period; beyond that, a few seconds.
  const auto& workload = bench_.config().workload;
  const double allowed_s = kStalledWorkloadS + (1.0 - workload.duty_cycle) * workload.period_s;
  const double idle_s = std::chrono::duration<double>(now - *check.idle_since).count();
  if (idle_s <= allowed_s || check.idle_fault_open) return;
  check.idle_fault_open = true;
  char what[200];
  std::snprintf(what, sizeof what, "workload reported no throughput for %.1f s (workload %s, %s)", idle_s,
                t.workload_running ? "running" : "not running", run.label.c_str());
  readback_fault(run, what, t_s);
}

void BoardParticipant::readback_fault(const PhaseRun& run, const std::string& what, double t_s) {
  bench_.event(run.run_id, state_.device.device_id, t_s, EventKind::board_fault, Severity::error, name() + ": " + what);
  bench_.recorder().add_measurement(
      db::MeasurementRow{run.run_id, state_.device.device_id, "board_fault", 1.0, "count", std::nullopt, 0.0, "fail"});
  state_.failure_causes.push_back(what);
  bench_.progress().last_event = name() + ": " + what;
}

// A command or read that failed: counted (max_consecutive_faults in a row isolate the board);
// a lost agent link is re-established and the workload put back.
asio::awaitable<void> BoardParticipant::link_fault(const drivers::Fault& fault, const PhaseRun& run, double t_s) {
  auto& device = state_.device;
  if (bench_.count_fault(device, fault, run.run_id, t_s)) {
    bench_.isolate(index_, fault_limit_reason(device, fault), run, t_s);
    co_return;
  }
  if (bench_.aborting()) co_return;
  // The agent connection is gone (the driver closes it after a reply it cannot trust too):
  // reconnect, identify, and put the workload back. A reconnect that fails is recorded; the
  // next tick's fault counts.
  if (fault.kind != drivers::FaultKind::link_lost && fault.kind != drivers::FaultKind::timeout &&
      fault.kind != drivers::FaultKind::protocol) {
    co_return;
  }
  auto identity = co_await board_.driver->configure();
  if (!identity) {
    bench_.event(run.run_id, device.device_id, t_s, EventKind::reconnect, Severity::error,
                 name() + ": reconnecting to the agent failed: " + identity.error().message());
    co_return;
  }
  auto started = co_await board_.driver->start_workload(bench_.config().workload);
  bench_.event(run.run_id, device.device_id, t_s, EventKind::reconnect, started ? Severity::info : Severity::warning,
               name() + ": reconnected to the agent" + (started ? "" : "; restarting the workload failed"));
}

}  // namespace ob::bench
