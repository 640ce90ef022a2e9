#include "bench/cli/campaign_report.hpp"

#include <cstdio>

#include "bench/cli/commands.hpp"
#include "db/database.hpp"
#include "db/degradation.hpp"
#include "db/recorder.hpp"

namespace ob::bench::cli {

int report_campaign(const CampaignOutcome& outcome, const std::string& campaign_name, const std::filesystem::path& db_path,
                    const char* command) {
  const auto absolute = std::filesystem::absolute(db_path).lexically_normal();
  try {
    auto connection = db::Connection::open_read_only(db_path);
    std::printf("\n%s", db::format_degradation(db::query_degradation(connection, campaign_name)).c_str());
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench %s: cannot summarise: %s\n", command, e.what());
  }
  std::printf("\ncampaign %s: %s%s%s\n", campaign_name.c_str(), db::to_string(outcome.status),
              outcome.reason.empty() ? "" : " — ", outcome.reason.c_str());
  if (outcome.status == db::CampaignStatus::completed && !outcome.verdict_summary.empty()) {
    std::printf("verdict: %s\n", outcome.verdict_summary.c_str());
  }
  std::printf("database: %s\n", absolute.c_str());
  std::printf("query it: orbitbench query --db %s degradation   (or: sqlite3 %s)\n", db_path.c_str(), db_path.c_str());

  if (outcome.status == db::CampaignStatus::aborted && outcome.reason.starts_with("interrupted")) return kExitInterrupted;
  if (outcome.status != db::CampaignStatus::completed) return kExitCampaignAborted;
  if (!outcome.verdicts_pass) return kExitVerdictFail;
  return kExitOk;
}

int run_and_report(const CampaignConfig& config, const std::filesystem::path& db_path, const RunnerOptions& options,
                   const char* command) {
  const std::filesystem::path path =
      db_path.empty() ? std::filesystem::path("results/" + config.station.name + ".db") : db_path;
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  CampaignOutcome outcome;
  try {
    db::Recorder recorder(path);
    CampaignRunner runner(config, recorder, options);
    outcome = runner.run();
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench %s: %s\n", command, e.what());
    return kExitError;
  }
  return report_campaign(outcome, config.name, path, command);
}

}  // namespace ob::bench::cli
