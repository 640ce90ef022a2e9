#pragma once
// satellite.js (tests/perf/satellitejs/bench.mjs, pinned by its package-lock.json) run by node
// beside our SGP4 on the same TLEs and steps: its propagation rates (JavaScript and WebAssembly
// builds) and a few of its states for the accuracy check.
#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "profiles/orbit/sgp4.hpp"

namespace ob::bench::perf {

struct PropagationRate {
  double per_second = 0;
  long per_repetition = 0;
  int repetitions = 0;
};

struct SatelliteJsRun {
  std::string description;                      // "satellite.js 7.1.0 node v20…"
  std::map<std::string, PropagationRate> rates;  // "js", "wasm"
  struct State {
    std::size_t index;
    double tsince_min;
    std::array<double, 6> rv;  // km, km/s
  };
  std::vector<State> states;
  std::optional<std::array<double, 3>> wasm_vs_js;  // max dr km, max dv km/s, states compared
  std::vector<std::string> unavailable;             // builds it could not run, with why
};

struct SatelliteJsRequest {
  std::filesystem::path peer_dir;  // tests/perf/satellitejs
  std::filesystem::path tle_file;  // two-line sets, no names
  double step_min = 0;
  int steps = 0;
  double min_seconds = 1;
};

// nullopt with the reason in `why` when node, the package or the script cannot run.
std::optional<SatelliteJsRun> run_satellite_js(const SatelliteJsRequest& request, std::string& why);

// The fastest build's name and rate (rates must not be empty).
std::pair<std::string, PropagationRate> fastest(const SatelliteJsRun& run);

}  // namespace ob::bench::perf
