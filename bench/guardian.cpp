#include "bench/guardian.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <thread>
#include <vector>

#include "bench/concurrent_steps.hpp"
#include "bench/config/station_config.hpp"
#include "bench/lab_session.hpp"
#include "bench/safe_state_policy.hpp"
#include "bench/station_lock.hpp"
#include "db/database.hpp"
#include "db/statement.hpp"

extern char** environ;

namespace ob::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kMagic = "orbitbench-guardian 1\n";
constexpr std::string_view kReleased = "released\n";
constexpr std::size_t kMaxOrderBytes = 16 << 20;  // a station file is capped at 4 MiB

// One field: its length in decimal, a newline, its bytes.
void put_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += '\n';
  out += field;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// Reads from the controller's socket; EOF (or an error) is the controller gone.
class OrderReader {
 public:
  explicit OrderReader(int fd) : fd_(fd) {}
  bool fill() {
    char chunk[65536];
    for (;;) {
      const auto got = ::read(fd_, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      buffer_.append(chunk, static_cast<std::size_t>(got));
      return buffer_.size() <= kMaxOrderBytes;
    }
  }
  std::optional<std::string> line() {
    for (;;) {
      if (const auto end = buffer_.find('\n'); end != std::string::npos) {
        std::string text = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return text;
      }
      if (!fill()) return std::nullopt;
    }
  }
  std::optional<std::string> field() {
    const auto length_text = line();
    if (!length_text || length_text->empty() || length_text->size() > 9) return std::nullopt;
    for (char c : *length_text) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    const auto length = std::stoul(*length_text);
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    std::string text = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return text;
  }
  const std::string& pending() const { return buffer_; }

 private:
  int fd_;
  std::string buffer_;
};

double unix_now_s() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// What the guardian did, one phrase per instrument, and whether all of it was confirmed.
struct SafingReport {
  std::vector<std::string> done;
  std::vector<std::string> not_confirmed;
  double supplies_off_ms = 0;
  double took_ms = 0;
};

asio::awaitable<void> safe_the_bench(LabSession& session, Clock::time_point started, SafingReport& report) {
  auto executor = co_await asio::this_coro::executor;
  auto retried = [](std::function<asio::awaitable<drivers::Status>()> step, std::string name) -> ConcurrentSteps::Step {
    return [step = std::move(step), name = std::move(name)] {
      return until_confirmed(step, kSafeStateAttempts, kSafeStateRetryPause, [name](int attempt, const drivers::Fault& fault) {
        std::fprintf(stderr, "orbitbench guardian: %s: safe state not confirmed (attempt %d of %d): %s; trying again\n",
                     name.c_str(), attempt, kSafeStateAttempts, fault.message().c_str());
      });
    };
  };
  auto record = [&](const std::string& name, const std::optional<drivers::Status>& status, const char* what) {
    if (status && *status) {
      report.done.push_back(name + " " + what);
    } else {
      report.not_confirmed.push_back(status ? status->error().message() : name + ": no answer");
    }
  };
  std::vector<ConcurrentSteps::Step> board_steps;
  for (auto& board : session.boards()) {
    auto* driver = board.driver.get();
    board_steps.push_back(retried([driver] { return driver->safe_state(); }, board.config->name));
  }
  auto stopping = ConcurrentSteps::start(executor, std::move(board_steps));
  co_await stopping->wait_until(started + kWorkloadStopGrace);
  std::vector<ConcurrentSteps::Step> supply_steps;
  for (auto& supply : session.supplies()) {
    auto* driver = supply.driver.get();
    supply_steps.push_back(retried([driver] { return driver->safe_state(); }, supply.name));
  }
  auto switching_off = ConcurrentSteps::start(executor, std::move(supply_steps));
  co_await switching_off->wait_all();
  report.supplies_off_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  for (std::size_t i = 0; i < session.supplies().size(); ++i) {
    record(session.supplies()[i].name, switching_off->result(i), "outputs off");
  }
  if (auto* chamber = session.chamber().driver.get()) {
    const auto status = co_await until_confirmed([chamber] { return chamber->safe_state(); }, kSafeStateAttempts,
                                                 kSafeStateRetryPause, [](int, const drivers::Fault&) {});
    record(session.chamber().name, status, "in standby");
  }
  co_await stopping->wait_all();
  for (std::size_t i = 0; i < session.boards().size(); ++i) {
    record(session.boards()[i].config->name, stopping->result(i), "workload stopped");
  }
  report.took_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : ", ") + part;
  return out;
}

// The event in the campaign's database, when it can be written (the controller's WAL included).
void record_event(const GuardianOrder& order, const std::string& message, bool confirmed) {
  try {
    auto db = db::Connection::open_for_writing(order.db_path);
    db::Statement find(db, "SELECT id FROM campaigns WHERE name = ? ORDER BY (status = 'running') DESC, id DESC LIMIT 1");
    find.bind(1, order.campaign);
    if (!find.step()) {
      std::fprintf(stderr, "orbitbench guardian: campaign %s is not in %s: event not recorded\n", order.campaign.c_str(),
                   order.db_path.c_str());
      return;
    }
    const auto campaign_id = find.column_int64(0);
    db::Statement insert(db, "INSERT INTO events (campaign_id, run_id, wall_unix_s, kind, severity, message) VALUES "
                             "(?, (SELECT max(id) FROM runs WHERE campaign_id = ?), ?, 'safe_state', ?, ?)");
    insert.bind_all(campaign_id, campaign_id, unix_now_s(), confirmed ? "warning" : "error", message);
    insert.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orbitbench guardian: event not recorded in %s: %s\n", order.db_path.c_str(), e.what());
  }
}

int safe_after_controller_died(const GuardianOrder& order) {
  const auto started = Clock::now();
  std::fprintf(stderr, "orbitbench guardian: the controller (pid %ld) ended without reaching its safe state: safing station\n",
               order.controller_pid);
  SafingReport report;
  try {
    const auto station = parse_station(order.station_label, order.station_text);
    // Keep a new controller out while the bench is safed: with the locks handed over it holds them already.
    CampaignConfig locked;
    locked.name = order.campaign + kGuardianMark;
    locked.station = station;
    std::unique_ptr<StationLock> lock;
    // Handed the controller's locks, it holds them already; else it takes its own, as soon as
    // the dead controller's files close.
    for (int attempt = 1; !lock && !order.holds_locks; ++attempt) {
      try {
        lock = std::make_unique<StationLock>(locked, order.db_path);
      } catch (const std::exception& e) {
        if (attempt < 10) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          continue;
        }
        std::fprintf(stderr, "orbitbench guardian: %s (safing all the same)\n", e.what());
        break;
      }
    }
    asio::io_context io;
    LabSession session(io.get_executor(), station, order.speed);
    asio::co_spawn(io, safe_the_bench(session, started, report), [](std::exception_ptr error) {
      if (error) std::rethrow_exception(error);
    });
    io.run();
  } catch (const std::exception& e) {
    report.not_confirmed.push_back(std::string("the guardian failed: ") + e.what());
  }
  const bool confirmed = report.not_confirmed.empty();
  char head[256];
  std::snprintf(head, sizeof head, "guardian: the controller (pid %ld) died without reaching its safe state; ", order.controller_pid);
  char timing[128];
  std::snprintf(timing, sizeof timing, " (supplies off %.0f ms, all %.0f ms after its death)", report.supplies_off_ms,
                report.took_ms);
  std::string message = head + std::string(confirmed ? "bench safed: " : "bench safed in part: ") + joined(report.done);
  if (!confirmed) message += "; NOT confirmed: " + joined(report.not_confirmed);
  message += timing;
  std::fprintf(stderr, "orbitbench %s\n", message.c_str());
  record_event(order, message, confirmed);
  return confirmed ? 0 : 3;
}

}  // namespace

std::unique_ptr<Guardian> Guardian::start(const CampaignConfig& config, const std::filesystem::path& db_path,
                                          const StationLock* lock) {
  if (config.station.simulated) return nullptr;
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    std::fprintf(stderr, "orbitbench: no guardian for this campaign: socketpair: %s\n", std::strerror(errno));
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDIN_FILENO);  // dup2 clears CLOEXEC on the copy
  // The locks go to the guardian too: copies without close-on-exec share their open file
  // descriptions, so a lock holds until both processes have closed it (flock(2)).
  std::vector<int> handed;
  if (lock != nullptr) {
    for (const int fd : lock->fds()) {
      const int copy = ::fcntl(fd, F_DUPFD, 3);
      if (copy >= 0) handed.push_back(copy);
    }
  }
  char arg0[] = "orbitbench";
  char arg1[] = "guardian";
  char* argv[] = {arg0, arg1, nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  for (const int copy : handed) ::close(copy);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    std::fprintf(stderr, "orbitbench: no guardian for this campaign: %s\n", std::strerror(spawned));
    return nullptr;
  }
  std::error_code ec;
  const auto absolute_db = std::filesystem::absolute(db_path, ec);
  std::string order(kMagic);
  put_field(order, config.station.label);
  put_field(order, config.station.text);
  put_field(order, ec ? db_path.string() : absolute_db.string());
  put_field(order, config.name);
  put_field(order, std::to_string(config.speed));
  put_field(order, std::to_string(::getpid()));
  put_field(order, lock != nullptr && handed.size() == lock->fds().size() ? "locks" : "no-locks");
  if (!write_all(fds[0], order)) {
    std::fprintf(stderr, "orbitbench: no guardian for this campaign: it did not take its order\n");
    ::close(fds[0]);
    ::waitpid(pid, nullptr, 0);
    return nullptr;
  }
  return std::unique_ptr<Guardian>(new Guardian(fds[0], pid));
}

void Guardian::release() {
  if (socket_fd_ < 0) return;
  write_all(socket_fd_, kReleased);
  ::close(socket_fd_);
  socket_fd_ = -1;
  ::waitpid(static_cast<pid_t>(pid_), nullptr, 0);  // it exits at once
}

Guardian::~Guardian() {
  if (socket_fd_ < 0) return;
  ::close(socket_fd_);  // unreleased: the guardian safes the bench (and is reaped by init later)
}

int run_guardian(int fd) {
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) std::signal(signal, SIG_IGN);
  OrderReader reader(fd);
  const auto magic = reader.line();
  if (!magic || *magic + "\n" != kMagic) {
    std::fprintf(stderr, "orbitbench guardian: started by hand? it is started by run, resume and replay\n");
    return 2;
  }
  GuardianOrder order;
  std::optional<std::string> fields[7];
  for (auto& field : fields) {
    field = reader.field();
    if (!field) {
      std::fprintf(stderr, "orbitbench guardian: incomplete order from the controller\n");
      return 2;
    }
  }
  order.station_label = *fields[0];
  order.station_text = *fields[1];
  order.db_path = *fields[2];
  order.campaign = *fields[3];
  try {
    order.speed = std::stod(*fields[4]);
    order.controller_pid = std::stol(*fields[5]);
    order.holds_locks = *fields[6] == "locks";
  } catch (const std::exception&) {
    std::fprintf(stderr, "orbitbench guardian: bad speed or pid in its order\n");
    return 2;
  }
  // Wait for the word or the end of the controller.
  while (reader.pending().find(kReleased) == std::string::npos) {
    if (!reader.fill()) break;
  }
  if (reader.pending().find(kReleased) != std::string::npos) return 0;
  return safe_after_controller_died(order);
}

}  // namespace ob::bench
