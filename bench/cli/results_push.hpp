#pragma once
// The continuous push of a recording campaign to a lab's PostgreSQL (issue 20) as `run`,
// `resume` and `replay` use it: db/postgres/background_push.hpp where this build has it, its
// attempts in the campaign's log, its lag on the progress line.
#include <filesystem>
#include <memory>
#include <string>

namespace ob::bench::cli {

class ResultsPush {
 public:
  virtual ~ResultsPush() = default;
  // For the progress line: "push 12s" (the server's newest sample, seconds behind), "push failing".
  virtual std::string progress_text() const = 0;
  // Pushes what is committed by now a last time and stops; logs the outcome.
  virtual void finish() = 0;
};

// Whether this build can push (libpq was found).
bool continuous_push_built();
// nullptr when `url` is empty. Never throws for the server: an unreachable one is retried.
std::unique_ptr<ResultsPush> start_push(const std::filesystem::path& database, const std::string& url, double every_s);

}  // namespace ob::bench::cli
