// orbitbench: replay orbits on lab hardware and record how GPU boards degrade.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <string>
#include <new>

#include "bench/cli/commands.hpp"
#include "ob/version.hpp"

int main(int argc, char** argv) {
  using namespace ob::bench::cli;
  CLI::App app{"orbitbench — replay orbit sunlight/eclipse, power and thermal profiles on lab hardware\n"
               "and record how GPU boards degrade into a SQLite results database.",
               "orbitbench"};
  app.set_version_flag("-V,--version", std::string("orbitbench ") + ob::kVersion);
  app.require_subcommand(1);
  std::map<CLI::App*, Action> actions;
  auto add = [&](Action (*add_command)(CLI::App&)) {
    auto action = add_command(app);
    actions[app.get_subcommands({}).back()] = std::move(action);
  };
  add(add_profile_command);
  add(add_lab_command);
  add(add_run_command);
  add(add_resume_command);
  add(add_replay_command);
  add(add_query_command);
  add(add_report_command);
  add(add_sensors_command);
  add(add_board_command);
  add(add_schema_command);
  add(add_db_command);
  add(add_perf_command);
  add(add_guardian_command);
  add(add_serve_command);
  // A word where the command belongs that names no command: say which word, and what there is
  // (CLI11 alone says only that a subcommand is required).
  if (argc > 1 && argv[1][0] != '-') {
    std::string commands;
    bool known = false;
    for (const auto* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == argv[1];
      commands += (commands.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::fprintf(stderr, "orbitbench: unknown command '%s' (commands: %s; see orbitbench --help)\n", argv[1], commands.c_str());
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --version
  } catch (const CLI::ParseError& e) {
    // One line, naming what was wrong; the full usage is one --help away.
    std::fprintf(stderr, "orbitbench: %s (see orbitbench --help)\n", e.what());
    return kExitUsage;
  }
  for (auto* sub : app.get_subcommands()) {
    auto it = actions.find(sub);
    if (it == actions.end()) continue;
    try {
      return it->second();
    } catch (const std::bad_alloc&) {  // an input too large for memory: say so, exit 1, no abort
      std::fprintf(stderr, "orbitbench %s: out of memory (an input far larger than expected?)\n", sub->get_name().c_str());
      return 1;
    }
  }
  return kExitUsage;
}
