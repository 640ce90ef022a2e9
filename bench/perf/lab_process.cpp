#include "bench/perf/lab_process.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ob::bench::perf {
namespace {

// A lab of a few hundred boards binds every listener and writes its secret well within this.
constexpr auto kReadyTimeout = std::chrono::seconds(30);
constexpr auto kReadyPoll = std::chrono::milliseconds(20);

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

LabProcess::LabProcess(const PerfOptions& options, const LabProcessOptions& lab) {
  const auto& dir = options.work_dir;
  secret_file_ = dir / (lab.tag + "-agent.secret");
  std::vector<std::string> argv{options.orbitbench_exe.string(), "lab", "--agent-secret-file", secret_file_.string()};
  if (!lab.config_text.empty()) {
    const auto config = dir / (lab.tag + "-lab.conf");
    std::ofstream(config) << lab.config_text;
    argv.push_back("--config");
    argv.push_back(config.string());
  }
  argv.insert(argv.end(), lab.arguments.begin(), lab.arguments.end());
  process_ = std::make_unique<ChildProcess>(argv, dir / (lab.tag + "-lab.out"), dir / (lab.tag + "-lab.err"));

  const auto until = std::chrono::steady_clock::now() + kReadyTimeout;
  std::string printed;
  while (printed.find("\nready\n") == std::string::npos) {
    if (auto code = process_->exit_code()) {
      throw std::runtime_error("`" + process_->command_line() + "` ended (exit " + std::to_string(*code) +
                               ") before it was ready: " + process_->stderr_tail());
    }
    if (std::chrono::steady_clock::now() > until) {
      throw std::runtime_error("`" + process_->command_line() + "` printed no `ready` within " +
                               std::to_string(kReadyTimeout.count()) + " s");
    }
    std::this_thread::sleep_for(kReadyPoll);
    printed = read_file(process_->stdout_path());
  }
  std::istringstream lines(printed);
  for (std::string line; std::getline(lines, line) && line != "ready";) {
    std::istringstream words(line);
    std::string name, model, uri;
    words >> name >> model >> uri;
    if (name == "agent-secret" || name == "control" || uri.empty()) continue;
    uris_[name] = uri;
  }
}

const std::string& LabProcess::uri(const std::string& name) const {
  const auto found = uris_.find(name);
  if (found == uris_.end()) {
    throw std::runtime_error("`" + process_->command_line() + "` lists no instrument named " + name);
  }
  return found->second;
}

}  // namespace ob::bench::perf
