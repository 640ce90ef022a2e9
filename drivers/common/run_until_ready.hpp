#pragma once
// Runs one driver coroutine to completion from plain (non-coroutine) code: tests, one-shot CLI
// commands. Drives `io` on the calling thread until the operation is done, so it must not be
// called from inside a handler running on `io`; the io_context itself is never blocked.
//   asio::io_context io;
//   auto identity = run_until_ready(io, psu->configure());
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <chrono>
#include <future>
#include <stdexcept>

namespace ob::drivers {

constexpr std::chrono::milliseconds kRunPollInterval{10};

// Throws std::runtime_error when `limit` passes first (a driver bug: every I/O has a deadline);
// rethrows what the coroutine threw.
template <class T>
T run_until_ready(asio::io_context& io, asio::awaitable<T> operation,
                  std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  auto future = asio::co_spawn(io, std::move(operation), asio::use_future);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("run_until_ready: operation still pending after " + std::to_string(limit.count()) + " ms");
    }
    if (io.stopped()) io.restart();
    io.run_one_for(kRunPollInterval);
  }
  return future.get();
}

}  // namespace ob::drivers
