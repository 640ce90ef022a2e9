// orbitbench profile: build an orbit's profile, stream it as CSV, keep it as protobuf, and
// print its summary (on stderr when the CSV goes to stdout, so `--csv -` stays clean CSV).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "bench/cli/commands.hpp"
#include "bench/config/config_error.hpp"
#include "bench/config/model_config.hpp"
#include "bench/config/yaml_reader.hpp"
#include "bench/profile_request.hpp"
#include "profiles/orbit/time_scales.hpp"
#include "profiles/orbit_profile.hpp"
#include "profiles/profile_generator.hpp"

namespace ob::bench::cli {
namespace {

// A profile longer than this many rows is refused before it starts (--max-rows raises it): a
// typo such as --step 0.001s --duration 1d would otherwise run for minutes and fill the disk.
constexpr double kDefaultMaxRows = 10'000'000;
// The step resolves the eclipse's edges (penumbra lasts seconds to a minute in LEO) and the
// eclipse itself (about 35 min): over 10 min it resolves neither.
constexpr double kMinStepS = 0.01;
constexpr double kMaxStepS = 600;

struct ProfileArgs {
  std::string tle_path;
  std::string sat;
  std::string preset;
  std::string elements;
  std::string start;
  std::string duration;
  std::string step = "10s";
  std::string spacecraft_path;
  std::string lab_path;
  std::string proto_path;
  std::string csv_path;
  std::optional<double> speed;
  double max_rows = kDefaultMaxRows;
};

// Closes a FILE* unless it is stdout.
struct FileCloser {
  void operator()(std::FILE* file) const {
    if (file && file != stdout) std::fclose(file);
  }
};

int fail(const std::string& message) {
  std::fprintf(stderr, "orbitbench profile: %s\n", message.c_str());
  return kExitError;
}

int run_profile(const ProfileArgs& args) {
  ProfileSpec spec;
  const int sources = !args.tle_path.empty() + !args.preset.empty() + !args.elements.empty();
  if (sources > 1) {
    std::fprintf(stderr, "orbitbench profile: give one of --tle, --preset, --elements\n");
    return kExitUsage;
  }
  if (!args.sat.empty() && args.tle_path.empty()) {
    std::fprintf(stderr, "orbitbench profile: --sat selects a set in a --tle file\n");
    return kExitUsage;
  }
  if (!args.tle_path.empty()) {
    spec.orbit.kind = profiles::OrbitSource::Kind::tle;
    spec.orbit.tle_path = args.tle_path;
    spec.orbit.tle_selector = args.sat;
  } else if (!args.elements.empty()) {
    spec.orbit.kind = profiles::OrbitSource::Kind::elements;
    spec.orbit.elements_spec = args.elements;
  } else {
    spec.orbit.kind = profiles::OrbitSource::Kind::preset;
    spec.orbit.preset = args.preset.empty() ? "starlink-550" : args.preset;
  }
  auto duration = [&](const std::string& text, const char* option) -> std::optional<double> {
    if (text.empty()) return std::nullopt;
    auto seconds = parse_duration_s(text);
    if (!seconds || *seconds <= 0) throw ConfigError(std::string(option) + " '" + text + "' is not a duration: " + kDurationForms);
    return seconds;
  };
  try {
    spec.duration_s = duration(args.duration, "--duration");
    spec.step_s = *duration(args.step, "--step");
    if (spec.step_s > kMaxStepS) {
      throw ConfigError("--step " + args.step + " is over 10m: a step that long resolves neither an eclipse (~35 min) nor its edges");
    }
    if (spec.step_s < kMinStepS) {
      throw ConfigError("--step " + args.step + " is under 0.01s, finer than any instrument on the bench follows");
    }
    if (spec.duration_s && *spec.duration_s < spec.step_s) {
      throw ConfigError("--duration " + args.duration + " is shorter than one --step (" + args.step + ")");
    }
    if (!args.start.empty()) spec.start_utc = args.start;
    if (!args.spacecraft_path.empty()) spec.spacecraft = load_spacecraft_file(args.spacecraft_path);
    if (!args.spacecraft_path.empty()) spec.spacecraft_label = args.spacecraft_path;
    if (!args.lab_path.empty()) spec.lab = load_lab_file(args.lab_path);
    if (args.speed) spec.lab.speed = *args.speed;
  } catch (const ConfigError& e) {
    return fail(e.what());
  }

  std::optional<profiles::ProfileGenerator> generator;
  try {
    generator.emplace(make_profile_request(spec));
  } catch (const std::exception& e) {  // TLE / elements / SGP4 / model errors, each naming its place
    return fail(e.what());
  }

  const double rows = generator->request().duration_s / spec.step_s + 1;
  if (rows > args.max_rows) {
    char message[256];
    std::snprintf(message, sizeof message,
                  "%.0f rows (--duration %.0f s at --step %g s) is more than --max-rows %.0f: use a longer --step or a "
                  "shorter --duration, or raise --max-rows",
                  rows, generator->request().duration_s, spec.step_s, args.max_rows);
    return fail(message);
  }

  // Both outputs are opened before any work, so a path that cannot be written stops the command
  // at once, with the system's reason, and nothing is printed as if it had worked.
  std::unique_ptr<std::FILE, FileCloser> csv;
  if (args.csv_path == "-") {
    csv.reset(stdout);
  } else if (!args.csv_path.empty()) {
    csv.reset(std::fopen(args.csv_path.c_str(), "wb"));
    if (!csv) return fail("cannot write " + args.csv_path + ": " + std::strerror(errno));
  }
  std::unique_ptr<std::FILE, FileCloser> proto;
  if (!args.proto_path.empty()) {
    proto.reset(std::fopen(args.proto_path.c_str(), "wb"));
    if (!proto) return fail("cannot write " + args.proto_path + ": " + std::strerror(errno));
  }
  std::optional<profiles::ProfileCollector> collector;
  if (!args.proto_path.empty()) collector.emplace(*generator);
  if (csv) std::fputs(profiles::csv_header().c_str(), csv.get());
  profiles::ProfileRow row;
  profiles::CsvWriter writer;
  std::string buffer;
  constexpr std::size_t kFlushBytes = 1 << 20;  // write in 1 MiB blocks: constant memory
  buffer.reserve(kFlushBytes + 1024);
  try {
    while (generator->next(row)) {
      if (collector) collector->add(row);
      if (!csv) continue;
      writer.append_row(buffer, row);
      if (buffer.size() < kFlushBytes) continue;
      std::fwrite(buffer.data(), 1, buffer.size(), csv.get());
      buffer.clear();
    }
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (csv) std::fwrite(buffer.data(), 1, buffer.size(), csv.get());
  if (csv && (std::fflush(csv.get()) != 0 || std::ferror(csv.get()))) {
    return fail("cannot write " + (args.csv_path == "-" ? std::string("the CSV to stdout") : args.csv_path) + ": " +
                std::strerror(errno));
  }
  std::string digest;
  if (collector) {
    const auto profile = collector->finish(*generator);
    const std::string bytes = profile.SerializeAsString();
    if (std::fwrite(bytes.data(), 1, bytes.size(), proto.get()) != bytes.size() || std::fflush(proto.get()) != 0) {
      return fail("cannot write " + args.proto_path + ": " + std::strerror(errno));
    }
    digest = profiles::profile_digest(profile);
  }

  std::FILE* summary = args.csv_path == "-" ? stderr : stdout;
  std::fputs(profiles::format_summary(generator->request(), generator->summary()).c_str(), summary);
  if (collector) std::fprintf(summary, "protobuf    %s (%s)\n", args.proto_path.c_str(), digest.c_str());
  if (csv && args.csv_path != "-") std::fprintf(summary, "csv         %s\n", args.csv_path.c_str());
  return kExitOk;
}

}  // namespace

Action add_profile_command(CLI::App& app) {
  auto args = std::make_shared<ProfileArgs>();
  auto* cmd = app.add_subcommand("profile", "Build an orbit's sunlight/eclipse, power, thermal and lab-setpoint profile");
  cmd->add_option("--tle", args->tle_path, "TLE file (2- or 3-line sets)")->check(CLI::ExistingFile);
  cmd->add_option("--sat", args->sat, "Which set in the TLE file: name or catalogue number");
  cmd->add_option("--preset", args->preset, "Named orbit: iss, starlink-550, sso-dawn-dusk-650, starcloud-325, … (default starlink-550)");
  cmd->add_option("--elements", args->elements, "Element set, e.g. alt=550km,ecc=0,inc=53,raan=0,argp=0,ma=0,epoch=2026-12-01T00:00:00Z");
  cmd->add_option("--start", args->start, "UTC at t_s = 0 (ISO 8601; default: the orbit's epoch)");
  cmd->add_option("--duration", args->duration, "Length: 90m, 2h, 1d, 1h30m, … (default: one orbit)");
  cmd->add_option("--step", args->step, "Step: 10s, 1m, … (0.01s to 10m)")->capture_default_str();
  cmd->add_option("--max-rows", args->max_rows, "Refuse a profile longer than this many rows")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--spacecraft", args->spacecraft_path, "Spacecraft YAML (docs/spacecraft.md)")->check(CLI::ExistingFile);
  cmd->add_option("--lab", args->lab_path, "Lab-mapping YAML (docs/spacecraft.md)")->check(CLI::ExistingFile);
  cmd->add_option("--speed", args->speed, "Replay speed the chamber ramp limit is checked at (overrides the lab file)")
      ->check(CLI::Range(0.001, 10000.0));
  cmd->add_option("-o,--output", args->proto_path, "Write the profile as a serialized ob.profiles.pb.Profile");
  cmd->add_option("--csv", args->csv_path, "Write the profile as CSV ('-' for stdout)");
  return [args] { return run_profile(*args); };
}

}  // namespace ob::bench::cli
