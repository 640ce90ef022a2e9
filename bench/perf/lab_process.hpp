#pragma once
// `orbitbench lab` as a child process: the simulated lab on its own thread in its own process,
// so what a benchmark measures in this process (lateness, CPU, memory) is the controller's alone.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/perf/child_process.hpp"
#include "bench/perf/perf_benchmark.hpp"

namespace ob::bench::perf {

struct LabProcessOptions {
  // Names its files in the work directory: TAG-lab.conf (the lab file), TAG-lab.out, TAG-lab.err,
  // TAG-agent.secret.
  std::string tag = "lab";
  std::string config_text;             // a lab file (fixtures/README.md); "" = the default lab
  std::vector<std::string> arguments;  // more options of `orbitbench lab`: --boards N, --speed X
};

class LabProcess {
 public:
  // Starts the lab and waits for its `ready`; std::runtime_error naming what failed (with the
  // lab's own words from its stderr).
  LabProcess(const PerfOptions& options, const LabProcessOptions& lab);

  // The URI the lab printed for one of its instruments; std::runtime_error for an unknown name.
  const std::string& uri(const std::string& name) const;
  std::size_t instrument_count() const { return uris_.size(); }
  // The GPU agent's shared secret (0600), for agent://…?secret_file=.
  const std::filesystem::path& secret_file() const { return secret_file_; }
  ChildProcess& process() { return *process_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::map<std::string, std::string> uris_;
  std::filesystem::path secret_file_;
};

}  // namespace ob::bench::perf
