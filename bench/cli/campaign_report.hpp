#pragma once
// What `orbitbench run`, `replay` and `resume` share: running a campaign into its database,
// then printing the degradation summary, the outcome and the database, and the exit code that
// goes with the outcome.
#include <filesystem>
#include <string>

#include "bench/campaign_log.hpp"
#include "bench/campaign_runner.hpp"

namespace CLI {
class App;
}

namespace ob::bench::cli {

int report_campaign(const CampaignOutcome& outcome, const std::string& campaign_name, const std::filesystem::path& db_path,
                    const char* command);

// db_path empty: results/<station>.db (its folder created). Runs with `options`, logging as
// `log` says (bench/campaign_log.hpp), reports, returns the exit code; a database, log or trace
// file that cannot be written is a one-line error (exit 1) before anything is energised.
int run_and_report(const CampaignConfig& config, const std::filesystem::path& db_path, const RunnerOptions& options,
                   const LogOptions& log, const char* command);

// --log-level, --log FILE and --trace FILE, for run, resume and replay.
void add_log_options(CLI::App& command, LogOptions& log);

}  // namespace ob::bench::cli
