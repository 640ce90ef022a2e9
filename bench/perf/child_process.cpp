#include "bench/perf/child_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ob::bench::perf {
namespace {

constexpr auto kWaitPoll = std::chrono::milliseconds(10);
constexpr double kKibPerMib = 1024;

int decode_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// Frees posix_spawn's attribute objects however the start goes.
struct SpawnFileActions {
  posix_spawn_file_actions_t actions{};
  SpawnFileActions() { ::posix_spawn_file_actions_init(&actions); }
  ~SpawnFileActions() { ::posix_spawn_file_actions_destroy(&actions); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
};

// The end of a file, trailing white space dropped, lines joined with " | ".
std::string file_tail(const std::filesystem::path& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  while (!all.empty() && (all.back() == '\n' || all.back() == ' ')) all.pop_back();
  if (all.size() > max_bytes) all = "…" + all.substr(all.size() - max_bytes);
  for (auto at = all.find('\n'); at != std::string::npos; at = all.find('\n', at)) all.replace(at, 1, " | ");
  return all;
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, std::filesystem::path stdout_path, std::filesystem::path stderr_path)
    : stdout_path_(std::move(stdout_path)), stderr_path_(std::move(stderr_path)) {
  if (argv.empty()) throw std::invalid_argument("ChildProcess: no program given");
  for (const auto& arg : argv) command_line_ += (command_line_.empty() ? "" : " ") + arg;
  SpawnFileActions files;
  constexpr int kFlags = O_WRONLY | O_CREAT | O_TRUNC;
  constexpr mode_t kMode = 0644;
  ::posix_spawn_file_actions_addopen(&files.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_addopen(&files.actions, STDOUT_FILENO, stdout_path_.c_str(), kFlags, kMode);
  ::posix_spawn_file_actions_addopen(&files.actions, STDERR_FILENO, stderr_path_.c_str(), kFlags, kMode);
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  const int error = ::posix_spawn(&pid_, args[0], &files.actions, nullptr, args.data(), environ);
  if (error != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start `" + command_line_ + "`: " + std::strerror(error));
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exit_code_) stop(std::chrono::seconds(2));
}

std::optional<int> ChildProcess::exit_code() {
  if (exit_code_ || pid_ <= 0) return exit_code_;
  int status = 0;
  const pid_t ended = ::waitpid(pid_, &status, WNOHANG);
  if (ended == pid_) exit_code_ = decode_status(status);
  if (ended < 0 && errno == ECHILD) exit_code_ = -1;  // reaped elsewhere: gone all the same
  return exit_code_;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!exit_code()) {
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(kWaitPoll);
  }
  return exit_code_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (exit_code()) return *exit_code_;
  ::kill(pid_, SIGTERM);
  if (auto code = wait(grace)) return *code;
  ::kill(pid_, SIGKILL);
  int status = 0;
  if (::waitpid(pid_, &status, 0) == pid_) {
    exit_code_ = decode_status(status);
  } else {
    exit_code_ = -1;
  }
  return *exit_code_;
}

std::string ChildProcess::stdout_tail(std::size_t max_bytes) const { return file_tail(stdout_path_, max_bytes); }
std::string ChildProcess::stderr_tail(std::size_t max_bytes) const { return file_tail(stderr_path_, max_bytes); }

std::optional<ProcessMemory> process_memory(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status) return std::nullopt;
  ProcessMemory memory;
  bool found = false;
  for (std::string line; std::getline(status, line);) {
    const bool rss = line.rfind("VmRSS:", 0) == 0;
    const bool hwm = line.rfind("VmHWM:", 0) == 0;
    if (!rss && !hwm) continue;
    const double kib = std::strtod(line.c_str() + line.find(':') + 1, nullptr);
    (rss ? memory.rss_mib : memory.peak_rss_mib) = kib / kKibPerMib;
    found = found || rss;
  }
  if (!found) return std::nullopt;  // a zombie has no VmRSS
  return memory;
}

double self_cpu_s() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

ProcessIo self_io() {
  constexpr double kBytesPerMib = 1024.0 * 1024.0;
  std::ifstream io("/proc/self/io");
  ProcessIo out;
  for (std::string line; std::getline(io, line);) {
    if (line.rfind("rchar:", 0) == 0) out.read_mib = std::strtod(line.c_str() + 6, nullptr) / kBytesPerMib;
    if (line.rfind("wchar:", 0) == 0) out.written_mib = std::strtod(line.c_str() + 6, nullptr) / kBytesPerMib;
  }
  return out;
}

}  // namespace ob::bench::perf
