// fanin: one controller taking the 10 Hz telemetry of 256 simulated GPU boards — each board its
// own agent-protocol connection (drivers/gpu/agent_board.cpp: HMAC handshake, then ReadTelemetry
// batches) to `orbitbench lab --boards 256` in a child process, every sample of every board
// recorded through the Recorder (its 14 channels, bench/board_channels.hpp) into a database in
// the work directory. One io_context on this thread polls every board at 10 Hz on one grid, as
// the campaign runner's loops do; the Recorder writes on its own thread.
//
// Reported over a measured window after a warm-up: this process's CPU (getrusage, every thread:
// the polling, the protobuf decoding, the recorder's SQLite writes) as % of one core; its memory
// (VmRSS before the boards, at the window's start and end, VmHWM); and completeness: samples
// the boards took in the window (by the agent's own timestamps) that reached the controller, vs
// 10 Hz × boards × window, with the samples the agent's ring lost apart (sequence gaps).
// No peer: the figure is what one controller costs per board.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/board_channels.hpp"
#include "bench/perf/child_process.hpp"
#include "bench/perf/lab_process.hpp"
#include "bench/perf/perf_suite.hpp"
#include "db/database.hpp"
#include "db/recorder.hpp"
#include "db/statement.hpp"
#include "drivers/common/uri.hpp"
#include "drivers/gpu/agent_board.hpp"

namespace ob::bench::perf {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kFullBoards = 256;
constexpr int kQuickBoards = 64;
constexpr double kSampleHz = 10;  // the simulated agent's rate (fixtures/gpu_agent_server.hpp)
constexpr double kPollPeriodS = 0.1;
constexpr double kFullWarmupS = 3;
constexpr double kQuickWarmupS = 1;
constexpr double kFullWindowS = 30;
constexpr double kQuickWindowS = 4;
// Polling goes on this long after the window, so the window's last samples are read.
constexpr double kDrainS = 0.5;

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Clock::duration to_duration(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

struct BoardTally {
  std::uint64_t in_window = 0;  // samples the board took in the window, received
  std::uint64_t first_seq = 0;  // the window's first and last sample numbers seen
  std::uint64_t last_seq = 0;
  std::uint64_t recorded = 0;   // samples recorded, all told
  std::uint64_t dropped = 0;    // samples the agent or the client reported lost
  std::uint64_t faults = 0;
};

// Logging every board in at once (TCP, TLS 1.3 handshake with the PSK, Hello, Authenticate).
struct Login {
  double wall_s = 0;
  double cpu_s = 0;  // this process's, every thread
};

struct Window {
  double start_unix_s = 0, end_unix_s = 0;
  double cpu_s = 0;
  double wall_s = 0;
  double rss_start_mib = 0, rss_end_mib = 0;
  ProcessIo io;  // read and written in the window: sockets and the database
};

class FaninRun {
 public:
  FaninRun(const LabProcess& lab, db::Recorder& recorder, int boards, double warmup_s, double window_s)
      : recorder_(recorder), warmup_s_(warmup_s), window_s_(window_s), tallies_(static_cast<std::size_t>(boards)) {
    const auto campaign = recorder_.add_campaign({"perf-fanin", "perf-fanin", "", unix_now_s(), {}});
    db::RunRow run;
    run.campaign_id = campaign;
    run.kind = db::RunKind::baseline;
    run.label = "fan-in";
    run.started_unix_s = unix_now_s();
    run_id_ = recorder_.add_run(run);
    drivers::GpuBoardOptions options;
    options.timeout = std::chrono::milliseconds(5000);
    for (int b = 0; b < boards; ++b) {
      const std::string name = "board-" + std::to_string(b);
      const std::string uri = lab.uri("agent") + "?gpu=" + std::to_string(b) + "&secret_file=" + lab.secret_file().string();
      boards_.push_back(drivers::make_gpu_board(io_.get_executor(), name, drivers::parse_uri(uri), options));
      const auto device = recorder_.add_device(campaign, {name, "gpu", uri, "", "", "", ""});
      std::vector<std::int64_t> channels;
      for (const auto& channel : kBoardChannels) {
        channels.push_back(recorder_.add_channel(device, std::string(channel.name), std::string(channel.unit)));
      }
      channel_ids_.push_back(std::move(channels));
    }
  }

  // Connects every board, polls them all until the window (and its drain) is over.
  Window run() {
    const auto login_start = Clock::now();
    login_.cpu_s = self_cpu_s();
    for (std::size_t b = 0; b < boards_.size(); ++b) asio::co_spawn(io_, configure(b), asio::detached);
    io_.run();
    login_.cpu_s = self_cpu_s() - login_.cpu_s;
    login_.wall_s = std::chrono::duration<double>(Clock::now() - login_start).count();
    if (!setup_failure_.empty()) throw std::runtime_error(setup_failure_);
    io_.restart();
    grid_start_ = Clock::now();
    for (std::size_t b = 0; b < boards_.size(); ++b) asio::co_spawn(io_, poll(b), asio::detached);
    asio::co_spawn(io_, measure(), asio::detached);
    io_.run();
    recorder_.finish_run(run_id_, db::RunStatus::completed, unix_now_s());
    return window_;
  }

  const std::vector<BoardTally>& tallies() const { return tallies_; }
  const Login& login() const { return login_; }
  std::int64_t run_id() const { return run_id_; }

 private:
  asio::awaitable<void> configure(std::size_t index) {
    auto identity = co_await boards_[index]->configure();
    if (!identity && setup_failure_.empty()) setup_failure_ = "cannot connect: " + identity.error().message();
  }

  asio::awaitable<void> poll(std::size_t index) {
    asio::steady_timer timer(io_);
    auto& tally = tallies_[index];
    const auto period = to_duration(kPollPeriodS);
    for (long tick = 0; !stopping_; ++tick) {
      timer.expires_at(grid_start_ + period * tick);
      std::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      auto batch = co_await boards_[index]->read_telemetry_batch();
      if (!batch) {
        ++tally.faults;
        continue;
      }
      tally.dropped += batch->dropped;
      record(index, *batch);
    }
  }

  void record(std::size_t index, const drivers::GpuTelemetryBatch& batch) {
    auto& tally = tallies_[index];
    const auto& channels = channel_ids_[index];
    for (const auto& sample : batch.samples) {
      const auto values = board_channel_values(sample);
      const double t_s = sample.board_time_s - grid_start_unix_s_;
      for (std::size_t c = 0; c < kBoardChannelCount; ++c) {
        recorder_.add_sample({run_id_, channels[c], t_s, sample.board_time_s, values[c]});
      }
      ++tally.recorded;
      if (window_.start_unix_s == 0 || sample.board_time_s < window_.start_unix_s) continue;
      if (window_.end_unix_s != 0 && sample.board_time_s >= window_.end_unix_s) continue;
      ++tally.in_window;
      if (tally.first_seq == 0) tally.first_seq = sample.sample_seq;
      tally.last_seq = sample.sample_seq;
    }
  }

  asio::awaitable<void> measure() {
    asio::steady_timer timer(io_);
    std::error_code ec;
    timer.expires_after(to_duration(warmup_s_));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const auto wall_start = Clock::now();
    window_.start_unix_s = unix_now_s();
    window_.cpu_s = self_cpu_s();
    window_.rss_start_mib = process_memory(::getpid())->rss_mib;
    window_.io = self_io();
    timer.expires_after(to_duration(window_s_));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    window_.end_unix_s = unix_now_s();
    window_.cpu_s = self_cpu_s() - window_.cpu_s;
    window_.wall_s = std::chrono::duration<double>(Clock::now() - wall_start).count();
    window_.rss_end_mib = process_memory(::getpid())->rss_mib;
    const auto io_end = self_io();
    window_.io = {io_end.read_mib - window_.io.read_mib, io_end.written_mib - window_.io.written_mib};
    timer.expires_after(to_duration(kDrainS));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    stopping_ = true;
  }

  asio::io_context io_;
  db::Recorder& recorder_;
  double warmup_s_;
  double window_s_;
  std::int64_t run_id_ = 0;
  std::vector<std::unique_ptr<drivers::GpuBoard>> boards_;
  std::vector<std::vector<std::int64_t>> channel_ids_;
  std::vector<BoardTally> tallies_;
  std::string setup_failure_;
  Clock::time_point grid_start_;
  double grid_start_unix_s_ = unix_now_s();
  Window window_;
  Login login_;
  bool stopping_ = false;
};

struct Figures {
  std::uint64_t received = 0, recorded = 0, dropped = 0, faults = 0, sequence_gaps = 0;
  int silent_boards = 0;
  double expected = 0;
  double completeness_pct = 0;
  double cpu_pct = 0;
  double rss_growth_mib = 0;
};

Figures tally(const Window& window, const std::vector<BoardTally>& tallies, int boards) {
  Figures figures;
  for (const auto& board : tallies) {
    figures.received += board.in_window;
    figures.recorded += board.recorded;
    figures.dropped += board.dropped;
    figures.faults += board.faults;
    if (board.in_window == 0) ++figures.silent_boards;
    const std::uint64_t span = board.first_seq > 0 && board.last_seq >= board.first_seq ? board.last_seq - board.first_seq + 1 : 0;
    if (span > board.in_window) figures.sequence_gaps += span - board.in_window;
  }
  figures.expected = kSampleHz * window.wall_s * boards;
  figures.completeness_pct = 100.0 * static_cast<double>(figures.received) / figures.expected;
  figures.cpu_pct = 100.0 * window.cpu_s / window.wall_s;
  return figures;
}

std::int64_t samples_in_db(const std::filesystem::path& path, std::int64_t run_id) {
  const auto db = db::Connection::open_read_only(path);
  db::Statement count(db, "SELECT count(*) FROM samples WHERE run_id = ?");
  count.bind(1, run_id);
  count.step();
  return count.column_int64(0);
}

}  // namespace

PerfResult perf_fanin(const PerfOptions& options) {
  const int boards = options.quick ? kQuickBoards : kFullBoards;
  const double warmup_s = options.quick ? kQuickWarmupS : kFullWarmupS;
  const double window_s = options.quick ? kQuickWindowS : kFullWindowS;
  const auto db_path = options.work_dir / "fanin.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path.string() + suffix);

  LabProcessOptions lab_options;
  lab_options.tag = "fanin";
  lab_options.arguments = {"--boards", std::to_string(boards)};
  LabProcess lab(options, lab_options);
  say(options, "simulated lab in a child process (pid %d): %d GPU boards behind one agent at %g Hz%s\n",
      static_cast<int>(lab.process().pid()), boards, kSampleHz,
      options.quick ? " (--quick: 64 boards, not 256)" : "");

  const auto before = process_memory(::getpid());
  if (!before) throw std::runtime_error("cannot read /proc/self/status");
  Figures figures;
  std::int64_t run_id = 0;
  double peak_rss_mib = 0;
  const auto setup_start = Clock::now();
  {
    db::Recorder recorder(db_path);
    FaninRun run(lab, recorder, boards, warmup_s, window_s);
    say(options, "controller: %d boards, %zu channels each, registered in %.1f s; connecting and polling at %g Hz, %.0f s warm-up, %.0f s window\n",
        boards, kBoardChannelCount, std::chrono::duration<double>(Clock::now() - setup_start).count(), 1 / kPollPeriodS, warmup_s,
        window_s);
    const Window window = run.run();
    run_id = run.run_id();
    peak_rss_mib = process_memory(::getpid())->peak_rss_mib;
    figures = tally(window, run.tallies(), boards);
    // The figures go into the run too, so a test (or anyone) can check them in the database.
    auto measure = [&](const char* name, double value, const char* unit) {
      recorder.add_measurement({run_id, std::nullopt, name, value, unit, std::nullopt, std::nullopt, "info"});
    };
    measure("boards", boards, "count");
    measure("window_s", window.wall_s, "s");
    measure("samples_expected", figures.expected, "count");
    measure("samples_received", static_cast<double>(figures.received), "count");
    measure("samples_recorded", static_cast<double>(figures.recorded), "count");
    measure("samples_lost", static_cast<double>(figures.dropped), "count");
    measure("completeness_pct", figures.completeness_pct, "%");
    measure("controller_cpu_pct", figures.cpu_pct, "%");
    // Logins and exchanges over TLS 1.3 (issue 18): what each costs the controller.
    const auto& login = run.login();
    const double exchanges = kSampleHz * window.wall_s * boards;  // one ReadTelemetry per board per tick
    const double cpu_per_exchange_us = 1e6 * window.cpu_s / exchanges;
    measure("login_wall_s", login.wall_s, "s");
    measure("login_cpu_ms_per_board", 1e3 * login.cpu_s / boards, "ms");
    measure("cpu_us_per_exchange", cpu_per_exchange_us, "us");
    say(options, "logins: %d boards connected, TLS 1.3 (PSK) and HMAC handshakes done in %.2f s wall, %.2f ms of controller CPU per board; per ReadTelemetry exchange %.1f us of controller CPU (recorder included)\n",
        boards, login.wall_s, 1e3 * login.cpu_s / boards, cpu_per_exchange_us);
    measure("rss_window_start_mib", window.rss_start_mib, "MiB");
    measure("rss_window_end_mib", window.rss_end_mib, "MiB");
    measure("peak_rss_growth_mib", peak_rss_mib - before->rss_mib, "MiB");
    recorder.flush();
    say(options, "samples in the %.1f s window: %llu received of %.0f expected (%d boards × %g Hz): %.2f %%; sequence gaps %llu, lost by the agent %llu, read faults %llu, boards silent %d\n",
        window.wall_s, static_cast<unsigned long long>(figures.received), figures.expected, boards, kSampleHz, figures.completeness_pct,
        static_cast<unsigned long long>(figures.sequence_gaps), static_cast<unsigned long long>(figures.dropped),
        static_cast<unsigned long long>(figures.faults), figures.silent_boards);
    say(options, "controller CPU %.1f %% of one core (%.2f s over %.1f s, every thread); RSS %.1f MiB before the boards, %.1f at the window's start, %.1f at its end (%+.1f), peak %.1f MiB (+%.1f over before)\n",
        figures.cpu_pct, window.cpu_s, window.wall_s, before->rss_mib, window.rss_start_mib, window.rss_end_mib,
        window.rss_end_mib - window.rss_start_mib, peak_rss_mib, peak_rss_mib - before->rss_mib);
    say(options, "I/O in the window (sockets and the database): read %.1f MiB, written %.1f MiB — %.0f bytes written per row recorded\n",
        window.io.read_mib, window.io.written_mib,
        window.io.written_mib * 1024 * 1024 / (static_cast<double>(figures.received) * kBoardChannelCount));
    figures.rss_growth_mib = window.rss_end_mib - window.rss_start_mib;
  }
  if (auto code = lab.process().exit_code()) {
    throw std::runtime_error("the simulated lab ended (exit " + std::to_string(*code) + ") during the run: " + lab.process().stderr_tail());
  }
  const auto rows = samples_in_db(db_path, run_id);
  say(options, "recorded: %llu samples × %zu channels = %lld rows committed\n", static_cast<unsigned long long>(figures.recorded),
      kBoardChannelCount, static_cast<long long>(rows));
  if (rows != static_cast<std::int64_t>(figures.recorded * kBoardChannelCount)) {
    throw std::runtime_error("fanin.db holds " + std::to_string(rows) + " samples, " +
                             std::to_string(figures.recorded * kBoardChannelCount) + " were recorded");
  }
  if (figures.silent_boards > 0) throw std::runtime_error(std::to_string(figures.silent_boards) + " boards sent nothing in the window");
  char note[96];
  std::snprintf(note, sizeof note, "%d boards, %.1f %% of samples, RSS %+.1f MiB over the window%s", boards,
                figures.completeness_pct, figures.rss_growth_mib, options.quick ? ", --quick" : "");
  return {"fanin", figures.cpu_pct, "% of one core", "", std::nullopt, note, true};
}

}  // namespace ob::bench::perf
