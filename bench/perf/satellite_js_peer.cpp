#include "bench/perf/satellite_js_peer.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace ob::bench::perf {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void parse_line(const std::string& line, SatelliteJsRun& run) {
  std::istringstream in(line);
  std::string kind;
  in >> kind;
  if (kind == "peer") {
    run.description = line.substr(5);
  } else if (kind == "rate") {
    std::string build;
    PropagationRate rate;
    in >> build >> rate.per_second >> rate.per_repetition >> rate.repetitions;
    run.rates[build] = rate;
  } else if (kind == "state") {
    SatelliteJsRun::State state{};
    in >> state.index >> state.tsince_min;
    for (double& x : state.rv) in >> x;
    run.states.push_back(state);
  } else if (kind == "wasm-vs-js") {
    std::array<double, 3> diff{};
    in >> diff[0] >> diff[1] >> diff[2];
    run.wasm_vs_js = diff;
  } else if (kind == "unavailable") {
    run.unavailable.push_back(line.substr(12));
  }
}

}  // namespace

std::optional<SatelliteJsRun> run_satellite_js(const SatelliteJsRequest& request, std::string& why) {
  if (std::system("command -v node > /dev/null 2>&1") != 0) {
    why = "node is not installed";
    return std::nullopt;
  }
  if (!std::filesystem::exists(request.peer_dir / "node_modules/satellite.js/package.json")) {
    why = "satellite.js is not installed (run `npm ci` in " + request.peer_dir.string() + ")";
    return std::nullopt;
  }
  char numbers[96];
  std::snprintf(numbers, sizeof numbers, " %.17g %d %g", request.step_min, request.steps, request.min_seconds);
  const std::string command =
      "node " + quoted((request.peer_dir / "bench.mjs").string()) + " " + quoted(request.tle_file.string()) + numbers + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    why = "cannot start node";
    return std::nullopt;
  }
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = ::pclose(pipe);
  if (status != 0) {
    why = "node bench.mjs failed (status " + std::to_string(status) + "): " + output;
    return std::nullopt;
  }
  SatelliteJsRun run;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) parse_line(line, run);
  if (run.rates.empty()) {
    why = "node bench.mjs printed no rates: " + output;
    return std::nullopt;
  }
  return run;
}

std::pair<std::string, PropagationRate> fastest(const SatelliteJsRun& run) {
  const auto best = std::max_element(run.rates.begin(), run.rates.end(),
                                     [](const auto& a, const auto& b) { return a.second.per_second < b.second.per_second; });
  return *best;
}

}  // namespace ob::bench::perf
