#include "bench/campaign_log.hpp"

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "bench/trace_writer.hpp"
#include "drivers/common/trace.hpp"

namespace ob::bench {
namespace {

constexpr std::size_t kQueueMessages = 32768;  // queued lines before a caller waits (never drops)
constexpr const char* kLogPattern = "%Y-%m-%dT%H:%M:%S.%fZ %-8l %v";
constexpr const char* kTerminalPattern = "%Y-%m-%dT%H:%M:%SZ %l: %v";

// stderr, clearing the progress line first on a terminal (the progress printer draws it again
// at its next refresh), each line in one write so that it never splits the progress line.
class TerminalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit TerminalSink(std::FILE* out) : out_(out), tty_(isatty(fileno(out)) != 0) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t text;
    if (tty_) text.append(std::string_view("\r\033[K"));
    formatter_->format(message, text);
    std::fwrite(text.data(), 1, text.size(), out_);
  }
  void flush_() override { std::fflush(out_); }

 private:
  std::FILE* out_;
  bool tty_;
};

std::unique_ptr<spdlog::formatter> utc_formatter(const char* pattern) {
  return std::make_unique<spdlog::pattern_formatter>(pattern, spdlog::pattern_time_type::utc);
}

spdlog::level::level_enum parse_level(const std::string& text) {
  const auto level = spdlog::level::from_str(text);
  // from_str answers `off` for any word it does not know; only "off" itself means off.
  if (level == spdlog::level::off && text != "off") {
    throw std::runtime_error("--log-level '" + text + "': expected trace, debug, info, warn, error, critical or off");
  }
  return level;
}

// Opens `path` for appending (its folder made), or says which file and why not.
std::shared_ptr<spdlog::sinks::basic_file_sink_mt> file_sink(const std::filesystem::path& path, const char* what) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  // spdlog's own message names the file but not always the reason: try it ourselves first.
  if (std::FILE* probe = std::fopen(path.c_str(), "ab"); probe != nullptr) {
    std::fclose(probe);
  } else {
    throw std::runtime_error(std::string("cannot open the ") + what + " " + path.string() + ": " + std::strerror(errno));
  }
  return std::make_shared<spdlog::sinks::basic_file_sink_mt>(path.string(), false);
}

}  // namespace

std::filesystem::path default_log_path(const std::filesystem::path& db_path) {
  auto path = db_path;
  return path.replace_extension(".log");
}

CampaignLog::CampaignLog(const LogOptions& options, const std::filesystem::path& db_path)
    : log_path_(options.file.empty() ? default_log_path(db_path) : options.file) {
  const auto terminal_level = parse_level(options.level);
  auto terminal = std::make_shared<TerminalSink>(stderr);
  terminal->set_level(terminal_level);
  terminal->set_formatter(utc_formatter(kTerminalPattern));
  auto file = file_sink(log_path_, "log file");
  file->set_level(std::min(terminal_level, spdlog::level::info));
  file->set_formatter(utc_formatter(kLogPattern));
  if (!options.trace_file.empty()) trace_ = std::make_unique<TraceWriter>(options.trace_file);

  pool_ = std::make_shared<spdlog::details::thread_pool>(kQueueMessages, 1);
  log_ = std::make_shared<spdlog::async_logger>("orbitbench", spdlog::sinks_init_list{terminal, file}, pool_,
                                                spdlog::async_overflow_policy::block);
  log_->set_level(std::min(terminal_level, spdlog::level::info));
  log_->flush_on(spdlog::level::warn);
  previous_ = spdlog::default_logger();
  spdlog::set_default_logger(log_);
  if (trace_) {
    drivers::set_trace_sink([trace = trace_.get()](std::string_view instrument, drivers::TraceDirection direction,
                                                   std::string_view what) { trace->write(instrument, direction, what); });
  }
}

CampaignLog::~CampaignLog() {
  drivers::set_trace_sink({});
  trace_.reset();  // writes what is left
  log_->flush();
  spdlog::set_default_logger(previous_);
  // The logger, then the pool: its thread writes what is still queued and ends.
  log_.reset();
  pool_.reset();
}

}  // namespace ob::bench
