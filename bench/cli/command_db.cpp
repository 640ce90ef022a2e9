// orbitbench db merge OUT IN…: fold station databases into one (db/merge.hpp).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/cli/commands.hpp"
#include "db/database.hpp"
#include "db/merge.hpp"
#include "db/recorder.hpp"

namespace ob::bench::cli {
namespace {

struct MergeArgs {
  std::string out;
  std::vector<std::string> inputs;
};

int merge(const MergeArgs& args) {
  std::vector<std::filesystem::path> inputs(args.inputs.begin(), args.inputs.end());
  try {
    for (const auto& report : db::merge_databases(args.out, inputs)) {
      std::printf("%s: %d campaign(s) merged, %d already there, %lld samples\n", report.path.c_str(), report.campaigns_copied,
                  report.campaigns_skipped, static_cast<long long>(report.samples_copied));
    }
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench db merge: %s\n", e.what());
    return kExitError;
  }
  std::printf("merged into %s\n", args.out.c_str());
  return kExitOk;
}

int upgrade(const std::string& path) {
  try {
    db::Recorder recorder(path);  // migrates the file and folds runs that have no aggregates yet
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench db upgrade: %s\n", e.what());
    return kExitError;
  }
  std::printf("%s: schema %d\n", path.c_str(), db::kSchemaVersion);
  return kExitOk;
}

}  // namespace

Action add_db_command(CLI::App& app) {
  auto* db = app.add_subcommand("db", "Results database maintenance");
  db->require_subcommand(1);
  auto args = std::make_shared<MergeArgs>();
  auto* merge_command = db->add_subcommand(
      "merge", "Fold station databases into one (ids kept unique, profiles shared, campaigns already there skipped)");
  merge_command->add_option("out", args->out, "The database to merge into (created if missing)")->required();
  merge_command->add_option("inputs", args->inputs, "Station databases")->required()->check(CLI::ExistingFile);
  auto upgrade_path = std::make_shared<std::string>();
  auto* upgrade_command =
      db->add_subcommand("upgrade", "Migrate a results database to this build's schema in place (and build its aggregates)");
  upgrade_command->add_option("file", *upgrade_path, "The database")->required()->check(CLI::ExistingFile);
  return [args, merge_command, upgrade_path] {
    if (merge_command->parsed()) return merge(*args);
    return upgrade(*upgrade_path);
  };
}

}  // namespace ob::bench::cli
