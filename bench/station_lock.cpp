#include "bench/station_lock.hpp"

#include <csignal>
#include <cstdlib>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>

#include "drivers/common/uri.hpp"

namespace ob::bench {
namespace {

constexpr mode_t kSharedDirMode = 01777;  // every user's controllers, as /tmp
constexpr mode_t kLockFileMode = 0666;
constexpr std::size_t kMaxHolderBytes = 512;

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// A file name for a URI: its characters, with everything but [A-Za-z0-9.-] as '_'.
std::string file_name_of(const std::string& key) {
  std::string name;
  for (const char c : key) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
  return name;
}

std::string read_holder(int fd) {
  char text[kMaxHolderBytes] = {};
  const auto got = ::pread(fd, text, sizeof text - 1, 0);
  return got > 0 ? std::string(text, static_cast<std::size_t>(got)) : std::string("an unknown controller");
}

// Whether the holder text ("pid 123 (campaign …") names a process that no longer exists: then
// the lock is carried by what it handed it to, its guardian (bench/guardian.cpp), safing the bench.
bool holder_is_dead(const std::string& holder) {
  if (!holder.starts_with("pid ")) return false;
  const long pid = std::strtol(holder.c_str() + 4, nullptr, 10);
  return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

std::filesystem::path StationLock::instrument_lock_dir() { return "/tmp/orbitbench-locks"; }

std::vector<std::string> StationLock::instrument_keys(const StationConfig& station) {
  std::vector<std::string> keys;
  if (station.simulated) return keys;
  const auto add = [&](const std::string& text) {
    if (text.starts_with("sim://")) return;
    if (text.starts_with("iio:")) {
      keys.push_back(text);
      return;
    }
    try {
      const auto uri = drivers::parse_uri(text);
      keys.push_back(uri.scheme + "://" + uri.host + (uri.port ? ":" + std::to_string(*uri.port) : "") +
                     (uri.path.empty() ? "" : "/" + uri.path) +
                     (uri.scheme == "agent" ? "?gpu=" + uri.query_or("gpu", "0") : ""));
    } catch (const drivers::UriError&) {
      // the station parser already refused malformed URIs
    }
  };
  for (const auto& instrument : station.instruments) add(instrument.uri);
  for (const auto& dut : station.duts) {
    if (dut.agent_uri.starts_with("agent://") && dut.agent_uri.find("gpu=") == std::string::npos) {
      add(dut.agent_uri + (dut.agent_uri.find('?') == std::string::npos ? "?" : "&") + "gpu=" +
          std::to_string(dut.gpu_index));
    } else {
      add(dut.agent_uri);
    }
  }
  return keys;
}

StationLock::StationLock(const CampaignConfig& config, const std::filesystem::path& db_path) {
  const std::string holder = "pid " + std::to_string(::getpid()) + " (campaign " + config.name + ", station " +
                             config.station.name + ", since " + utc_now() + ")";
  try {
    const auto dir = db_path.has_parent_path() ? db_path.parent_path() : std::filesystem::path(".");
    take(dir / ("." + config.station.name + ".lock"), "station " + config.station.name, holder);
    const auto keys = instrument_keys(config.station);
    if (!keys.empty()) {
      const auto shared = instrument_lock_dir();
      if (::mkdir(shared.c_str(), kSharedDirMode) == 0) ::chmod(shared.c_str(), kSharedDirMode);
      for (const auto& key : keys) take(shared / (file_name_of(key) + ".lock"), key, holder);
    }
  } catch (...) {
    for (const int fd : fds_) ::close(fd);
    throw;
  }
}

StationLock::~StationLock() {
  for (const int fd : fds_) ::close(fd);  // closing releases the flock
}

void StationLock::take(const std::filesystem::path& path, const std::string& what, const std::string& holder) {
  // No symlink is followed: a planted link cannot make us truncate what it points to.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, kLockFileMode);
  if (fd < 0) throw std::runtime_error(path.string() + ": cannot make the lock file (" + std::strerror(errno) + ")");
  // flock's errno, kept: reading the holder and asking whether it lives set errno themselves.
  auto try_lock = [fd] { return ::flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno; };
  int error = try_lock();
  if (error == EWOULDBLOCK &&
      (read_holder(fd).find(kGuardianMark) != std::string::npos || holder_is_dead(read_holder(fd)))) {
    // A guardian safing the bench after its controller died (bench/guardian.hpp), holding the
    // lock its controller handed it: it is done in seconds, and then this controller may go on.
    std::fprintf(stderr, "orbitbench: %s: waiting for the guardian of %s to finish safing it\n", what.c_str(),
                 read_holder(fd).c_str());
    const auto give_up = std::chrono::steady_clock::now() + kGuardianWait;
    while (error == EWOULDBLOCK && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      error = try_lock();
    }
  }
  if (error != 0) {
    const std::string other = read_holder(fd);
    ::close(fd);
    if (error == EWOULDBLOCK) {
      throw StationBusy(what + " is in use by " + other + "; one controller per station and instrument (lock " +
                        path.string() + ")");
    }
    throw std::runtime_error(path.string() + ": cannot lock (" + std::strerror(error) + ")");
  }
  ::fchmod(fd, kLockFileMode);  // every user's controllers must be able to take it later
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const auto written = ::pwrite(fd, holder.data(), holder.size(), 0);
  }
  fds_.push_back(fd);
}

}  // namespace ob::bench
