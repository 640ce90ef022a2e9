// orbitbench lab: serve the simulated lab on TCP until SIGINT/SIGTERM.
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <cstdio>
#include <memory>

#include "bench/cli/commands.hpp"
#include "fixtures/sim_lab.hpp"

namespace ob::bench::cli {
namespace {

struct LabArgs {
  fixtures::SimLabOptions options;
};

int run_lab(LabArgs& args) {
  fixtures::SimLab lab(args.options);
  try {
    lab.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orbitbench lab: %s\n", e.what());
    return kExitError;
  }
  std::printf("psu %s\nchamber %s\nagent %s\nready\n", lab.psu_uri().c_str(), lab.chamber_uri().c_str(),
              lab.agent_uri().c_str());
  std::fflush(stdout);
  asio::io_context io;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([](const std::error_code&, int) {});
  io.run();
  lab.stop();
  std::fprintf(stderr, "orbitbench lab: stopped\n");
  return kExitOk;
}

}  // namespace

Action add_lab_command(CLI::App& app) {
  auto args = std::make_shared<LabArgs>();
  args->options.psu_port = 5025;
  args->options.chamber_port = 10001;
  args->options.agent_port = 7600;
  auto* cmd = app.add_subcommand("lab", "Serve the simulated lab (SCPI PSU, Espec chamber, GPU agent) until interrupted");
  cmd->add_option("--bind", args->options.bind_address, "Address to listen on")->capture_default_str();
  cmd->add_option("--psu-port", args->options.psu_port, "SCPI power supply port (0 = any free port)")->capture_default_str();
  cmd->add_option("--chamber-port", args->options.chamber_port, "Espec chamber port (0 = any)")->capture_default_str();
  cmd->add_option("--agent-port", args->options.agent_port, "GPU agent port (0 = any)")->capture_default_str();
  cmd->add_option("--speed", args->options.speed, "Physics seconds per wall second")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 10000.0));
  cmd->add_option("--boards", args->options.boards, "Simulated GPU boards (one per PSU channel)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3));
  return [args] { return run_lab(*args); };
}

}  // namespace ob::bench::cli
