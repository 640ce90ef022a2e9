#include "bench/cli/results_push.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>

#include "bench/progress.hpp"

#ifdef OB_WITH_POSTGRES
#include "db/postgres/background_push.hpp"
#include "db/postgres/pg_connection.hpp"
#endif

namespace ob::bench::cli {

#ifdef OB_WITH_POSTGRES
namespace {

class PostgresPush final : public ResultsPush {
 public:
  PostgresPush(const std::filesystem::path& database, const std::string& url, double every_s)
      : where_(db::pg::printable_url(url)),
        push_(database, url, every_s, [this](const db::pg::PushStatus& status) { log(status); }) {
    spdlog::info("pushing {} to {} every {}", database.string(), where_, format_duration(every_s));
  }

  std::string progress_text() const override {
    const auto status = push_.status();
    if (status.failures > 0) return "push failing";
    if (status.lag_s < 0) return "push …";
    return "push " + format_duration(std::round(status.lag_s));
  }

  void finish() override {
    const auto status = push_.finish();
    if (status.failures > 0) {
      spdlog::warn("the last push to {} failed ({}); `orbitbench db push` sends the rest when it is back", where_, status.error);
    } else {
      spdlog::info("pushed to {}: {} push(es), the last at the campaign's end", where_, status.pushes);
    }
  }

 private:
  // From the push thread. The first failure of an outage is a warning, later ones debug, and
  // the recovery says how many attempts failed.
  void log(const db::pg::PushStatus& status) {
    if (status.failures == 1) {
      spdlog::warn("push to {} failed, retrying: {}", where_, status.error);
    } else if (status.failures > 1) {
      spdlog::debug("push to {} failed ({} in a row): {}", where_, status.failures, status.error);
    } else {
      if (failed_before_ > 0) spdlog::info("push to {} works again after {} failed attempt(s)", where_, failed_before_);
      // The lag in the log: at the first push, then every kLagLogEvery (each push at debug).
      const auto now = std::chrono::steady_clock::now();
      const bool due = status.pushes == 1 || now - last_lag_logged_ >= kLagLogEvery;
      spdlog::log(due ? spdlog::level::info : spdlog::level::debug, "pushed to {}: the server is {} behind ({} push(es) so far)", where_,
                  format_duration(std::max(0.0, std::round(status.lag_s))), status.pushes);
      if (due) last_lag_logged_ = now;
    }
    failed_before_ = status.failures;
  }

  static constexpr std::chrono::minutes kLagLogEvery{10};
  std::chrono::steady_clock::time_point last_lag_logged_{};  // touched only from the push thread

  std::string where_;
  int failed_before_ = 0;  // touched only from the push thread
  db::pg::BackgroundPush push_;  // last: its thread starts once the rest is ready, and stops first
};

}  // namespace

bool continuous_push_built() { return true; }

std::unique_ptr<ResultsPush> start_push(const std::filesystem::path& database, const std::string& url, double every_s) {
  if (url.empty()) return nullptr;
  return std::make_unique<PostgresPush>(database, url, every_s);
}
#else
bool continuous_push_built() { return false; }

std::unique_ptr<ResultsPush> start_push(const std::filesystem::path&, const std::string& url, double) {
  if (url.empty()) return nullptr;
  throw std::runtime_error("this orbitbench was built without PostgreSQL support");
}
#endif

}  // namespace ob::bench::cli
