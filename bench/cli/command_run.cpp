// orbitbench run [CAMPAIGN.yaml] [--db FILE]: run a campaign; with no file, the embedded quick
// campaign on the simulated lab. Ends with the degradation summary and the database's path.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "bench/campaign_runner.hpp"
#include "bench/cli/commands.hpp"
#include "bench/config/campaign_config.hpp"
#include "bench/config/config_error.hpp"
#include "db/database.hpp"
#include "db/degradation.hpp"
#include "db/recorder.hpp"

namespace ob::bench::cli {
namespace {

struct RunArgs {
  std::string campaign_path;
  std::string db_path;
  std::optional<double> speed;
  bool quiet = false;
};

int run_campaign(const RunArgs& args) {
  CampaignConfig config;
  try {
    config = args.campaign_path.empty() ? load_embedded_campaign() : load_campaign_file(args.campaign_path);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "orbitbench run: %s\n", e.what());
    return kExitError;
  }
  if (args.speed) config.speed = *args.speed;
  std::filesystem::path db_path = args.db_path.empty() ? "results/" + config.station.name + ".db" : args.db_path;
  std::error_code ec;
  if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path(), ec);

  std::fprintf(stderr, "campaign %s (%s) on station %s, %zu phases at %gx speed\n", config.name.c_str(),
               config.label.c_str(), config.station.name.c_str(), config.plan.size(), config.speed);
  CampaignOutcome outcome;
  try {
    db::Recorder recorder(db_path);
    RunnerOptions options;
    options.show_progress = !args.quiet;
    CampaignRunner runner(config, recorder, options);
    outcome = runner.run();
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench run: %s\n", e.what());
    return kExitError;
  }

  const auto absolute = std::filesystem::absolute(db_path).lexically_normal();
  try {
    auto connection = db::Connection::open_read_only(db_path);
    std::printf("\n%s", db::format_degradation(db::query_degradation(connection, config.name)).c_str());
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench run: cannot summarise: %s\n", e.what());
  }
  std::printf("\ncampaign %s: %s%s%s\n", config.name.c_str(), db::to_string(outcome.status),
              outcome.reason.empty() ? "" : " — ", outcome.reason.c_str());
  std::printf("database: %s\n", absolute.c_str());
  std::printf("query it: orbitbench query --db %s degradation   (or: sqlite3 %s)\n", db_path.c_str(), db_path.c_str());

  if (outcome.status == db::CampaignStatus::aborted && outcome.reason.starts_with("interrupted")) return kExitInterrupted;
  if (outcome.status != db::CampaignStatus::completed) return kExitCampaignAborted;
  if (!outcome.verdicts_pass) return kExitVerdictFail;
  return kExitOk;
}

}  // namespace

Action add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a qualification campaign (default: the embedded quick campaign on the simulated lab)");
  cmd->add_option("campaign", args->campaign_path, "Campaign YAML file")->check(CLI::ExistingFile);
  cmd->add_option("--db", args->db_path, "Results database (default: results/<station>.db)");
  cmd->add_option("--speed", args->speed, "Override the campaign's speed (profile seconds per wall second)")
      ->check(CLI::Range(0.001, 10000.0));
  cmd->add_flag("-q,--quiet", args->quiet, "No progress line");
  return [args] { return run_campaign(*args); };
}

}  // namespace ob::bench::cli
