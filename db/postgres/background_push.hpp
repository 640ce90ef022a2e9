#pragma once
// Continuous push (issue 20): while a campaign records, its station file is pushed to the lab's
// server every `every_s` on this object's own thread and connection, from what the recorder has
// committed (db/postgres/pg_push.hpp reads it read-only). The campaign never waits on it: an
// outage only makes the server fall behind, and each failed attempt is reported, then retried
// at the next interval on a fresh connection. finish() pushes a last time, then stops.
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace ob::db::pg {

struct PushStatus {
  int pushes = 0;               // successful pushes so far
  int failures = 0;             // failed attempts since the last success
  std::string error;            // the last failed attempt's error ("" after a success)
  double lag_s = -1;            // the newest sample on the server, seconds behind now (-1: none yet)
  double last_push_unix_s = 0;  // when the last push succeeded (0: never)
};

class BackgroundPush {
 public:
  // `on_attempt` (optional) hears every attempt's outcome, from the push thread (for the log).
  BackgroundPush(std::filesystem::path database, std::string url, double every_s,
                 std::function<void(const PushStatus&)> on_attempt = {});
  ~BackgroundPush();  // finish()es if not yet done
  BackgroundPush(const BackgroundPush&) = delete;
  BackgroundPush& operator=(const BackgroundPush&) = delete;

  PushStatus status() const;
  // One last push of everything committed by now, then the thread ends. Call it after the
  // recorder's final flush. Returns the final status.
  PushStatus finish();

 private:
  void loop();
  void attempt();

  std::filesystem::path database_;
  std::string url_;
  double every_s_;
  std::function<void(const PushStatus&)> on_attempt_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  PushStatus status_;
  std::thread thread_;
};

}  // namespace ob::db::pg
