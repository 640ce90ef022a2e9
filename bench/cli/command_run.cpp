// orbitbench run [CAMPAIGN.yaml] [--db FILE]: run a campaign; with no file, the embedded quick
// campaign on the simulated lab. Ends with the degradation summary and the database's path.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "bench/campaign_runner.hpp"
#include "bench/cli/campaign_report.hpp"
#include "bench/cli/commands.hpp"
#include "bench/config/campaign_config.hpp"
#include "bench/config/config_error.hpp"

namespace ob::bench::cli {
namespace {

struct RunArgs {
  LogOptions log;
  PushOptions push;
  ServeOptions serve;
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
  std::fprintf(stderr, "campaign %s (%s) on station %s, %zu phases at %gx speed\n", config.name.c_str(),
               config.label.c_str(), config.station.name.c_str(), config.plan.size(), config.speed);
  RunnerOptions options;
  options.show_progress = !args.quiet;
  return run_and_report(config, args.db_path, options, args.log, "run", args.push, args.serve);
}

}  // namespace

Action add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a qualification campaign (default: the embedded quick campaign on the simulated lab)");
  add_log_options(*cmd, args->log);
  add_push_options(*cmd, args->push);
  add_serve_options(*cmd, args->serve);
  cmd->add_option("campaign", args->campaign_path, "Campaign YAML file")->check(CLI::ExistingFile);
  cmd->add_option("--db", args->db_path, "Results database (default: results/<station>.db)");
  cmd->add_option("--speed", args->speed, "Override the campaign's speed (profile seconds per wall second)")
      ->check(CLI::Range(0.001, 10000.0));
  cmd->add_flag("-q,--quiet", args->quiet, "No progress line");
  return [args] { return run_campaign(*args); };
}

}  // namespace ob::bench::cli
