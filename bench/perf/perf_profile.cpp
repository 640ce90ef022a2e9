// profile: whole-profile rows per second — every row through SGP4, the Sun, the conical shadow,
// heat, power, the lab mapping and its CSV text (streamed in 1 MiB blocks, as `orbitbench profile
// --csv` does) — for the ISS over 30 days at 10 s (quick: 1 day), against satellite.js's fastest
// build propagating the same TLE alone, in the same run. Also the peak RSS after one day and
// after the whole span: generation keeps nothing, so it must not grow.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>

#include "bench/perf/perf_suite.hpp"
#include "bench/perf/satellite_js_peer.hpp"
#include "bench/perf/sgp4_subjects.hpp"
#include "profiles/profile_generator.hpp"

namespace ob::bench::perf {
namespace {

constexpr double kDay_s = 86400;
constexpr std::size_t kCsvBlockBytes = 1u << 20;
constexpr int kIssCatalogNumber = 25544;

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Resets this process's peak RSS to its current RSS (Linux: clear_refs 5), so the peak measured
// next is this benchmark's own, not that of a benchmark run before it in `perf all`.
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

double profile_rows_per_second(const profiles::orbit::Sgp4& sgp4, double duration_s, std::size_t& csv_bytes) {
  profiles::ProfileRequest request{.name = "perf",
                                   .source = "perf",
                                   .propagator = sgp4,
                                   .start = sgp4.epoch(),
                                   .duration_s = duration_s,
                                   .step_s = kSgp4StepMin * 60,
                                   .spacecraft = {},
                                   .lab = {},
                                   .earth = profiles::EarthShape::sphere,
                                   .inputs = {}};
  const auto start = std::chrono::steady_clock::now();
  profiles::ProfileGenerator generator(request);
  profiles::CsvWriter writer;
  profiles::ProfileRow row;
  std::string buffer;
  csv_bytes = 0;
  long rows = 0;
  while (generator.next(row)) {
    writer.append_row(buffer, row);
    ++rows;
    if (buffer.size() < kCsvBlockBytes) continue;
    csv_bytes += buffer.size();
    buffer.clear();
  }
  csv_bytes += buffer.size();
  return static_cast<double>(rows) / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

PerfResult perf_profile(const PerfOptions& options) {
  PerfResult result{"profile", 0, "rows/s", "", std::nullopt, "", true};
  const auto set = sgp4_subjects(options.source_dir);
  const auto iss = std::find_if(set.begin(), set.end(), [](const Sgp4Subject& s) {
    return s.line1.rfind("1 " + std::to_string(kIssCatalogNumber), 0) == 0;
  });
  if (iss == set.end()) throw std::runtime_error("the ISS is missing from tests/data/sgp4/iss.tle");
  const double days = options.quick ? 1 : 30;
  std::size_t bytes = 0;
  reset_peak_rss();
  profile_rows_per_second(iss->sgp4, options.quick ? kDay_s / 8 : kDay_s, bytes);  // warm-up, and the short-span memory peak
  const long rss_short_kib = peak_rss_kib();
  const double rows_per_s = profile_rows_per_second(iss->sgp4, days * kDay_s, bytes);
  const long rss_long_kib = peak_rss_kib();
  result.value = rows_per_s;
  say(options, "the ISS, %.0f day(s) at 10 s: %.0f rows/s, %.1f MB of CSV; peak RSS %.1f MiB after the short span, %.1f MiB after %.0f day(s)\n",
      days, rows_per_s, static_cast<double>(bytes) / 1e6, rss_short_kib / 1024.0, rss_long_kib / 1024.0, days);
  say(options, "a year at 10 s would take %.1f s\n", 365 * kDay_s / 10 / rows_per_s);

  const auto tle_file = options.work_dir / "profile-iss.tle";
  write_tle_file({*iss}, tle_file);
  std::string why;
  const auto peer = run_satellite_js(
      {options.source_dir / "tests/perf/satellitejs", tle_file, kSgp4StepMin, kSgp4Steps, options.quick ? 0.2 : 1.0}, why);
  if (!peer) {
    result.note = "peer unavailable: " + why;
    return result;
  }
  // The peer only propagates; a profile row also has the Sun, shadow, heat, power, lab mapping
  // and its CSV text.
  const auto [build, rate] = fastest(*peer);
  say(options, "satellite.js-%s propagating the ISS alone: %.0f propagations/s\n", build.c_str(), rate.per_second);
  result.peer = "satellite.js-" + build + " propagation alone";
  result.ratio = rows_per_s / rate.per_second;
  return result;
}

}  // namespace ob::bench::perf
