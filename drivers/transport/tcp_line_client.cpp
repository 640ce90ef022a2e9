#include "drivers/transport/tcp_line_client.hpp"

#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <tuple>
#include <utility>

#include "drivers/transport/deadline.hpp"
#include "drivers/transport/tcp_connect.hpp"

namespace ob::drivers {
namespace {

using asio::ip::tcp;

std::string quoted(const std::string& command) { return "'" + command + "'"; }

}  // namespace

TcpLineClient::TcpLineClient(asio::any_io_executor executor, TcpLineOptions options)
    : executor_(std::move(executor)), options_(std::move(options)), socket_(executor_) {}

std::string TcpLineClient::endpoint() const { return host_ + ":" + std::to_string(port_); }

Fault TcpLineClient::fault(FaultKind kind, std::string detail) const {
  return Fault{kind, options_.instrument, std::move(detail)};
}

Fault TcpLineClient::lost(const std::string& what, const asio::error_code& ec) {
  close();
  const bool closed_by_peer = ec == asio::error::eof || ec == asio::error::connection_reset;
  return fault(FaultKind::link_lost,
               (closed_by_peer ? "connection closed by " + endpoint() : ec.message() + " (" + endpoint() + ")") + " " + what);
}

void TcpLineClient::close() {
  asio::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  rx_.clear();
}

asio::awaitable<Status> TcpLineClient::connect(std::string host, std::uint16_t port) {
  close();
  host_ = std::move(host);
  port_ = port;
  co_return co_await connect_tcp(socket_, host_, port_, options_.timeout, options_.instrument);
}

asio::awaitable<Status> TcpLineClient::reconnect() {
  if (!has_endpoint()) co_return std::unexpected(fault(FaultKind::link_lost, "reconnect before any connect()"));
  close();
  auto backoff = options_.reconnect_backoff;
  Fault last = fault(FaultKind::link_lost, "no reconnect attempt made");
  const int attempts = options_.reconnect_attempts < 1 ? 1 : options_.reconnect_attempts;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    asio::steady_timer pause(executor_, backoff);
    co_await pause.async_wait(kNoThrow);
    backoff *= 2;
    auto connected = co_await connect(host_, port_);
    if (connected) {
      ++reconnects_;
      co_return Status{};
    }
    last = std::move(connected.error());
  }
  last.detail = "gave up after " + std::to_string(attempts) + " reconnect attempts: " + last.detail;
  co_return std::unexpected(std::move(last));
}

asio::awaitable<Status> TcpLineClient::write_line(std::string text) {
  if (!socket_.is_open()) {
    co_return std::unexpected(fault(FaultKind::link_lost, "not connected (sending " + quoted(text) + ")"));
  }
  std::string line = text + options_.terminator;
  auto write_op = [this, &line]() -> asio::awaitable<asio::error_code> {
    auto [ec, written] = co_await asio::async_write(socket_, asio::buffer(line), kNoThrow);
    (void)written;
    co_return ec;
  };
  auto outcome = co_await before(SteadyClock::now() + options_.timeout, write_op());
  if (!outcome) {
    close();
    co_return std::unexpected(fault(FaultKind::timeout, "could not send " + quoted(text) + " within " +
                                                            std::to_string(options_.timeout.count()) + " ms"));
  }
  if (*outcome) co_return std::unexpected(lost("while sending " + quoted(text), *outcome));
  co_return Status{};
}

asio::awaitable<Result<std::string>> TcpLineClient::read_line(std::string command) {
  const std::string what = command.empty() ? std::string("a reply") : "the reply to " + quoted(command);
  if (!socket_.is_open()) co_return std::unexpected(fault(FaultKind::link_lost, "not connected (waiting for " + what + ")"));
  auto read_op = [this]() -> asio::awaitable<std::tuple<asio::error_code, std::size_t>> {
    co_return co_await asio::async_read_until(socket_, asio::dynamic_buffer(rx_, options_.max_line_bytes), '\n',
                                              kNoThrow);
  };
  auto outcome = co_await before(SteadyClock::now() + options_.timeout, read_op());
  if (!outcome) {
    close();
    co_return std::unexpected(
        fault(FaultKind::timeout, "no reply to " + quoted(command) + " within " + std::to_string(options_.timeout.count()) + " ms"));
  }
  auto [ec, length] = *outcome;
  if (ec == asio::error::not_found) {
    close();
    co_return std::unexpected(fault(FaultKind::protocol, what + " is longer than " +
                                                             std::to_string(options_.max_line_bytes) + " bytes"));
  }
  if (ec) co_return std::unexpected(lost("while waiting for " + what, ec));
  std::string line = rx_.substr(0, length);
  rx_.erase(0, length);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  co_return line;
}

asio::awaitable<Result<std::string>> TcpLineClient::query(std::string text) {
  auto sent = co_await write_line(text);
  if (!sent) co_return std::unexpected(std::move(sent.error()));
  co_return co_await read_line(std::move(text));
}

}  // namespace ob::drivers
