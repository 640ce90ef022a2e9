#pragma once
// Line-oriented TCP client for ASCII instruments (SCPI raw socket, Espec, ...).
//
// Every operation is a coroutine on the executor given at construction and has a deadline
// (a steady_timer raced with the operation); nothing blocks the io_context. Failures are
// Fault values naming the instrument and the command:
//   - timeout:   no connection / no complete reply before the deadline. The socket is then
//                closed, so a late reply can never be mistaken for the answer to the next
//                command; the next exchange reconnects.
//   - link_lost: connect refused, peer closed, socket error, or not connected.
//   - protocol:  a reply line longer than max_line_bytes (the socket is closed: framing lost).
// One exchange at a time: the client is not meant to be shared by two coroutines at once
// (InstrumentLink adds the lock and the reconnect policy the drivers use).
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "drivers/common/fault.hpp"

namespace ob::drivers {

struct TcpLineOptions {
  std::string instrument;                       // station name, used in every Fault
  std::string terminator = "\n";                // appended by write_line: "\n" SCPI, "\r\n" Espec
  std::chrono::milliseconds timeout{1000};      // per operation (connect = resolve + connect)
  std::size_t max_line_bytes = 4096;            // longer reply lines -> FaultKind::protocol
  int reconnect_attempts = 3;                   // tries per reconnect()
  std::chrono::milliseconds reconnect_backoff{100};  // wait before the first try, doubled each try
};

class TcpLineClient {
 public:
  TcpLineClient(asio::any_io_executor executor, TcpLineOptions options);
  TcpLineClient(const TcpLineClient&) = delete;
  TcpLineClient& operator=(const TcpLineClient&) = delete;

  // Resolves (numeric addresses skip the resolver) and connects within options().timeout.
  // Remembers host and port for reconnect().
  asio::awaitable<Status> connect(std::string host, std::uint16_t port);
  // Closes, then up to reconnect_attempts connects, waiting reconnect_backoff, 2x, 4x, ...
  // before each (100, 200, 400 ms by default). Counts successful reconnects.
  asio::awaitable<Status> reconnect();
  void close();

  // Sends `text` + terminator.
  asio::awaitable<Status> write_line(std::string text);
  // One reply line without its "\r\n" / "\n". `command` names what the reply answers, for faults.
  asio::awaitable<Result<std::string>> read_line(std::string command = {});
  // write_line + read_line; the deadline applies to each half.
  asio::awaitable<Result<std::string>> query(std::string text);

  bool is_open() const { return socket_.is_open(); }
  bool has_endpoint() const { return !host_.empty(); }
  std::uint64_t reconnect_count() const { return reconnects_; }
  std::string endpoint() const;  // "host:port"
  const TcpLineOptions& options() const { return options_; }
  const asio::any_io_executor& executor() const { return executor_; }

 private:
  Fault fault(FaultKind kind, std::string detail) const;
  Fault lost(const std::string& what, const asio::error_code& ec);

  asio::any_io_executor executor_;
  TcpLineOptions options_;
  asio::ip::tcp::socket socket_;
  std::string host_;
  std::uint16_t port_ = 0;
  std::string rx_;  // bytes received after the last complete line
  std::uint64_t reconnects_ = 0;
};

}  // namespace ob::drivers
