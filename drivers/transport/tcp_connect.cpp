#include "drivers/transport/tcp_connect.hpp"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <memory>
#include <vector>

#include "drivers/common/uri.hpp"
#include "drivers/transport/deadline.hpp"

namespace ob::drivers {
namespace {

using asio::ip::tcp;

struct ResolveState {
  explicit ResolveState(const asio::any_io_executor& executor)
      : signal(executor, asio::steady_timer::time_point::max()) {}
  asio::steady_timer signal;
  bool done = false;
  asio::error_code error;
  std::vector<tcp::endpoint> endpoints;
};

void close_quietly(tcp::socket& socket) {
  asio::error_code ignored;
  socket.close(ignored);
}

}  // namespace

asio::awaitable<Status> connect_tcp(tcp::socket& socket, const std::string& host, std::uint16_t port,
                                    std::chrono::milliseconds timeout, const std::string& instrument) {
  const auto deadline = SteadyClock::now() + timeout;
  const auto within = " within " + std::to_string(timeout.count()) + " ms";
  const auto endpoint_text = host_port(host, port);
  auto executor = socket.get_executor();

  std::vector<tcp::endpoint> endpoints;
  asio::error_code parse_error;
  const auto address = asio::ip::make_address(host, parse_error);
  if (!parse_error) {
    endpoints.emplace_back(address, port);
  } else {
    auto state = std::make_shared<ResolveState>(executor);
    asio::co_spawn(
        executor,
        [state, host, port]() -> asio::awaitable<void> {
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
    if (!state->done) co_return fail(FaultKind::timeout, instrument, "cannot resolve '" + host + "'" + within);
    if (state->error || state->endpoints.empty()) {
      co_return fail(FaultKind::link_lost, instrument, "cannot resolve '" + host + "': " + state->error.message());
    }
    endpoints = std::move(state->endpoints);
  }

  auto connect_op = [&socket, &endpoints]() -> asio::awaitable<asio::error_code> {
    auto [ec, connected] = co_await asio::async_connect(socket, endpoints, kNoThrow);
    (void)connected;
    co_return ec;
  };
  auto outcome = co_await before(deadline, connect_op());
  if (!outcome) {
    close_quietly(socket);
    co_return fail(FaultKind::timeout, instrument, "no connection to " + endpoint_text + within);
  }
  if (*outcome) {
    close_quietly(socket);
    co_return fail(FaultKind::link_lost, instrument, "cannot connect to " + endpoint_text + ": " + outcome->message());
  }
  asio::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);  // one command per segment, as instruments expect
  co_return Status{};
}

}  // namespace ob::drivers
