// orbitbench-agent: serves the host's GPUs to an orbitbench controller over the agent protocol
// (drivers/gpu/agent.proto): NVML telemetry, the CUDA workload, power caps, the watchdog.
// Exit codes: 0 stopped by SIGINT/SIGTERM, 2 usage or configuration error, 3 cannot start
// (NVML, no GPU, the port).
#include <sys/stat.h>

#include <cerrno>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>

#include "drivers/gpu/agent/agent_auth.hpp"
#include "drivers/gpu/agent/agent_server.hpp"
#include "drivers/gpu/agent/host_backend.hpp"
#include "ob/version.hpp"

namespace {

namespace agent = ob::drivers::agent;

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitCannotStart = 3;

void log_line(const std::string& line) { std::fprintf(stderr, "orbitbench-agent: %s\n", line.c_str()); }

// The secret file's content without trailing white space; the error when unusable.
std::optional<std::string> read_secret(const std::string& path, std::string& why) {
  struct stat info{};
  if (::stat(path.c_str(), &info) != 0) {
    why = "--secret-file " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if ((info.st_mode & (S_IROTH | S_IWOTH)) != 0) {
    why = "--secret-file " + path + " is readable or writable by every user; chmod 600 it first";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "--secret-file " + path + ": cannot open it";
    return std::nullopt;
  }
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ' ||
                             secret.back() == '\t')) {
    secret.pop_back();
  }
  if (secret.empty()) {
    why = "--secret-file " + path + " is empty";
    return std::nullopt;
  }
  if (auto weak = agent::weak_secret_reason(secret, path); !weak.empty()) {
    why = "--secret-file: " + weak;
    return std::nullopt;
  }
  return secret;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"orbitbench GPU agent: serves this host's GPUs (NVML telemetry, CUDA workload, power caps) "
               "to an orbitbench controller"};
  std::string listen_address = agent::kDefaultListenAddress;
  std::uint16_t port = agent::kDefaultListenPort;
  std::string secret_file;
  bool read_only = false;
  double watchdog_s = std::chrono::duration<double>(agent::kDefaultWatchdogTimeout).count();
  double sample_hz = agent::kDefaultSampleHz;
  std::string nvml_lib = "libnvidia-ml.so.1";
  app.add_option("--listen", listen_address, "Address to listen on (0.0.0.0 for every interface)")
      ->capture_default_str();
  app.add_option("--port", port, "TCP port")->capture_default_str();
  app.add_option("--secret-file", secret_file, "File holding the shared secret (not world-readable)")->required();
  app.add_flag("--read-only", read_only, "Refuse SetPowerCap and every other change of board settings");
  app.add_option("--watchdog-s", watchdog_s, "Stop a workload whose controller is silent this long")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  app.add_option("--sample-hz", sample_hz, "Telemetry sampling rate")->capture_default_str()->check(CLI::Range(0.1, 1000.0));
  app.add_option("--nvml-lib", nvml_lib, "NVML library to dlopen")->capture_default_str();
  app.set_version_flag("--version", std::string("orbitbench-agent ") + ob::kVersion);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }

  std::string why;
  const auto secret = read_secret(secret_file, why);
  if (!secret) {
    log_line(why);
    return kExitUsage;
  }

  agent::HostBackendOptions backend_options;
  backend_options.nvml_path = nvml_lib;
  backend_options.sample_hz = sample_hz;
  backend_options.log = log_line;
  auto backend = agent::HostBackend::open(backend_options);
  if (!backend) {
    log_line(backend.error());
    return kExitCannotStart;
  }

  agent::AgentOptions options;
  options.secret = *secret;
  options.read_only = read_only;
  options.watchdog_timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(watchdog_s));
  options.sample_hz = sample_hz;
  options.agent_name = std::string("orbitbench-agent/") + ob::kVersion;
  options.log = log_line;

  asio::io_context io;
  agent::AgentServer server(io.get_executor(), **backend, options);
  try {
    server.listen(listen_address, port);
  } catch (const std::exception& error) {
    log_line(error.what());
    return kExitCannotStart;
  }
  server.start();
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&server](const std::error_code& error, int signal_number) {
    if (error) return;
    log_line(std::string("signal ") + std::to_string(signal_number) + ": stopping");
    server.close();
  });
  log_line("listening on " + listen_address + ":" + std::to_string(server.port()) + ", " +
           std::to_string((*backend)->gpu_count()) + " GPU(s)" + (read_only ? ", read-only" : ""));
  io.run();
  backend->reset();  // stops every workload before exiting
  return kExitOk;
}
