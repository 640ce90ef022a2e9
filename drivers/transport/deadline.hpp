#pragma once
// Deadlines for coroutine I/O, shared by every transport: an operation raced with a
// steady_timer (asio's || operator cancels the loser and waits for it to finish).
#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <optional>
#include <utility>
#include <variant>

namespace ob::drivers {

using SteadyClock = std::chrono::steady_clock;

// Completion token that reports errors as values instead of throwing.
inline constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

// Races `op` against a timer; nullopt when the deadline came first (the op has then been
// cancelled and has completed: a parallel group waits for both sides).
template <class T>
asio::awaitable<std::optional<T>> before(SteadyClock::time_point deadline, asio::awaitable<T> op) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
  auto outcome = co_await (std::move(op) || timer.async_wait(kNoThrow));
  if (outcome.index() == 0) co_return std::move(std::get<0>(outcome));
  co_return std::nullopt;
}

}  // namespace ob::drivers
