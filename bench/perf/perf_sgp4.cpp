// sgp4: propagations per second, one thread, on the near-Earth verification TLEs and the ISS
// (one day at 10 s each), against satellite.js's JavaScript and WebAssembly builds on the same
// TLEs and steps in the same run, each side reporting its best repetition of ≥ 1 s of them.
// The same run checks equal accuracy: our states against the peer's, within 1 mm.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "bench/perf/perf_suite.hpp"
#include "bench/perf/satellite_js_peer.hpp"
#include "bench/perf/sgp4_subjects.hpp"

namespace ob::bench::perf {
namespace {

constexpr int kMinRepetitions = 3;
constexpr double kSameStateToleranceKm = 1e-6;  // 1 mm

PropagationRate measure_ours(const std::vector<Sgp4Subject>& set, double min_seconds, double& sink) {
  using Clock = std::chrono::steady_clock;
  PropagationRate rate;
  rate.per_repetition = static_cast<long>(set.size()) * kSgp4Steps;
  double best_s = 1e99;
  const auto start = Clock::now();
  while (rate.repetitions < kMinRepetitions || std::chrono::duration<double>(Clock::now() - start).count() < min_seconds) {
    const auto t0 = Clock::now();
    double sum = 0;
    for (const auto& s : set) {
      for (int k = 0; k < kSgp4Steps; ++k) {
        const auto state = s.sgp4.propagate(k * kSgp4StepMin);
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

// Largest position difference (km) between our states and the peer's.
double max_position_difference_km(const std::vector<Sgp4Subject>& set, const SatelliteJsRun& peer, double& max_dv_km_s) {
  double max_dr_km = 0;
  max_dv_km_s = 0;
  for (const auto& state : peer.states) {
    if (state.index >= set.size()) return INFINITY;
    const auto mine = set[state.index].sgp4.propagate(state.tsince_min);
    if (!mine) return INFINITY;
    for (std::size_t k = 0; k < 3; ++k) {
      max_dr_km = std::max(max_dr_km, std::fabs(mine->r_km[k] - state.rv[k]));
      max_dv_km_s = std::max(max_dv_km_s, std::fabs(mine->v_km_s[k] - state.rv[k + 3]));
    }
  }
  return max_dr_km;
}

}  // namespace

PerfResult perf_sgp4(const PerfOptions& options) {
  PerfResult result{"sgp4", 0, "propagations/s", "", std::nullopt, "", true};
  const auto set = sgp4_subjects(options.source_dir);
  std::string labels;
  for (const auto& s : set) labels += (labels.empty() ? "" : ", ") + s.label;
  say(options, "%zu near-Earth TLEs (%s), %d steps of 10 s each, one thread\n", set.size(), labels.c_str(), kSgp4Steps);
  const double min_seconds = options.quick ? 0.2 : 1.0;
  double sink = 0;
  measure_ours(set, min_seconds / 4, sink);  // warm-up
  const auto ours = measure_ours(set, min_seconds, sink);
  result.value = ours.per_second;
  say(options, "ours: %.0f propagations/s (best of %d repetitions of %ld)%s\n", ours.per_second, ours.repetitions,
      ours.per_repetition, std::isfinite(sink) ? "" : " — non-finite states!");

  const auto tle_file = options.work_dir / "sgp4-subjects.tle";
  write_tle_file(set, tle_file);
  std::string why;
  const auto peer = run_satellite_js({options.source_dir / "tests/perf/satellitejs", tle_file, kSgp4StepMin, kSgp4Steps, min_seconds}, why);
  if (!peer) {
    result.note = "peer unavailable: " + why;
    return result;
  }
  say(options, "peer: %s\n", peer->description.c_str());
  for (const auto& reason : peer->unavailable) say(options, "peer build unavailable: %s\n", reason.c_str());
  for (const auto& [build, rate] : peer->rates) {
    say(options, "satellite.js-%s: %.0f propagations/s (best of %d); ours ÷ it %.2f\n", build.c_str(), rate.per_second,
        rate.repetitions, ours.per_second / rate.per_second);
  }
  const auto [best_build, best_rate] = fastest(*peer);
  result.peer = "satellite.js-" + best_build;
  result.ratio = ours.per_second / best_rate.per_second;

  double max_dv_km_s = 0;
  const double max_dr_km = max_position_difference_km(set, *peer, max_dv_km_s);
  say(options, "accuracy: ours vs satellite.js-js on %zu states: max %.3g mm, %.3g km/s", peer->states.size(), max_dr_km * 1e6,
      max_dv_km_s);
  if (peer->wasm_vs_js) {
    say(options, "; satellite.js-wasm vs -js on %.0f states: max %.3g mm", (*peer->wasm_vs_js)[2], (*peer->wasm_vs_js)[0] * 1e6);
  }
  say(options, "\n");
  if (peer->states.empty() || !(max_dr_km < kSameStateToleranceKm) || !std::isfinite(sink)) {
    result.ok = false;
    result.note = "states differ from satellite.js by more than 1 mm";
  }
  return result;
}

}  // namespace ob::bench::perf
