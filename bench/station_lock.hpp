#pragma once
// One controller per station and per instrument (issue 18 item 11). Two `orbitbench run`s on one
// bench would fight over its supplies and chamber, so `run`, `resume` and `replay` first take
// exclusive advisory locks (flock) for the process's life: one on `.<station>.lock` beside the
// results database, and one per instrument and agent URI on this host (under
// /tmp/orbitbench-locks, shared by every user, sticky like /tmp). A second controller is refused
// at once, told who holds the lock (pid, campaign, since when); a dead holder's locks are
// released by the kernel — unless its guardian carries them on while it safes the bench: a lock
// whose named holder is dead is waited for, like a guardian's. URIs of the simulated lab (`sim://`, `simulated: true`) are per process
// and take no instrument lock.
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/config/campaign_config.hpp"

namespace ob::bench {

// A lock held by a guardian (its campaign named "… (guardian)") is waited for, up to
// kGuardianWait, rather than refused: it is safing the bench of a controller that died.
inline constexpr const char* kGuardianMark = " (guardian)";
inline constexpr std::chrono::seconds kGuardianWait{30};

struct StationBusy : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class StationLock {
 public:
  // Throws StationBusy naming the holder, or std::runtime_error when a lock file cannot be made.
  StationLock(const CampaignConfig& config, const std::filesystem::path& db_path);
  ~StationLock();
  StationLock(const StationLock&) = delete;
  StationLock& operator=(const StationLock&) = delete;

  // The instrument URIs a station locks ("scheme://host:port/path", without the query).
  static std::vector<std::string> instrument_keys(const StationConfig& station);
  static std::filesystem::path instrument_lock_dir();
  // The lock files' descriptors: a guardian inherits copies (bench/guardian.cpp), so the locks
  // outlive this process until the guardian has safed the bench.
  const std::vector<int>& fds() const { return fds_; }

 private:
  void take(const std::filesystem::path& path, const std::string& what, const std::string& holder);
  std::vector<int> fds_;
};

}  // namespace ob::bench
