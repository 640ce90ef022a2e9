#pragma once
// The runner's instruments as participants, in the manner of ros2_control's hardware
// components: configure (connect, identify) → register (its database identity) → energise →
// tick (command, read back, verify) → safe_state. Each participant keeps what it was told next
// to what its instrument achieved, and judges the difference; the runner keeps scheduling,
// pauses, checkpoints and the abort/isolate policy, which participants reach through
// BenchContext.
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bench/config/campaign_config.hpp"
#include "bench/phase_run.hpp"
#include "bench/progress.hpp"
#include "bench/runner_events.hpp"
#include "db/recorder.hpp"
#include "drivers/common/fault.hpp"
#include "drivers/common/identity.hpp"

namespace ob::bench {

class SoakMonitor;
struct BoardState;

// One instrument's database identity and its run of faults.
struct DeviceState {
  std::string name;
  std::int64_t device_id = 0;
  int consecutive_faults = 0;
  std::uint64_t reconnects_seen = 0;  // the driver's reconnect count when last looked at
  std::map<std::string, std::int64_t> channels;
};

// What a participant may ask of the runner: record, count faults, isolate a board, abort, hold
// the profile clock. Implemented by the runner only.
class BenchContext {
 public:
  virtual ~BenchContext() = default;

  virtual const CampaignConfig& config() const = 0;
  virtual db::Recorder& recorder() = 0;
  virtual std::int64_t campaign_id() const = 0;
  virtual ProgressState& progress() = 0;
  virtual asio::any_io_executor executor() = 0;

  virtual void event(std::optional<std::int64_t> run_id, std::optional<std::int64_t> device_id, std::optional<double> t_s,
                     EventKind kind, Severity severity, const std::string& message) = 0;
  // Records the fault; true when the device has now failed max_consecutive_faults in a row.
  virtual bool count_fault(DeviceState& device, const drivers::Fault& fault, std::int64_t run_id, double t_s) = 0;
  // A setup step must succeed: false (and the campaign aborted) on a fault, or once aborted.
  virtual bool expect(const drivers::Status& status) = 0;
  virtual bool aborting() const = 0;
  virtual void abort_campaign(AbortCause cause, const std::string& reason) = 0;
  // One board leaves the campaign (workload stopped, supply off); the others go on.
  virtual void isolate(std::size_t board, const std::string& reason, const PhaseRun& run, double t_s) = 0;
  virtual void check_interlock(const PhaseRun& run, std::optional<std::size_t> board, std::string_view channel, double value,
                               double t_s) = 0;
  virtual BoardState& board_state(std::size_t index) = 0;
  // The running baseline's or reference's soak; nullptr when none.
  virtual SoakMonitor* soak() = 0;
  // The profile clock: held (every loop waits at its tick) from pause_clock() until
  // restart_clock(), which returns how long it was held.
  virtual bool clock_paused() const = 0;
  virtual void pause_clock() = 0;
  virtual std::chrono::steady_clock::duration restart_clock() = 0;
};

class Participant {
 public:
  explicit Participant(BenchContext& bench) : bench_(bench) {}
  virtual ~Participant() = default;
  Participant(const Participant&) = delete;
  Participant& operator=(const Participant&) = delete;

  virtual const std::string& name() const = 0;
  // Connects and identifies (the identity is kept for register_device()).
  virtual asio::awaitable<drivers::Status> configure() = 0;
  // Its device row and channels, once the campaign is recorded.
  virtual void register_device() = 0;
  // Its instrument's loop period (the station's), unset = the campaign's.
  virtual std::optional<double> sample_period_s() const = 0;
  virtual asio::awaitable<void> tick(PhaseRun& run, double t_s) = 0;
  virtual asio::awaitable<drivers::Status> safe_state() = 0;

 protected:
  // A device row with its identity, and channels on it.
  DeviceState add_device(const std::string& name, const char* kind, const std::string& uri, const drivers::Identity& identity);
  void add_channel(DeviceState& device, const std::string& name, const std::string& unit);
  void sample(const PhaseRun& run, const DeviceState& device, const std::string& channel, double t_s, double wall_s,
              double value);
  // A shared instrument's fault: the campaign ends after max_consecutive_faults in a row.
  void note_fault(DeviceState& device, const drivers::Fault& fault, std::int64_t run_id, double t_s);
  // A driver that re-established its link since last looked at: one event per reconnect.
  void note_reconnects(DeviceState& device, std::uint64_t count, const std::string& reason, std::int64_t run_id, double t_s);

  BenchContext& bench_;
};

// Connects and identifies an instrument's driver, keeping its identity in its handle.
template <class Handle>
asio::awaitable<drivers::Status> identify(Handle& handle) {
  auto identity = co_await handle.driver->configure();
  if (!identity) co_return std::unexpected(identity.error());
  handle.identity = *identity;
  co_return drivers::Status{};
}

double unix_now_s();
std::string fault_limit_reason(const DeviceState& device, const drivers::Fault& fault);

}  // namespace ob::bench
