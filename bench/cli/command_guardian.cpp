// orbitbench guardian: the watchdog that `run`, `resume` and `replay` start beside themselves
// (bench/guardian.hpp). Not for people: hidden from --help, and it refuses to start without the
// order its controller writes on its standard input.
#include <unistd.h>

#include "bench/cli/commands.hpp"
#include "bench/guardian.hpp"

namespace ob::bench::cli {

Action add_guardian_command(CLI::App& app) {
  auto* sub = app.add_subcommand("guardian", "the controller's watchdog (started by run, resume and replay)");
  sub->group("");  // hidden
  return [] { return run_guardian(STDIN_FILENO); };
}

}  // namespace ob::bench::cli
