// orbitbench db merge OUT IN…: fold station databases into one (db/merge.hpp).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/cli/commands.hpp"
#include "db/database.hpp"
#include "db/merge.hpp"

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

}  // namespace

Action add_db_command(CLI::App& app) {
  auto* db = app.add_subcommand("db", "Results database maintenance");
  db->require_subcommand(1);
  auto args = std::make_shared<MergeArgs>();
  auto* merge_command = db->add_subcommand(
      "merge", "Fold station databases into one (ids kept unique, profiles shared, campaigns already there skipped)");
  merge_command->add_option("out", args->out, "The database to merge into (created if missing)")->required();
  merge_command->add_option("inputs", args->inputs, "Station databases")->required()->check(CLI::ExistingFile);
  return [args] { return merge(*args); };
}

}  // namespace ob::bench::cli
