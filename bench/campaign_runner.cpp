#include "bench/campaign_runner.hpp"

#include <spdlog/spdlog.h>

#include <sqlite3.h>

#include <cerrno>
#include <cstring>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>

#include "bench/bench_checks.hpp"
#include "bench/concurrent_steps.hpp"
#include "bench/safe_state_policy.hpp"
#include "bench/soak_monitor.hpp"
#include "bench/lab_session.hpp"
#include "bench/hold_watch.hpp"
#include "bench/lateness_histogram.hpp"
#include "bench/live/live_model.hpp"
#include "bench/live/operator_desk.hpp"
#include "bench/prompt_answer.hpp"
#include "bench/terminal_answers.hpp"
#include "bench/participants/board_participant.hpp"
#include "bench/participants/chamber_participant.hpp"
#include "bench/participants/sensor_participant.hpp"
#include "bench/participants/supply_participant.hpp"
#include "bench/phase_run.hpp"
#include "bench/phase_targets.hpp"
#include "bench/profile_request.hpp"
#include "bench/run_statistics.hpp"
#include "bench/runner_events.hpp"
#include "bench/thermal_cycle_judge.hpp"
#include "bench/verdict_rollup.hpp"
#include "db/database.hpp"
#include "db/statement.hpp"
#include "db/analyses.hpp"
#include "profiles/orbit_profile.hpp"
#include "ob/version.hpp"

namespace ob::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Wall seconds between checkpoints: at most this much is recorded twice after a resume.
constexpr double kCheckpointPeriodS = 1.0;
// The live view's status and history: four times a wall second is more than its page shows (once a second).
constexpr auto kLivePublishPeriod = std::chrono::milliseconds(250);
// From an interlock's decision to what it protects in its safe state, on loopback (recorded as
// the high limit of the latency measurements).
constexpr double kInterlockLatencyBoundMs = 100;
// How long the results database may refuse data (another writer's lock, I/O errors) before the
// campaign stops into its safe state; a full disk or a read-only file stops it at once.
constexpr double kStoreOutageBoundS = 5.0;
// A label that names a file, made absolute; others ("(embedded) …") as they are.
std::string absolute_label(const std::string& label) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(label, ec)) return label;
  const auto absolute = std::filesystem::absolute(label, ec);
  return ec ? label : absolute.lexically_normal().string();
}

// Keeps a timer in a list for as long as its loop runs.
class TimerRegistration {
 public:
  TimerRegistration(std::vector<asio::steady_timer*>& timers, asio::steady_timer& timer) : timers_(timers), timer_(&timer) {
    timers_.push_back(timer_);
  }
  ~TimerRegistration() { std::erase(timers_, timer_); }
  TimerRegistration(const TimerRegistration&) = delete;
  TimerRegistration& operator=(const TimerRegistration&) = delete;

 private:
  std::vector<asio::steady_timer*>& timers_;
  asio::steady_timer* timer_;
};

}  // namespace

class CampaignRunner::Impl final : public BenchContext {
 public:
  Impl(const CampaignConfig& config, db::Recorder& recorder, RunnerOptions options)
      : config_(config), recorder_(recorder), options_(options), printer_(stderr, options.show_progress) {}

  CampaignOutcome run() {
    asio::io_context& io = io_;
    // Asio restores a signal's default action when the last signal_set holding it goes. This
    // run's set goes when run() returns, so a second Ctrl-C or SIGTERM arriving after that (the
    // first already took the bench to its safe state) would kill the process before main()
    // reports and exits 130. A set held for the process's life, never waited on, keeps the
    // signals caught: later ones are absorbed (issue 18, item 13). Never destroyed, on purpose:
    // a static's destructor would restore the defaults during exit(), and a signal landing then
    // would still end the process by the signal instead of its exit status.
    static auto* const process_signals_io = new asio::io_context;
    static auto* const process_signals = new asio::signal_set(*process_signals_io, SIGINT, SIGTERM);
    (void)process_signals;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([this](const std::error_code& ec, int signal_number) {
      if (ec) return;
      const std::string name = signal_number == SIGINT ? "SIGINT" : "SIGTERM";
      event(current_run_id_, std::nullopt, std::nullopt, EventKind::operator_signal, Severity::warning,
            name + " received: the campaign stops, every instrument into its safe state");
      abort_campaign(AbortCause::operator_signal, "interrupted by " + name);
    });

    wall_start_ = Clock::now();
    try {
      session_ = std::make_unique<LabSession>(io.get_executor(), config_.station, config_.speed);
      session_executor_ = io.get_executor();
      make_participants();
    } catch (const std::exception& e) {
      return refuse(std::string("cannot set up the station: ") + e.what());
    }
    // Connect, identify and check everything before a campaign row exists: a campaign this
    // bench must refuse leaves no trace in the database and nothing energised.
    std::optional<Preparation> prepared;
    std::exception_ptr prepare_failure;
    asio::co_spawn(io, prepare(), [&](std::exception_ptr error, Preparation result) {
      prepare_failure = error;
      prepared = result;
    });
    while (!prepared && io.run_one() > 0) {
    }
    if (prepare_failure) std::rethrow_exception(prepare_failure);
    if (prepared == Preparation::refused) return refuse(*refusal_);
    if (const auto* resume = options_.resume) {
      outcome_.campaign_id = resume->campaign_id;
      // Running again: an interrupted campaign (and its run) were marked aborted.
      recorder_.reopen_campaign(resume->campaign_id);
      if (resume->run_id) recorder_.reopen_run(*resume->run_id);
    } else {
      db::CampaignRow campaign;
      campaign.name = config_.name;
      campaign.station = config_.station.name;
      campaign.config_yaml = "# " + config_.label + "\n" + config_.text + "\n# " + config_.station.label + "\n" +
                             config_.station.text;
      campaign.started_unix_s = unix_now_s();
      // Labels as absolute paths: `orbitbench resume` reads the files back from here and resolves
      // what they name relative to them (secret files, profiles, TLEs), from whatever directory.
      campaign.files = {{"campaign", absolute_label(config_.label), config_.text},
                        {"station", absolute_label(config_.station.label), config_.station.text}};
      outcome_.campaign_id = recorder_.add_campaign(campaign);
    }
    campaign_recorded_ = true;
    if (prepared == Preparation::ready) {  // else an instrument failed to configure: it is safed and recorded as failed
      register_devices();
      if (profile_to_store_) store_profile();
      announce_profile();
    }

    std::exception_ptr failure;
    asio::co_spawn(io, execute(), [&](std::exception_ptr error) {
      failure = error;
      signals.cancel();
    });
    if (options_.desk) {
      accepting_actions_ = true;
      options_.desk->attach([this](const live::OperatorRequest& request) { return operator_action(request); });
    }
    io.run();
    if (options_.desk) options_.desk->detach();  // waits for an action being decided; none reaches io_ after this
    accepting_actions_ = false;
    printer_.finish();
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const db::DbError& e) {
        if (const auto health = recorder_.health(); health.failing_for_s) {  // a flush refused: resumable, as check_store()
          const bool stopped_for_it = abort_reason_ && abort_cause_ == AbortCause::store_failure;
          abort_cause_ = AbortCause::store_failure;
          return finish(db::CampaignStatus::aborted, stopped_for_it ? *abort_reason_ : store_failure(health).reason);
        }
        abort_cause_ = AbortCause::internal_error;
        return finish(db::CampaignStatus::failed, std::string("internal error: ") + e.what());
      } catch (const std::exception& e) {
        abort_cause_ = AbortCause::internal_error;
        return finish(db::CampaignStatus::failed, std::string("internal error: ") + e.what());
      }
    }
    if (abort_reason_) return finish(status_on_abort_, *abort_reason_);
    return finish(db::CampaignStatus::completed, "");
  }

 private:
  // ---- orchestration -------------------------------------------------------------------------

  asio::awaitable<void> execute() {
    std::exception_ptr error;
    try {
      co_await configure_and_run();
    } catch (...) {
      error = std::current_exception();
    }
    if (!safe_state_started_) {
      safe_state_started_ = true;
      co_await safe_state_all();
      safe_state_done_ = true;
    }
    while (!safe_state_done_) {  // begun by abort_campaign: wait for it to end
      std::error_code ec;
      co_await safe_state_done_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (error) std::rethrow_exception(error);
  }

  // The safe state begun at the moment of an abort, beside whatever the loops were doing (each
  // driver serialises its own exchanges): a loop waiting on its next tick does not delay it.
  asio::awaitable<void> safe_state_now() {
    co_await safe_state_all();
    safe_state_done_ = true;
    safe_state_done_timer_.cancel();
  }

  asio::awaitable<void> configure_and_run() {
    if (abort_reason_) co_return;  // an instrument could not be configured, or a signal: the safe state follows
    const auto* resume = options_.resume;
    std::size_t first = 0;
    double first_t_s = 0;
    if (resume) {
      first = resume->plan_index;
      first_t_s = resume->t_s;
      seed_from(*resume);
    }
    int replay_number = resume ? resume->replays_before : 0;
    // Prompts before the first run (or the one pending when a resumed controller stopped) are
    // asked before anything is energised: nothing runs while the operator works on the bench.
    while (first < config_.plan.size() && config_.plan[first].kind == PhaseKind::prompt && !abort_reason_) {
      co_await ask_prompt(config_.plan[first], first);
      if (abort_reason_) co_return;
      ++first;
      first_t_s = 0;
      recorder_.add_checkpoint(outcome_.campaign_id, std::nullopt, static_cast<int>(first), 0, state_json(replay_number));
    }
    if (first >= config_.plan.size()) {  // died after its last phase: only the verdicts were missing
      record_verdicts();
      co_return;
    }
    const bool resumed_here = resume && first == resume->plan_index;
    if (!co_await energize(config_.plan[first], first_t_s)) co_return;
    energised_ = true;
    if (!resume && first == 0) recorder_.add_checkpoint(outcome_.campaign_id, std::nullopt, 0, 0, state_json(0));
    const auto replays = std::count_if(config_.plan.begin(), config_.plan.end(),
                                       [](const PhaseConfig& p) { return p.kind == PhaseKind::replay; });
    for (std::size_t index = first; index < config_.plan.size() && !abort_reason_; ++index) {
      const auto& phase = config_.plan[index];
      if (phase.kind == PhaseKind::prompt) {  // between runs: the bench holds as the last run left it
        co_await ask_prompt(phase, index);
        if (!abort_reason_) {
          recorder_.add_checkpoint(outcome_.campaign_id, std::nullopt, static_cast<int>(index) + 1, 0, state_json(replay_number));
        }
        continue;
      }
      std::string label = phase.label_prefix + to_string(phase.kind);
      const int replays_before = replay_number;
      if (phase.kind == PhaseKind::replay) label += " " + std::to_string(++replay_number) + "/" + std::to_string(replays);
      if (phase.kind == PhaseKind::thermal_cycle) {
        label = phase.label_prefix + "cycle " + std::to_string(phase.cycle) + "/" + std::to_string(phase.thermal->cycles);
      }
      PhaseStart start;
      start.ordinal = static_cast<int>(index);
      start.replays_before = replays_before;
      if (resumed_here && index == first) {
        start.run_id = resume->run_id;
        start.t_s = first_t_s;
      }
      co_await run_phase(phase, start, label);
      if (!abort_reason_) {
        recorder_.add_checkpoint(outcome_.campaign_id, std::nullopt, static_cast<int>(index) + 1, 0,
                                 state_json(replay_number));
      }
    }
    if (!abort_reason_) record_verdicts();
  }

  // Where run_phase begins: a new run at t = 0, or (resume) an existing run at t_s.
  struct PhaseStart {
    int ordinal = 0;
    int replays_before = 0;
    std::optional<std::int64_t> run_id;
    double t_s = 0;
  };

  enum class Preparation { ready, refused, failed };

  // Before a campaign row exists: identify every instrument, check every setpoint against the
  // identified models and the station, build the replay profile and check the chamber can
  // follow it. `refused`: refusal_ says why (nothing energised, nothing recorded); `failed`: an
  // instrument could not be configured (abort_reason_; the campaign is recorded as failed).
  asio::awaitable<Preparation> prepare() {
    if (!co_await configure_all()) co_return Preparation::failed;
    if (abort_reason_) co_return Preparation::failed;
    if (auto problem = check_configuration(config_, *session_)) {
      refusal_ = std::move(*problem);
      co_return Preparation::refused;
    }
    try {
      make_replay_profile();
    } catch (const std::exception& e) {
      refusal_ = std::string("profile: ") + e.what();
      co_return Preparation::refused;
    }
    if (auto problem = check_feasibility(config_, *session_, infeasible_segments_)) {
      refusal_ = std::move(*problem);
      co_return Preparation::refused;
    }
    co_return Preparation::ready;
  }

  CampaignOutcome refuse(const std::string& reason) {
    outcome_.status = db::CampaignStatus::failed;
    outcome_.refused = true;
    outcome_.reason = reason;
    outcome_.verdicts_pass = false;
    return outcome_;
  }

  std::string state_json(int replays_before) const {
    return checkpoint_state_json(replays_before, elapsed_profile_s_, config_.speed, profile_id_);
  }

  // The interrupted run's ticks before the checkpoint count in its statistics as if never lost.
  void seed_statistics() {
    if (!options_.resume) return;
    const auto& boards = session_->boards();
    for (std::size_t i = 0; i < boards.size(); ++i) {
      auto it = options_.resume->partial.find(boards[i].config->name);
      if (it == options_.resume->partial.end()) continue;
      for (const auto& tick : it->second) board_state(i).statistics.add(tick.tflops, tick.temp_c, tick.power_w, tick.sunlit);
    }
  }

  // The bench's failures judged before the controller stopped count in the verdict line too.
  void seed_bench_failures() {
    recorder_.flush();
    const auto db = db::Connection::open_read_only(recorder_.path());
    db::Statement failed(db,
                         "SELECT m.device_id, m.name, m.value, m.high_limit, r.label FROM measurements m JOIN runs r ON r.id = m.run_id "
                         "WHERE r.campaign_id = ?1 AND m.verdict = 'fail' AND m.name IN ('supply_fault', 'board_fault', "
                         "'chamber_tracking_p95_k', 'chamber_tracking_max_k', 'chamber_closed_loop') ORDER BY m.id");
    failed.bind(1, outcome_.campaign_id);
    while (failed.step()) {
      const std::string name = failed.column_text(1);
      const std::string label = failed.column_text(4);
      if (name == "supply_fault" || name == "board_fault") {
        for (auto& participant : boards_) {
          auto& board = participant->state();
          if (!failed.is_null(0) && board.device.device_id == failed.column_int64(0)) {
            board.failure_causes.push_back((name == "supply_fault" ? "supply fault (" : "board fault (") + label + ")");
          }
        }
        continue;
      }
      if (name == "chamber_closed_loop") {
        chamber_->failures().add(session_->chamber().name + " not regulating", label);
      } else {
        chamber_->failures().add_figure(name == "chamber_tracking_p95_k" ? "chamber tracking p95" : "chamber tracking max",
                                     failed.column_double(2), failed.is_null(3) ? 0.0 : failed.column_double(3), "K", label);
      }
    }
  }

  // What the verdicts and the interrupted run's statistics need from before the crash; the gap
  // itself is an event.
  void seed_from(const ResumePoint& resume) {
    elapsed_profile_s_ = resume.elapsed_profile_s;
    const auto& boards = session_->boards();
    for (std::size_t i = 0; i < boards.size(); ++i) {
      const auto& name = boards[i].config->name;
      if (auto it = resume.baseline_run_means.find(name); it != resume.baseline_run_means.end()) {
        for (double mean : it->second) board_state(i).baseline_means.add(mean);
      }
      if (auto it = resume.reference_run_means.find(name); it != resume.reference_run_means.end()) {
        for (double mean : it->second) board_state(i).reference_means.add(mean);
      }
    }
    last_reference_run_id_ = resume.last_reference_run_id;
    seed_bench_failures();
    for (std::size_t i = 0; i < boards.size(); ++i) {
      if (!resume.isolated_duts.contains(boards[i].config->name)) continue;
      board_state(i).isolated = true;
      board_state(i).isolation_reason = "isolated before the controller stopped";
    }
    const double gap_s = resume.checkpoint_unix_s > 0 ? unix_now_s() - resume.checkpoint_unix_s : 0;
    char message[320];
    std::snprintf(message, sizeof message,
                  "resumed after the controller %s: %.1f s since the last checkpoint (phase %zu of %zu, t+%s); "
                  "the ticks from there on are recorded again",
                  resume.was_interrupted ? "was interrupted by the operator" : "stopped", gap_s, resume.plan_index + 1,
                  config_.plan.size(), format_duration(resume.t_s).c_str());
    event(resume.run_id, std::nullopt, resume.run_id ? std::optional<double>(resume.t_s) : std::nullopt, EventKind::resume, Severity::warning,
          message);
    progress_.last_event = message;
  }

  // One participant per instrument, in the order of the session's lists.
  void make_participants() {
    auto& boards = session_->boards();
    for (auto& supply : session_->supplies()) {
      std::vector<SupplyParticipant::Feed> feeds;
      for (std::size_t i = 0; i < boards.size(); ++i) {
        if (boards[i].supply == &supply) feeds.push_back({i, boards[i].config});
      }
      supplies_.push_back(std::make_unique<SupplyParticipant>(*this, supply, std::move(feeds)));
    }
    chamber_ = std::make_unique<ChamberParticipant>(*this, session_->chamber(), chamber_speed());
    for (std::size_t i = 0; i < boards.size(); ++i) boards_.push_back(std::make_unique<BoardParticipant>(*this, boards[i], i));
    for (auto& hub : session_->sensor_hubs()) sensors_.push_back(std::make_unique<SensorParticipant>(*this, hub));
  }

  // Every participant, in the order they are configured and energised: supplies, chamber,
  // boards, sensors. (The safe state goes boards first: a board is never unpowered under load.)
  std::vector<Participant*> participants() const {
    std::vector<Participant*> all;
    for (const auto& supply : supplies_) all.push_back(supply.get());
    all.push_back(chamber_.get());
    for (const auto& board : boards_) all.push_back(board.get());
    for (const auto& hub : sensors_) all.push_back(hub.get());
    return all;
  }

  asio::awaitable<bool> configure_all() {
    for (auto* participant : participants()) {
      const auto status = co_await participant->configure();
      if (!status) co_return fail_setup(status.error());
    }
    co_return true;
  }

  bool fail_setup(const drivers::Fault& fault) {
    abort_campaign(AbortCause::configure, "configure: " + fault.message());
    return false;
  }

  void register_devices() {
    for (auto* participant : participants()) participant->register_device();
    for (const auto& board : boards_) {
      BoardStatus status;
      status.name = board->name();
      progress_.boards.push_back(status);
    }
    interlocks_ = InterlockMonitor(config_.interlocks, session_->boards().size());
    // The profile's own series, as a device of its own.
    const drivers::Identity identity{"orbitbench", "profile", "", kVersion};
    profile_state_.name = "profile";
    profile_state_.device_id = recorder_.add_device(
        outcome_.campaign_id, db::DeviceRow{"profile", "profile", "", identity.vendor, identity.model, identity.serial, identity.firmware});
    for (const auto& [channel, unit] : {std::pair{"illumination", "1"}, {"power_budget_w", "W"}, {"chamber_setpoint_c", "degC"},
                                        {"chamber_target_c", "degC"}, {"gpu_power_cap_w", "W"}}) {
      profile_state_.channels[channel] = recorder_.add_channel(profile_state_.device_id, channel, unit);
    }
  }

  // The replay's profile: built from the campaign's orbit, or read from a profile file. A
  // profile that cannot be made, read, or replayed on this bench refuses the campaign (throws).
  void make_replay_profile() {
    full_power_.clear();
    double weakest_max_w = 1e12;
    double strongest_min_w = 0;
    for (const auto& board : session_->boards()) {
      const auto spec = board.driver->spec();
      double cap_w = spec.power_limit_max_w;
      if (board.config->limits.max_power_w) cap_w = std::min(cap_w, *board.config->limits.max_power_w);
      const auto& supply = board.config->supply;
      full_power_.push_back(DutTargets{cap_w, supply.max_current_a, supply.voltage_v, spec.power_limit_min_w});
      weakest_max_w = std::min(weakest_max_w, cap_w);
      strongest_min_w = std::max(strongest_min_w, spec.power_limit_min_w);
    }
    const bool has_replay = std::any_of(config_.plan.begin(), config_.plan.end(),
                                        [](const PhaseConfig& p) { return p.kind == PhaseKind::replay; });
    if (!has_replay) return;
    double replay_orbits = 1;  // as far into the profile as any replay goes
    for (const auto& phase : config_.plan) {
      if (phase.kind == PhaseKind::replay) replay_orbits = std::max(replay_orbits, phase.orbit_offset + phase.orbits);
    }
    replay_orbits_ = replay_orbits;
    if (options_.resume && options_.resume->profile) {  // the very profile it was replaying
      profile_ = *options_.resume->profile;
      profile_id_ = options_.resume->profile_id;
      return;
    }
    if (!config_.profile_path.empty()) {
      profile_ = load_profile_file(config_.profile_path, replay_orbits);
    } else {
      profile_ = generate_profile(weakest_max_w, strongest_min_w, replay_orbits);
    }
    profile_to_store_ = true;  // stored once the campaign is recorded
  }

  // A profile made earlier (`orbitbench profile -o FILE`), checked against this bench.
  profiles::pb::Profile load_profile_file(const std::string& path, double replay_orbits) const {
    std::ifstream in(path, std::ios::binary);
    profiles::pb::Profile profile;
    if (!in) throw std::runtime_error(path + ": cannot open");
    if (!profile.ParseFromIstream(&in)) throw std::runtime_error(path + ": not a serialized ob.profiles.pb.Profile");
    for (auto name : {profiles::series::kIllumination, profiles::series::kPowerBudget, profiles::series::kChamberSetpoint,
                      profiles::series::kGpuPowerCap}) {
      profiles::SeriesCursor check(profile, name);  // throws, naming the series, when missing or malformed
    }
    const double covers_s = profile.t_s(profile.t_s_size() - 1) + profile.step_s();
    const double needs_s = replay_orbits * profile.orbit().period_s();
    if (profile.orbit().period_s() <= 0 || covers_s < needs_s) {
      throw std::runtime_error(path + ": covers " + format_duration(covers_s) + ", the plan replays " +
                               format_duration(needs_s));
    }
    const auto chamber = session_->chamber().driver->spec();
    for (const auto& series : profile.series()) {
      if (series.name() != profiles::series::kChamberSetpoint) continue;
      const auto [low, high] = std::minmax_element(series.value().begin(), series.value().end());
      if (*low < chamber.min_temp_c || *high > chamber.max_temp_c) {
        char message[200];
        std::snprintf(message, sizeof message, ": chamber setpoints %.1f … %.1f °C exceed %s's %.1f … %.1f °C", *low,
                      *high, session_->chamber().name.c_str(), chamber.min_temp_c, chamber.max_temp_c);
        throw std::runtime_error(path + message);
      }
    }
    return profile;
  }

  profiles::pb::Profile generate_profile(double weakest_max_w, double strongest_min_w, double replay_orbits) {
    ProfileSpec spec = config_.profile;
    auto& lab = spec.lab;
    const auto chamber_spec = session_->chamber().driver->spec();
    lab.chamber_min_c = chamber_spec.min_temp_c;
    lab.chamber_max_c = chamber_spec.max_temp_c;
    lab.chamber_max_ramp_c_per_min = session_->chamber().max_ramp_c_per_min;
    // A real chamber ramps per wall minute, so at speed S it covers 1/S of its rate per profile
    // minute; the in-process simulated lab runs its physics S times faster, so its rated ramp
    // holds per profile minute. Map with the ramp the chamber really has.
    lab.speed = chamber_speed();
    lab.dut_power_max_w = weakest_max_w;
    lab.dut_power_min_w = std::min(strongest_min_w, weakest_max_w);
    lab.supply_voltage_v = config_.station.duts.front().supply.voltage_v;
    lab.supply_max_current_a = config_.station.duts.front().supply.max_current_a;
    spec.duration_orbits = replay_orbits;
    profiles::ProfileGenerator generator(make_profile_request(spec));
    auto profile = profiles::build_profile(generator);
    // Where the bench cannot follow this orbit: judged by check_feasibility(), recorded by
    // announce_profile() once the campaign is.
    infeasible_segments_ = generator.summary().lab.segments;
    return profile;
  }

  // The speed the chamber's physics runs at relative to profile time (see generate_profile).
  double chamber_speed() const { return session_->chamber().in_process_sim ? 1.0 : config_.speed; }

  // The generated profile's segments the bench cannot follow, recorded before replaying them.
  void announce_profile() {
    for (const auto& segment : infeasible_segments_) {
      const bool accepted = is_chamber_segment(segment) && config_.accept_thermal_infeasibility &&
                            segment.max_deviation > config_.limits.chamber_tracking_p95_k;
      event(std::nullopt, profile_state_.device_id, segment.start_t_s, EventKind::limit, Severity::warning,
            "profile: " + describe_segment(segment) + (accepted ? " — accepted (accept_thermal_infeasibility)" : ""));
    }
  }

  void store_profile() {
    std::string bytes;
    profile_->SerializeToString(&bytes);
    db::ProfileRow row;
    row.digest = profiles::profile_digest(*profile_);
    row.name = profile_->name();
    row.source = profile_->source();
    row.duration_s = profile_->t_s().empty() ? 0 : profile_->t_s(profile_->t_s_size() - 1);
    row.step_s = profile_->step_s();
    row.proto_bytes = std::move(bytes);
    profile_id_ = recorder_.add_profile(row);
  }

  // Supplies first (voltage, current limit, protections, outputs on), then each board's cap and
  // workload, then the chamber's first setpoint and its closed loop.
  asio::awaitable<bool> energize(const PhaseConfig& phase, double t_s) {
    const PhaseTargets first = targets_for(phase);
    const Targets targets = first.at(t_s);
    for (auto& supply : supplies_) {
      if (!co_await supply->energise(targets)) co_return false;
    }
    for (std::size_t i = 0; i < boards_.size(); ++i) {
      if (!co_await boards_[i]->energise(targets.duts[i].power_cap_w)) co_return false;
    }
    if (!co_await chamber_->energise(targets.chamber_c)) co_return false;
    event(std::nullopt, std::nullopt, std::nullopt, EventKind::phase, Severity::info, "instruments energised, workload started");
    co_return true;
  }

  // A setup step must succeed; a fault aborts the campaign (the caller then goes to safe state).
  // Once the campaign is aborted (a signal, an interlock) nothing more is energised: the safe
  // state may already be running beside this.
  bool expect(const drivers::Status& status) override {
    if (abort_reason_) return false;
    if (status) return true;
    abort_campaign(AbortCause::energise, "energise: " + status.error().message());
    return false;
  }

  PhaseTargets targets_for(const PhaseConfig& phase) const {
    if (phase.kind == PhaseKind::replay) {
      return PhaseTargets(*profile_, full_power_, phase.orbit_offset * profile_->orbit().period_s());
    }
    if (phase.kind == PhaseKind::thermal_cycle) {
      return PhaseTargets(cycle_schedule(*phase.thermal, phase.cycle), phase.thermal->power_fraction, full_power_);
    }
    return PhaseTargets(phase, full_power_);
  }

  // ---- one phase: a tick loop per instrument -------------------------------------------------

  asio::awaitable<void> run_phase(const PhaseConfig& phase, const PhaseStart& start, const std::string& label) {
    const PhaseTargets targets = targets_for(phase);
    PhaseRun run;
    run.phase = &phase;
    run.targets = &targets;
    run.period_wall_s = config_.sample_period_s;
    run.step_profile_s = config_.sample_period_s * config_.speed;
    run.duration_s = phase.kind == PhaseKind::replay ? phase.orbits * profile_->orbit().period_s() : targets.duration_s();
    run.phase_s = run.duration_s;
    run.end_t_s = run.duration_s;
    run.label = label;
    const bool soaks = phase.kind == PhaseKind::baseline || phase.kind == PhaseKind::reference;
    soak_.reset();
    if (soaks) {
      const auto* resume = options_.resume;
      const bool soaked = start.run_id && resume && resume->run_id == start.run_id && resume->soak_s;
      if (soaked) {  // it was stable before the controller stopped: measuring goes on
        run.measure_from_t_s = *resume->soak_s;
        run.end_t_s = run.measure_from_t_s + run.phase_s;
      } else {  // soak (again, from the resumed tick: it does not inherit the time from before)
        run.soaking = true;
        start_soak(start.t_s);
        run.end_t_s = start.t_s + soak_->timeout_s() + run.phase_s;
      }
      run.duration_s = run.end_t_s;
    }
    run.ticks = static_cast<long>(std::floor(run.duration_s / run.step_profile_s + 1e-9)) + 1;
    run.ordinal = start.ordinal;
    run.replays_before = start.replays_before;
    // A resumed run goes on at the checkpoint's tick, on the same tick grid (same t_s values).
    run.first_tick = std::min(run.ticks, static_cast<long>(std::llround(start.t_s / run.step_profile_s)));
    run.first_t_s = static_cast<double>(run.first_tick) * run.step_profile_s;

    progress_.phase = run.soaking ? label + " (soaking)" : label;
    progress_.phase_duration_s = run.phase_s;
    chamber_->begin_run();
    for (auto& board : boards_) board->begin_run();
    lateness_.clear();
    late_ticks_ = 0;
    pause_offset_ = Clock::duration::zero();
    paused_s_ = 0;
    if (clock_stopped()) stopped_since_ = Clock::now();  // held across the phases: this run's schedule starts now
    if (start.run_id) {
      run.run_id = *start.run_id;
      seed_statistics();
    } else {
      db::RunRow row;
      row.campaign_id = outcome_.campaign_id;
      if (phase.kind == PhaseKind::replay) row.profile_id = profile_id_;
      row.kind = phase.kind == PhaseKind::baseline        ? db::RunKind::baseline
                 : phase.kind == PhaseKind::replay        ? db::RunKind::replay
                 : phase.kind == PhaseKind::thermal_cycle ? db::RunKind::thermal_cycle
                                                          : db::RunKind::reference;
      row.ordinal = start.ordinal;
      row.label = label;
      row.speed = config_.speed;
      row.started_unix_s = unix_now_s();
      run.run_id = recorder_.add_run(row);
      event(run.run_id, std::nullopt, 0.0, EventKind::phase, Severity::info,
            label + " started (" + format_duration(run.phase_s) + (run.soaking ? ", measured once the bench is stable)" : ")"));
      if (phase.kind == PhaseKind::thermal_cycle && phase.cycle == 1) announce_program(run.run_id, *phase.thermal);
    }
    run.start = Clock::now() - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(run.first_t_s / config_.speed));
    current_run_id_ = run.run_id;

    std::size_t running = 0;
    asio::steady_timer all_done(co_await asio::this_coro::executor, Clock::time_point::max());
    auto spawn = [&](asio::awaitable<void> loop) {
      ++running;
      asio::co_spawn(all_done.get_executor(), std::move(loop), [&](std::exception_ptr error) {
        if (error && !loop_failure_) loop_failure_ = error;
        if (--running == 0) all_done.cancel();
      });
    };
    // Each instrument at its own rate (the station's sample_period_s, else the campaign's): the
    // chamber, the supplies, the boards, the sensors, and the profile's own clock.
    const double campaign_period_s = config_.sample_period_s;
    std::vector<Participant*> ticking{chamber_.get()};
    for (const auto& supply : supplies_) ticking.push_back(supply.get());
    for (const auto& board : boards_) ticking.push_back(board.get());
    for (const auto& hub : sensors_) ticking.push_back(hub.get());
    for (auto* participant : ticking) {
      spawn(tick_loop(run, participant->sample_period_s().value_or(campaign_period_s),
                      [&run, participant](double t_s) { return participant->tick(run, t_s); }));
    }
    spawn(tick_loop(run, campaign_period_s, [this, &run](double t_s) { return profile_tick(run, t_s); }));
    std::error_code ec;
    co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (loop_failure_) std::rethrow_exception(loop_failure_);

    const bool completed = !abort_reason_;
    // What is judged on the committed record (it flushes) comes first, while the run is still
    // 'running'; what ends the run is queued after the last flush, its status last, so that one
    // transaction commits it all. A controller killed before that commit is resumed into this
    // run's last ticks and ends it again; one killed after it goes on with the next phase.
    // (With the status committed first, a kill in between left a completed run without its
    // verdict and its "completed" event for good.)
    if (completed && phase.kind == PhaseKind::thermal_cycle) record_cycle_judgement(run, phase);
    if (completed) chamber_->judge_run(run);
    const std::optional<int> failed = completed ? std::optional<int>(count_failed_measurements(run.run_id)) : std::nullopt;
    recorder_.aggregate_run(run.run_id);  // the analyses read these, not every sample
    // An operator's interruption can be resumed: the run's measurements wait for its end then.
    if (!interrupted_by_operator()) record_run_measurements(run, phase.kind);
    if (failed) record_run_verdict(run.run_id, *failed);
    last_run_id_ = run.run_id;
    elapsed_profile_s_ += run.end_t_s;
    event(run.run_id, std::nullopt, run.end_t_s, EventKind::phase, Severity::info, label + (completed ? " completed" : " aborted"));
    recorder_.finish_run(run.run_id, completed ? db::RunStatus::completed : db::RunStatus::aborted, unix_now_s());
  }

  template <class Body>
  asio::awaitable<void> tick_loop(PhaseRun& run, double period_wall_s, Body body) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const TimerRegistration registration(tick_timers_, timer);
    const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(period_wall_s));
    // This loop's grid of profile times: the same after a resume, so re-recorded ticks replace.
    const double step_profile_s = period_wall_s * config_.speed;
    const long ticks = static_cast<long>(std::floor(run.duration_s / step_profile_s + 1e-9)) + 1;
    const long first_tick = std::min(ticks, static_cast<long>(std::ceil(run.first_t_s / step_profile_s - 1e-9)));
    for (long tick = first_tick; tick < ticks && !abort_reason_; ++tick) {
      if (static_cast<double>(tick) * step_profile_s > run.end_t_s + 1e-9) break;  // the soak ended it earlier
      // While the profile clock is paused (the chamber left its band) no loop moves on.
      while (clock_stopped() && !abort_reason_) {
        timer.expires_after(period);
        std::error_code paused_ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, paused_ec));
      }
      if (abort_reason_) break;
      const auto wake = run.start + pause_offset_ +
                        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(tick * period_wall_s));
      // A loop that fell a whole period behind skips ticks rather than replaying them late.
      if (Clock::now() > wake + period) {
        ++late_ticks_;
        continue;
      }
      timer.expires_at(wake);
      std::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (abort_reason_) break;
      const double late_ms = std::chrono::duration<double, std::milli>(Clock::now() - wake).count();
      lateness_.add(late_ms);
      if (options_.live) options_.live->add_tick_lateness_s(late_ms / 1000.0);
      co_await body(static_cast<double>(tick) * step_profile_s);
    }
  }

  // The results database refusing data (db::RecorderHealth): the recorder holds the rows and
  // tries again; the campaign goes on while that is brief, and stops into its safe state —
  // resumable, nothing recorded lost — on a full disk or a read-only file at once, or after
  // kStoreOutageBoundS of anything else (another writer's lock, I/O errors).
  void check_store() {
    const auto health = recorder_.health();
    if (!health.failing_for_s) {
      store_warned_ = false;
      return;
    }
    if (!store_warned_) {
      store_warned_ = true;
      progress_.last_event = "results database refusing data, retrying: " + health.error;
    }
    const auto stop = store_failure(health);
    if (stop.hopeless || *health.failing_for_s >= kStoreOutageBoundS) abort_campaign(AbortCause::store_failure, stop.reason);
  }

  struct StoreFailure {
    bool hopeless = false;  // waiting will not help: a full disk, a read-only file
    std::string reason;     // for the campaign's reason, naming the cause
  };
  StoreFailure store_failure(const db::RecorderHealth& health) const {
    const int primary = health.sqlite_code & 0xff;
    const int os = health.system_errno;
    const bool full = primary == SQLITE_FULL || os == ENOSPC || os == EDQUOT || os == EFBIG;
    const bool read_only = primary == SQLITE_READONLY || os == EROFS || os == EACCES || os == EPERM;
    const char* cause = full ? "disk full"
                        : read_only ? "read-only"
                        : primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? "locked by another writer"
                                                                            : "write errors";
    char held[160];
    std::snprintf(held, sizeof held, " for %.1f s, %zu rows held", health.failing_for_s.value_or(0), health.rows_held);
    std::string why = health.error;
    if (os != 0) why += std::string(" [") + std::strerror(os) + "]";
    return {full || read_only, std::string("results database ") + cause + " at " + recorder_.path().string() + held + " (" +
                                   why + "); stopped into the safe state: `orbitbench resume` once it can be written"};
  }

  asio::awaitable<void> profile_tick(PhaseRun& run, double t_s) {
    const Targets targets = run.targets->at(t_s);
    const double wall = unix_now_s();
    check_store();
    update_soak(run, t_s);
    // About once a wall second: where `orbitbench resume` would go on after a crash.
    const long ticks_per_checkpoint = std::max(1L, std::lround(kCheckpointPeriodS / run.period_wall_s));
    if (std::lround(t_s / run.step_profile_s) % ticks_per_checkpoint == 0) {
      recorder_.add_checkpoint(outcome_.campaign_id, run.run_id, run.ordinal, t_s, state_json(run.replays_before));
    }
    progress_.t_s = t_s;
    if (run.phase->kind == PhaseKind::replay && profile_ && profile_->orbit().period_s() > 0) {
      // Orbits of the whole replay (parts split by reference checks go on where the last stopped).
      progress_.orbits = static_cast<int>(std::ceil(replay_orbits_ - 1e-9));
      progress_.orbit = std::min(progress_.orbits,
                                 static_cast<int>(run.phase->orbit_offset + t_s / profile_->orbit().period_s()) + 1);
    } else {
      progress_.orbit = progress_.orbits = 0;
    }
    const double remaining_profile_s = total_profile_s() - elapsed_profile_s_ - t_s;
    progress_.remaining_wall_s = remaining_profile_s / config_.speed;
    // What the orbit (or the plan) asks of the chamber air: tracking is judged against it.
    sample(run, profile_state_, "chamber_target_c", t_s, wall, targets.chamber_target_c);
    if (targets.illumination || run.phase->kind == PhaseKind::thermal_cycle) {  // what the plan asks for, as it changes
      sample(run, profile_state_, "chamber_setpoint_c", t_s, wall, targets.chamber_c);
      sample(run, profile_state_, "gpu_power_cap_w", t_s, wall, targets.duts.front().power_cap_w);
    }
    if (targets.illumination) {
      sample(run, profile_state_, "illumination", t_s, wall, *targets.illumination);
      sample(run, profile_state_, "power_budget_w", t_s, wall, targets.power_budget_w.value_or(0));
      progress_.condition = *targets.illumination >= kSunlitThreshold ? "sunlit" : "eclipse";
    } else {
      progress_.condition = "ground";
    }
    if (options_.push_status) progress_.push = options_.push_status();
    printer_.update(progress_, std::chrono::duration<double>(Clock::now() - wall_start_).count());
    last_chamber_target_c_ = targets.chamber_target_c;
    // The live view, at most every kLivePublishPeriod, after this tick's other loops have woken:
    // its copy never delays an instrument's tick.
    if (options_.live && Clock::now() - last_live_publish_ >= kLivePublishPeriod) {
      last_live_publish_ = Clock::now();
      asio::post(io_, [this] { publish_live(); });
    }
    co_return;
  }

  double total_profile_s() const {
    double total = 0;
    for (const auto& phase : config_.plan) {
      if (phase.kind == PhaseKind::replay && profile_) {
        total += phase.orbits * profile_->orbit().period_s();
      } else if (phase.kind == PhaseKind::thermal_cycle) {
        total += cycle_schedule(*phase.thermal, phase.cycle).duration_s;
      } else {
        total += phase.duration_s;
      }
    }
    return total;
  }

  // ---- commanded versus achieved ------------------------------------------------------------

  // A baseline's or reference's soak, from start_t_s (again after a resume: it does not inherit
  // the time from before). Isolated boards do not hold it back.
  void start_soak(double start_t_s) {
    std::vector<std::string> names;
    double board_step_s = 0;  // the slowest board's profile seconds between samples
    for (const auto& board : session_->boards()) {
      names.push_back(board.config->name);
      board_step_s = std::max(board_step_s, board.config->sample_period_s.value_or(config_.sample_period_s) * config_.speed);
    }
    soak_.emplace(config_.soak, std::move(names), start_t_s, board_step_s);
    for (std::size_t i = 0; i < boards_.size(); ++i) {
      if (board_state(i).isolated) soak_->forget_board(i);
    }
  }

  // The soak's decision, once per profile tick: measuring starts at the next tick once the bench
  // has held stable for soak.hold; past soak.timeout the campaign fails, naming what still moved.
  void update_soak(PhaseRun& run, double t_s) {
    if (!run.soaking || !soak_ || abort_reason_) return;
    const auto state = soak_->update(t_s);
    if (state == SoakMonitor::State::soaking) return;
    if (state == SoakMonitor::State::timed_out) {
      abort_campaign(AbortCause::soak_timeout, run.label + " did not stabilise within soak.timeout " + format_duration(soak_->timeout_s()) + ": " +
                     soak_->still_moving());
      return;
    }
    run.soaking = false;
    run.measure_from_t_s = t_s + run.step_profile_s;
    run.end_t_s = run.measure_from_t_s + run.phase_s;
    // Recorded at once: a resume goes on measuring from here, and the run's aggregates start here.
    recorder_.add_measurement(db::MeasurementRow{run.run_id, std::nullopt, "soak_s", run.measure_from_t_s, "s", std::nullopt,
                                                 std::nullopt, "info"});
    char message[256];
    std::snprintf(message, sizeof message, "%s stable after %s of soak (air within %g K, boards below %g °C/min for %s); measuring %s",
                  run.label.c_str(), format_duration(run.measure_from_t_s).c_str(), config_.soak.band_k,
                  config_.soak.max_slope_c_per_min, format_duration(config_.soak.hold_s).c_str(),
                  format_duration(run.phase_s).c_str());
    event(run.run_id, std::nullopt, t_s, EventKind::soak, Severity::info, message);
    progress_.last_event = message;
    progress_.phase = run.label;
  }

  // ---- faults, events, samples ---------------------------------------------------------------

  // ---- what participants ask of the runner (BenchContext) ------------------------------------

  const CampaignConfig& config() const override { return config_; }
  db::Recorder& recorder() override { return recorder_; }
  std::int64_t campaign_id() const override { return outcome_.campaign_id; }
  ProgressState& progress() override { return progress_; }
  asio::any_io_executor executor() override { return session_executor_; }
  bool aborting() const override { return abort_reason_.has_value(); }
  BoardState& board_state(std::size_t index) override { return boards_[index]->state(); }
  SoakMonitor* soak() override { return soak_ ? &*soak_ : nullptr; }

  bool clock_paused() const override { return paused_; }
  void pause_clock() override {
    const auto now = Clock::now();
    if (!clock_stopped()) stopped_since_ = now;
    paused_ = true;
    pause_started_ = now;
  }
  Clock::duration restart_clock() override {
    const auto now = Clock::now();
    const auto paused_for = now - pause_started_;
    paused_s_ += std::chrono::duration<double>(paused_for).count();
    paused_ = false;
    if (!clock_stopped()) pause_offset_ += now - stopped_since_;
    return paused_for;
  }
  bool clock_stopped() const { return paused_ || operator_held_; }

  // ---- the live view (bench/live/): its status, and an operator's actions --------------------

  // The operator holds the profile clock (POST /pause): every loop waits, as for the chamber's
  // pause; instruments stay as they were told last.
  void hold_clock(const std::string& who) {
    if (operator_held_ || abort_reason_) return;
    if (!clock_stopped()) stopped_since_ = Clock::now();
    operator_held_ = true;
    event(current_run_id_, std::nullopt, progress_.t_s, EventKind::pause, Severity::warning,
          "profile clock held by the operator (" + who + ")");
    progress_.last_event = "clock held by the operator";
    if (options_.live) options_.live->set_clock_held(true);
    if (energised_) asio::co_spawn(io_, watch_operator_hold(), asio::detached);
  }
  void release_clock(const std::string& who) {
    if (!operator_held_) return;
    operator_held_ = false;
    const auto now = Clock::now();
    if (!clock_stopped()) pause_offset_ += now - stopped_since_;
    event(current_run_id_, std::nullopt, progress_.t_s, EventKind::pause, Severity::info,
          "profile clock released by the operator (" + who + ")");
    progress_.last_event = "clock released by the operator";
    if (options_.live) options_.live->set_clock_held(false);
  }

  // Runs on the live view's thread: decides at once, acts on the runner's.
  live::ActionReply operator_action(const live::OperatorRequest& request) {
    if (!accepting_actions_) return {409, "the campaign is not running (it is starting, or has ended)"};
    const std::string& who = request.who;
    switch (request.action) {
      case live::OperatorAction::answer_prompt: return offer_answer(request.prompt_id, request.answer, who);
      case live::OperatorAction::pause:
        if (operator_hold_requested_.exchange(true)) return {409, "the profile clock is already held"};
        asio::post(io_, [this, who] { hold_clock(who); });
        return {202, "holding the profile clock"};
      case live::OperatorAction::resume_clock:
        if (!operator_hold_requested_.exchange(false)) return {409, "the profile clock is not held by an operator"};
        asio::post(io_, [this, who] { release_clock(who); });
        return {202, "releasing the profile clock"};
      case live::OperatorAction::abort:
        asio::post(io_, [this, who] {
          event(current_run_id_, std::nullopt, std::nullopt, EventKind::operator_signal, Severity::warning,
                "abort requested from the live view (" + who + "): the campaign stops, every instrument into its safe state");
          abort_campaign(AbortCause::operator_signal, "aborted by the operator from the live view (" + who + ")");
        });
        return {202, "aborting: every instrument into its safe state"};
    }
    return {400, "unknown action"};
  }

  // ---- operator prompts (`prompt:` steps) ---------------------------------------------------

  // Asks, between runs, and waits for the first valid answer — from the terminal or the live
  // page — or the prompt's timeout, or an abort. The question, the answer, who gave it and
  // when are events; a timeout aborts (into the safe state) or skips, as the step says.
  asio::awaitable<void> ask_prompt(const PhaseConfig& phase, std::size_t index) {
    const PromptSpec& spec = *phase.prompt;
    const std::string id = std::to_string(index + 1);  // the plan step's number: the same when a resume asks again
    const double asked_unix_s = unix_now_s();
    const auto asked_at = Clock::now();
    {
      const std::lock_guard lock(prompt_mutex_);
      pending_prompt_ = PendingPrompt{id, &spec, false};
    }
    prompt_answer_.reset();
    std::string how = spec.expect == PromptExpect::confirm ? "to be confirmed" : std::string("a ") + to_string(spec.expect) + " answer";
    event(current_run_id_, std::nullopt, std::nullopt, EventKind::prompt, Severity::info,
          "operator prompt " + id + " (" + how + ", up to " + format_duration(spec.timeout_s) + "): " + spec.text);
    progress_.last_event = "waiting for the operator: " + spec.text;
    if (options_.live) {
      options_.live->set_prompt(live::LivePrompt{id, spec.text, to_string(spec.expect), asked_unix_s, spec.timeout_s});
      options_.live->set_state("waiting");
    }
    TerminalAnswers terminal;
    if (options_.prompts_on_terminal) {
      printer_.finish();
      std::fprintf(stderr, "\n*** operator prompt %s: %s\n    %s here%s; waiting up to %s\n> ", id.c_str(), spec.text.c_str(),
                   spec.expect == PromptExpect::confirm ? "type yes" : spec.expect == PromptExpect::number ? "type a number" : "type the answer",
                   options_.desk ? " or answer on the live page" : "", format_duration(spec.timeout_s).c_str());
      std::fflush(stderr);
      terminal.start([this, id](const std::string& line) {
        const auto reply = offer_answer(id, line, "terminal");
        if (reply.http_status == 202) return true;
        std::fprintf(stderr, "    %s\n> ", reply.message.c_str());
        std::fflush(stderr);
        return reply.http_status == 409;  // answered elsewhere meanwhile: nothing more to read
      });
    }
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const TimerRegistration registration(tick_timers_, timer);  // an abort wakes it
    prompt_timer_ = &timer;
    const auto deadline = asked_at + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(spec.timeout_s));
    // Once energised, the bench is watched while it waits (bench/hold_watch.hpp).
    std::optional<HoldWatch> watch;
    if (energised_) watch.emplace(*this, *session_, options_.max_consecutive_faults);
    const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(config_.sample_period_s));
    pending_prompt_exists_ = true;
    publish_live();
    while (!prompt_answer_ && !abort_reason_ && Clock::now() < deadline) {
      timer.expires_at(std::min(deadline, Clock::now() + period));
      std::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (prompt_answer_ || abort_reason_) break;
      if (watch) co_await watch->step();
      publish_live();
    }
    pending_prompt_exists_ = false;
    prompt_timer_ = nullptr;
    terminal.stop();
    {
      const std::lock_guard lock(prompt_mutex_);
      pending_prompt_.reset();
    }
    if (options_.live) options_.live->set_prompt(std::nullopt);
    const std::string waited = format_duration(std::chrono::duration<double>(Clock::now() - asked_at).count());
    if (prompt_answer_) {
      if (options_.prompts_on_terminal) std::fprintf(stderr, "    answered (%s)\n", prompt_answer_->who.c_str());
      event(current_run_id_, std::nullopt, std::nullopt, EventKind::prompt, Severity::info,
            "operator prompt " + id + " answered by " + prompt_answer_->who + " after " + waited + ": " + prompt_answer_->answer);
      progress_.last_event = "operator answered: " + prompt_answer_->answer;
      co_return;
    }
    if (abort_reason_) co_return;
    if (spec.skip_on_timeout) {
      if (options_.prompts_on_terminal) std::fprintf(stderr, "    no answer: skipped\n");
      event(current_run_id_, std::nullopt, std::nullopt, EventKind::prompt, Severity::warning,
            "operator prompt " + id + " not answered within " + format_duration(spec.timeout_s) + ": skipped (on_timeout: skip)");
      co_return;
    }
    if (options_.prompts_on_terminal) std::fprintf(stderr, "    no answer: the campaign stops\n");
    abort_campaign(AbortCause::prompt_timeout, "operator prompt " + id + " not answered within " + format_duration(spec.timeout_s) +
                                                   " (on_timeout: abort): " + spec.text);
  }

  // From any thread (the terminal's reader, the live view's): the first valid answer to the
  // pending prompt wins; a later one is told it came too late.
  live::ActionReply offer_answer(const std::string& prompt_id, const std::string& raw, const std::string& who) {
    std::string answer;
    {
      const std::lock_guard lock(prompt_mutex_);
      if (!pending_prompt_) return {409, "no operator prompt is pending"};
      if (!prompt_id.empty() && prompt_id != pending_prompt_->id) {
        return {409, "prompt " + prompt_id + " is not the one pending (" + pending_prompt_->id + ")"};
      }
      if (pending_prompt_->answered) return {409, "the prompt was answered already"};
      std::string why;
      auto valid = prompt_answer_text(*pending_prompt_->spec, raw, why);
      if (!valid) return {400, why};
      answer = std::move(*valid);
      pending_prompt_->answered = true;
    }
    asio::post(io_, [this, answer, who] {
      prompt_answer_ = PromptAnswer{answer, who};
      if (prompt_timer_) prompt_timer_->cancel();
    });
    return {202, "answer taken: " + answer};
  }

  void publish_live() {
    auto* live = options_.live;
    if (!live) return;
    live::LiveStatus status;
    status.state = pending_prompt_exists_ ? "waiting" : clock_stopped() ? "paused" : "running";
    status.phase = progress_.phase;
    status.orbit = progress_.orbit;
    status.orbits = progress_.orbits;
    status.t_s = progress_.t_s;
    status.phase_duration_s = progress_.phase_duration_s;
    status.campaign_t_s = elapsed_profile_s_ + progress_.t_s;
    status.eta_s = std::max(0.0, progress_.remaining_wall_s);  // a soak that ran past the plan: "now", not negative
    status.condition = progress_.condition;
    if (progress_.chamber_known) {
      status.chamber_air_c = progress_.chamber_air_c;
      status.chamber_setpoint_c = progress_.chamber_setpoint_c;
    }
    status.chamber_target_c = last_chamber_target_c_;
    for (const auto& board : progress_.boards) {
      status.boards.push_back(live::BoardNow{board.name, board.seen, board.tflops, board.power_w, board.temp_c,
                                             board.sm_clock_mhz, board.throttle, board.isolated});
    }
    status.last_event = progress_.last_event;
    live->update(std::move(status));
  }

  // While an operator holds the clock: the bench watched, the page kept current.
  asio::awaitable<void> watch_operator_hold() {
    HoldWatch watch(*this, *session_, options_.max_consecutive_faults);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const TimerRegistration registration(tick_timers_, timer);
    const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(config_.sample_period_s));
    while (operator_held_ && !abort_reason_) {
      timer.expires_after(period);
      std::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!operator_held_ || abort_reason_) break;
      co_await watch.step();
      publish_live();
    }
  }

  // The campaign's interlocks (`interlocks:`): a trip isolates its board or safes the station.
  void check_interlock(const PhaseRun& run, std::optional<std::size_t> board, std::string_view channel, double value,
                       double t_s) override {
    if (!interlocks_.watches(channel) || abort_reason_) return;
    if (board && board_state(*board).isolated) return;
    const auto trip = interlocks_.observe(board, channel, value, elapsed_profile_s_ + t_s);
    if (!trip) return;
    const std::string message = trip->describe(board ? boards_[*board]->name() : std::string());
    event(run.run_id, board ? std::optional<std::int64_t>(board_state(*board).device.device_id) : std::nullopt, t_s,
          EventKind::interlock, Severity::error, message);
    if (trip->rule->action == InterlockAction::isolate && board) {
      isolate(*board, message, run, t_s);
    } else {
      abort_campaign(AbortCause::interlock, message);
    }
  }

  bool count_fault(DeviceState& device, const drivers::Fault& fault, std::int64_t run_id, double t_s) override {
    ++device.consecutive_faults;
    event(run_id, device.device_id, t_s, EventKind::error, Severity::warning, fault.message());
    progress_.last_event = fault.message();
    return device.consecutive_faults >= options_.max_consecutive_faults;
  }

  // One board leaves the campaign, the others go on: its workload stopped, then its supply
  // channel switched off (that order: a board is never unpowered under load on purpose). The
  // campaign ends when no board is left.
  void isolate(std::size_t index, const std::string& reason, const PhaseRun& run, double t_s) override {
    auto& board = board_state(index);
    if (board.isolated) return;
    board.isolated = true;
    if (soak_) soak_->forget_board(index);  // it no longer holds the soak back
    board.isolation_reason = reason;
    // The board's verdict: it did not finish the campaign.
    recorder_.add_measurement(db::MeasurementRow{run.run_id, board.device.device_id, "isolated", 1.0, "", std::nullopt, 0.0, "fail"});
    progress_.last_event = boards_[index]->name() + " isolated";
    progress_.boards[index].isolated = true;
    if (std::all_of(boards_.begin(), boards_.end(), [](const auto& each) { return each->state().isolated; })) {
      abort_campaign(AbortCause::boards_isolated, boards_.size() == 1 ? reason : "every board is isolated; last: " + reason);
      return;  // safe_state_all takes everything down
    }
    // A member coroutine with its arguments by value (a capturing lambda's frame would dangle).
    asio::co_spawn(session_executor_, isolate_board(index, reason, run.run_id, t_s, Clock::now()), asio::detached);
  }

  asio::awaitable<void> isolate_board(std::size_t index, std::string reason, std::int64_t run_id, double t_s,
                                      Clock::time_point started) {
    auto& board = session_->boards()[index];
    const auto stopped = co_await board.driver->safe_state();
    const int channel = board.config->supply.channel;
    const auto off = co_await board.supply->driver->set_output(channel, false);
    const double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    char message[512];
    std::snprintf(message, sizeof message, "%s isolated in %.0f ms (workload %s, %s ch%d %s); the campaign goes on without it: %s",
                  board.config->name.c_str(), took_ms, stopped ? "stopped" : "NOT confirmed stopped",
                  board.supply->name.c_str(), channel, off ? "off" : "NOT confirmed off", reason.c_str());
    const auto device_id = board_state(index).device.device_id;
    event(run_id, device_id, t_s, EventKind::isolate, stopped && off ? Severity::warning : Severity::error, message);
    // From the reading that decided it to the board off; the design's bound is 100 ms on loopback.
    recorder_.add_measurement(db::MeasurementRow{run_id, device_id, "isolation_latency_ms", took_ms, "ms",
                                                 std::nullopt, kInterlockLatencyBoundMs, "info"});
  }

  void event(std::optional<std::int64_t> run_id, std::optional<std::int64_t> device_id, std::optional<double> t_s,
             EventKind kind, Severity severity, const std::string& message) override {
    const auto level = severity == Severity::error     ? spdlog::level::err
                       : severity == Severity::warning ? spdlog::level::warn
                                                       : spdlog::level::info;
    spdlog::log(level, "{}{}: {}", to_string(kind), t_s ? fmt::format(" t+{:.1f}s", *t_s) : std::string(), message);
    if (!campaign_recorded_) return;  // preparing: a refusal leaves no trace; an abort is recorded with the campaign
    db::EventRow row;
    row.campaign_id = outcome_.campaign_id;
    row.run_id = run_id;
    row.device_id = device_id;
    row.t_s = t_s;
    row.wall_unix_s = unix_now_s();
    row.kind = to_string(kind);
    row.severity = to_string(severity);
    row.message = message;
    recorder_.add_event(row);
  }

  void sample(const PhaseRun& run, const DeviceState& device, const std::string& channel, double t_s, double wall_s,
              double value) {
    recorder_.add_sample(db::SampleRow{run.run_id, device.channels.at(channel), t_s, wall_s, value});
  }

  bool interrupted_by_operator() const { return abort_cause_ == AbortCause::operator_signal; }

  void abort_campaign(AbortCause cause, const std::string& reason) override {
    if (abort_reason_) return;
    abort_reason_ = reason;
    abort_cause_ = cause;
    status_on_abort_ = status_after(cause);
    aborted_at_ = Clock::now();
    progress_.last_event = reason;
    for (auto* timer : tick_timers_) timer->cancel();  // every loop wakes and ends
    // Before the campaign is recorded nothing is energised: execute() safes it once it is.
    if (session_ && campaign_recorded_ && !safe_state_started_) {
      safe_state_started_ = true;
      asio::co_spawn(session_executor_, safe_state_now(), asio::detached);
    }
  }

  // ---- safe state and results ----------------------------------------------------------------

  asio::awaitable<void> safe_state_all() {
    if (!session_) co_return;
    auto report = [&](const std::string& name, const drivers::Status& status) {
      if (status) {
        event(std::nullopt, std::nullopt, std::nullopt, EventKind::safe_state, Severity::info, name + " in safe state");
        return;
      }
      event(std::nullopt, std::nullopt, std::nullopt, EventKind::safe_state, Severity::error,
            name + " did NOT reach its safe state: " + status.error().message());
      safe_state_failures_ += (safe_state_failures_.empty() ? "" : "; ") + status.error().message();
    };
    auto steps_of = [&](const std::vector<Participant*>& participants) {
      std::vector<ConcurrentSteps::Step> steps;
      for (auto* participant : participants) steps.push_back([this, participant] { return safe_state_confirmed(*participant); });
      return steps;
    };
    // Every board's workload stopped at once; the supplies wait for them only until the grace
    // ends — whatever the agents do, the outputs go off within a second of the decision — and
    // the chamber follows the supplies. Each step is tried again until its readback confirms it.
    std::vector<Participant*> boards;
    for (const auto& board : boards_) boards.push_back(board.get());
    std::vector<Participant*> supplies;
    for (const auto& supply : supplies_) supplies.push_back(supply.get());
    // Each step is recorded as it ends, so the events keep the order things happened in.
    auto stopping = ConcurrentSteps::start(session_executor_, steps_of(boards));
    std::vector<bool> board_reported(boards.size(), false);
    auto report_boards_ended = [&] {
      for (std::size_t i = 0; i < boards.size(); ++i) {
        if (board_reported[i] || !stopping->result(i)) continue;
        report(boards[i]->name(), *stopping->result(i));
        board_reported[i] = true;
      }
    };
    const auto grace_end = aborted_at_.value_or(Clock::now()) + kWorkloadStopGrace;
    co_await stopping->wait_until(grace_end);
    report_boards_ended();
    auto switching_off = ConcurrentSteps::start(session_executor_, steps_of(supplies));
    co_await switching_off->wait_all();
    for (std::size_t i = 0; i < supplies.size(); ++i) report(supplies[i]->name(), *switching_off->result(i));
    if (aborted_at_ && current_run_id_) {  // from the decision to the supplies' last readback
      const double off_ms = std::chrono::duration<double, std::milli>(Clock::now() - *aborted_at_).count();
      recorder_.add_measurement(db::MeasurementRow{*current_run_id_, std::nullopt, "supplies_off_latency_ms", off_ms, "ms",
                                                   std::nullopt, kSuppliesOffBoundMs, off_ms <= kSuppliesOffBoundMs ? "pass" : "fail"});
    }
    // Results are kept in locals: GCC 12 mishandles temporaries that span a co_await.
    const auto chamber = co_await safe_state_confirmed(*chamber_);
    report(chamber_->name(), chamber);
    co_await stopping->wait_all();
    report_boards_ended();
    if (aborted_at_) {  // how long the bench took from the decision to its safe state
      const double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - *aborted_at_).count();
      if (current_run_id_) {
        recorder_.add_measurement(db::MeasurementRow{*current_run_id_, std::nullopt, "safe_state_latency_ms", took_ms, "ms",
                                                     std::nullopt, kInterlockLatencyBoundMs, "info"});
      }
      char message[400];
      std::snprintf(message, sizeof message, "safe state %s %.0f ms after the abort: %s",
                    safe_state_failures_.empty() ? "reached" : "attempted",
                    took_ms, abort_reason_->c_str());
      event(std::nullopt, std::nullopt, std::nullopt, EventKind::safe_state, safe_state_failures_.empty() ? Severity::info : Severity::error, message);
    }
  }

  // One participant's safe state, tried again (kSafeStateAttempts in all) until confirmed: a lost
  // link, a dropped command or an output read back still on is retried, each retry recorded.
  asio::awaitable<drivers::Status> safe_state_confirmed(Participant& participant) {
    co_return co_await until_confirmed([&participant] { return participant.safe_state(); }, kSafeStateAttempts,
                                       kSafeStateRetryPause, [&](int attempt, const drivers::Fault& fault) {
                                         event(std::nullopt, std::nullopt, std::nullopt, EventKind::safe_state, Severity::warning,
                                               participant.name() + ": safe state not confirmed (attempt " +
                                                   std::to_string(attempt) + " of " + std::to_string(kSafeStateAttempts) +
                                                   "): " + fault.message() + "; trying again");
                                       });
  }

  // When the run's ticks woke (and issued their setpoints) against the schedule, every
  // instrument's loop together; ticks skipped for being a whole period late are counted apart.
  void record_timing(const PhaseRun& run) {
    if (lateness_.count() == 0) return;
    auto info = [&](const char* name, double value, const char* unit) {
      recorder_.add_measurement(db::MeasurementRow{run.run_id, std::nullopt, name, value, unit, std::nullopt, std::nullopt, "info"});
    };
    info("command_lateness_p50_ms", lateness_.quantile_ms(0.5), "ms");
    info("command_lateness_p99_ms", lateness_.quantile_ms(0.99), "ms");
    info("command_lateness_max_ms", lateness_.max_ms(), "ms");
    info("ticks_on_time", static_cast<double>(lateness_.count()), "count");
    info("ticks_skipped_late", static_cast<double>(late_ticks_), "count");
    if (config_.limits.chamber_band_c) info("paused_s", paused_s_, "s");
  }

  void record_run_measurements(const PhaseRun& run, PhaseKind kind) {
    record_timing(run);
    for (std::size_t i = 0; i < boards_.size(); ++i) {
      const auto& statistics = board_state(i).statistics;
      if (statistics.count() == 0) continue;
      const auto device_id = board_state(i).device.device_id;
      auto info = [&](const char* name, double value, const char* unit) {
        recorder_.add_measurement(db::MeasurementRow{run.run_id, device_id, name, value, unit, std::nullopt, std::nullopt, "info"});
      };
      info("tflops_mean", statistics.mean_tflops(), "TFLOP/s");
      info("gpu_temp_max_c", statistics.max_temp_c(), "degC");
      info("power_mean_w", statistics.mean_power_w(), "W");
      if (kind == PhaseKind::replay) {
        if (auto sunlit = statistics.mean_tflops_sunlit()) info("tflops_sunlit_mean", *sunlit, "TFLOP/s");
        if (auto eclipse = statistics.mean_tflops_eclipse()) info("tflops_eclipse_mean", *eclipse, "TFLOP/s");
      }
      auto& board = board_state(i);
      auto& means = kind == PhaseKind::baseline ? board.baseline_means : kind == PhaseKind::reference ? board.reference_means : board.replay_means;
      means.add(statistics.mean_tflops());
      if (kind == PhaseKind::reference) last_reference_run_id_ = run.run_id;
    }
  }

  // The campaign's per-DUT limits (limits.sdc_count, ecc_uncorrected, board_temp_c), judged
  // over everything the board reported, recorded at the last run.
  void record_campaign_limits(VerdictRollup& rollup) {
    const auto& limits = config_.limits;
    if (!last_run_id_) return;
    for (std::size_t i = 0; i < boards_.size(); ++i) {
      auto judge = [&](const char* name, double value, const char* unit, const std::optional<double>& max) {
        if (!max) return;
        const bool pass = value <= *max;
        recorder_.add_measurement(
            db::MeasurementRow{*last_run_id_, board_state(i).device.device_id, name, value, unit, std::nullopt, *max, pass ? "pass" : "fail"});
        if (!pass) rollup.fail(i, name);
      };
      const auto& first = board_state(i).first_error_counts;
      const auto& last = board_state(i).last_error_counts;
      const double sdc = first && last ? static_cast<double>(last->sdc - first->sdc) : 0.0;
      const double ecc = first && last ? static_cast<double>(last->ecc_uncorrected - first->ecc_uncorrected) : 0.0;
      judge("sdc_count", sdc, "count", limits.max_sdc_count);
      judge("ecc_uncorrected", ecc, "count", limits.max_ecc_uncorrected);
      if (std::isfinite(board_state(i).max_temp_c)) judge("board_temp_max_c", board_state(i).max_temp_c, "degC", limits.max_board_temp_c);
    }
  }

  // ---- thermal cycling ----------------------------------------------------------------------

  void announce_program(std::int64_t run_id, const ThermalProgram& program) {
    event(run_id, chamber_->device().device_id, 0.0, EventKind::phase, Severity::info, "thermal cycling " + program.describe());
    for (const auto& deviation : program.deviations) {
      event(run_id, chamber_->device().device_id, 0.0, EventKind::limit, Severity::warning,
            std::string("thermal cycling falls short of ") + to_string(program.level) + ": " + deviation);
    }
  }

  // The cycle's judgements, from its recorded samples (all of them, also across a resume):
  // plateau stability on the chamber, the functional tests and failure-free cycle per board;
  // after the program's last cycle, its last three cycles and its conformance to the level.
  void record_cycle_judgement(const PhaseRun& run, const PhaseConfig& phase) {
    const auto& program = *phase.thermal;
    const auto schedule = cycle_schedule(program, phase.cycle);
    CycleChannels channels;
    channels.chamber_air = chamber_->device().channels.at("air_temp_c");
    for (std::size_t i = 0; i < boards_.size(); ++i) {
      const auto& ids = board_state(i).device.channels;
      channels.boards.push_back({ids.at("tflops"), ids.at("gpu_temp_c"), ids.at("sdc_count"), ids.at("ecc_uncorrected"), board_state(i).isolated});
    }
    recorder_.flush();  // judged on what is committed
    const auto db = db::Connection::open_read_only(recorder_.path());
    const auto judgement = judge_cycle(db, run.run_id, schedule, channels);
    auto add = [&](std::optional<std::int64_t> device, std::string name, double value, const char* unit,
                   std::optional<double> high, const char* verdict) {
      recorder_.add_measurement(db::MeasurementRow{run.run_id, device, std::move(name), value, unit, std::nullopt, high, verdict});
    };
    auto pass_fail = [](bool pass) { return pass ? "pass" : "fail"; };
    for (const auto& plateau : judgement.plateaus) {
      const std::string side = plateau.hot ? "hot" : "cold";
      add(chamber_->device().device_id, side + "_air_mean_c", plateau.air_mean_c, "degC", std::nullopt, "info");
      const double rate = plateau.air_rate_c_per_h ? std::abs(*plateau.air_rate_c_per_h) : std::numeric_limits<double>::quiet_NaN();
      add(chamber_->device().device_id, side + "_stability_c_per_h", rate, "degC/h", kStableCPerH, pass_fail(plateau.stable));
      if (!plateau.stable) {
        event(run.run_id, chamber_->device().device_id, schedule.duration_s, EventKind::limit, Severity::warning,
              side + " plateau not stable: chamber air " +
                  (plateau.air_rate_c_per_h ? std::to_string(*plateau.air_rate_c_per_h) + " °C/h" : std::string("too few samples")) +
                  " over the second half of the soak (needs < 3 °C/h)");
      }
    }
    for (std::size_t i = 0; i < judgement.boards.size(); ++i) {
      const auto device = board_state(i).device.device_id;
      const auto& board = judgement.boards[i];
      for (std::size_t p = 0; p < board.plateaus.size(); ++p) {
        const std::string side = judgement.plateaus[p].hot ? "hot" : "cold";
        const auto& test = board.plateaus[p];
        add(device, side + "_tflops_mean", test.tflops_mean, "TFLOP/s", std::nullopt, "info");
        add(device, side + "_gpu_temp_mean_c", test.gpu_temp_mean_c, "degC", std::nullopt, "info");
        add(device, side + "_functional", test.functional ? 1 : 0, "bool", std::nullopt, pass_fail(test.functional));
      }
      add(device, "cycle_failure_free", board.failure_free ? 1 : 0, "bool", std::nullopt, pass_fail(board.failure_free));
    }
    recorder_.flush();
    if (phase.cycle != program.cycles) return;
    // The program's end: its last three cycles must be failure-free, per board.
    const int last_ordinal = static_cast<int>(phase.program_first) + program.cycles - 1;
    const int needed = std::min(kFailureFreeCycles, program.cycles);
    for (std::size_t i = 0; i < boards_.size(); ++i) {
      const int passed = failure_free_cycles(db, outcome_.campaign_id, board_state(i).device.device_id,
                                             static_cast<int>(phase.program_first), last_ordinal, needed);
      add(board_state(i).device.device_id, "last_cycles_failure_free", passed, "cycles", std::nullopt, pass_fail(passed == needed));
    }
    if (program.level != QualificationLevel::custom) {
      add(std::nullopt, std::string("conforms_to_") + to_string(program.level), program.deviations.empty() ? 1 : 0, "bool",
          std::nullopt, pass_fail(program.deviations.empty()));
    }
  }

  // Thermal-cycling verdicts are read back from the record: they may have been written before
  // a crash this campaign was resumed from.
  void add_thermal_verdicts(VerdictRollup& rollup) {
    recorder_.flush();
    const auto db = db::Connection::open_read_only(recorder_.path());
    for (const auto& [device_id, name] : failed_thermal_verdicts(db, outcome_.campaign_id)) {
      const auto board = std::find_if(boards_.begin(), boards_.end(), [&](const auto& participant) {
        return device_id && participant->state().device.device_id == *device_id;
      });
      if (board == boards_.end()) {
        rollup.fail_campaign(name);
      } else {
        rollup.fail(static_cast<std::size_t>(board - boards_.begin()), name);
      }
    }
  }

  // The run's failed judgements so far (an isolation, a thermal cycle's), from the record.
  int count_failed_measurements(std::int64_t run_id) {
    recorder_.flush();
    const auto db = db::Connection::open_read_only(recorder_.path());
    return db::count_failed_measurements(db, run_id);
  }

  // The run's own judgements rolled up (those written at its end; the campaign's come after
  // its last run, in `verdict` and `campaign_verdict`).
  void record_run_verdict(std::int64_t run_id, int failed) {
    recorder_.add_measurement(db::MeasurementRow{run_id, std::nullopt, "run_verdict", static_cast<double>(failed), "failed",
                                                 std::nullopt, 0.0, failed == 0 ? "pass" : "fail"});
  }

  // Every judgement rolled up: a `verdict` per DUT and a `campaign_verdict` at the last run.
  void record_verdicts() {
    std::vector<std::string> names;
    for (const auto& board : session_->boards()) names.push_back(board.config->name);
    VerdictRollup rollup(names);
    for (std::size_t i = 0; i < boards_.size(); ++i) {
      // The bench's own failures name their cause (a tripped supply, a cap not enforced, …).
      for (const auto& cause : board_state(i).failure_causes) rollup.fail(i, cause);
      if (board_state(i).isolated && board_state(i).failure_causes.empty()) rollup.fail(i, "isolated");
      // The chamber's failures count against every board in it.
      for (const auto& cause : chamber_->failures().summaries()) rollup.fail(i, cause);
    }
    judge_campaign(rollup);
    verdicts_pass_ = rollup.pass();
    outcome_.verdict_summary = rollup.summary();
    if (config_.accept_thermal_infeasibility && !untrackable_segments(infeasible_segments_, config_.limits.chamber_tracking_p95_k).empty()) {
      double gap_k = 0;
      for (const auto* segment : untrackable_segments(infeasible_segments_, config_.limits.chamber_tracking_p95_k)) gap_k = std::max(gap_k, segment->max_deviation);
      char note[160];
      std::snprintf(note, sizeof note, " (thermal infeasibility accepted: the chamber was held up to %.1f K from the orbit's target)",
                    gap_k);
      outcome_.verdict_summary += note;
    }
    if (!last_run_id_) return;
    for (std::size_t i = 0; i < boards_.size(); ++i) {
      const bool pass = rollup.dut_pass(i);
      recorder_.add_measurement(db::MeasurementRow{*last_run_id_, board_state(i).device.device_id, "verdict", pass ? 1.0 : 0.0, "bool",
                                                   std::nullopt, std::nullopt, pass ? "pass" : "fail"});
    }
    recorder_.add_measurement(db::MeasurementRow{*last_run_id_, std::nullopt, "campaign_verdict", verdicts_pass_ ? 1.0 : 0.0,
                                                 "bool", std::nullopt, std::nullopt, verdicts_pass_ ? "pass" : "fail"});
  }

  void judge_campaign(VerdictRollup& rollup) {
    record_campaign_limits(rollup);
    if (std::any_of(config_.plan.begin(), config_.plan.end(), [](const PhaseConfig& p) { return p.kind == PhaseKind::thermal_cycle; })) {
      add_thermal_verdicts(rollup);
    }
    if (!last_reference_run_id_) return;
    for (std::size_t i = 0; i < boards_.size(); ++i) {
      const auto& board = board_state(i);
      if (board.isolated || board.baseline_means.count() == 0 || board.reference_means.count() == 0) continue;
      const double base = board.baseline_means.mean();
      const double reference = board.reference_means.mean();
      if (base <= 0) continue;
      const double change_pct = (reference - base) / base * 100.0;
      db::MeasurementRow row{*last_reference_run_id_, board_state(i).device.device_id, "throughput_reference_vs_baseline_pct",
                             change_pct, "%", std::nullopt, std::nullopt, "info"};
      if (config_.limits.max_throughput_degradation_pct) {
        row.low_limit = -*config_.limits.max_throughput_degradation_pct;
        const bool pass = change_pct >= *row.low_limit;
        row.verdict = pass ? "pass" : "fail";
        if (!pass) rollup.fail(i, "throughput_reference_vs_baseline_pct");
      }
      recorder_.add_measurement(row);
    }
  }

  CampaignOutcome finish(db::CampaignStatus status, const std::string& reason) {
    std::string full_reason = reason;
    if (status == db::CampaignStatus::completed) {
      for (std::size_t i = 0; i < boards_.size(); ++i) {
        if (!board_state(i).isolated) continue;
        full_reason += (full_reason.empty() ? "" : "; ") + session_->boards()[i].config->name + " isolated (" +
                       board_state(i).isolation_reason + ")";
      }
    }
    if (!safe_state_failures_.empty()) {
      full_reason += (full_reason.empty() ? "" : "; ") + std::string("safe state NOT confirmed: ") + safe_state_failures_;
      if (status == db::CampaignStatus::completed) status = db::CampaignStatus::failed;
    }
    if (status != db::CampaignStatus::completed) outcome_.abort_cause = abort_cause_;
    recorder_.finish_campaign(outcome_.campaign_id, status, unix_now_s(), full_reason,
                              outcome_.abort_cause ? std::optional<std::string>(to_string(*outcome_.abort_cause)) : std::nullopt);
    try {
      recorder_.flush();
    } catch (const db::DbError& e) {  // the end is held with the rest; the campaign stays resumable
      full_reason += (full_reason.empty() ? "" : "; ") + std::string("its end is not recorded yet: ") + e.what();
      if (!outcome_.abort_cause) outcome_.abort_cause = AbortCause::store_failure;
      if (status == db::CampaignStatus::completed) status = db::CampaignStatus::failed;
    }
    outcome_.status = status;
    outcome_.reason = full_reason;
    outcome_.verdicts_pass = verdicts_pass_ && status == db::CampaignStatus::completed;
    return outcome_;
  }

  const CampaignConfig& config_;
  db::Recorder& recorder_;
  RunnerOptions options_;
  ProgressPrinter printer_;
  ProgressState progress_;
  CampaignOutcome outcome_;
  // The drivers' sockets, timers and channels belong to io_: it is declared first so that it
  // is destroyed last, after session_.
  asio::io_context io_;
  std::unique_ptr<LabSession> session_;
  Clock::time_point wall_start_;

  std::optional<std::string> abort_reason_;
  std::optional<AbortCause> abort_cause_;
  std::optional<Clock::time_point> aborted_at_;
  db::CampaignStatus status_on_abort_ = db::CampaignStatus::aborted;
  std::exception_ptr loop_failure_;
  std::string safe_state_failures_;
  long late_ticks_ = 0;            // this run's ticks skipped for being a whole period late
  LatenessHistogram lateness_;      // this run's tick wake-ups against their schedule
  // The profile clock's pauses in this run: the chamber out of its band, and an operator's hold
  // from the live view. The schedule shifts by the time either (or both) stopped it.
  bool paused_ = false;  // the chamber's
  int out_of_band_reads_ = 0;
  Clock::time_point pause_started_{};
  bool operator_held_ = false;                    // the runner's thread
  std::atomic<bool> operator_hold_requested_{false};  // the live view's thread asks through this
  std::atomic<bool> accepting_actions_{false};
  // The operator prompt waiting for an answer: shared with the threads that offer answers.
  struct PendingPrompt {
    std::string id;
    const PromptSpec* spec = nullptr;
    bool answered = false;
  };
  struct PromptAnswer {
    std::string answer;
    std::string who;
  };
  std::mutex prompt_mutex_;
  std::optional<PendingPrompt> pending_prompt_;  // prompt_mutex_
  std::optional<PromptAnswer> prompt_answer_;    // the runner's thread
  asio::steady_timer* prompt_timer_ = nullptr;   // the runner's thread
  bool pending_prompt_exists_ = false;           // the runner's thread: the live view says "waiting"
  bool energised_ = false;                       // the bench is on: holds and prompts watch it
  std::optional<double> last_chamber_target_c_;  // what the orbit asked of the chamber at the last tick
  Clock::time_point last_live_publish_{};
  Clock::time_point stopped_since_{};  // when the clock last stopped for either
  Clock::duration pause_offset_{};  // wall time the run's schedule has been shifted by
  double paused_s_ = 0;

  std::optional<profiles::pb::Profile> profile_;
  std::optional<std::int64_t> profile_id_;
  std::vector<DutTargets> full_power_;
  DeviceState profile_state_;  // the profile's series, recorded as a device of their own

  asio::any_io_executor session_executor_;
  double elapsed_profile_s_ = 0;
  double replay_orbits_ = 1;  // how far into the profile the plan's replays go
  std::optional<std::int64_t> current_run_id_;
  InterlockMonitor interlocks_;
  // The tick loops' timers, cancelled by an abort so no loop sleeps through it.
  std::vector<asio::steady_timer*> tick_timers_;
  bool safe_state_started_ = false;
  bool store_warned_ = false;  // the progress line said the store refuses data
  bool campaign_recorded_ = false;  // its row written (prepare() passed)
  std::optional<std::string> refusal_;
  bool profile_to_store_ = false;   // made here (stored once the campaign is recorded)
  std::vector<profiles::InfeasibleSegment> infeasible_segments_;  // of the generated profile
  bool safe_state_done_ = false;
  asio::steady_timer safe_state_done_timer_{io_, Clock::time_point::max()};

  // One participant per instrument (they refer to session_'s handles: declared after it, so
  // destroyed before it). Each keeps what it commanded next to what its instrument achieved.
  std::vector<std::unique_ptr<SupplyParticipant>> supplies_;
  std::unique_ptr<ChamberParticipant> chamber_;
  std::vector<std::unique_ptr<BoardParticipant>> boards_;  // in the order of session_->boards()
  std::vector<std::unique_ptr<SensorParticipant>> sensors_;
  std::optional<SoakMonitor> soak_;  // the running baseline's or reference's

  std::optional<std::int64_t> last_reference_run_id_;
  std::optional<std::int64_t> last_run_id_;  // where campaign-wide verdicts are recorded
  bool verdicts_pass_ = false;
};

CampaignRunner::CampaignRunner(const CampaignConfig& config, db::Recorder& recorder, RunnerOptions options)
    : impl_(std::make_unique<Impl>(config, recorder, options)) {}
CampaignRunner::~CampaignRunner() = default;
CampaignOutcome CampaignRunner::run() { return impl_->run(); }

}  // namespace ob::bench
