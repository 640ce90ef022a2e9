// orbitbench db merge OUT IN…: fold station databases into one (db/merge.hpp).
// orbitbench db push IN… --to postgresql://…: copy what a lab's server lacks (db/postgres/pg_push.hpp).
// orbitbench db upgrade FILE: migrate in place.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/cli/commands.hpp"
#include "db/database.hpp"
#include "db/merge.hpp"
#include "db/recorder.hpp"
#ifdef OB_WITH_POSTGRES
#include "db/postgres/pg_push.hpp"
#endif

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

struct PushArgs {
  std::vector<std::string> inputs;
  std::string to;
};

int push(const PushArgs& args) {
#ifdef OB_WITH_POSTGRES
  if (!db::pg::is_postgres_url(args.to)) {
    std::fprintf(stderr, "orbitbench db push: --to %s: expected a PostgreSQL URL (postgresql://USER@HOST/DB)\n", args.to.c_str());
    return kExitUsage;
  }
  std::optional<db::pg::PgConnection> server;
  try {
    server.emplace(db::pg::PgConnection::open(args.to));
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench db push: %s\n", e.what());
    return kExitError;
  }
  int exit_code = kExitOk;
  for (const auto& input : args.inputs) {
    try {
      const auto r = db::pg::push_database(*server, input);
      std::printf("%s: %d new campaign(s), %d already there; %lld samples (%lld rewritten), %lld events, %lld measurements, "
                  "%lld run aggregate(s)\n",
                  input.c_str(), r.campaigns_new, r.campaigns_known, static_cast<long long>(r.samples),
                  static_cast<long long>(r.samples_rewritten), static_cast<long long>(r.events),
                  static_cast<long long>(r.measurements), static_cast<long long>(r.runs_aggregated));
    } catch (const db::DbError& e) {
      // The other stations still go: one bad file must not hold the lab's results back.
      std::fprintf(stderr, "orbitbench db push: %s\n", e.what());
      exit_code = kExitError;
    }
  }
  if (exit_code == kExitOk) std::printf("pushed to %s\n", server->where().c_str());
  return exit_code;
#else
  (void)args;
  std::fprintf(stderr, "orbitbench db push: this orbitbench was built without PostgreSQL support "
                       "(install libpq-dev and build again)\n");
  return kExitError;
#endif
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
  auto push_args = std::make_shared<PushArgs>();
  auto* push_command = db->add_subcommand(
      "push", "Copy what a lab's central PostgreSQL lacks from station databases (incremental, idempotent, read-only on them)");
  push_command->add_option("inputs", push_args->inputs, "Station databases")->required()->check(CLI::ExistingFile);
  push_command->add_option("--to", push_args->to, "The server: postgresql://USER@HOST[:PORT]/DB (libpq's URL; a password "
                                                  "from ~/.pgpass or PGPASSWORD)")->required();
  return [args, merge_command, push_args, push_command, upgrade_path] {
    if (merge_command->parsed()) return merge(*args);
    if (push_command->parsed()) return push(*push_args);
    return upgrade(*upgrade_path);
  };
}

}  // namespace ob::bench::cli
