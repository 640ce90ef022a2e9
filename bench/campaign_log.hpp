#pragma once
// What a campaign says, kept (issue 19): `orbitbench run|resume|replay` log through spdlog to the
// terminal (at --log-level, default warn) and to a file beside the database named after it
// (results/quick.db → results/quick.log, or --log FILE; at least info), every line with its UTC
// time; `--trace FILE` adds every instrument exchange (drivers/common/trace.hpp) with its time,
// instrument and direction. The log is written by spdlog's thread, the trace by its own
// (bench/trace_writer.hpp, in batches): the tick path only queues.
#include <filesystem>
#include <memory>
#include <string>

namespace spdlog {
class logger;
namespace details {
class thread_pool;
}
}  // namespace spdlog

namespace ob::bench {

class TraceWriter;

struct LogOptions {
  std::string level = "warn";        // the terminal's: trace, debug, info, warn, error, critical, off
  std::filesystem::path file;        // empty: beside the database, with .log for its extension
  std::filesystem::path trace_file;  // empty: no trace
};

// "results/quick.db" → "results/quick.log".
std::filesystem::path default_log_path(const std::filesystem::path& db_path);

// For the campaign's life: the process's default spdlog logger writes to the terminal and the
// log file, and the drivers' trace goes to the trace file. Throws std::runtime_error naming a
// file that cannot be opened and why, or a level that is not one; restores everything after.
class CampaignLog {
 public:
  CampaignLog(const LogOptions& options, const std::filesystem::path& db_path);
  ~CampaignLog();
  CampaignLog(const CampaignLog&) = delete;
  CampaignLog& operator=(const CampaignLog&) = delete;

  const std::filesystem::path& log_path() const { return log_path_; }

 private:
  std::filesystem::path log_path_;
  std::shared_ptr<spdlog::details::thread_pool> pool_;
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<TraceWriter> trace_;
};

}  // namespace ob::bench
