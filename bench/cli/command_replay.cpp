// orbitbench replay PROFILE --station FILE [--speed X] [--db FILE]: replay a profile made
// earlier (`orbitbench profile -o FILE`) once on a station, outside any campaign plan: no
// baseline or reference, the whole profile as one replay run, recorded like a campaign's (so it
// can be resumed, queried and reported the same way) under the name replay-<profile>.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "bench/campaign_runner.hpp"
#include "bench/cli/campaign_report.hpp"
#include "bench/cli/commands.hpp"
#include "bench/config/campaign_config.hpp"
#include "bench/config/config_error.hpp"
#include "profiles/profile.pb.h"

namespace ob::bench::cli {
namespace {

struct ReplayArgs {
  LogOptions log;
  PushOptions push;
  ServeOptions serve;
  std::string profile_path;
  std::string station_path;
  std::string db_path;
  double speed = 1;
  bool quiet = false;
};

// How many orbits the profile file covers (the replay's length).
double profile_orbits(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  profiles::pb::Profile profile;
  if (!in || !profile.ParseFromIstream(&in)) throw ConfigError(path + ": not a serialized ob.profiles.pb.Profile");
  if (profile.t_s_size() == 0 || profile.orbit().period_s() <= 0) throw ConfigError(path + ": an empty profile");
  const double covers_s = profile.t_s(profile.t_s_size() - 1) + profile.step_s();
  return std::floor(covers_s / profile.orbit().period_s() * 1e6) / 1e6;
}

// The campaign file a replay stands for: the profile as one replay phase on the station.
std::string replay_campaign_yaml(const ReplayArgs& args, double orbits) {
  const auto stem = std::filesystem::path(args.profile_path).stem().string();
  char speed[32], count[32];
  std::snprintf(speed, sizeof speed, "%.17g", args.speed);
  std::snprintf(count, sizeof count, "%.6f", orbits);
  return "campaign: \"replay-" + stem + "\"\n" +
         "station: \"" + std::filesystem::absolute(args.station_path).string() + "\"\n" +
         "profile: \"" + std::filesystem::absolute(args.profile_path).string() + "\"\n" +
         "speed: " + speed + "\n" +
         "plan:\n  - replay: { orbits: " + count + " }\n";
}

int replay(const ReplayArgs& args) {
  CampaignConfig config;
  try {
    const double orbits = profile_orbits(args.profile_path);
    const std::string text = replay_campaign_yaml(args, orbits);
    config = parse_campaign("(replay) " + args.profile_path, text, [](const std::string& name, std::string& label) {
      label = name;
      std::ifstream in(name, std::ios::binary);
      if (!in) throw ConfigError(name + ": cannot read the station file");
      return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    });
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "orbitbench replay: %s\n", e.what());
    return kExitError;
  }
  std::fprintf(stderr, "replaying %s on station %s at %gx speed\n", args.profile_path.c_str(), config.station.name.c_str(),
               config.speed);
  RunnerOptions options;
  options.show_progress = !args.quiet;
  return run_and_report(config, args.db_path, options, args.log, "replay", args.push, args.serve);
}

}  // namespace

Action add_replay_command(CLI::App& app) {
  auto args = std::make_shared<ReplayArgs>();
  auto* cmd = app.add_subcommand("replay", "Replay a profile (orbitbench profile -o FILE) once on a station, outside a campaign");
  add_log_options(*cmd, args->log);
  add_push_options(*cmd, args->push);
  add_serve_options(*cmd, args->serve);
  cmd->add_option("profile", args->profile_path, "Profile file (protobuf)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--station", args->station_path, "Station YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--speed", args->speed, "Profile seconds per wall second (default 1: real time)")
      ->check(CLI::Range(0.001, 10000.0));
  cmd->add_option("--db", args->db_path, "Results database (default: results/<station>.db)");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress line");
  return [args] { return replay(*args); };
}

}  // namespace ob::bench::cli
