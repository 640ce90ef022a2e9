#include "bench/participants/chamber_participant.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <cmath>
#include <cstdio>

#include "bench/interlocks.hpp"
#include "bench/soak_monitor.hpp"
#include "profiles/orbit_profile.hpp"

namespace ob::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Setpoint changes smaller than this are not worth a command.
constexpr double kSetpointDeadbandC = 0.05;
constexpr double kSecondsPerMinute = 60;
// How long (in the chamber's own time) its air may trail an ideal chamber at its rated ramp.
constexpr double kChamberLagS = 60;

// A resumed run re-stabilises (issue 18 item 12): its clock holds until the air has been within
// this of its setpoint for this long (profile time, as the soak's "air within 1 K").
constexpr double kRestableBandC = 1.0;
constexpr double kRestableHoldProfileS = 300;

Clock::duration wall_duration(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

ChamberParticipant::ChamberParticipant(BenchContext& bench, ChamberHandle& chamber, double chamber_speed)
    : Participant(bench), chamber_(chamber), chamber_speed_(chamber_speed) {}

asio::awaitable<drivers::Status> ChamberParticipant::configure() {
  co_return co_await identify(chamber_);
}

void ChamberParticipant::register_device() {
  device_ = add_device(chamber_.name, "chamber", chamber_.uri, chamber_.identity);
  add_channel(device_, "air_temp_c", "degC");
  add_channel(device_, "setpoint_c", "degC");
}

asio::awaitable<bool> ChamberParticipant::energise(double setpoint_c) {
  auto& chamber = *chamber_.driver;
  if (auto status = co_await chamber.set_setpoint(setpoint_c); !bench_.expect(status)) co_return false;
  if (auto status = co_await chamber.activate(); !bench_.expect(status)) co_return false;
  commanded_c_ = setpoint_c;
  co_return true;
}

asio::awaitable<drivers::Status> ChamberParticipant::safe_state() { co_return co_await chamber_.driver->safe_state(); }

void ChamberParticipant::begin_run() {
  TrackingRule rule;
  rule.ramp_c_per_s = chamber_.max_ramp_c_per_min / kSecondsPerMinute / chamber_speed_;
  rule.lag_s = kChamberLagS * chamber_speed_;
  tracking_ = ChamberTracking(rule);
  orbit_gap_max_k_ = 0;
  open_loop_ = false;
}

asio::awaitable<void> ChamberParticipant::tick(PhaseRun& run, double t_s) {
  auto& chamber = *chamber_.driver;
  const Targets targets = run.targets->at(t_s);
  if (std::abs(targets.chamber_c - commanded_c_) > kSetpointDeadbandC) {
    auto status = co_await chamber.set_setpoint(targets.chamber_c);
    if (!status) {  // a reconnect it made on the way is recorded too
      note_reconnects(device_, chamber.reconnect_count(), chamber.last_reconnect_reason(), run.run_id, t_s);
      co_return note_fault(device_, status.error(), run.run_id, t_s);
    }
    commanded_c_ = targets.chamber_c;
  }
  auto reading = co_await chamber.read();
  note_reconnects(device_, chamber.reconnect_count(), chamber.last_reconnect_reason(), run.run_id, t_s);
  if (!reading) co_return note_fault(device_, reading.error(), run.run_id, t_s);
  device_.consecutive_faults = 0;
  const double wall = unix_now_s();
  note_alarms(run, *reading, t_s);
  const bool alarmed = handle_alarm(run, *reading, t_s);
  if (!alarmed) {
    check_closed_loop(run, *reading, t_s);
    // Judged against the orbit's target; with accept_thermal_infeasibility, against what the
    // chamber can do: the range- and ramp-limited setpoint.
    const double judged_against_c =
        bench_.config().accept_thermal_infeasibility ? targets.chamber_c : targets.chamber_target_c;
    if (run.measuring(t_s)) {
      tracking_.add(t_s, judged_against_c, reading->air_temp_c);
      orbit_gap_max_k_ = std::max(orbit_gap_max_k_, std::abs(reading->air_temp_c - targets.chamber_target_c));
    }
    if (run.soaking && bench_.soak()) bench_.soak()->chamber(t_s, reading->air_temp_c, reading->setpoint_c);
  }
  if (check_resumed(run, *reading, t_s)) co_return;
  check_band(run, *reading, t_s);
  bench_.check_interlock(run, std::nullopt, kChamberAirChannel, reading->air_temp_c, t_s);
  bench_.check_interlock(run, std::nullopt, kChamberDeviationChannel, std::abs(reading->air_temp_c - reading->setpoint_c), t_s);
  sample(run, device_, "air_temp_c", t_s, wall, reading->air_temp_c);
  sample(run, device_, "setpoint_c", t_s, wall, reading->setpoint_c);
  auto& progress = bench_.progress();
  progress.chamber_known = true;
  progress.chamber_air_c = reading->air_temp_c;
  progress.chamber_setpoint_c = reading->setpoint_c;
}

// The chamber's own alarms (its controller stops regulating while one is raised): an event
// when they appear, change or clear.
void ChamberParticipant::note_alarms(const PhaseRun& run, const drivers::ChamberReading& reading, double t_s) {
  if (reading.alarm_count == alarms_seen_) return;
  std::string texts;
  for (const auto& alarm : reading.alarms) texts += (texts.empty() ? ": " : ", ") + alarm;
  const std::string message = reading.alarm_count > 0
                                  ? chamber_.name + " raised " + std::to_string(reading.alarm_count) + " alarm(s)" + texts +
                                        (reading.running ? "" : "; it is not regulating")
                                  : chamber_.name + " alarms cleared";
  bench_.event(run.run_id, device_.device_id, t_s, EventKind::alarm, reading.alarm_count > 0 ? Severity::error : Severity::info,
               message);
  bench_.progress().last_event = message;
  alarms_seen_ = reading.alarm_count;
}

// A raised alarm stops the chamber's control. Default: abort into the safe state. With
// on_chamber_alarm: pause, the profile clock holds until it clears (failing after
// limits.chamber_alarm_s). True while an alarm is raised (no tracking is judged on it).
bool ChamberParticipant::handle_alarm(const PhaseRun& run, const drivers::ChamberReading& reading, double t_s) {
  if (reading.alarm_count == 0) return false;
  if (bench_.aborting()) return true;
  std::string codes;
  for (const auto& alarm : reading.alarms) codes += (codes.empty() ? " (" : ", ") + alarm;
  if (!codes.empty()) codes += ")";
  const std::string what = chamber_.name + " alarm" + codes + " in " + run.label;
  const auto& config = bench_.config();
  if (config.on_chamber_alarm == ChamberAlarmPolicy::abort) {
    bench_.abort_campaign(AbortCause::chamber_alarm,
                          what + ": its control stopped; every instrument into its safe state (on_chamber_alarm: abort)");
    return true;
  }
  if (bench_.clock_paused()) return true;
  bench_.pause_clock();
  bench_.event(run.run_id, device_.device_id, t_s, EventKind::pause, Severity::warning,
               "profile clock paused at t+" + format_duration(t_s) + ": " + what + " (on_chamber_alarm: pause, up to " +
                   format_duration(config.limits.chamber_alarm_s) + ")");
  asio::co_spawn(bench_.executor(), watch_alarm(run.run_id, t_s, run.period_wall_s, what), asio::detached);
  return true;
}

asio::awaitable<void> ChamberParticipant::watch_alarm(std::int64_t run_id, double t_s, double period_s, std::string what) {
  asio::steady_timer timer(bench_.executor());
  const double allowed_s = bench_.config().limits.chamber_alarm_s;
  const auto deadline = Clock::now() + wall_duration(allowed_s);
  bool cleared = false;
  while (!bench_.aborting() && !cleared) {
    if (Clock::now() >= deadline) {
      bench_.abort_campaign(AbortCause::chamber_alarm_not_cleared,
                            what + " did not clear within limits.chamber_alarm_s " + format_duration(allowed_s));
      break;
    }
    const auto reading = co_await read_after(timer, run_id, t_s, period_s);
    if (reading) cleared = reading->alarm_count == 0;
  }
  const auto paused_for = bench_.restart_clock();  // the next reading records the alarms' clearing (note_alarms)
  if (bench_.aborting()) co_return;
  const std::string message = "profile clock restarted after " +
                              format_duration(std::chrono::duration<double>(paused_for).count()) + " paused: " + chamber_.name +
                              " alarms cleared";
  bench_.event(run_id, device_.device_id, t_s, EventKind::pause, Severity::info, message);
  bench_.progress().last_event = message;
}

// A chamber whose controller is not regulating (not in constant/closed-loop mode) while a run
// needs it: an error once per run, and the run's chamber_closed_loop judgement fails.
void ChamberParticipant::check_closed_loop(const PhaseRun& run, const drivers::ChamberReading& reading, double t_s) {
  if (reading.running || open_loop_) return;
  open_loop_ = true;
  const std::string message = chamber_.name + " is not regulating (not in closed-loop constant mode) during " + run.label +
                              ": its air follows no setpoint";
  bench_.event(run.run_id, device_.device_id, t_s, EventKind::chamber_fault, Severity::error, message);
  bench_.progress().last_event = message;
}

// Air out of the chamber's band for two reads in a row pauses the profile clock: every loop
// holds at its tick (setpoints held) until watch_band() sees the air back within.
void ChamberParticipant::check_band(const PhaseRun& run, const drivers::ChamberReading& reading, double t_s) {
  const auto band = bench_.config().limits.chamber_band_c;
  if (!band || bench_.clock_paused() || bench_.aborting()) return;
  if (std::abs(reading.air_temp_c - reading.setpoint_c) <= *band) {
    out_of_band_reads_ = 0;
    return;
  }
  if (++out_of_band_reads_ < 2) return;
  bench_.pause_clock();
  char message[256];
  std::snprintf(message, sizeof message, "profile clock paused at t+%s: chamber air %.1f °C, setpoint %.1f °C, outside its ±%.1f °C band",
                format_duration(t_s).c_str(), reading.air_temp_c, reading.setpoint_c, *band);
  bench_.event(run.run_id, device_.device_id, t_s, EventKind::pause, Severity::warning, message);
  bench_.progress().last_event = message;
  asio::co_spawn(bench_.executor(), watch_band(run.run_id, t_s, run.period_wall_s, *band), asio::detached);
}

// While the profile clock is paused: one reading a period from now, its fault counted (the
// campaign aborts after max_consecutive_faults of them); nullopt when it failed.
asio::awaitable<std::optional<drivers::ChamberReading>> ChamberParticipant::read_after(asio::steady_timer& timer,
                                                                                       std::int64_t run_id, double t_s,
                                                                                       double period_s) {
  timer.expires_after(wall_duration(period_s));
  std::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  auto reading = co_await chamber_.driver->read();
  if (!reading) {
    note_fault(device_, reading.error(), run_id, t_s);
    co_return std::nullopt;
  }
  device_.consecutive_faults = 0;
  co_return *reading;
}

asio::awaitable<void> ChamberParticipant::watch_band(std::int64_t run_id, double t_s, double period_s, double band_c) {
  asio::steady_timer timer(bench_.executor());
  double air_c = 0;
  while (!bench_.aborting()) {
    const auto reading = co_await read_after(timer, run_id, t_s, period_s);
    if (!reading) continue;
    air_c = reading->air_temp_c;
    if (std::abs(reading->air_temp_c - reading->setpoint_c) <= band_c) break;
  }
  const auto paused_for = bench_.restart_clock();
  out_of_band_reads_ = 0;
  if (bench_.aborting()) co_return;
  char message[200];
  std::snprintf(message, sizeof message, "profile clock restarted after %.1f s paused: chamber air %.1f °C, back within ±%.1f °C",
                std::chrono::duration<double>(paused_for).count(), air_c, band_c);
  bench_.event(run_id, device_.device_id, t_s, EventKind::pause, Severity::info, message);
  bench_.progress().last_event = message;
}

// A run resumed mid-phase after its controller died: while nobody ran the bench the chamber was
// in standby and its air drifted off. Measuring on — or judging a thermal cycle's plateau on —
// air still coming back would blame the boards for the gap. So the first reading of a resumed
// run that finds the air off its setpoint holds the profile clock (setpoints held) until the air
// has been back within kRestableBandC for kRestableHoldProfileS.
bool ChamberParticipant::check_resumed(const PhaseRun& run, const drivers::ChamberReading& reading, double t_s) {
  if (run.first_tick == 0 || resume_checked_run_ == run.run_id) return false;
  resume_checked_run_ = run.run_id;
  if (std::abs(reading.air_temp_c - reading.setpoint_c) <= kRestableBandC || bench_.clock_paused() || bench_.aborting()) {
    return false;
  }
  bench_.pause_clock();
  char message[300];
  std::snprintf(message, sizeof message,
                "profile clock held at t+%s after the resume: chamber air %.1f °C, setpoint %.1f °C; re-stabilising (air "
                "within %.0f K for %s) before the run goes on",
                format_duration(t_s).c_str(), reading.air_temp_c, reading.setpoint_c, kRestableBandC,
                format_duration(kRestableHoldProfileS).c_str());
  bench_.event(run.run_id, device_.device_id, t_s, EventKind::pause, Severity::info, message);
  bench_.progress().last_event = message;
  asio::co_spawn(bench_.executor(), watch_resumed(run.run_id, t_s, run.period_wall_s), asio::detached);
  return true;
}

asio::awaitable<void> ChamberParticipant::watch_resumed(std::int64_t run_id, double t_s, double period_s) {
  asio::steady_timer timer(bench_.executor());
  const auto hold = wall_duration(kRestableHoldProfileS / bench_.config().speed);
  std::optional<Clock::time_point> within_since;
  double air_c = 0;
  double setpoint_c = 0;
  while (!bench_.aborting()) {
    const auto reading = co_await read_after(timer, run_id, t_s, period_s);
    if (!reading) continue;
    air_c = reading->air_temp_c;
    setpoint_c = reading->setpoint_c;
    if (std::abs(reading->air_temp_c - reading->setpoint_c) > kRestableBandC) {
      within_since.reset();
      continue;
    }
    if (!within_since) within_since = Clock::now();
    if (Clock::now() - *within_since >= hold) break;
  }
  const auto paused_for = bench_.restart_clock();
  if (bench_.aborting()) co_return;
  // The held tick's reading, as the run goes on from it (the one that found the air off was not recorded).
  const double wall = unix_now_s();
  bench_.recorder().add_sample(db::SampleRow{run_id, device_.channels.at("air_temp_c"), t_s, wall, air_c});
  bench_.recorder().add_sample(db::SampleRow{run_id, device_.channels.at("setpoint_c"), t_s, wall, setpoint_c});
  char message[200];
  std::snprintf(message, sizeof message, "profile clock restarted after %.1f s held: chamber air %.1f °C re-stabilised after the resume",
                std::chrono::duration<double>(paused_for).count(), air_c);
  bench_.event(run_id, device_.device_id, t_s, EventKind::pause, Severity::info, message);
  bench_.progress().last_event = message;
}

void ChamberParticipant::judge_run(const PhaseRun& run) {
  const auto& config = bench_.config();
  auto add = [&](const char* name, double value, const char* unit, std::optional<double> high, const char* verdict) {
    bench_.recorder().add_measurement(db::MeasurementRow{run.run_id, device_.device_id, name, value, unit, std::nullopt, high, verdict});
  };
  if (tracking_.count() > 0) {
    const double p95_k = tracking_.p95_k();
    const double max_k = tracking_.max_k();
    const double p95_limit = config.limits.chamber_tracking_p95_k;
    const bool p95_pass = p95_k <= p95_limit;
    add("chamber_tracking_p95_k", p95_k, "K", p95_limit, p95_pass ? "pass" : "fail");
    const auto& max_limit = config.limits.chamber_tracking_max_k;
    const bool max_pass = !max_limit || max_k <= *max_limit;
    add("chamber_tracking_max_k", max_k, "K", max_limit, max_limit ? (max_pass ? "pass" : "fail") : "info");
    add("chamber_orbit_gap_max_k", orbit_gap_max_k_, "K", std::nullopt, "info");
    char what[200];
    if (!p95_pass) {
      failures_.add_figure("chamber tracking p95", p95_k, p95_limit, "K", run.label);
      std::snprintf(what, sizeof what, "chamber tracking p95 %.1f K > %g K (%s): the air did not follow its target", p95_k,
                    p95_limit, run.label.c_str());
      bench_.event(run.run_id, device_.device_id, run.end_t_s, EventKind::chamber_fault, Severity::error, what);
    }
    if (!max_pass) {
      failures_.add_figure("chamber tracking max", max_k, *max_limit, "K", run.label);
      std::snprintf(what, sizeof what, "chamber tracking max %.1f K > %g K (%s)", max_k, *max_limit, run.label.c_str());
      bench_.event(run.run_id, device_.device_id, run.end_t_s, EventKind::chamber_fault, Severity::error, what);
    }
  }
  add("chamber_closed_loop", open_loop_ ? 0.0 : 1.0, "bool", std::nullopt, open_loop_ ? "fail" : "pass");
  if (open_loop_) failures_.add(chamber_.name + " not regulating", run.label);
}

}  // namespace ob::bench
