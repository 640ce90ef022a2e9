#pragma once
// What a driver talks through: a LineTransport (TcpLineClient or SerialLineClient) plus
//   - one exchange in flight per instrument: exchange() holds an AsyncMutex, so calls from
//     two coroutines (a measurement loop and an emergency safe_state) queue instead of
//     interleaving their lines on the socket;
//   - the reconnect policy: the first exchange connects; after a lost link or a timeout (which
//     closes the socket) the next exchange reconnects with back-off; an exchange that finds a
//     stale connection dead (peer closed it meanwhile) reconnects and replays once. Timeouts
//     are not replayed: the deadline would double. Replaying is safe because an exchange is a
//     whole transaction (select channel + set + error query), and set commands are idempotent.
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "drivers/common/async_mutex.hpp"
#include "drivers/common/fault.hpp"
#include "drivers/transport/line_transport.hpp"
#include "drivers/transport/tcp_line_client.hpp"

namespace ob::drivers {

struct LineStep {
  std::string command;
  bool expects_reply = false;
};

class InstrumentLink {
 public:
  // Over TCP to host:port.
  InstrumentLink(asio::any_io_executor executor, std::string host, std::uint16_t port, TcpLineOptions options);
  // Over any line transport (a serial port, ...); runs on the transport's executor.
  explicit InstrumentLink(std::unique_ptr<LineTransport> transport);

  // Sends the steps in order; returns one reply per step that expects one, in order.
  asio::awaitable<Result<std::vector<std::string>>> exchange(std::vector<LineStep> steps);
  asio::awaitable<Result<std::string>> query(std::string command);
  asio::awaitable<Status> send(std::string command);

  const std::string& instrument() const { return client_->options().instrument; }
  std::string endpoint() const { return client_->endpoint(); }
  std::uint64_t reconnect_count() const { return client_->reconnect_count(); }
  // Why the last successful reconnect was needed: the fault that lost the link ("psu-a:
  // timeout: no reply to ..."), or "connection found closed" when the peer closed it while
  // idle. "" before the first reconnect. The runner logs it with each reconnect_count() step.
  const std::string& last_reconnect_reason() const { return last_reconnect_reason_; }
  bool is_open() const { return client_->is_open(); }
  void close() { client_->close(); }
  // Closes the link because of `reason` (a fault message: framing lost, say): the next exchange
  // reconnects, and last_reconnect_reason() then gives `reason`.
  void close(std::string reason) {
    client_->close();
    last_fault_ = std::move(reason);
  }

 private:
  asio::awaitable<Status> open();
  asio::awaitable<Result<std::vector<std::string>>> run(const std::vector<LineStep>& steps);

  std::unique_ptr<LineTransport> client_;
  AsyncMutex mutex_;
  bool opened_before_ = false;         // the first open() connects; later ones reconnect
  std::string last_fault_;             // message of the fault that ended the last exchange
  std::string last_reconnect_reason_;
};

}  // namespace ob::drivers
