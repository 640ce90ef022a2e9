#include "db/recorder.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "db/database.hpp"
#include "db/run_aggregates.hpp"
#include "db/statement.hpp"
#include "db/wall_clock.hpp"

namespace ob::db {

const char* to_string(CampaignStatus status) {
  switch (status) {
    case CampaignStatus::running: return "running";
    case CampaignStatus::completed: return "completed";
    case CampaignStatus::aborted: return "aborted";
    case CampaignStatus::failed: return "failed";
  }
  return "failed";
}

const char* to_string(RunKind kind) {
  switch (kind) {
    case RunKind::baseline: return "baseline";
    case RunKind::replay: return "replay";
    case RunKind::reference: return "reference";
    case RunKind::thermal_cycle: return "thermal_cycle";
  }
  return "baseline";
}

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::running: return "running";
    case RunStatus::completed: return "completed";
    case RunStatus::aborted: return "aborted";
    case RunStatus::failed: return "failed";
  }
  return "failed";
}

namespace {

using Clock = std::chrono::steady_clock;

// Vectors are reserved up to this many rows at start; a larger batch_rows grows them on demand.
constexpr std::size_t kMaxReservedRows = 1 << 16;

struct CampaignCmd {
  CampaignRow row;
};
struct DeviceCmd {
  std::int64_t campaign_id;
  DeviceRow row;
};
struct ProfileCmd {
  ProfileRow row;
};
struct RunCmd {
  RunRow row;
};
struct ChannelCmd {
  std::int64_t device_id;
  std::string name;
  std::string unit;
};
struct EventCmd {
  EventRow row;
};
struct MeasurementCmd {
  MeasurementRow row;
};
struct FinishRunCmd {
  std::int64_t run_id;
  RunStatus status;
  std::optional<double> ended_unix_s;  // unset: running again (reopened)
};
struct FinishCampaignCmd {
  std::int64_t campaign_id;
  CampaignStatus status;
  std::optional<double> ended_unix_s;
  std::optional<std::string> reason;
  std::optional<std::string> end_cause;
};
struct CheckpointCmd {
  std::int64_t campaign_id;
  std::optional<std::int64_t> run_id;
  int plan_index;
  double t_s;
  double wall_unix_s;
  std::string state_json;
};
// Folds a finished run's samples into its aggregates (db/run_aggregates.hpp).
struct AggregateRunCmd {
  std::int64_t run_id;
};
// Writes nothing: its reply tells flush() that everything queued before it is committed.
struct FlushCmd {};

using CommandBody = std::variant<CampaignCmd, DeviceCmd, ProfileCmd, RunCmd, ChannelCmd, EventCmd,
                                 MeasurementCmd, FinishRunCmd, FinishCampaignCmd, CheckpointCmd,
                                 AggregateRunCmd, FlushCmd>;

// Everything but samples. Samples live in their own vector of plain structs (the hot path);
// samples_before records how many samples were queued before this command, so the writer
// replays the exact order in which rows were enqueued.
struct Command {
  std::size_t samples_before = 0;
  CommandBody body;
  std::optional<std::promise<std::int64_t>> reply;  // set for blocking calls and flush()
  std::int64_t result_id = 0;
  std::string error;  // this command's own failure, reported through reply
  int error_code = 0;
};

constexpr int kCacheKib = 32 * 1024;  // the writer's page cache
constexpr int kWalCheckpointPages = 16384;  // the WAL grows to about this many pages
// Samples stored by one INSERT statement with this many VALUES rows: one statement's fixed cost
// (its step, its statement journal for OR REPLACE, its bindings' reset) per 32 rows, not per row.
constexpr std::size_t kSamplesPerInsert = 32;
constexpr auto kRetryPause = std::chrono::milliseconds(500);  // between tries of a refused batch
constexpr int kFinalTries = 3;  // at destruction, with the store still refusing

}  // namespace

class Recorder::Impl {
 public:
  Impl(const std::filesystem::path& path, RecorderOptions options)
      : db_(Connection::open_for_writing(path)),
        options_(options),
        batch_delay_(std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(std::max(options.max_batch_delay_s, 0.0)))) {
    options_.batch_rows = std::max<std::size_t>(options_.batch_rows, 1);
    // Samples are keyed (run, channel, time): every commit touches the last page of each channel
    // it wrote. With thousands of channels (256 boards × 14) those pages outgrow SQLite's 2 MiB
    // default cache and each commit re-reads and rewrites them; 32 MiB keeps them (a page cache,
    // filled only as far as the channels need it).
    db_.exec("PRAGMA cache_size = -" + std::to_string(kCacheKib));
    // Those pages are rewritten in the WAL by every commit; a checkpoint copies each page's last
    // version back into the database. Checkpointing every 1000 pages (SQLite's default) meant
    // after every such commit; every kWalCheckpointPages copies a page once for several commits.
    db_.exec("PRAGMA wal_autocheckpoint = " + std::to_string(kWalCheckpointPages));
    backfill_run_aggregates(db_);  // runs recorded before schema 4 (or before their aggregates)
    prepare();
    const std::size_t reserve = std::min(options_.batch_rows, kMaxReservedRows);
    samples_.reserve(reserve);
    batch_samples_.reserve(reserve);
    writer_ = std::thread([this] { writer_loop(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    writer_.join();
    if (!pending_error_.empty()) {
      // A destructor cannot throw; stderr is the last place this message can still be seen.
      std::fprintf(stderr, "orbitbench recorder: %s\n", pending_error_message().c_str());
    }
  }

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void add_sample(const SampleRow& row) {
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      wake = note_enqueue();
      samples_.push_back(row);
      wake = wake || queued_rows() == options_.batch_rows;
    }
    if (wake) wake_.notify_one();
  }

  void enqueue(CommandBody body) {
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      wake = note_enqueue();
      commands_.push_back(Command{samples_.size(), std::move(body), std::nullopt, 0, {}, 0});
      wake = wake || queued_rows() == options_.batch_rows;
    }
    if (wake) wake_.notify_one();
  }

  // Enqueues and waits until the command's transaction is committed.
  db::RecorderObserver* observer() const { return options_.observer; }

  std::int64_t enqueue_and_wait(CommandBody body, bool is_flush) {
    std::future<std::int64_t> done;
    {
      std::lock_guard lock(mutex_);
      // Blocking calls report earlier writer failures before doing anything new.
      if (!is_flush) throw_pending_error_locked();
      note_enqueue();
      std::promise<std::int64_t> reply;
      done = reply.get_future();
      commands_.push_back(Command{samples_.size(), std::move(body), std::move(reply), 0, {}, 0});
      ++urgent_;
    }
    wake_.notify_one();
    const std::int64_t id = done.get();  // rethrows this command's own DbError
    if (is_flush) {
      std::lock_guard lock(mutex_);
      throw_pending_error_locked();
    }
    return id;
  }

  RecorderHealth health() const {
    std::lock_guard lock(mutex_);
    RecorderHealth out;
    if (!failing_since_) return out;
    out.failing_for_s = std::chrono::duration<double>(Clock::now() - *failing_since_).count();
    out.error = last_failure_;
    out.sqlite_code = last_failure_code_;
    out.system_errno = last_failure_errno_;
    out.rows_held = samples_.size() + commands_.size();
    return out;
  }

  RecorderStats stats() const {
    return RecorderStats{rows_committed_.load(std::memory_order_relaxed),
                         transactions_.load(std::memory_order_relaxed)};
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  // Caller holds mutex_. Returns true when the queue was empty: the writer must start the
  // max_batch_delay clock.
  bool note_enqueue() {
    if (!samples_.empty() || !commands_.empty()) return false;
    first_enqueue_ = Clock::now();
    return true;
  }

  std::size_t queued_rows() const { return samples_.size() + commands_.size(); }
  bool has_work() const { return !samples_.empty() || !commands_.empty(); }

  std::string pending_error_message() const {
    if (pending_failures_ <= 1) return pending_error_;
    return pending_error_ + " (" + std::to_string(pending_failures_) + " rows failed in total)";
  }

  void throw_pending_error_locked() {
    if (pending_error_.empty()) return;
    DbError error(pending_error_message(), pending_code_);
    pending_error_.clear();
    pending_failures_ = 0;
    pending_code_ = 0;
    throw error;
  }

  void prepare() {
    constexpr bool kPersistent = true;
    begin_ = Statement(db_, "BEGIN IMMEDIATE", kPersistent);
    commit_ = Statement(db_, "COMMIT", kPersistent);
    insert_campaign_ = Statement(db_,
        "INSERT INTO campaigns (name, station, status, started_unix_s, config_yaml) "
        "VALUES (?1, ?2, 'running', ?3, ?4)", kPersistent);
    insert_campaign_file_ = Statement(db_,
        "INSERT INTO campaign_files (campaign_id, role, label, text) VALUES (?1, ?2, ?3, ?4)", kPersistent);
    // A resumed campaign declares its devices and channels again: return the existing ids.
    upsert_device_ = Statement(db_,
        "INSERT INTO devices (campaign_id, name, kind, uri, vendor, model, serial, firmware) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (campaign_id, name) DO UPDATE SET kind = excluded.kind, uri = excluded.uri, "
        "vendor = excluded.vendor, model = excluded.model, serial = excluded.serial, "
        "firmware = excluded.firmware RETURNING id", kPersistent);
    select_profile_ = Statement(db_, "SELECT id FROM profiles WHERE digest = ?1", kPersistent);
    insert_profile_ = Statement(db_,
        "INSERT INTO profiles (digest, name, source, duration_s, step_s, proto) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", kPersistent);
    insert_run_ = Statement(db_,
        "INSERT INTO runs (campaign_id, profile_id, kind, ordinal, label, speed, status, "
        "started_unix_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7)", kPersistent);
    upsert_channel_ = Statement(db_,
        "INSERT INTO channels (device_id, name, unit) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (device_id, name) DO UPDATE SET unit = excluded.unit RETURNING id",
        kPersistent);
    // A resumed run may record a point again; the newer value wins.
    insert_sample_ = Statement(db_,
        "INSERT OR REPLACE INTO samples (run_id, channel_id, t_s, wall_unix_s, value) "
        "VALUES (?1, ?2, ?3, ?4, ?5)", kPersistent);
    std::string many = "INSERT OR REPLACE INTO samples (run_id, channel_id, t_s, wall_unix_s, value) VALUES ";
    for (std::size_t i = 0; i < kSamplesPerInsert; ++i) many += i == 0 ? "(?,?,?,?,?)" : ",(?,?,?,?,?)";
    insert_samples_ = Statement(db_, many, kPersistent);
    insert_event_ = Statement(db_,
        "INSERT INTO events (campaign_id, run_id, device_id, t_s, wall_unix_s, kind, severity, "
        "message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", kPersistent);
    insert_measurement_ = Statement(db_,
        "INSERT INTO measurements (run_id, device_id, name, value, unit, low_limit, high_limit, "
        "verdict) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", kPersistent);
    finish_run_ = Statement(db_,
        "UPDATE runs SET status = ?2, ended_unix_s = ?3 WHERE id = ?1", kPersistent);
    finish_campaign_ = Statement(db_,
        "UPDATE campaigns SET status = ?2, ended_unix_s = ?3, reason = ?4, end_cause = ?5 WHERE id = ?1",
        kPersistent);
    insert_checkpoint_ = Statement(db_,
        "INSERT INTO checkpoints (campaign_id, run_id, plan_index, t_s, wall_unix_s, state_json) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", kPersistent);
  }

  void writer_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stop_ || has_work(); });
      if (!has_work()) return;  // stopping, and everything is committed
      if (failing_since_) {
        // Rows are held from a refused batch: try again after a pause (stopping: a few times more).
        if (stop_ && ++final_tries_ > kFinalTries) {
          give_up_held_rows_locked();
          continue;
        }
        wake_.wait_until(lock, last_failure_at_ + kRetryPause, [] { return false; });
      } else {
        // Let the batch grow, unless someone waits for it or it is full.
        wake_.wait_until(lock, first_enqueue_ + batch_delay_, [this] {
          return stop_ || urgent_ > 0 || queued_rows() >= options_.batch_rows;
        });
      }
      std::swap(samples_, batch_samples_);
      std::swap(commands_, batch_commands_);
      urgent_ = 0;
      lock.unlock();
      write_batch();
      // Destroying the batch's strings happens here, outside the lock.
      batch_samples_.clear();
      batch_commands_.clear();
      lock.lock();
    }
  }

  // One transaction for the whole batch. A row that violates a constraint fails alone (SQLite
  // undoes just that statement) and the rest is committed; an error that ends the transaction
  // (disk full, I/O) loses the batch, and everyone waiting on it hears why.
  void write_batch() {
    batch_failures_ = 0;
    batch_error_.clear();
    batch_code_ = 0;
    rows_written_ = 0;
    const bool has_rows =
        !batch_samples_.empty() ||
        std::any_of(batch_commands_.begin(), batch_commands_.end(),
                    [](const Command& c) { return !std::holds_alternative<FlushCmd>(c.body); });
    std::string lost;  // non-empty: the transaction is gone
    int lost_code = 0;
    int lost_errno = 0;
    const auto attempt_started = Clock::now();  // a lock is waited for (busy timeout) before it fails
    if (has_rows) {
      try {
        auto use = begin_.use();
        begin_.run();
        std::size_t next_sample = 0;
        for (Command& command : batch_commands_) {
          if (!write_samples(next_sample, command.samples_before)) break;
          next_sample = command.samples_before;
          if (!write_command(command)) break;
        }
        if (transaction_open()) write_samples(next_sample, batch_samples_.size());
        if (!transaction_open()) throw DbError(batch_error_, batch_code_);
        auto commit = commit_.use();
        commit_.run();
        rows_committed_.fetch_add(rows_written_, std::memory_order_relaxed);
        transactions_.fetch_add(1, std::memory_order_relaxed);
      } catch (const DbError& error) {
        lost = error.what();
        lost_code = error.sqlite_code;
        lost_errno = sqlite3_system_errno(db_.handle());
        if (!sqlite3_get_autocommit(db_.handle())) {
          try {
            db_.exec("ROLLBACK");
          } catch (const DbError&) {
            // Nothing more to undo; the first error is the one worth reporting.
          }
        }
      }
    }
    if (!lost.empty()) {
      const std::size_t rows = batch_samples_.size() + batch_commands_.size();
      lost = db_.path().string() + ": batch of " + std::to_string(rows) +
             " rows rolled back: " + lost;
      answer_waiting(lost, lost_code);  // those who wait hear it now; the rest is held
      hold_batch(lost, lost_code, lost_errno, attempt_started);
      return;
    }
    if (has_rows) {
      std::lock_guard lock(mutex_);
      failing_since_.reset();
      final_tries_ = 0;
    }
    report(lost, lost_code);
  }

  // A refused batch's rows nobody waits for, put back at the head of the queue in their order.
  void hold_batch(const std::string& error, int code, int system_errno, Clock::time_point attempt_started) {
    std::vector<Command> kept;
    for (Command& command : batch_commands_) {
      if (command.reply || std::holds_alternative<FlushCmd>(command.body)) continue;
      kept.push_back(std::move(command));
    }
    std::lock_guard lock(mutex_);
    const std::size_t held_samples = batch_samples_.size();
    for (Command& command : commands_) command.samples_before += held_samples;
    batch_samples_.insert(batch_samples_.end(), samples_.begin(), samples_.end());
    samples_.swap(batch_samples_);
    kept.insert(kept.end(), std::make_move_iterator(commands_.begin()), std::make_move_iterator(commands_.end()));
    commands_.swap(kept);
    batch_commands_.clear();
    if (!failing_since_) failing_since_ = attempt_started;
    last_failure_at_ = Clock::now();
    last_failure_ = error;
    last_failure_code_ = code;
    last_failure_errno_ = system_errno;
  }

  // Stopping with the store still refusing: what is held is lost, and said so.
  void give_up_held_rows_locked() {
    const std::size_t rows = samples_.size() + static_cast<std::size_t>(std::count_if(
                                                    commands_.begin(), commands_.end(), [](const Command& c) {
                                                      return !std::holds_alternative<FlushCmd>(c.body);
                                                    }));
    for (Command& command : commands_) {
      if (command.reply) command.reply->set_exception(std::make_exception_ptr(DbError(last_failure_, last_failure_code_)));
    }
    samples_.clear();
    commands_.clear();
    if (pending_error_.empty()) {
      pending_error_ = "rows held since the store refused them could not be stored after " + std::to_string(kFinalTries) +
                       " more tries: " + last_failure_;
      pending_code_ = last_failure_code_;
    }
    pending_failures_ += rows;
    failing_since_.reset();
  }

  // The callers waiting on a refused batch (blocking calls, flushes) hear its error.
  void answer_waiting(const std::string& error, int code) {
    for (Command& command : batch_commands_) {
      if (command.reply) command.reply->set_exception(std::make_exception_ptr(DbError(error, code)));
    }
  }

  bool transaction_open() const { return sqlite3_get_autocommit(db_.handle()) == 0; }

  // Records a failed row. Returns false when the failure ended the transaction.
  // owner: the blocking command whose caller hears about its own failure, if any.
  bool row_failed(std::string what, const DbError& error, Command* owner) {
    std::string message = std::move(what) + ": " + error.what();
    if (owner) {
      owner->error = message;
      owner->error_code = error.sqlite_code;
    } else {
      if (batch_error_.empty()) {
        batch_error_ = message;
        batch_code_ = error.sqlite_code;
      }
      ++batch_failures_;
    }
    if (transaction_open()) return true;
    if (batch_error_.empty()) batch_error_ = message;
    if (batch_code_ == 0) batch_code_ = error.sqlite_code;
    return false;
  }

  bool write_samples(std::size_t from, std::size_t to) {
    // In key order (run, channel, time): consecutive inserts land on the same leaf page, which
    // is then hot, instead of one channel's page after another's. Stable, so that of two rows
    // with one key the later still replaces the earlier. Only between two commands: a sample
    // never moves before the command (a run row, say) it follows.
    std::stable_sort(batch_samples_.begin() + static_cast<std::ptrdiff_t>(from),
                     batch_samples_.begin() + static_cast<std::ptrdiff_t>(to), [](const SampleRow& a, const SampleRow& b) {
                       if (a.run_id != b.run_id) return a.run_id < b.run_id;
                       if (a.channel_id != b.channel_id) return a.channel_id < b.channel_id;
                       return a.t_s < b.t_s;
                     });
    std::size_t i = from;
    // Whole groups of kSamplesPerInsert rows in one statement each. A group that fails is undone
    // as a whole (a statement is atomic) and, while the transaction lives, stored row by row
    // below, so that only the row at fault fails and is named.
    while (to - i >= kSamplesPerInsert) {
      try {
        auto use = insert_samples_.use();
        int index = 0;
        for (std::size_t k = i; k < i + kSamplesPerInsert; ++k) {
          const SampleRow& row = batch_samples_[k];
          insert_samples_.bind(++index, row.run_id);
          insert_samples_.bind(++index, row.channel_id);
          insert_samples_.bind(++index, row.t_s);
          insert_samples_.bind(++index, row.wall_unix_s);
          insert_samples_.bind(++index, row.value);  // NaN binds as NULL: "no valid reading"
        }
        insert_samples_.run();
        rows_written_ += kSamplesPerInsert;
        i += kSamplesPerInsert;
      } catch (const DbError& error) {
        if (!transaction_open()) {  // the error ended the transaction (disk full, I/O): no retry
          const SampleRow& row = batch_samples_[i];
          std::array<char, 160> what{};
          std::snprintf(what.data(), what.size(),
                        "cannot store %zu samples (from run %lld, channel %lld, t_s %.9g)",
                        kSamplesPerInsert, static_cast<long long>(row.run_id),
                        static_cast<long long>(row.channel_id), row.t_s);
          return row_failed(what.data(), error, nullptr);
        }
        if (!write_samples_one_by_one(i, i + kSamplesPerInsert)) return false;
        i += kSamplesPerInsert;
      }
    }
    return write_samples_one_by_one(i, to);
  }

  bool write_samples_one_by_one(std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      const SampleRow& row = batch_samples_[i];
      try {
        auto use = insert_sample_.use();
        // NaN binds as NULL: "no valid reading"
        insert_sample_.bind_all(row.run_id, row.channel_id, row.t_s, row.wall_unix_s, row.value);
        insert_sample_.run();
        ++rows_written_;
      } catch (const DbError& error) {
        std::array<char, 128> what{};
        std::snprintf(what.data(), what.size(),
                      "cannot store sample (run %lld, channel %lld, t_s %.9g)",
                      static_cast<long long>(row.run_id), static_cast<long long>(row.channel_id),
                      row.t_s);
        if (!row_failed(what.data(), error, nullptr)) return false;
      }
    }
    return true;
  }

  bool write_command(Command& command) {
    if (std::holds_alternative<FlushCmd>(command.body)) return true;
    Command* owner = command.reply ? &command : nullptr;
    try {
      command.result_id = std::visit([this](auto& body) { return write(body); }, command.body);
      ++rows_written_;
    } catch (const DbError& error) {
      return row_failed(std::visit([](const auto& body) { return describe(body); }, command.body),
                        error, owner);
    }
    return true;
  }

  // Returns the id of the row written, where there is one.
  std::int64_t last_id() const { return sqlite3_last_insert_rowid(db_.handle()); }

  std::int64_t write(const CampaignCmd& c) {
    auto use = insert_campaign_.use();
    insert_campaign_.bind_all(c.row.name, c.row.station, c.row.started_unix_s, c.row.config_yaml);
    insert_campaign_.run();
    const auto campaign_id = last_id();
    for (const auto& file : c.row.files) {
      auto use_file = insert_campaign_file_.use();
      insert_campaign_file_.bind_all(campaign_id, file.role, file.label, file.text);
      insert_campaign_file_.run();
    }
    return campaign_id;
  }

  std::int64_t write(const DeviceCmd& c) {
    auto use = upsert_device_.use();
    upsert_device_.bind_all(c.campaign_id, c.row.name, c.row.kind, c.row.uri, c.row.vendor, c.row.model, c.row.serial, c.row.firmware);
    upsert_device_.step();
    return upsert_device_.column_int64(0);
  }

  std::int64_t write(const ProfileCmd& c) {
    {
      auto use = select_profile_.use();
      select_profile_.bind(1, c.row.digest);
      if (select_profile_.step()) return select_profile_.column_int64(0);
    }
    auto use = insert_profile_.use();
    insert_profile_.bind_all(c.row.digest, c.row.name, c.row.source, c.row.duration_s, c.row.step_s);
    insert_profile_.bind_blob(6, c.row.proto_bytes);
    insert_profile_.run();
    return last_id();
  }

  std::int64_t write(const RunCmd& c) {
    auto use = insert_run_.use();
    insert_run_.bind_all(c.row.campaign_id, c.row.profile_id, to_string(c.row.kind), c.row.ordinal, c.row.label, c.row.speed, c.row.started_unix_s);
    insert_run_.run();
    return last_id();
  }

  std::int64_t write(const ChannelCmd& c) {
    auto use = upsert_channel_.use();
    upsert_channel_.bind_all(c.device_id, c.name, c.unit);
    upsert_channel_.step();
    return upsert_channel_.column_int64(0);
  }

  std::int64_t write(const EventCmd& c) {
    auto use = insert_event_.use();
    insert_event_.bind_all(c.row.campaign_id, c.row.run_id, c.row.device_id, c.row.t_s, c.row.wall_unix_s, c.row.kind, c.row.severity, c.row.message);
    insert_event_.run();
    return last_id();
  }

  std::int64_t write(const MeasurementCmd& c) {
    auto use = insert_measurement_.use();
    insert_measurement_.bind_all(c.row.run_id, c.row.device_id, c.row.name, c.row.value, c.row.unit, c.row.low_limit, c.row.high_limit, c.row.verdict);
    insert_measurement_.run();
    return last_id();
  }

  std::int64_t write(const FinishRunCmd& c) {
    auto use = finish_run_.use();
    finish_run_.bind_all(c.run_id, to_string(c.status), c.ended_unix_s);
    finish_run_.run();
    if (sqlite3_changes(db_.handle()) == 0) throw DbError(path_.string() + ": no such run", SQLITE_NOTFOUND);
    return c.run_id;
  }

  std::int64_t write(const FinishCampaignCmd& c) {
    auto use = finish_campaign_.use();
    finish_campaign_.bind_all(c.campaign_id, to_string(c.status), c.ended_unix_s, c.reason, c.end_cause);
    finish_campaign_.run();
    if (sqlite3_changes(db_.handle()) == 0) throw DbError(path_.string() + ": no such campaign", SQLITE_NOTFOUND);
    return c.campaign_id;
  }

  std::int64_t write(const AggregateRunCmd& c) {
    ob::db::aggregate_run(db_, c.run_id);
    return c.run_id;
  }

  std::int64_t write(const CheckpointCmd& c) {
    auto use = insert_checkpoint_.use();
    insert_checkpoint_.bind_all(c.campaign_id, c.run_id, c.plan_index, c.t_s, c.wall_unix_s, c.state_json);
    insert_checkpoint_.run();
    return last_id();
  }

  std::int64_t write(const FlushCmd&) { return 0; }

  static std::string describe(const CampaignCmd& c) { return "cannot add campaign '" + c.row.name + "'"; }
  static std::string describe(const DeviceCmd& c) {
    return "cannot add device '" + c.row.name + "' to campaign " + std::to_string(c.campaign_id);
  }
  static std::string describe(const ProfileCmd& c) { return "cannot add profile " + c.row.digest; }
  static std::string describe(const RunCmd& c) {
    return "cannot add run '" + c.row.label + "' to campaign " + std::to_string(c.row.campaign_id);
  }
  static std::string describe(const ChannelCmd& c) {
    return "cannot add channel '" + c.name + "' to device " + std::to_string(c.device_id);
  }
  static std::string describe(const EventCmd& c) {
    return "cannot store event '" + c.row.kind + "' of campaign " + std::to_string(c.row.campaign_id);
  }
  static std::string describe(const MeasurementCmd& c) {
    return "cannot store measurement '" + c.row.name + "' of run " + std::to_string(c.row.run_id);
  }
  static std::string describe(const FinishRunCmd& c) {
    return "cannot finish run " + std::to_string(c.run_id);
  }
  static std::string describe(const FinishCampaignCmd& c) {
    return "cannot finish campaign " + std::to_string(c.campaign_id);
  }
  static std::string describe(const CheckpointCmd& c) {
    return "cannot store checkpoint of campaign " + std::to_string(c.campaign_id);
  }
  static std::string describe(const AggregateRunCmd& c) { return "cannot aggregate run " + std::to_string(c.run_id); }
  static std::string describe(const FlushCmd&) { return "flush"; }

  // Hands the batch's outcome to the callers. Failures of rows nobody waits for become the
  // pending error, published before any reply so that a flush() waking up sees it.
  void report(const std::string& lost, int lost_code) {
    std::size_t unowned_failures = batch_failures_;
    if (!lost.empty()) {
      unowned_failures = batch_samples_.size() +
                         static_cast<std::size_t>(std::count_if(
                             batch_commands_.begin(), batch_commands_.end(), [](const Command& c) {
                               return !c.reply && !std::holds_alternative<FlushCmd>(c.body);
                             }));
    }
    if (unowned_failures > 0) {
      std::lock_guard lock(mutex_);
      if (pending_error_.empty()) {
        pending_error_ = lost.empty() ? batch_error_ : lost;
        pending_code_ = lost.empty() ? batch_code_ : lost_code;
      }
      pending_failures_ += unowned_failures;
    }
    for (Command& command : batch_commands_) {
      if (!command.reply) continue;
      const std::string& error = lost.empty() ? command.error : lost;
      if (error.empty()) {
        command.reply->set_value(command.result_id);
        continue;
      }
      const int code = lost.empty() ? command.error_code : lost_code;
      command.reply->set_exception(std::make_exception_ptr(DbError(error, code)));
    }
  }

  Connection db_;  // used by the writer thread only, once it runs
  std::filesystem::path path_ = db_.path();
  RecorderOptions options_;
  Clock::duration batch_delay_;

  Statement begin_, commit_, insert_campaign_, insert_campaign_file_, upsert_device_, select_profile_, insert_profile_,
      insert_run_, upsert_channel_, insert_sample_, insert_samples_, insert_event_, insert_measurement_,
      finish_run_, finish_campaign_, insert_checkpoint_;

  // Shared between callers and the writer, under mutex_.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<SampleRow> samples_;
  std::vector<Command> commands_;
  Clock::time_point first_enqueue_{};
  std::size_t urgent_ = 0;  // blocking calls and flushes waiting in the queue
  bool stop_ = false;
  std::string pending_error_;  // first writer failure not yet reported to anyone
  int pending_code_ = 0;
  std::size_t pending_failures_ = 0;
  // Set while rows are held from a refused batch (RecorderHealth).
  std::optional<Clock::time_point> failing_since_;
  Clock::time_point last_failure_at_{};
  std::string last_failure_;
  int last_failure_code_ = 0;
  int last_failure_errno_ = 0;
  int final_tries_ = 0;

  // The writer's own: the batch being written and its outcome.
  std::vector<SampleRow> batch_samples_;
  std::vector<Command> batch_commands_;
  std::size_t rows_written_ = 0;
  std::size_t batch_failures_ = 0;
  std::string batch_error_;
  int batch_code_ = 0;

  std::atomic<std::uint64_t> rows_committed_{0};
  std::atomic<std::uint64_t> transactions_{0};

  std::thread writer_;  // last: starts after, and stops before, everything above
};

Recorder::Recorder(const std::filesystem::path& path, RecorderOptions options)
    : impl_(std::make_unique<Impl>(path, options)) {}

Recorder::~Recorder() = default;

std::int64_t Recorder::add_campaign(const CampaignRow& row) {
  const auto id = impl_->enqueue_and_wait(CampaignCmd{row}, false);
  if (auto* observer = impl_->observer()) observer->on_campaign(id, row);
  return id;
}

std::int64_t Recorder::add_device(std::int64_t campaign_id, const DeviceRow& row) {
  const auto id = impl_->enqueue_and_wait(DeviceCmd{campaign_id, row}, false);
  if (auto* observer = impl_->observer()) observer->on_device(id, row);
  return id;
}

std::int64_t Recorder::add_profile(const ProfileRow& row) {
  return impl_->enqueue_and_wait(ProfileCmd{row}, false);
}

std::int64_t Recorder::add_run(const RunRow& row) {
  const auto id = impl_->enqueue_and_wait(RunCmd{row}, false);
  if (auto* observer = impl_->observer()) observer->on_run(id, row);
  return id;
}

std::int64_t Recorder::add_channel(std::int64_t device_id, const std::string& name,
                                   const std::string& unit) {
  return impl_->enqueue_and_wait(ChannelCmd{device_id, name, unit}, false);
}

void Recorder::add_sample(const SampleRow& row) { impl_->add_sample(row); }

void Recorder::add_event(const EventRow& row) {
  if (auto* observer = impl_->observer()) observer->on_event(row);
  impl_->enqueue(EventCmd{row});
}

void Recorder::add_measurement(const MeasurementRow& row) {
  if (auto* observer = impl_->observer()) observer->on_measurement(row);
  impl_->enqueue(MeasurementCmd{row});
}

void Recorder::finish_run(std::int64_t run_id, RunStatus status, double ended_unix_s) {
  impl_->enqueue(FinishRunCmd{run_id, status, ended_unix_s});
}

void Recorder::finish_campaign(std::int64_t campaign_id, CampaignStatus status,
                               double ended_unix_s, const std::string& reason,
                               std::optional<std::string> end_cause) {
  impl_->enqueue(FinishCampaignCmd{campaign_id, status, ended_unix_s, reason, std::move(end_cause)});
}

void Recorder::reopen_campaign(std::int64_t campaign_id) {
  impl_->enqueue(FinishCampaignCmd{campaign_id, CampaignStatus::running, std::nullopt, std::nullopt, std::nullopt});
}

void Recorder::aggregate_run(std::int64_t run_id) { impl_->enqueue(AggregateRunCmd{run_id}); }

void Recorder::reopen_run(std::int64_t run_id) { impl_->enqueue(FinishRunCmd{run_id, RunStatus::running, std::nullopt}); }

void Recorder::add_checkpoint(std::int64_t campaign_id, std::optional<std::int64_t> run_id,
                              int plan_index, double t_s, const std::string& state_json) {
  impl_->enqueue(CheckpointCmd{campaign_id, run_id, plan_index, t_s, now_unix_s(), state_json});
}

void Recorder::flush() { impl_->enqueue_and_wait(FlushCmd{}, true); }

RecorderStats Recorder::stats() const { return impl_->stats(); }

RecorderHealth Recorder::health() const { return impl_->health(); }

const std::filesystem::path& Recorder::path() const { return impl_->path(); }

}  // namespace ob::db
