#pragma once
// The guardian (issue 18 item 4): a small watchdog process beside every `run`, `resume` and
// `replay` on a station with real instruments. The controller hands it the station (its file's
// label and text), the results database and the campaign over a socket, and keeps that socket
// open for its whole life. When the controller has reached its safe state it says so and the
// guardian exits without touching the bench. When the socket closes without that word — the
// controller died: SIGKILL, SIGBUS, the OOM killer, a crash — the kernel closes it for the dead
// process, and the guardian brings the bench to its safe state at once: every workload stopped
// (in parallel, waited for 0.4 s), every supply output off, the chamber to standby, each read
// back and retried, then an event in the database when it can be written. It ignores SIGINT,
// SIGTERM and SIGHUP: a terminal closing or a Ctrl-C to the process group is the controller's to
// handle, and if the controller dies of it, the guardian is still there.
#include <filesystem>
#include <memory>
#include <string>

#include "bench/config/campaign_config.hpp"

namespace ob::bench {

class StationLock;

// What the controller hands its guardian.
struct GuardianOrder {
  std::string station_label;
  std::string station_text;
  std::string db_path;
  std::string campaign;
  double speed = 1;
  long controller_pid = 0;
  bool holds_locks = false;  // it inherited the controller's station and instrument locks
};

// The controller's side.
class Guardian {
 public:
  // Starts `orbitbench guardian` (this executable) for the campaign's station; nullptr for a
  // simulated station (its in-process lab dies with the controller) or when it cannot be started
  // (said on stderr: the campaign then runs unguarded, as before).
  // `lock`: the controller's locks, handed to the guardian (inherited descriptors) so that when
  // the controller dies no other controller takes the station before the guardian has safed it.
  static std::unique_ptr<Guardian> start(const CampaignConfig& config, const std::filesystem::path& db_path,
                                         const StationLock* lock = nullptr);

  // The controller reached its safe state and is ending: the guardian exits, the bench untouched.
  void release();
  // Without release() the socket closes unsaid, and the guardian safes the bench.
  ~Guardian();
  Guardian(const Guardian&) = delete;
  Guardian& operator=(const Guardian&) = delete;

  long pid() const { return pid_; }

 private:
  Guardian(int socket_fd, long pid) : socket_fd_(socket_fd), pid_(pid) {}
  int socket_fd_ = -1;
  long pid_ = 0;
};

// The guardian's side (`orbitbench guardian`, started only by Guardian::start): reads its order
// from `fd`, waits, and safes the bench if the controller dies. The process's exit code.
int run_guardian(int fd);

}  // namespace ob::bench
