#include "db/postgres/background_push.hpp"

#include <chrono>

#include "db/postgres/pg_push.hpp"
#include "db/wall_clock.hpp"

namespace ob::db::pg {

BackgroundPush::BackgroundPush(std::filesystem::path database, std::string url, double every_s,
                               std::function<void(const PushStatus&)> on_attempt)
    : database_(std::move(database)), url_(std::move(url)), every_s_(every_s), on_attempt_(std::move(on_attempt)) {
  thread_ = std::thread([this] { loop(); });
}

BackgroundPush::~BackgroundPush() { finish(); }

PushStatus BackgroundPush::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

PushStatus BackgroundPush::finish() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  return status();
}

void BackgroundPush::loop() {
  for (;;) {
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::duration<double>(every_s_), [this] { return stopping_; });
      last = stopping_;
    }
    attempt();  // the last one too: what the campaign committed at its end
    if (last) return;
  }
}

void BackgroundPush::attempt() {
  PushStatus seen;
  try {
    // A fresh connection each time: after an outage there is nothing stale to detect, and a
    // server that restarted is simply reached again.
    const auto server = PgConnection::open(url_);
    const auto pushed = push_database(server, database_);
    std::lock_guard lock(mutex_);
    ++status_.pushes;
    status_.failures = 0;
    status_.error.clear();
    if (pushed.lag_s > 0) status_.lag_s = pushed.lag_s;
    status_.last_push_unix_s = now_unix_s();
    seen = status_;
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    ++status_.failures;
    status_.error = e.what();
    seen = status_;
  }
  if (on_attempt_) on_attempt_(seen);
}

}  // namespace ob::db::pg
