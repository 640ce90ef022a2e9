// SGP4 propagations per second, single-threaded, against satellite.js (its JavaScript and
// WebAssembly builds) measured in the same run on the same TLEs and steps, plus an accuracy
// cross-check. No timing assertions: the figures are printed.
//
// TLEs: the near-Earth cases of Vallado's verification set that propagate a whole day without
// an SGP4 error, and the ISS. Steps: one day at 10 s. Each side repeats the whole set until
// kMinSeconds have passed (at least kMinRepetitions times) and reports its best repetition.
//
// The peer is tests/perf/satellitejs/bench.mjs (package.json pins satellite.js; `npm ci` in
// that folder installs it). Without node or without its node_modules the test says the peer is
// unavailable and reports our figure alone.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "profiles/orbit/sgp4.hpp"
#include "profiles/orbit/tle.hpp"
#include "profiles/orbit/tle_verification.hpp"
#include "profiles/profile_generator.hpp"

namespace orbit = ob::profiles::orbit;
namespace fs = std::filesystem;

namespace {

constexpr double kStepMin = 10.0 / 60.0;        // 10 s
constexpr int kSteps = 8640;                    // one day
constexpr double kMinSeconds = 1.0;
constexpr int kMinRepetitions = 3;
// Accuracy bar between the two implementations (the "equal accuracy").
constexpr double kSameStateToleranceKm = 1e-6;  // 1 mm
constexpr int kVerificationLineLength = 69;

struct Subject {
  std::string label;
  std::string line1;
  std::string line2;
  orbit::Sgp4 sgp4;
};

std::vector<Subject> subjects() {
  std::vector<Subject> out;
  const std::string data = std::string(OB_TEST_DATA_DIR) + "/sgp4/";
  std::vector<orbit::Tle> tles;
  for (const auto& c : orbit::read_verification_tle_file(data + "SGP4-VER.TLE")) tles.push_back(c.tle);
  for (const auto& t : orbit::read_tle_file(data + "iss.tle")) tles.push_back(t);
  std::vector<int> seen;
  for (const auto& tle : tles) {
    if (std::find(seen.begin(), seen.end(), tle.catalog_number) != seen.end()) continue;
    auto sgp4 = orbit::Sgp4::from_tle(tle);
    if (!sgp4 || sgp4->is_deep_space()) continue;
    bool whole_day = true;
    for (int k = 0; k < kSteps && whole_day; ++k) whole_day = sgp4->propagate(k * kStepMin).has_value();
    if (!whole_day) continue;
    seen.push_back(tle.catalog_number);
    out.push_back({tle.label(), tle.line1.substr(0, kVerificationLineLength),
                   tle.line2.substr(0, kVerificationLineLength), *sgp4});
  }
  return out;
}

struct Rate {
  double per_second = 0;
  long per_repetition = 0;
  int repetitions = 0;
};

Rate measure_ours(const std::vector<Subject>& set, double& sink) {
  using Clock = std::chrono::steady_clock;
  Rate rate;
  rate.per_repetition = static_cast<long>(set.size()) * kSteps;
  double best_s = 1e99;
  const auto start = Clock::now();
  while (rate.repetitions < kMinRepetitions ||
         std::chrono::duration<double>(Clock::now() - start).count() < kMinSeconds) {
    const auto t0 = Clock::now();
    double sum = 0;
    for (const Subject& s : set) {
      for (int k = 0; k < kSteps; ++k) {
        const auto state = s.sgp4.propagate(k * kStepMin);
        if (state) sum += state->r_km[0];
      }
    }
    best_s = std::min(best_s, std::chrono::duration<double>(Clock::now() - t0).count());
    sink += sum;
    ++rate.repetitions;
  }
  rate.per_second = static_cast<double>(rate.per_repetition) / best_s;
  return rate;
}

struct PeerResult {
  std::string description;
  std::map<std::string, Rate> rates;
  struct State {
    std::size_t index;
    double tsince_min;
    std::array<double, 6> rv;
  };
  std::vector<State> states;
  std::optional<std::array<double, 3>> wasm_vs_js;
  std::vector<std::string> unavailable;
};

// Runs the node peer; nullopt (with the reason in `why`) when it cannot run.
std::optional<PeerResult> run_peer(const fs::path& tle_file, std::string& why) {
  const fs::path dir = fs::path(OB_SOURCE_DIR) / "tests/perf/satellitejs";
  if (std::system("command -v node > /dev/null 2>&1") != 0) {
    why = "node is not installed";
    return std::nullopt;
  }
  if (!fs::exists(dir / "node_modules/satellite.js/package.json")) {
    why = "satellite.js is not installed (run `npm ci` in " + dir.string() + ")";
    return std::nullopt;
  }
  char step[32];
  std::snprintf(step, sizeof step, "%.17g", kStepMin);
  const std::string command = "node '" + (dir / "bench.mjs").string() + "' '" + tle_file.string() +
                              "' " + step + " " + std::to_string(kSteps) + " " +
                              std::to_string(kMinSeconds) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    why = "cannot start node";
    return std::nullopt;
  }
  std::string output;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  const int status = pclose(pipe);
  if (status != 0) {
    why = "node bench.mjs failed (status " + std::to_string(status) + "): " + output;
    return std::nullopt;
  }

  PeerResult result;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream in(line);
    std::string kind;
    in >> kind;
    if (kind == "peer") {
      result.description = line.substr(5);
    } else if (kind == "rate") {
      std::string build;
      Rate rate;
      in >> build >> rate.per_second >> rate.per_repetition >> rate.repetitions;
      result.rates[build] = rate;
    } else if (kind == "state") {
      PeerResult::State state{};
      in >> state.index >> state.tsince_min;
      for (double& x : state.rv) in >> x;
      result.states.push_back(state);
    } else if (kind == "wasm-vs-js") {
      std::array<double, 3> diff{};
      in >> diff[0] >> diff[1] >> diff[2];
      result.wasm_vs_js = diff;
    } else if (kind == "unavailable") {
      result.unavailable.push_back(line.substr(12));
    }
  }
  if (result.rates.empty()) {
    why = "node bench.mjs printed no rates: " + output;
    return std::nullopt;
  }
  return result;
}

}  // namespace

BOOST_AUTO_TEST_CASE(sgp4_propagations_per_second_vs_satellite_js) {
  const std::vector<Subject> set = subjects();
  BOOST_TEST_REQUIRE(set.size() >= 2u);
  std::string labels;
  for (const Subject& s : set) labels += (labels.empty() ? "" : ", ") + s.label;
  std::printf("sgp4 perf: %zu near-Earth TLEs (%s), %d steps of 10 s each, single thread\n",
              set.size(), labels.c_str(), kSteps);

  double sink = 0;
  measure_ours(set, sink);  // warm-up
  const Rate ours = measure_ours(set, sink);
  BOOST_TEST(std::isfinite(sink));

  const fs::path tle_file = fs::temp_directory_path() / ("ob_perf_sgp4_" + std::to_string(getpid()) + ".tle");
  {
    std::ofstream out(tle_file);
    for (const Subject& s : set) out << s.line1 << "\n" << s.line2 << "\n";
  }
  std::string why;
  const auto peer = run_peer(tle_file, why);
  fs::remove(tle_file);

  if (!peer) {
    std::printf("satellite.js peer unavailable: %s\n", why.c_str());
    std::printf("sgp4: %.0f propagations/s (%ld per repetition, best of %d)\n", ours.per_second,
                ours.per_repetition, ours.repetitions);
    return;
  }

  std::printf("peer: %s\n", peer->description.c_str());
  for (const auto& reason : peer->unavailable) std::printf("peer build unavailable: %s\n", reason.c_str());
  std::printf("ours: %.0f propagations/s (%ld per repetition, best of %d)\n", ours.per_second,
              ours.per_repetition, ours.repetitions);
  std::string ratios;
  std::vector<std::pair<std::string, Rate>> builds(peer->rates.begin(), peer->rates.end());
  std::reverse(builds.begin(), builds.end());  // "wasm" before "js"
  for (const auto& [build, rate] : builds) {
    std::printf("satellite.js-%s: %.0f propagations/s (best of %d)\n", build.c_str(),
                rate.per_second, rate.repetitions);
    char part[96];
    std::snprintf(part, sizeof part, "%sratio vs satellite.js-%s %.2f", ratios.empty() ? "" : ", ",
                  build.c_str(), ours.per_second / rate.per_second);
    ratios += part;
  }
  std::printf("sgp4: %.0f propagations/s; %s\n", ours.per_second, ratios.c_str());

  // Equal accuracy: the same states from both implementations.
  double max_dr_km = 0;
  double max_dv_km_s = 0;
  for (const auto& state : peer->states) {
    BOOST_TEST_REQUIRE(state.index < set.size());
    const auto mine = set[state.index].sgp4.propagate(state.tsince_min);
    BOOST_TEST_REQUIRE(mine.has_value());
    for (int k = 0; k < 3; ++k) {
      max_dr_km = std::max(max_dr_km, std::fabs(mine->r_km[k] - state.rv[static_cast<std::size_t>(k)]));
      max_dv_km_s = std::max(max_dv_km_s, std::fabs(mine->v_km_s[k] - state.rv[static_cast<std::size_t>(k + 3)]));
    }
  }
  std::printf("accuracy: ours vs satellite.js-js on %zu states: max %.3g mm, %.3g km/s",
              peer->states.size(), max_dr_km * 1e6, max_dv_km_s);
  if (peer->wasm_vs_js) {
    std::printf("; satellite.js-wasm vs -js on %.0f states: max %.3g mm, %.3g km/s",
                (*peer->wasm_vs_js)[2], (*peer->wasm_vs_js)[0] * 1e6, (*peer->wasm_vs_js)[1]);
  }
  std::printf("\n");
  BOOST_TEST(!peer->states.empty());
  BOOST_TEST(max_dr_km < kSameStateToleranceKm);
  if (peer->wasm_vs_js) BOOST_TEST((*peer->wasm_vs_js)[0] < kSameStateToleranceKm);
}

namespace {

// Peak resident set size of this process, in KiB (Linux /proc).
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Streams a whole profile (orbit, light, heat, power, lab mapping, CSV text) into a buffer
// that is flushed away every MiB, as `orbitbench profile --csv` does; returns rows/s.
double profile_rows_per_second(const orbit::Sgp4& sgp4, double duration_s, std::size_t& csv_bytes) {
  ob::profiles::ProfileRequest request{.name = "perf",
                                       .source = "perf",
                                       .propagator = sgp4,
                                       .start = sgp4.epoch(),
                                       .duration_s = duration_s,
                                       .step_s = kStepMin * 60,
                                       .spacecraft = {},
                                       .lab = {},
                                       .earth = ob::profiles::EarthShape::sphere,
                                       .inputs = {}};
  const auto start = std::chrono::steady_clock::now();
  ob::profiles::ProfileGenerator generator(request);
  ob::profiles::CsvWriter writer;
  ob::profiles::ProfileRow row;
  std::string buffer;
  csv_bytes = 0;
  long rows = 0;
  while (generator.next(row)) {
    writer.append_row(buffer, row);
    ++rows;
    if (buffer.size() < (1u << 20)) continue;
    csv_bytes += buffer.size();
    buffer.clear();
  }
  csv_bytes += buffer.size();
  return static_cast<double>(rows) / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

BOOST_AUTO_TEST_CASE(whole_profile_generation_vs_satellite_js_propagation) {
  const std::vector<Subject> set = subjects();
  const auto iss = std::find_if(set.begin(), set.end(), [](const Subject& s) { return s.line1.rfind("1 25544", 0) == 0; });
  BOOST_TEST_REQUIRE((iss != set.end()));
  constexpr double kDay_s = 86400;
  constexpr double kDays = 30;
  std::size_t bytes = 0;
  profile_rows_per_second(iss->sgp4, kDay_s, bytes);  // warm-up, and the one-day memory peak
  const long rss_one_day_kib = peak_rss_kib();
  const double rows_per_s = profile_rows_per_second(iss->sgp4, kDays * kDay_s, bytes);
  const long rss_month_kib = peak_rss_kib();
  BOOST_TEST(bytes > 0u);
  std::printf("profile: %.0f days at 10 s, %.1f MB of CSV, peak RSS %ld KiB after 1 day, %ld KiB after %.0f days\n",
              kDays, bytes / 1e6, rss_one_day_kib, rss_month_kib, kDays);
  std::printf("profile: a year at 10 s would take %.1f s\n", 365 * kDay_s / 10 / rows_per_s);

  const fs::path tle_file = fs::temp_directory_path() / ("ob_perf_profile_" + std::to_string(getpid()) + ".tle");
  std::ofstream(tle_file) << iss->line1 << "\n" << iss->line2 << "\n";
  std::string why;
  const auto peer = run_peer(tle_file, why);
  fs::remove(tle_file);
  if (!peer || peer->rates.empty()) {
    std::printf("satellite.js peer unavailable: %s\n", why.c_str());
    std::printf("profile: %.0f rows/s\n", rows_per_s);
    return;
  }
  // The peer only propagates; a profile row also has the Sun, shadow, heat, power, lab mapping
  // and its CSV text.
  const auto fastest = std::max_element(peer->rates.begin(), peer->rates.end(),
                                        [](const auto& a, const auto& b) { return a.second.per_second < b.second.per_second; });
  std::printf("profile: %.0f rows/s; ratio vs satellite.js-%s propagation alone %.2f\n", rows_per_s,
              fastest->first.c_str(), rows_per_s / fastest->second.per_second);
}
