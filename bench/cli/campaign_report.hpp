#pragma once
// What `orbitbench run`, `replay` and `resume` share: running a campaign into its database,
// then printing the degradation summary, the outcome and the database, and the exit code that
// goes with the outcome.
#include <filesystem>
#include <string>

#include "bench/campaign_runner.hpp"

namespace ob::bench::cli {

int report_campaign(const CampaignOutcome& outcome, const std::string& campaign_name, const std::filesystem::path& db_path,
                    const char* command);

// db_path empty: results/<station>.db (its folder created). Runs with `options`, reports,
// returns the exit code; a database that cannot be written is a one-line error (exit 1).
int run_and_report(const CampaignConfig& config, const std::filesystem::path& db_path, const RunnerOptions& options,
                   const char* command);

}  // namespace ob::bench::cli
