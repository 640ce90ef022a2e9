#pragma once
// What a server's accept loop does after a failed accept. Out of file descriptors (EMFILE,
// ENFILE) the listening socket stays readable, so retrying at once spins at 100 % CPU, and
// giving up leaves the backlog filling with connections nobody accepts. Instead: wait, doubling
// from 10 ms to 1 s while accepts keep failing, and go on until the server is closed.
#include <algorithm>
#include <chrono>
#include <system_error>

#include <asio/error.hpp>

namespace ob::drivers {

class AcceptBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirst{10};
  static constexpr std::chrono::milliseconds kMost{1000};

  // The wait before the next accept after this failure.
  std::chrono::milliseconds after_failure() {
    const auto wait = next_;
    next_ = std::min(next_ * 2, kMost);
    ++failures_;
    return wait;
  }
  void after_success() {
    next_ = kFirst;
    failures_ = 0;
  }
  int consecutive_failures() const { return failures_; }

  // Errors that end the loop: the acceptor was closed (shutdown). Everything else is retried.
  static bool ends_loop(const std::error_code& error) {
    return error == asio::error::operation_aborted || error == asio::error::bad_descriptor;
  }

 private:
  std::chrono::milliseconds next_ = kFirst;
  int failures_ = 0;
};

}  // namespace ob::drivers
