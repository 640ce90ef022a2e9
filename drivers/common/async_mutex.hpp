#pragma once
// A coroutine mutex: lock() suspends the calling coroutine (never the thread) until the
// mutex is free, so two coroutines sharing one instrument cannot interleave their exchanges.
// Built on a one-slot asio channel: holding the lock = the slot is full. Single executor only
// (one io_context thread or a strand), like everything else in the drivers.
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/use_awaitable.hpp>
#include <utility>

namespace ob::drivers {

class AsyncMutex {
 public:
  class Guard {
   public:
    explicit Guard(AsyncMutex& mutex) : mutex_(&mutex) {}
    Guard(Guard&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    Guard& operator=(Guard&&) = delete;
    ~Guard() {
      if (mutex_) mutex_->unlock();
    }

   private:
    AsyncMutex* mutex_;
  };

  explicit AsyncMutex(const asio::any_io_executor& executor) : slot_(executor, 1) {}

  // Waiters are served in arrival order.
  asio::awaitable<Guard> lock() {
    co_await slot_.async_send(asio::error_code{}, true, asio::use_awaitable);
    co_return Guard(*this);
  }

 private:
  void unlock() {
    slot_.try_receive([](asio::error_code, bool) {});
  }

  // (void(error_code) alone is ambiguous in asio 1.22's channel_traits, hence the bool.)
  asio::experimental::channel<void(asio::error_code, bool)> slot_;
};

}  // namespace ob::drivers
