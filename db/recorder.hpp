#pragma once
// The only writer of a results database. One thread owns the SQLite connection; callers
// enqueue rows and return at once (sample/event/measurement), or wait for an id
// (campaign/device/profile/run/channel creation, which happens at phase boundaries only).
// Samples are batched into large WAL transactions. Nothing enqueued is lost: the destructor
// and flush() commit everything still queued, and a batch the store refuses is held and tried
// again (RecorderHealth). Only when the recorder is destroyed with the store still refusing are
// rows given up — after a last few tries, and said on stderr with their count.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ob::db {

struct CampaignFile {
  std::string role;   // "campaign" | "station"
  std::string label;  // the path it was read from (or "(embedded) …")
  std::string text;
};

struct CampaignRow {
  std::string name;
  std::string station;
  std::string config_yaml;  // campaign + station files as read, for provenance
  double started_unix_s = 0;
  std::vector<CampaignFile> files;  // each file on its own (campaign_files), for resume
};

enum class CampaignStatus { running, completed, aborted, failed };
// thermal_cycle (schema v3): one cycle of a thermal-cycling plan (SMC-S-016 qualification).
enum class RunKind { baseline, replay, reference, thermal_cycle };
enum class RunStatus { running, completed, aborted, failed };

const char* to_string(CampaignStatus status);
const char* to_string(RunKind kind);
const char* to_string(RunStatus status);

struct DeviceRow {
  std::string name;  // station name: "psu-a", "board-01"
  std::string kind;  // "psu", "chamber", "gpu", "sensor", "profile"
  std::string uri;
  std::string vendor, model, serial, firmware;
};

struct ProfileRow {
  std::string digest;  // sha256 hex; a profile already stored is not stored twice
  std::string name;
  std::string source;
  double duration_s = 0;
  double step_s = 0;
  std::string proto_bytes;  // serialized ob.profiles.pb.Profile
};

struct RunRow {
  std::int64_t campaign_id = 0;
  std::optional<std::int64_t> profile_id;
  RunKind kind = RunKind::baseline;
  int ordinal = 0;  // position in the plan, 0-based
  std::string label;  // "baseline", "replay 1/3", ...
  double speed = 1;   // profile seconds per wall second
  double started_unix_s = 0;
};

struct SampleRow {
  std::int64_t run_id = 0;
  std::int64_t channel_id = 0;
  double t_s = 0;          // profile time
  double wall_unix_s = 0;  // wall time (UTC, unix seconds)
  double value = 0;
};

struct EventRow {
  std::int64_t campaign_id = 0;
  std::optional<std::int64_t> run_id;
  std::optional<std::int64_t> device_id;
  std::optional<double> t_s;
  double wall_unix_s = 0;
  std::string kind;      // "throttle", "interlock", "reconnect", "limit", "error", "phase", "safe_state", "regulation", "ecc", "sdc", "isolate", "resume", "pause", "alarm", "operator"
  std::string severity;  // "info", "warning", "error"
  std::string message;
};

struct MeasurementRow {
  std::int64_t run_id = 0;
  std::optional<std::int64_t> device_id;
  std::string name;  // "throughput_mean_tflops", ...
  double value = 0;
  std::string unit;
  std::optional<double> low_limit;
  std::optional<double> high_limit;
  std::string verdict;  // "pass", "fail", "info"
};

// Sees what the campaign records as it is handed to the recorder, on the caller's thread (not the
// writer's), before it is committed: the live view (bench/live/) follows a campaign this way.
// Must be quick and must not call back into the recorder.
class RecorderObserver {
 public:
  virtual ~RecorderObserver() = default;
  virtual void on_campaign(std::int64_t /*campaign_id*/, const CampaignRow& /*row*/) {}
  virtual void on_device(std::int64_t /*device_id*/, const DeviceRow& /*row*/) {}
  virtual void on_run(std::int64_t /*run_id*/, const RunRow& /*row*/) {}
  virtual void on_event(const EventRow& /*row*/) {}
  virtual void on_measurement(const MeasurementRow& /*row*/) {}
};

struct RecorderOptions {
  std::size_t batch_rows = 20000;  // commit when this many rows are queued...
  // ...or this long after the first queued row. Each commit rewrites the last page of every
  // channel it touches (samples are keyed run, channel, time), so the interval sets the write
  // cost: 0.45 s took `perf fanin` (256 boards) from 26-31 % to 20-24.5 % of a core against
  // 0.25 s. It also sets a crash's loss: at most this long of samples. 0.45 s after a tick on a
  // 10-Hz grid is half a period off it, where no tick runs (0.5 s landed on the ticks: `perf
  // scheduling` p99 2.9-3.9 ms). See docs/performance.md.
  double max_batch_delay_s = 0.45;
  RecorderObserver* observer = nullptr;  // must outlive the recorder
};

struct RecorderStats {
  std::uint64_t rows_committed = 0;
  std::uint64_t transactions = 0;
};

// Whether the store is taking data. A batch whose transaction fails as a whole (disk full, the
// file read-only, locked by another writer, an I/O error) is not dropped: its rows are held, in
// order, and tried again every kRetryPause until a commit succeeds. The caller decides how long
// to wait (bench/campaign_runner.cpp: abort into the safe state at once on SQLITE_FULL or
// SQLITE_READONLY, after 5 s otherwise).
struct RecorderHealth {
  std::optional<double> failing_for_s;  // unset while commits succeed
  std::string error;                    // the last failed transaction's error
  int sqlite_code = 0;                  // its extended result code
  int system_errno = 0;                 // the OS's errno behind it, where there was one (ENOSPC, EFBIG, EROFS…)
  std::size_t rows_held = 0;            // rows waiting to be written again
};

class Recorder {
 public:
  // Opens or creates the database, migrates it forward to the current schema (WAL mode).
  // Throws DbError (db/database.hpp) naming the file on failure.
  explicit Recorder(const std::filesystem::path& path, RecorderOptions options = {});
  ~Recorder();  // commits everything queued, then closes
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Blocking: return the new row's id once committed.
  std::int64_t add_campaign(const CampaignRow& row);
  std::int64_t add_device(std::int64_t campaign_id, const DeviceRow& row);
  std::int64_t add_profile(const ProfileRow& row);  // returns the existing id for a known digest
  std::int64_t add_run(const RunRow& row);
  std::int64_t add_channel(std::int64_t device_id, const std::string& name, const std::string& unit);

  // Non-blocking.
  void add_sample(const SampleRow& row);
  void add_event(const EventRow& row);
  void add_measurement(const MeasurementRow& row);
  void finish_run(std::int64_t run_id, RunStatus status, double ended_unix_s);
  // end_cause: why it stopped, as a word programs match on (`campaigns.end_cause`, e.g.
  // "operator_signal", which `orbitbench resume` may continue); unset when it completed.
  void finish_campaign(std::int64_t campaign_id, CampaignStatus status, double ended_unix_s,
                       const std::string& reason, std::optional<std::string> end_cause = std::nullopt);
  // A campaign (and its interrupted run) running again after `orbitbench resume`: status
  // 'running', no end time, no reason, no end cause.
  void reopen_campaign(std::int64_t campaign_id);
  // Folds a finished run's samples into run_bins and run_counters (db/run_aggregates.hpp),
  // after everything queued before it.
  void aggregate_run(std::int64_t run_id);
  void reopen_run(std::int64_t run_id);
  void add_checkpoint(std::int64_t campaign_id, std::optional<std::int64_t> run_id, int plan_index,
                      double t_s, const std::string& state_json);

  // Wait until everything enqueued so far is committed. Rethrows a writer failure as DbError.
  void flush();
  RecorderStats stats() const;
  RecorderHealth health() const;
  const std::filesystem::path& path() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ob::db
