#pragma once
// What `orbitbench run`, `replay` and `resume` share: running a campaign into its database,
// then printing the degradation summary, the outcome and the database, and the exit code that
// goes with the outcome.
#include <filesystem>
#include <string>

#include "bench/campaign_log.hpp"
#include "bench/campaign_runner.hpp"
#include "bench/cli/live_view.hpp"

namespace CLI {
class App;
}

namespace ob::bench::cli {

int report_campaign(const CampaignOutcome& outcome, const std::string& campaign_name, const std::filesystem::path& db_path,
                    const char* command);

// db_path empty: results/<station>.db (its folder created). Runs with `options`, logging as
// `log` says (bench/campaign_log.hpp), reports, returns the exit code; a database, log or trace
// file that cannot be written is a one-line error (exit 1) before anything is energised.
// --push URL and --push-every DURATION: the continuous push to a lab's PostgreSQL (issue 20),
// overriding the station file's `results:`.
struct PushOptions {
  std::string url;
  std::string every;  // a duration ("30s", "5m"); empty: the station's, else 30 s
};

// With a push URL (from `push` or the station's `results.push`), the database is pushed on its
// own thread while the campaign records, and once more at its end (db/postgres/background_push.hpp).
// With `serve.listen`, the live view is served while the campaign runs (bench/cli/live_view.hpp).
int run_and_report(const CampaignConfig& config, const std::filesystem::path& db_path, const RunnerOptions& options,
                   const LogOptions& log, const char* command, const PushOptions& push = {}, const ServeOptions& serve = {});

// --log-level, --log FILE and --trace FILE, for run, resume and replay.
void add_log_options(CLI::App& command, LogOptions& log);
// --push URL and --push-every DURATION, for run, resume and replay.
void add_push_options(CLI::App& command, PushOptions& push);

}  // namespace ob::bench::cli
