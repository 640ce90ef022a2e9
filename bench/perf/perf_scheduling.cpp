// scheduling: how late the controller's setpoint ticks wake against their schedule with 64
// simulated instruments at 10 Hz over loopback — one Espec chamber, 21 DP832 supplies and 42 GPU
// boards (two per supply) on real TCP sockets to `orbitbench lab`, run as a child process so the
// lab's servers and physics do not share the controller's thread or steal its wake-ups — against
// bare asio::steady_timer wake-ups (64 timers at 10 Hz on one io_context, on one grid, with no
// work behind them) in the same run and for the same duration.
//
// The campaign runs as an operator watching it would (issue 21): with its live view served
// (`--serve`), a client reading the /events stream throughout and another scraping /metrics
// every second, as a browser and Prometheus do (live_view_load.hpp).
//
// Ours is what every campaign records (bench/campaign_runner.cpp): one replay run of a real
// campaign in this process (CampaignRunner, Recorder), its `command_lateness_p50_ms/_p99_ms/
// _max_ms` read from `measurements` — every instrument loop's tick, and the profile loop's,
// against start + tick × period, in LatenessHistogram's 50 µs bins. The bare timers go into the
// same histogram. They run beside the replay, on a thread of their own, from its start for its
// duration, so both see the same machine (on a shared 2-core machine, load that comes and goes
// between two runs one after the other moved the peer's p99 from 0.25 to 3.6 ms); their grid is
// 3/4 of a period off the replay's, where neither the controller's burst of 65 ticks nor the
// Recorder's commits run, and they take well under 1 % of a core.
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/campaign_log.hpp"
#include "bench/campaign_runner.hpp"
#include "bench/config/campaign_config.hpp"
#include "bench/lateness_histogram.hpp"
#include "bench/live/access_token.hpp"
#include "bench/live/live_model.hpp"
#include "bench/live/live_server.hpp"
#include "bench/live/operator_desk.hpp"
#include "bench/live/recorder_tap.hpp"
#include "bench/perf/lab_process.hpp"
#include "bench/perf/live_view_load.hpp"
#include "bench/perf/perf_suite.hpp"
#include "db/database.hpp"
#include "db/recorder.hpp"
#include "db/statement.hpp"

namespace ob::bench::perf {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kSupplies = 21;
constexpr int kBoardsPerSupply = 2;
constexpr int kBoards = kSupplies * kBoardsPerSupply;
constexpr int kInstruments = 1 + kSupplies + kBoards;  // the chamber, the supplies, the boards: 64
constexpr double kPeriodS = 0.1;                        // 10 Hz
constexpr double kSpeed = 300;                          // profile s per wall s (the quick campaign's)
constexpr double kFullDurationS = 20;
constexpr double kQuickDurationS = 3;
// An instrument that recorded fewer of its ticks than this did not run at 10 Hz.
constexpr double kMinRecordedFraction = 0.9;

std::string two_digits(int n) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d", n);
  return text;
}

std::string lab_file() {
  std::string text = "speed " + std::to_string(kSpeed) + "\ninstrument chamber espec-p300\ninstrument agent agent\n";
  for (int s = 0; s < kSupplies; ++s) text += "instrument psu-" + two_digits(s) + " dp832\n";
  for (int s = 0; s < kSupplies; ++s) {
    for (int c = 1; c <= kBoardsPerSupply; ++c) text += "board psu-" + two_digits(s) + ":" + std::to_string(c) + " chamber\n";
  }
  return text;
}

std::string station_yaml(const LabProcess& lab) {
  std::string text = "station: perf-scheduling\ninstruments:\n";
  text += "  chamber: { uri: \"" + lab.uri("chamber") + "\", max_ramp_c_per_min: 5, ramp_clock: profile, min_temp_c: -40, max_temp_c: 85 }\n";
  for (int s = 0; s < kSupplies; ++s) {
    text += "  psu-" + two_digits(s) + ": { uri: \"" + lab.uri("psu-" + two_digits(s)) + "\" }\n";
  }
  text += "duts:\n";
  const std::string agent = lab.uri("agent") + "?secret_file=" + lab.secret_file().string() + "&gpu=";
  for (int b = 0; b < kBoards; ++b) {
    text += "  board-" + two_digits(b) + ":\n    agent: \"" + agent + std::to_string(b) + "\"\n";
    text += "    supply: { instrument: psu-" + two_digits(b / kBoardsPerSupply) + ", channel: " +
            std::to_string(b % kBoardsPerSupply + 1) + ", voltage_v: 12, max_voltage_v: 12.6, max_current_a: 3 }\n";
    text += "    limits: { board_temp_c: 90 }\n";
  }
  return text;
}

std::string campaign_yaml(double duration_s) {
  char text[640];
  std::snprintf(text, sizeof text,
                "campaign: perf-scheduling\n"
                "station: scheduling-station.yaml\n"
                "orbit: { preset: starlink-550, start: 2026-12-01T00:00:00Z }\n"
                "spacecraft: { gpu_budget_sunlit_w: 700, gpu_budget_eclipse_w: 350 }\n"
                "workload: { kind: gemm, dtype: bf16, size: 8192 }\n"
                "speed: %g\n"
                "sample_period_s: %g\n"
                "plan:\n"
                "  - replay: { duration: %.0fs }\n",
                kSpeed, kPeriodS, duration_s * kSpeed);
  return text;
}

// 64 timers on one io_context, each at 10 Hz on the same grid (first_wake + tick × period, as
// the runner's loops), each wake-up's lateness into the histogram; nothing else runs on it.
class BareTimers {
 public:
  BareTimers(int timers, double period_s, long ticks)
      : period_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(period_s))), ticks_(ticks) {
    for (int i = 0; i < timers; ++i) timers_.push_back(std::make_unique<asio::steady_timer>(io_));
    next_tick_.assign(timers_.size(), 0);
  }

  const LatenessHistogram& run(Clock::time_point first_wake) {
    first_wake_ = first_wake;
    for (std::size_t i = 0; i < timers_.size(); ++i) arm(i);
    io_.run();
    return lateness_;
  }

  // From any thread: run() returns at once, now or when it is called.
  void stop() { io_.stop(); }

 private:
  void arm(std::size_t index) {
    const auto wake = first_wake_ + period_ * next_tick_[index];
    timers_[index]->expires_at(wake);
    timers_[index]->async_wait([this, index, wake](const std::error_code& error) {
      if (error) return;
      lateness_.add(std::chrono::duration<double, std::milli>(Clock::now() - wake).count());
      if (++next_tick_[index] < ticks_) arm(index);
    });
  }

  asio::io_context io_;
  std::vector<std::unique_ptr<asio::steady_timer>> timers_;
  std::vector<long> next_tick_;
  Clock::duration period_;
  long ticks_;
  Clock::time_point first_wake_;
  LatenessHistogram lateness_;
};

// The bare timers beside the campaign: on their own thread, they wait for the replay run to
// appear in the database (the runner starts its grid as it adds the run), then tick from
// kGridOffset of a period after the replay's grid for as many periods as the replay lasts.
class BareTimersBeside {
  // Where this process is idle: the controller's 65 ticks wake at 0 and their exchanges end
  // within a few ms; the Recorder commits 0.45 s after a tick's first sample, so at half a
  // period (a bare grid there saw 3–4 ms stalls in one run out of two; at 3/4, none).
  static constexpr double kGridOffset = 0.75;


 public:
  BareTimersBeside(std::filesystem::path db, int timers, double period_s, long ticks)
      : db_(std::move(db)), bare_(timers, period_s, ticks), period_s_(period_s) {
    thread_ = std::thread([this] { run(); });
  }
  ~BareTimersBeside() {
    bare_.stop();  // the campaign failed: its peer is of no use
    stop_and_join();
  }
  BareTimersBeside(const BareTimersBeside&) = delete;
  BareTimersBeside& operator=(const BareTimersBeside&) = delete;

  // Once the campaign is over (the bare timers are, too, unless it ended early): the peer's
  // lateness, or nullopt when the replay never began.
  std::optional<LatenessHistogram> result() {
    stop_and_join();
    return lateness_;
  }

 private:
  void run() {
    const auto replay_started_unix_s = wait_for_replay();
    if (!replay_started_unix_s) return;
    const double since_s =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count() - *replay_started_unix_s;
    const auto replay_grid = Clock::now() - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(since_s));
    const auto offset = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(period_s_ * kGridOffset));
    lateness_ = bare_.run(replay_grid + offset);
  }

  std::optional<double> wait_for_replay() {
    constexpr auto kPoll = std::chrono::milliseconds(5);
    while (!stopping_) {
      try {
        if (std::filesystem::exists(db_)) {
          const auto db = db::Connection::open_read_only(db_);
          db::Statement query(db, "SELECT started_unix_s FROM runs WHERE kind = 'replay' ORDER BY id LIMIT 1");
          if (query.step()) return query.column_double(0);
        }
      } catch (const std::exception&) {
        // Not created or migrated yet: look again.
      }
      std::this_thread::sleep_for(kPoll);
    }
    return std::nullopt;
  }

  void stop_and_join() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }

  std::filesystem::path db_;
  BareTimers bare_;
  double period_s_;
  std::optional<LatenessHistogram> lateness_;
  std::atomic<bool> stopping_ = false;
  std::thread thread_;
};

struct Lateness {
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

struct ReplayRun {
  Lateness lateness;
  double ticks_on_time = 0;
  double ticks_skipped = 0;
  double wall_s = 0;
  std::map<std::string, std::int64_t> samples_by_kind_min;  // psu/chamber/gpu → the fewest samples of one device
  int instruments_recorded = 0;                              // devices with samples in the run
};

double scalar(const db::Connection& db, const std::string& sql, std::int64_t id) {
  db::Statement query(db, sql);
  query.bind(1, id);
  if (!query.step() || query.is_null(0)) throw std::runtime_error("scheduling.db: no result for " + sql);
  return query.column_double(0);
}

ReplayRun read_replay_run(const std::filesystem::path& path, std::int64_t campaign_id) {
  const auto db = db::Connection::open_read_only(path);
  ReplayRun run;
  const auto run_id = static_cast<std::int64_t>(
      scalar(db, "SELECT id FROM runs WHERE campaign_id = ? AND kind = 'replay' ORDER BY id LIMIT 1", campaign_id));
  run.wall_s = scalar(db, "SELECT ended_unix_s - started_unix_s FROM runs WHERE id = ?", run_id);
  auto measurement = [&](const char* name) {
    return scalar(db, std::string("SELECT value FROM measurements WHERE run_id = ? AND name = '") + name + "'", run_id);
  };
  run.lateness = {measurement("command_lateness_p50_ms"), measurement("command_lateness_p99_ms"),
                  measurement("command_lateness_max_ms")};
  run.ticks_on_time = measurement("ticks_on_time");
  run.ticks_skipped = measurement("ticks_skipped_late");
  db::Statement per_device(db,
                           "SELECT d.kind, (SELECT count(*) FROM samples s JOIN channels c ON c.id = s.channel_id "
                           "WHERE s.run_id = ?1 AND c.device_id = d.id AND c.name IN "
                           "('air_temp_c', 'ch1.voltage_v', 'power_w')) FROM devices d "
                           "WHERE d.campaign_id = ?2 AND d.kind IN ('psu', 'chamber', 'gpu')");
  per_device.bind(1, run_id);
  per_device.bind(2, campaign_id);
  while (per_device.step()) {
    const auto kind = per_device.column_text(0);
    const auto samples = per_device.column_int64(1);
    auto [at, fresh] = run.samples_by_kind_min.emplace(kind, samples);
    if (!fresh) at->second = std::min(at->second, samples);
    if (samples > 0) ++run.instruments_recorded;
  }
  return run;
}

}  // namespace

PerfResult perf_scheduling(const PerfOptions& options) {
  const double duration_s = options.quick ? kQuickDurationS : kFullDurationS;
  const auto db_path = options.work_dir / "scheduling.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path.string() + suffix);

  LabProcessOptions lab_options;
  lab_options.tag = "scheduling";
  lab_options.config_text = lab_file();
  LabProcess lab(options, lab_options);
  say(options, "simulated lab in a child process (pid %d): 1 Espec chamber, %d DP832 supplies, %d GPU boards behind one agent, speed %g\n",
      static_cast<int>(lab.process().pid()), kSupplies, kBoards, kSpeed);

  write_text_file(options.work_dir / "scheduling-station.yaml", station_yaml(lab));
  const auto campaign_path = options.work_dir / "scheduling-campaign.yaml";
  write_text_file(campaign_path, campaign_yaml(duration_s));
  const auto config = load_campaign_file(campaign_path.string());
  const long expected_ticks = static_cast<long>(std::floor(duration_s / kPeriodS + 1e-9)) + 1;  // per loop, as the runner counts
  CampaignOutcome outcome;
  std::optional<LatenessHistogram> bare_lateness;
  // As an operator debugging a bench runs it (issue 19): the log file and the instrument trace
  // on: the log written by spdlog's thread, the trace by its own in batches; the ticks only queue.
  LogOptions log_options;
  log_options.level = "error";
  log_options.file = options.work_dir / "scheduling.log";
  log_options.trace_file = options.work_dir / "scheduling-trace.txt";
  for (const auto& file : {log_options.file, log_options.trace_file}) std::filesystem::remove(file);
  std::uint64_t streamed_bytes = 0;
  std::uint64_t scrapes = 0;
  {
    CampaignLog log(log_options, db_path);
    live::LiveModel model;
    live::OperatorDesk desk;
    live::RecorderTap tap(model);
    db::RecorderOptions recorder_options;
    recorder_options.observer = &tap;
    db::Recorder recorder(db_path, recorder_options);
    live::LiveServer server(live::ListenAddress{"127.0.0.1", 0}, model, desk, live::make_access_token());
    LiveViewLoad watchers("127.0.0.1", server.port());
    RunnerOptions runner_options;
    runner_options.show_progress = false;
    runner_options.live = &model;
    runner_options.desk = &desk;
    CampaignRunner runner(config, recorder, runner_options);
    BareTimersBeside bare(db_path, kInstruments, kPeriodS, expected_ticks - 1);
    outcome = runner.run();
    bare_lateness = bare.result();
    watchers.stop();
    streamed_bytes = watchers.stream_bytes();
    scrapes = watchers.scrapes();
  }
  if (outcome.status != db::CampaignStatus::completed) {
    throw std::runtime_error(std::string("the campaign ended ") + db::to_string(outcome.status) + ": " + outcome.reason);
  }
  say(options, "with the log (%s, %.0f kB) and the instrument trace (%s, %.1f MB) on\n", log_options.file.c_str(),
      static_cast<double>(std::filesystem::file_size(log_options.file)) / 1e3, log_options.trace_file.c_str(),
      static_cast<double>(std::filesystem::file_size(log_options.trace_file)) / 1e6);
  say(options, "with the live view served and watched: %.1f kB read from /events, /metrics scraped %llu times\n",
      static_cast<double>(streamed_bytes) / 1e3, static_cast<unsigned long long>(scrapes));
  if (streamed_bytes == 0 || scrapes == 0) throw std::runtime_error("the live view's watchers read nothing: the benchmark did not watch");
  auto run = read_replay_run(db_path, outcome.campaign_id);
  Lateness peer;
  if (bare_lateness) {
    peer = {bare_lateness->quantile_ms(0.5), bare_lateness->quantile_ms(0.99), bare_lateness->max_ms()};
    say(options, "bare asio::steady_timer: %d timers at %g Hz on one io_context, beside the replay, %.0f s, %llu wake-ups: lateness p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
        kInstruments, 1 / kPeriodS, duration_s, static_cast<unsigned long long>(bare_lateness->count()), peer.p50_ms, peer.p99_ms,
        peer.max_ms);
  }
  say(options,
      "orbitbench: %d instruments (1 chamber, %d supplies, %d boards) at %g Hz over loopback, %.1f s replay: %.0f ticks on time, %.0f "
      "skipped late (%d loops × %ld expected); lateness p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
      kInstruments, kSupplies, kBoards, 1 / kPeriodS, run.wall_s, run.ticks_on_time, run.ticks_skipped, kInstruments + 1,
      expected_ticks, run.lateness.p50_ms, run.lateness.p99_ms, run.lateness.max_ms);
  say(options, "recorded in the replay run: %d of %d instruments; fewest samples of one channel: chamber %lld, supply %lld, board %lld (of ≈ %ld ticks)\n",
      run.instruments_recorded, kInstruments, static_cast<long long>(run.samples_by_kind_min["chamber"]),
      static_cast<long long>(run.samples_by_kind_min["psu"]), static_cast<long long>(run.samples_by_kind_min["gpu"]), expected_ticks);

  if (run.instruments_recorded != kInstruments) {
    throw std::runtime_error("only " + std::to_string(run.instruments_recorded) + " of " + std::to_string(kInstruments) +
                             " instruments recorded samples in the replay run");
  }
  for (const auto& [kind, samples] : run.samples_by_kind_min) {
    if (static_cast<double>(samples) < kMinRecordedFraction * static_cast<double>(expected_ticks)) {
      throw std::runtime_error("a " + kind + " recorded " + std::to_string(samples) + " samples of one channel, ≈ " +
                               std::to_string(expected_ticks) + " ticks were due");
    }
  }
  const double goal_ratio = 2;
  const double goal_p99_ms = 1;
  const double ratio = peer.p99_ms > 0 ? run.lateness.p99_ms / peer.p99_ms : 0;
  char ratio_text[64] = "no peer";
  if (peer.p99_ms > 0) std::snprintf(ratio_text, sizeof ratio_text, "%.2f (%s)", ratio, ratio <= goal_ratio ? "met" : "missed");
  say(options, "goal p99 ≤ %g ms and ≤ %g× the bare timers': p99 %.3f ms (%s), ratio %s\n", goal_p99_ms, goal_ratio,
      run.lateness.p99_ms, run.lateness.p99_ms <= goal_p99_ms ? "met" : "missed", ratio_text);
  PerfResult result{"scheduling", run.lateness.p99_ms, "ms p99", "bare asio::steady_timer", std::nullopt, "", true};
  if (peer.p99_ms > 0) result.ratio = ratio;
  if (!bare_lateness) result.note = "peer unavailable: the bare timers never saw the replay begin";
  return result;
}

}  // namespace ob::bench::perf
