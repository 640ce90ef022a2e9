#pragma once
// What every line-oriented ASCII link shares (SCPI over a raw socket or a serial port, Espec
// over TCP or RS-232/485), whatever carries the bytes:
//   - line framing: write_line appends the terminator; read_line returns one line without its
//     "\r\n" / "\n" and keeps bytes after it for the next read;
//   - deadlines: every open / write / read is raced with a steady_timer (before()); nothing
//     blocks the io_context;
//   - the reconnect back-off (reconnect_attempts tries, waiting 100, 200, 400 ms ... before each).
// Failures are Fault values naming the instrument and the command:
//   - timeout:   no connection / no complete reply before the deadline. The link is then closed,
//                so a late reply can never be mistaken for the answer to the next command; the
//                next exchange reopens it.
//   - link_lost: connect refused / device missing, peer closed, I/O error, or not open.
//   - protocol:  a reply line longer than max_line_bytes (the link is closed: framing lost).
// A concrete transport (TcpLineClient, SerialLineClient) supplies only open/close and the two
// byte-level operations. One exchange at a time: InstrumentLink adds the lock and the policy.
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>

#include "drivers/common/fault.hpp"

namespace ob::drivers {

struct LineOptions {
  std::string instrument;                       // station name, used in every Fault
  std::string terminator = "\n";                // appended by write_line: "\n" SCPI, "\r\n" Espec
  std::chrono::milliseconds timeout{1000};      // per operation (open = resolve + connect / open device)
  std::size_t max_line_bytes = 4096;            // longer reply lines -> FaultKind::protocol
  int reconnect_attempts = 3;                   // tries per reconnect()
  std::chrono::milliseconds reconnect_backoff{100};  // wait before the first try, doubled each try
};

class LineTransport {
 public:
  LineTransport(asio::any_io_executor executor, LineOptions options);
  LineTransport(const LineTransport&) = delete;
  LineTransport& operator=(const LineTransport&) = delete;
  virtual ~LineTransport() = default;

  // Opens the endpoint once, within options().timeout (no back-off).
  asio::awaitable<Status> open();
  // Closes, then up to reconnect_attempts opens, waiting reconnect_backoff, 2x, 4x, ... before
  // each. Counts successful reconnects.
  asio::awaitable<Status> reconnect();
  void close();

  // Sends `text` + terminator.
  asio::awaitable<Status> write_line(std::string text);
  // One reply line without its "\r\n" / "\n". `command` names what the reply answers, for faults.
  asio::awaitable<Result<std::string>> read_line(std::string command = {});
  // write_line + read_line; the deadline applies to each half.
  asio::awaitable<Result<std::string>> query(std::string text);

  virtual bool is_open() const = 0;
  virtual bool has_endpoint() const = 0;
  virtual std::string endpoint() const = 0;  // "host:port", "/dev/ttyUSB0"
  std::uint64_t reconnect_count() const { return reconnects_; }
  const LineOptions& options() const { return options_; }
  const asio::any_io_executor& executor() const { return executor_; }

 protected:
  using IoOutcome = std::tuple<asio::error_code, std::size_t>;
  // Opens the endpoint within `timeout`; on failure leaves it closed and returns a Fault.
  virtual asio::awaitable<Status> open_endpoint(std::chrono::milliseconds timeout) = 0;
  virtual void close_endpoint() = 0;
  // The whole buffer (asio::async_write) / bytes up to and including '\n' into `rx`, at most
  // `max` bytes (asio::async_read_until). Cancelled by the caller's deadline.
  virtual asio::awaitable<IoOutcome> write_all(asio::const_buffer bytes) = 0;
  virtual asio::awaitable<IoOutcome> read_until_newline(std::string& rx, std::size_t max) = 0;

  Fault fault(FaultKind kind, std::string detail) const;

 private:
  Fault lost(const std::string& what, const asio::error_code& ec);

  asio::any_io_executor executor_;
  LineOptions options_;
  std::string rx_;  // bytes received after the last complete line
  std::uint64_t reconnects_ = 0;
};

}  // namespace ob::drivers
