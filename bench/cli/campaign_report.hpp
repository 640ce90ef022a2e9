#pragma once
// What `orbitbench run` and `orbitbench resume` print when a campaign ends (the degradation
// summary, the outcome, the database) and the exit code that goes with the outcome.
#include <filesystem>
#include <string>

#include "bench/campaign_runner.hpp"

namespace ob::bench::cli {

int report_campaign(const CampaignOutcome& outcome, const std::string& campaign_name, const std::filesystem::path& db_path,
                    const char* command);

}  // namespace ob::bench::cli
