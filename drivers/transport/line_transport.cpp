#include "drivers/transport/line_transport.hpp"

#include <asio/steady_timer.hpp>
#include <utility>

#include "drivers/common/trace.hpp"
#include "drivers/transport/deadline.hpp"

namespace ob::drivers {
namespace {

std::string quoted(const std::string& command) { return "'" + command + "'"; }

}  // namespace

LineTransport::LineTransport(asio::any_io_executor executor, LineOptions options)
    : executor_(std::move(executor)), options_(std::move(options)) {}

Fault LineTransport::fault(FaultKind kind, std::string detail) const {
  Fault out{kind, options_.instrument, std::move(detail)};
  if (trace_enabled()) trace(options_.instrument, TraceDirection::failed, out.message());
  return out;
}

Fault LineTransport::lost(const std::string& what, const asio::error_code& ec) {
  close();
  const bool closed_by_peer = ec == asio::error::eof || ec == asio::error::connection_reset;
  return fault(FaultKind::link_lost,
               (closed_by_peer ? "connection closed by " + endpoint() : ec.message() + " (" + endpoint() + ")") + " " + what);
}

void LineTransport::close() {
  close_endpoint();
  rx_.clear();
}

asio::awaitable<Status> LineTransport::open() {
  close();
  co_return co_await open_endpoint(options_.timeout);
}

asio::awaitable<Status> LineTransport::reconnect() {
  if (!has_endpoint()) co_return std::unexpected(fault(FaultKind::link_lost, "reconnect before any connect()"));
  close();
  auto backoff = options_.reconnect_backoff;
  Fault last = fault(FaultKind::link_lost, "no reconnect attempt made");
  const int attempts = options_.reconnect_attempts < 1 ? 1 : options_.reconnect_attempts;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    asio::steady_timer pause(executor_, backoff);
    co_await pause.async_wait(kNoThrow);
    backoff *= 2;
    auto opened = co_await open();
    if (opened) {
      ++reconnects_;
      co_return Status{};
    }
    last = std::move(opened.error());
  }
  last.detail = "gave up after " + std::to_string(attempts) + " reconnect attempts: " + last.detail;
  co_return std::unexpected(std::move(last));
}

asio::awaitable<Status> LineTransport::write_line(std::string text) {
  if (!is_open()) co_return std::unexpected(fault(FaultKind::link_lost, "not connected (sending " + quoted(text) + ")"));
  std::string line = text + options_.terminator;
  auto outcome = co_await before(SteadyClock::now() + options_.timeout, write_all(asio::buffer(line)));
  if (!outcome) {
    close();
    co_return std::unexpected(fault(FaultKind::timeout, "could not send " + quoted(text) + " within " +
                                                            std::to_string(options_.timeout.count()) + " ms"));
  }
  const auto& ec = std::get<0>(*outcome);
  if (ec) co_return std::unexpected(lost("while sending " + quoted(text), ec));
  trace(options_.instrument, TraceDirection::sent, text);
  co_return Status{};
}

asio::awaitable<Result<std::string>> LineTransport::read_line(std::string command) {
  const std::string what = command.empty() ? std::string("a reply") : "the reply to " + quoted(command);
  if (!is_open()) co_return std::unexpected(fault(FaultKind::link_lost, "not connected (waiting for " + what + ")"));
  auto outcome = co_await before(SteadyClock::now() + options_.timeout, read_until_newline(rx_, options_.max_line_bytes));
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
  trace(options_.instrument, TraceDirection::received, line);
  co_return line;
}

asio::awaitable<Result<std::string>> LineTransport::query(std::string text) {
  auto sent = co_await write_line(text);
  if (!sent) co_return std::unexpected(std::move(sent.error()));
  co_return co_await read_line(std::move(text));
}

}  // namespace ob::drivers
