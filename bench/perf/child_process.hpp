#pragma once
// A program a benchmark starts beside itself (the simulated lab, a campaign): its stdout and
// stderr go to files in the work directory (never a pipe a chatty child could fill and block
// on); it is stopped (SIGTERM, then SIGKILL) and reaped when destroyed.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ob::bench::perf {

class ChildProcess {
 public:
  // argv[0] is the program's path. Throws std::runtime_error naming the program when it
  // cannot be started.
  ChildProcess(std::vector<std::string> argv, std::filesystem::path stdout_path, std::filesystem::path stderr_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::filesystem::path& stdout_path() const { return stdout_path_; }
  // "orbitbench lab --boards 256" (for messages).
  const std::string& command_line() const { return command_line_; }

  // Its exit code (128 + signal when a signal ended it) once it has ended; nullopt while it runs.
  std::optional<int> exit_code();
  // Waits for it to end; nullopt when it is still running after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM, up to `grace` for it to end, then SIGKILL; its exit code.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  // The last `max_bytes` of what it wrote to stdout / stderr (for error messages).
  std::string stdout_tail(std::size_t max_bytes = 600) const;
  std::string stderr_tail(std::size_t max_bytes = 600) const;

 private:
  std::string command_line_;
  std::filesystem::path stdout_path_;
  std::filesystem::path stderr_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// What /proc/PID/status says of a process's memory, in MiB; nullopt once it is gone.
struct ProcessMemory {
  double rss_mib = 0;       // VmRSS
  double peak_rss_mib = 0;  // VmHWM
};
std::optional<ProcessMemory> process_memory(pid_t pid);

// CPU seconds (user + system) this process has used so far, all its threads.
double self_cpu_s();

// Bytes this process has passed to read and write calls so far (/proc/self/io rchar, wchar:
// files and sockets alike).
struct ProcessIo {
  double read_mib = 0;
  double written_mib = 0;
};
ProcessIo self_io();

}  // namespace ob::bench::perf
