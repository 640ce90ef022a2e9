// orbitbench lab: serve the simulated lab on TCP until SIGINT/SIGTERM. Prints one line per
// instrument (`name model uri`), then `agent-secret file PATH` (the GPU agent's shared secret,
// in a 0600 file), `control lab-control tcp://HOST:PORT` (the fault-injection line protocol,
// fixtures/README.md), then `ready`.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "bench/cli/commands.hpp"
#include "fixtures/lab_config.hpp"
#include "fixtures/sim_lab.hpp"

namespace ob::bench::cli {
namespace {

constexpr int kMaxPort = 65535;

struct LabArgs {
  fixtures::SimLabOptions options;
  std::string config_path;
  std::optional<int> base_port;
  std::optional<double> speed;
  std::string secret_file;  // where to write the agent secret; "" = a fresh private temp folder
};

// Writes the agent secret to `path` (created 0600, replaced if there) or, without a path, to
// agent.secret in a fresh 0700 folder under $TMPDIR; the file's path, or "" with `why`.
std::string write_secret(std::string path, const std::string& secret, std::string& why) {
  if (path.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string folder = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/orbitbench-lab-XXXXXX";
    if (::mkdtemp(folder.data()) == nullptr) {
      why = "cannot create a folder for the agent secret: " + std::string(std::strerror(errno));
      return {};
    }
    path = folder + "/agent.secret";
  }
  ::unlink(path.c_str());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    why = "cannot write the agent secret to " + path + ": " + std::strerror(errno);
    return {};
  }
  const std::string text = secret + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written) {
    why = "cannot write the agent secret to " + path;
    return {};
  }
  return path;
}

int run_lab(LabArgs& args) {
  fixtures::SimLabOptions options = args.options;
  try {
    if (!args.config_path.empty()) options = fixtures::load_lab_config(args.config_path, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orbitbench lab: %s\n", e.what());
    return kExitError;
  }
  if (args.speed) options.speed = *args.speed;  // the command line wins over the lab file
  if (options.instruments.empty()) options.instruments = fixtures::default_sim_instruments(options);
  if (args.base_port) {
    // Instruments take N, N+1, … in the lab's order (a port the lab file set stays), control last.
    int port = *args.base_port;
    for (auto& instrument : options.instruments) {
      if (instrument.port == 0) instrument.port = static_cast<std::uint16_t>(port);
      ++port;
    }
    if (options.control_port == 0) options.control_port = static_cast<std::uint16_t>(port);
    if (port > kMaxPort) {
      std::fprintf(stderr, "orbitbench lab: --base-port %d leaves no room for %zu instruments\n", *args.base_port,
                   options.instruments.size());
      return kExitUsage;
    }
  }

  std::unique_ptr<fixtures::SimLab> lab;
  try {
    lab = std::make_unique<fixtures::SimLab>(options);
    lab->start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orbitbench lab: %s\n", e.what());
    return kExitError;
  }
  for (const auto& instrument : lab->instruments()) {
    std::printf("%s %s %s\n", instrument.name.c_str(), std::string(fixtures::sim_model_name(instrument.model)).c_str(),
                instrument.uri.c_str());
  }
  std::string why;
  const std::string secret_path = write_secret(args.secret_file, lab->agent_secret(), why);
  if (secret_path.empty()) {
    std::fprintf(stderr, "orbitbench lab: %s\n", why.c_str());
    return kExitError;
  }
  std::printf("agent-secret file %s\n", secret_path.c_str());
  const std::string host = options.bind_address == "0.0.0.0" || options.bind_address.empty() ? "127.0.0.1"
                                                                                              : options.bind_address;
  std::printf("control lab-control tcp://%s:%u\nready\n", host.c_str(), static_cast<unsigned>(lab->control_port()));
  std::fflush(stdout);
  asio::io_context io;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([](const std::error_code&, int) {});
  io.run();
  lab->stop();
  if (args.secret_file.empty()) {  // the temp folder was ours
    ::unlink(secret_path.c_str());
    ::rmdir(secret_path.substr(0, secret_path.rfind('/')).c_str());
  }
  std::fprintf(stderr, "orbitbench lab: stopped\n");
  return kExitOk;
}

}  // namespace

Action add_lab_command(CLI::App& app) {
  auto args = std::make_shared<LabArgs>();
  auto* cmd = app.add_subcommand(
      "lab", "Serve the simulated lab (DP832, E36312A, N5767A, Espec P-300, Watlow F4T, GPU agent, iiod) until interrupted");
  cmd->add_option("--config", args->config_path, "Lab file: instruments, ports, board feeds, faults")
      ->check(CLI::ExistingFile);
  cmd->add_option("--base-port", args->base_port, "Instruments listen on N, N+1, … (default: ephemeral ports)")
      ->check(CLI::Range(1, kMaxPort));
  cmd->add_option("--bind", args->options.bind_address, "Address to listen on")->capture_default_str();
  cmd->add_option("--psu-port", args->options.psu_port, "DP832 `psu` port (0 = any free port)")->capture_default_str();
  cmd->add_option("--e36312a-port", args->options.e36312a_port, "E36312A `psu-e36312a` port (0 = any)")
      ->capture_default_str();
  cmd->add_option("--chamber-port", args->options.chamber_port, "Espec `chamber` port (0 = any)")->capture_default_str();
  cmd->add_option("--f4t-port", args->options.f4t_port, "Watlow F4T `chamber-f4t` Modbus port (0 = any)")
      ->capture_default_str();
  cmd->add_option("--agent-port", args->options.agent_port, "GPU agent port (0 = any)")->capture_default_str();
  cmd->add_option("--control-port", args->options.control_port, "Fault-injection control port (0 = any)")
      ->capture_default_str();
  cmd->add_option("--agent-secret-file", args->secret_file,
                  "Write the GPU agent's shared secret here (0600; default: a fresh folder under $TMPDIR)");
  cmd->add_option("--speed", args->speed, "Physics seconds per wall second (default 1)")->check(CLI::Range(0.001, 10000.0));
  cmd->add_option("--boards", args->options.boards,
                  "Simulated GPU boards (board i on DP832 CH(i+1); beyond 3, a DP832 more per 3 boards: psu-2, psu-3, …)")
      ->capture_default_str()
      ->check(CLI::Range(1, fixtures::kMaxFedBoards));
  return [args] { return run_lab(*args); };
}

}  // namespace ob::bench::cli
