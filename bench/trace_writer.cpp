#include "bench/trace_writer.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <utility>

namespace ob::bench {
namespace {

constexpr std::size_t kTimestampChars = 28;  // "2026-12-08T03:04:05.123456Z "

// The wall clock in UTC, as the log's own lines show it, with a trailing space.
std::size_t format_utc_now(char (&out)[kTimestampChars + 4]) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  std::tm utc{};
  ::gmtime_r(&now.tv_sec, &utc);
  const int written = std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ ", utc.tm_year + 1900,
                                    utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, now.tv_nsec / 1000);
  return written > 0 ? static_cast<std::size_t>(written) : 0;
}

}  // namespace

TraceWriter::TraceWriter(const std::filesystem::path& path) : path_(path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  file_ = std::fopen(path.c_str(), "ab");
  if (file_ == nullptr) throw std::runtime_error("cannot open the trace file " + path.string() + ": " + std::strerror(errno));
  thread_ = std::thread([this] { run(); });
}

TraceWriter::~TraceWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_writer_.notify_one();
  thread_.join();
  std::fclose(file_);
}

void TraceWriter::write(std::string_view instrument, drivers::TraceDirection direction, std::string_view what) {
  char timestamp[kTimestampChars + 4];
  const std::size_t timestamp_chars = format_utc_now(timestamp);
  const std::string_view arrow = drivers::trace_arrow(direction);
  std::unique_lock lock(mutex_);
  if (pending_.size() >= kMaxPendingBytes) {
    wake_writer_.notify_one();
    written_.wait(lock, [this] { return pending_.size() < kMaxPendingBytes || stopping_; });
  }
  pending_.append(timestamp, timestamp_chars).append(instrument).append(1, ' ').append(arrow).append(1, ' ').append(what);
  pending_.push_back('\n');
  ++appended_;
  if (pending_.size() >= kEarlyBytes) wake_writer_.notify_one();  // rare: not once per line
}

void TraceWriter::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = appended_;
  flush_requested_ = true;
  wake_writer_.notify_one();
  written_.wait(lock, [&] { return done_ >= target; });
}

void TraceWriter::run() {
  std::string writing;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_writer_.wait_for(lock, kPeriod, [this] { return stopping_ || flush_requested_ || pending_.size() >= kEarlyBytes; });
    const bool last = stopping_;
    flush_requested_ = false;
    writing.swap(pending_);
    const std::uint64_t lines = appended_;
    lock.unlock();
    if (!writing.empty()) {
      const bool ok = std::fwrite(writing.data(), 1, writing.size(), file_) == writing.size() && std::fflush(file_) == 0;
      if (!ok && !failed_) {
        failed_ = true;
        spdlog::error("trace file {}: {} (lines are lost from here on)", path_.string(), std::strerror(errno));
      }
      writing.clear();
    }
    lock.lock();
    done_ = lines;
    written_.notify_all();
    if (last && pending_.empty()) return;
  }
}

}  // namespace ob::bench
