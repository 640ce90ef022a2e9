#include "drivers/transport/instrument_link.hpp"

#include <utility>

namespace ob::drivers {

InstrumentLink::InstrumentLink(asio::any_io_executor executor, std::string host, std::uint16_t port,
                               TcpLineOptions options)
    : InstrumentLink(std::make_unique<TcpLineClient>(executor, std::move(options), std::move(host), port)) {}

InstrumentLink::InstrumentLink(std::unique_ptr<LineTransport> transport)
    : client_(std::move(transport)), mutex_(client_->executor()) {}

asio::awaitable<Status> InstrumentLink::open() {
  if (client_->is_open()) co_return Status{};
  if (!opened_before_) {
    opened_before_ = true;
    co_return co_await client_->open();
  }
  auto reopened = co_await client_->reconnect();
  if (reopened) last_reconnect_reason_ = last_fault_.empty() ? "connection was closed" : last_fault_;
  co_return reopened;
}

asio::awaitable<Result<std::vector<std::string>>> InstrumentLink::run(const std::vector<LineStep>& steps) {
  std::vector<std::string> replies;
  for (const auto& step : steps) {
    auto sent = co_await client_->write_line(step.command);
    if (!sent) co_return std::unexpected(std::move(sent.error()));
    if (!step.expects_reply) continue;
    auto reply = co_await client_->read_line(step.command);
    if (!reply) co_return std::unexpected(std::move(reply.error()));
    replies.push_back(std::move(*reply));
  }
  co_return replies;
}

asio::awaitable<Result<std::vector<std::string>>> InstrumentLink::exchange(std::vector<LineStep> steps) {
  auto guard = co_await mutex_.lock();
  const bool was_open = client_->is_open();
  auto opened = co_await open();
  if (!opened) {
    last_fault_ = opened.error().message();
    co_return std::unexpected(std::move(opened.error()));
  }
  auto replies = co_await run(steps);
  if (replies || replies.error().kind != FaultKind::link_lost || !was_open) {
    if (!replies) last_fault_ = replies.error().message();
    co_return replies;
  }
  // The connection we reused had died while idle: reconnect and replay the transaction once.
  auto reopened = co_await client_->reconnect();
  if (!reopened) {
    last_fault_ = reopened.error().message();
    co_return std::unexpected(std::move(reopened.error()));
  }
  last_reconnect_reason_ = "connection found dead when reused (" + replies.error().message() + "); replayed";
  replies = co_await run(steps);
  if (!replies) last_fault_ = replies.error().message();
  co_return replies;
}

asio::awaitable<Result<std::string>> InstrumentLink::query(std::string command) {
  std::vector<LineStep> steps{LineStep{std::move(command), true}};
  auto replies = co_await exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  co_return std::move(replies->front());
}

asio::awaitable<Status> InstrumentLink::send(std::string command) {
  std::vector<LineStep> steps{LineStep{std::move(command), false}};
  auto replies = co_await exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  co_return Status{};
}

}  // namespace ob::drivers
