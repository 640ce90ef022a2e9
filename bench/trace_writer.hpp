#pragma once
// The instrument trace's file (`--trace FILE`, drivers/common/trace.hpp). Each line is made on
// the caller's thread — UTC time to the microsecond, instrument, direction, what — and appended
// to a buffer under a short lock; a writer thread of its own takes the whole buffer every 50 ms
// (sooner once it holds 256 KiB) and writes it with one fwrite. The tick path thus never wakes
// another thread per line: spdlog's async logger signals its writer for every message, about
// 4600 wake-ups a second in `orbitbench perf scheduling` (64 instruments at 10 Hz). Nothing is
// dropped: past 8 MiB waiting (a stalled disk) a caller waits for the writer.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "drivers/common/trace.hpp"

namespace ob::bench {

class TraceWriter {
 public:
  // Opens `path` for appending (its folder made); throws std::runtime_error naming it and why not.
  explicit TraceWriter(const std::filesystem::path& path);
  ~TraceWriter();  // writes what is left, then closes
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // "2026-12-08T03:04:05.123456Z psu-a → *IDN?\n", from any thread.
  void write(std::string_view instrument, drivers::TraceDirection direction, std::string_view what);
  // Returns once every line written before the call is in the file.
  void flush();

  static constexpr auto kPeriod = std::chrono::milliseconds(50);
  static constexpr std::size_t kEarlyBytes = 256 * 1024;          // written before the period ends
  static constexpr std::size_t kMaxPendingBytes = 8 * 1024 * 1024;  // a caller waits beyond this

 private:
  void run();

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable written_;
  std::string pending_;
  std::uint64_t appended_ = 0;  // lines appended so far
  std::uint64_t done_ = 0;      // lines in the file
  bool flush_requested_ = false;
  bool stopping_ = false;
  bool failed_ = false;         // a write failed (said once)
  std::thread thread_;
};

}  // namespace ob::bench
