#pragma once
// Steps started together on one executor, each ending on its own: the safe state stops every
// board's workload at once, and waits for them only until a deadline before it cuts the supplies
// (a stalled agent never holds a board's power on). The waiter reads which steps have ended; the
// rest run on in the background and are waited for later — a step is never abandoned, so
// nothing it touches outlives the session.
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/this_coro.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "drivers/common/fault.hpp"

namespace ob::bench {

class ConcurrentSteps {
 public:
  using Clock = std::chrono::steady_clock;
  using Step = std::function<asio::awaitable<drivers::Status>()>;

  // Starts every step now (the executor must run them on one thread: the runner's io_context).
  static std::shared_ptr<ConcurrentSteps> start(const asio::any_io_executor& executor, std::vector<Step> steps) {
    auto group = std::shared_ptr<ConcurrentSteps>(new ConcurrentSteps(executor, steps.size()));
    for (std::size_t i = 0; i < steps.size(); ++i) {
      asio::co_spawn(executor, run_one(group, i, std::move(steps[i])), asio::detached);
    }
    return group;
  }

  // Until every step has ended or `deadline`, whichever is first; true when all have ended.
  asio::awaitable<bool> wait_until(Clock::time_point deadline) {
    while (pending_ > 0 && Clock::now() < deadline) {
      ended_.expires_at(deadline);
      std::error_code ignored;  // cancelled: one step ended
      co_await ended_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    co_return pending_ == 0;
  }
  asio::awaitable<void> wait_all() { co_await wait_until(Clock::time_point::max()); }

  // The step's result once it has ended.
  const std::optional<drivers::Status>& result(std::size_t i) const { return results_[i]; }
  std::size_t size() const { return results_.size(); }

 private:
  ConcurrentSteps(const asio::any_io_executor& executor, std::size_t count)
      : ended_(executor, Clock::time_point::max()), results_(count), pending_(count) {}

  static asio::awaitable<void> run_one(std::shared_ptr<ConcurrentSteps> group, std::size_t i, Step step) {
    auto status = co_await step();
    group->results_[i] = std::move(status);
    --group->pending_;
    group->ended_.cancel();
  }

  asio::steady_timer ended_;
  std::vector<std::optional<drivers::Status>> results_;
  std::size_t pending_;
};

// `step` tried until it succeeds, `attempts` in all and `pause` apart; `on_retry(attempt, fault)`
// hears of each failure that is tried again. The last attempt's status.
inline asio::awaitable<drivers::Status> until_confirmed(ConcurrentSteps::Step step, int attempts,
                                                       std::chrono::milliseconds pause,
                                                       std::function<void(int, const drivers::Fault&)> on_retry) {
  for (int attempt = 1;; ++attempt) {
    auto status = co_await step();
    if (status || attempt >= attempts) co_return status;
    on_retry(attempt, status.error());
    asio::steady_timer timer(co_await asio::this_coro::executor, pause);
    std::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

}  // namespace ob::bench
