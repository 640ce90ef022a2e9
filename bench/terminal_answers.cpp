#include "bench/terminal_answers.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace ob::bench {

TerminalAnswers::~TerminalAnswers() { stop(); }

bool TerminalAnswers::stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

void TerminalAnswers::start(OnLine on_line) {
  stop();
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return;  // no reader: the live page can still answer
  wake_read_ = pipe_fds[0];
  wake_write_ = pipe_fds[1];
  thread_ = std::thread([this, on_line = std::move(on_line)] { read_lines(on_line); });
}

void TerminalAnswers::stop() {
  if (wake_write_ >= 0) {
    const char wake = 'x';
    (void)!::write(wake_write_, &wake, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int* fd : {&wake_read_, &wake_write_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

void TerminalAnswers::read_lines(OnLine on_line) {
  std::string line;
  for (;;) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || (fds[1].revents & POLLIN) != 0) return;
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    char buffer[512];
    // poll() said a read will not block (a terminal hands over whole lines).
    const auto got = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return;  // end of input: the page may still answer
    for (ssize_t i = 0; i < got; ++i) {
      if (buffer[i] == '\r') continue;
      if (buffer[i] != '\n') {
        if (line.size() < 4096) line += buffer[i];
        continue;
      }
      if (on_line(line)) return;
      line.clear();
    }
  }
}

}  // namespace ob::bench
