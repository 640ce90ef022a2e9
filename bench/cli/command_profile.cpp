// orbitbench profile: build an orbit profile, print its summary, export CSV / protobuf.
#include <cstdio>
#include <fstream>
#include <memory>

#include "bench/cli/commands.hpp"
#include "bench/config/yaml_reader.hpp"
#include "profiles/orbit_profile.hpp"

namespace ob::bench::cli {
namespace {

struct ProfileArgs {
  std::string preset = "leo-550";
  std::optional<double> altitude_km, inclination_deg, beta_deg;
  double orbits = 1;
  std::string duration;
  double step_s = 10;
  std::string csv_path;
  std::string proto_path;
};

double min_of(const profiles::pb::Profile& profile, std::string_view name, bool want_max) {
  for (const auto& series : profile.series()) {
    if (series.name() != name || series.value().empty()) continue;
    double out = series.value(0);
    for (double v : series.value()) out = want_max ? std::max(out, v) : std::min(out, v);
    return out;
  }
  return 0;
}

int run_profile(const ProfileArgs& args) {
  auto orbit = profiles::find_preset(args.preset);
  if (!orbit) {
    std::string names;
    for (const auto& name : profiles::preset_names()) names += (names.empty() ? "" : ", ") + name;
    std::fprintf(stderr, "orbitbench profile: unknown preset '%s' (known: %s)\n", args.preset.c_str(), names.c_str());
    return kExitUsage;
  }
  if (args.altitude_km) orbit->altitude_km = *args.altitude_km;
  if (args.inclination_deg) orbit->inclination_deg = *args.inclination_deg;
  if (args.beta_deg) orbit->beta_deg = *args.beta_deg;
  profiles::ProfileOptions options;
  options.step_s = args.step_s;
  options.orbits = args.orbits;
  if (!args.duration.empty()) {
    auto duration_s = parse_duration_s(args.duration);
    if (!duration_s || *duration_s <= 0) {
      std::fprintf(stderr, "orbitbench profile: --duration '%s' is not a duration (90s, 10m, 2h, 1d)\n", args.duration.c_str());
      return kExitUsage;
    }
    options.orbits = *duration_s / profiles::orbital_period_s(orbit->altitude_km);
  }
  profiles::pb::Profile profile;
  try {
    profile = profiles::build_circular_profile(*orbit, profiles::Spacecraft{}, profiles::LabMapping{}, options);
  } catch (const profiles::ProfileError& e) {
    std::fprintf(stderr, "orbitbench profile: %s\n", e.what());
    return kExitError;
  }
  // The summary goes to stderr when the CSV goes to stdout, so pipes get clean CSV.
  std::FILE* summary = args.csv_path == "-" ? stderr : stdout;
  const auto& o = profile.orbit();
  std::fprintf(summary, "profile   %s\nsource    %s\n", profile.name().c_str(), profile.source().c_str());
  std::fprintf(summary, "orbit     period %.2f min, eclipse %.2f min per orbit (%s shadow)\n", o.period_s() / 60.0,
               o.eclipse_s() / 60.0, o.shadow_model().c_str());
  std::fprintf(summary, "grid      %d points every %g s (%.2f h)\n", profile.t_s_size(), profile.step_s(),
               profile.t_s().empty() ? 0.0 : profile.t_s(profile.t_s_size() - 1) / 3600.0);
  std::fprintf(summary, "board     %.1f … %.1f °C   radiator %.1f … %.1f °C\n",
               min_of(profile, profiles::series::kBoardTemp, false), min_of(profile, profiles::series::kBoardTemp, true),
               min_of(profile, profiles::series::kRadiatorTemp, false), min_of(profile, profiles::series::kRadiatorTemp, true));
  std::fprintf(summary, "chamber   %.1f … %.1f °C setpoints\n", min_of(profile, profiles::series::kChamberSetpoint, false),
               min_of(profile, profiles::series::kChamberSetpoint, true));
  std::fprintf(summary, "digest    %s\n", profiles::profile_digest(profile).c_str());

  if (args.csv_path == "-") {
    std::fputs(profiles::to_csv(profile).c_str(), stdout);
  } else if (!args.csv_path.empty()) {
    std::ofstream out(args.csv_path, std::ios::binary);
    out << profiles::to_csv(profile);
    if (!out.flush()) {
      std::fprintf(stderr, "orbitbench profile: cannot write %s\n", args.csv_path.c_str());
      return kExitError;
    }
    std::fprintf(summary, "csv       %s\n", args.csv_path.c_str());
  }
  if (!args.proto_path.empty()) {
    std::ofstream out(args.proto_path, std::ios::binary);
    if (!profile.SerializeToOstream(&out) || !out.flush()) {
      std::fprintf(stderr, "orbitbench profile: cannot write %s\n", args.proto_path.c_str());
      return kExitError;
    }
    std::fprintf(summary, "protobuf  %s\n", args.proto_path.c_str());
  }
  return kExitOk;
}

}  // namespace

Action add_profile_command(CLI::App& app) {
  auto args = std::make_shared<ProfileArgs>();
  auto* cmd = app.add_subcommand("profile", "Build an orbit's sunlight/eclipse, power, thermal and lab-setpoint profile");
  cmd->add_option("--preset", args->preset, "Named orbit (leo-400, leo-550, starlink-550, leo-650, leo-800, sso-dawn-dusk-650)")
      ->capture_default_str();
  cmd->add_option("--altitude-km", args->altitude_km, "Circular orbit altitude (overrides the preset)");
  cmd->add_option("--inclination-deg", args->inclination_deg, "Inclination (overrides the preset)");
  cmd->add_option("--beta-deg", args->beta_deg, "Sun beta angle (overrides the preset)");
  cmd->add_option("--orbits", args->orbits, "Number of orbits")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--duration", args->duration, "Duration instead of --orbits: 90s, 10m, 2h, 1d");
  cmd->add_option("--step", args->step_s, "Grid step in profile seconds")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--csv", args->csv_path, "Write the profile as CSV ('-' for stdout)");
  cmd->add_option("--proto", args->proto_path, "Write the profile as a serialized ob.profiles.pb.Profile");
  return [args] { return run_profile(*args); };
}

}  // namespace ob::bench::cli
