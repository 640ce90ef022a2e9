#pragma once
// Reads an operator's answers from the controller's terminal while a prompt waits (issue 21):
// a thread of its own that polls stdin beside a wake-up pipe, so the campaign's loops never
// block on a keyboard and stop() ends it at once. stdin's own flags are never changed (the
// shell that started orbitbench shares them).
#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace ob::bench {

class TerminalAnswers {
 public:
  // Called on the reader's thread with each line typed (without its newline); returns true when
  // the line was taken as the answer, which ends the reading.
  using OnLine = std::function<bool(const std::string& line)>;

  TerminalAnswers() = default;
  ~TerminalAnswers();
  TerminalAnswers(const TerminalAnswers&) = delete;
  TerminalAnswers& operator=(const TerminalAnswers&) = delete;

  // Whether the controller was started from a terminal (stdin is one).
  static bool stdin_is_terminal();
  void start(OnLine on_line);
  void stop();

 private:
  void read_lines(OnLine on_line);

  std::thread thread_;
  int wake_read_ = -1;
  int wake_write_ = -1;
};

}  // namespace ob::bench
