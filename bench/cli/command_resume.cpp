// orbitbench resume --db FILE [--campaign ID]: continue a campaign whose controller was killed
// (SIGKILL, power loss, a crash) from its last checkpoint, with the files, profile and speed it
// was started with (all read back from the database), the gap recorded as an event, and the
// same verdicts as an uninterrupted run.
#include <cstdio>
#include <memory>
#include <optional>

#include "bench/campaign_runner.hpp"
#include "bench/cli/campaign_report.hpp"
#include "bench/cli/commands.hpp"
#include "bench/config/campaign_config.hpp"
#include "bench/config/config_error.hpp"
#include "bench/resume_point.hpp"

namespace ob::bench::cli {
namespace {

struct ResumeArgs {
  LogOptions log;
  PushOptions push;
  ServeOptions serve;
  std::string db_path;
  std::optional<std::int64_t> campaign_id;
  bool quiet = false;
};

int resume_campaign(const ResumeArgs& args) {
  ResumePoint point;
  CampaignConfig config;
  try {
    point = load_resume_point(args.db_path, args.campaign_id);
    config = parse_campaign(point.campaign_label, point.campaign_text, [&](const std::string&, std::string& label) {
      label = point.station_label;
      return point.station_text;
    });
  } catch (const std::exception& e) {  // DbError, ConfigError, nothing to resume
    std::fprintf(stderr, "orbitbench resume: %s\n", e.what());
    return kExitError;
  }
  config.speed = point.speed;
  std::fprintf(stderr, "resuming campaign %lld (%s) on station %s: phase %zu of %zu at t+%.0f s, %gx speed\n",
               static_cast<long long>(point.campaign_id), config.name.c_str(), config.station.name.c_str(),
               point.plan_index + 1, config.plan.size(), point.t_s, config.speed);
  RunnerOptions options;
  options.show_progress = !args.quiet;
  options.resume = &point;
  return run_and_report(config, args.db_path, options, args.log, "resume", args.push, args.serve);
}

}  // namespace

Action add_resume_command(CLI::App& app) {
  auto args = std::make_shared<ResumeArgs>();
  auto* cmd = app.add_subcommand("resume", "Continue a campaign whose controller was killed, from its last checkpoint");
  add_log_options(*cmd, args->log);
  add_push_options(*cmd, args->push);
  add_serve_options(*cmd, args->serve);
  cmd->add_option("--db", args->db_path, "The station database the campaign was recording into")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--campaign", args->campaign_id, "Campaign id (default: the newest one still running)");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress line");
  return [args] { return resume_campaign(*args); };
}

}  // namespace ob::bench::cli
