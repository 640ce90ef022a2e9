#include "drivers/transport/tcp_line_client.hpp"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

namespace ob::drivers {
namespace {

using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

// Completion token that reports errors as values instead of throwing.
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

// Races `op` against a timer; nullopt when the deadline came first (the op has then been
// cancelled and has completed: a parallel group waits for both sides).
template <class T>
asio::awaitable<std::optional<T>> before(Clock::time_point deadline, asio::awaitable<T> op) {
  asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
  auto outcome = co_await (std::move(op) || timer.async_wait(kNoThrow));
  if (outcome.index() == 0) co_return std::move(std::get<0>(outcome));
  co_return std::nullopt;
}

std::string quoted(const std::string& command) { return "'" + command + "'"; }

// The system resolver cannot be cancelled (getaddrinfo runs on asio's resolver thread), so it
// runs detached and signals through a timer; the caller stops waiting at its deadline.
struct ResolveState {
  explicit ResolveState(const asio::any_io_executor& executor)
      : signal(executor, asio::steady_timer::time_point::max()) {}
  asio::steady_timer signal;
  bool done = false;
  asio::error_code error;
  std::vector<tcp::endpoint> endpoints;
};

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
  const auto deadline = Clock::now() + options_.timeout;
  const auto within = " within " + std::to_string(options_.timeout.count()) + " ms";

  std::vector<tcp::endpoint> endpoints;
  asio::error_code parse_error;
  const auto address = asio::ip::make_address(host_, parse_error);
  if (!parse_error) {
    endpoints.emplace_back(address, port_);
  } else {
    auto state = std::make_shared<ResolveState>(executor_);
    asio::co_spawn(
        executor_,
        [state, host = host_, port = port_]() -> asio::awaitable<void> {
          tcp::resolver resolver(co_await asio::this_coro::executor);
          auto [ec, results] = co_await resolver.async_resolve(host, std::to_string(port), kNoThrow);
          state->error = ec;
          for (const auto& entry : results) state->endpoints.push_back(entry.endpoint());
          state->done = true;
          state->signal.cancel();
        },
        asio::detached);
    if (!state->done) {
      state->signal.expires_at(deadline);
      co_await state->signal.async_wait(kNoThrow);
    }
    if (!state->done) co_return std::unexpected(fault(FaultKind::timeout, "cannot resolve '" + host_ + "'" + within));
    if (state->error || state->endpoints.empty()) {
      co_return std::unexpected(fault(FaultKind::link_lost, "cannot resolve '" + host_ + "': " + state->error.message()));
    }
    endpoints = std::move(state->endpoints);
  }

  auto connect_op = [this, &endpoints]() -> asio::awaitable<asio::error_code> {
    auto [ec, connected] = co_await asio::async_connect(socket_, endpoints, kNoThrow);
    (void)connected;
    co_return ec;
  };
  auto outcome = co_await before(deadline, connect_op());
  if (!outcome) {
    close();
    co_return std::unexpected(fault(FaultKind::timeout, "no connection to " + endpoint() + within));
  }
  if (*outcome) {
    close();
    co_return std::unexpected(fault(FaultKind::link_lost, "cannot connect to " + endpoint() + ": " + outcome->message()));
  }
  asio::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);  // one command per segment, as instruments expect
  co_return Status{};
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
  auto outcome = co_await before(Clock::now() + options_.timeout, write_op());
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
  auto outcome = co_await before(Clock::now() + options_.timeout, read_op());
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
