// memory: the controller's memory over a 30-day campaign replayed at high speed. `orbitbench run`
// runs as a child process (the controller alone: the simulated lab is another child, `orbitbench
// lab`, reached over loopback) on a generated station — two DP832s feeding three GPU boards, an
// Espec chamber, an iiod with each board's rail monitor and thermocouple — and campaign: a
// baseline, 30 days of a 550 km orbit with a reference check every 15 orbits (about daily), a
// final reference, limits and interlocks as a qualification campaign has them. Its VmRSS is read
// from /proc/PID/status every 0.5 s; the replay's start and end come from the database's runs.
// Reported: RSS at the replay's start and end, and the growth per simulated day, a least-squares
// slope over the replay's second half (after the caches that fill once have filled). No peer.
//
// The campaign speed is the most a campaign accepts (campaign_config.cpp: 10 000), so 30 days
// take about 260 s; --quick replays 18 hours (about 6.5 s).
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench/perf/child_process.hpp"
#include "bench/perf/lab_process.hpp"
#include "bench/perf/perf_suite.hpp"
#include "db/database.hpp"
#include "db/statement.hpp"

namespace ob::bench::perf {
namespace {

constexpr double kSpeed = 10000;
constexpr double kFullDays = 30;
constexpr double kQuickDays = 0.75;
constexpr double kSecondsPerDay = 86400;
constexpr auto kSamplePeriod = std::chrono::milliseconds(500);
constexpr int kBoards = 3;
// The campaign takes its replay time plus setup; past this something is stuck.
constexpr double kTimeoutMarginS = 120;
// Flat: the second half's slope, projected over the whole campaign, stays under this.
constexpr double kFlatGrowthMib = 1;
constexpr int kExitOk = 0;
constexpr int kExitVerdictFailed = 4;

struct RssSample {
  double unix_s = 0;
  double rss_mib = 0;
  double lab_rss_mib = 0;
};

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The quick campaign's bench (examples/quick-station.yaml): boards 1 and 2 on the first DP832's
// 12 V channels, board 3 on a second DP832 (CH3 is a 5 V output).
std::string lab_file() {
  return "speed " + std::to_string(kSpeed) +
         "\ninstrument psu dp832\ninstrument psu-b dp832\ninstrument chamber espec-p300\ninstrument agent agent\n"
         "instrument sensors iiod\nboard psu:1 chamber\nboard psu:2 chamber\nboard psu-b:1 chamber\n";
}

std::string station_yaml(const LabProcess& lab) {
  std::string text =
      "station: perf-memory\n"
      "instruments:\n"
      "  psu-a: { uri: \"" + lab.uri("psu") + "\", model: DP832 }\n"
      "  psu-b: { uri: \"" + lab.uri("psu-b") + "\", model: DP832 }\n"
      "  chamber: { uri: \"" + lab.uri("chamber") + "\", max_ramp_c_per_min: 5, ramp_clock: profile, min_temp_c: -40, max_temp_c: 85 }\n"
      "  sensors: { uri: \"" + lab.uri("sensors") + "\" }\n"
      "duts:\n";
  for (int b = 0; b < kBoards; ++b) {
    const std::string n = std::to_string(b);
    text += "  board-0" + std::to_string(b + 1) + ":\n"
            "    agent: \"" + lab.uri("agent") + "?gpu=" + n + "&secret_file=" + lab.secret_file().string() + "\"\n"
            "    supply: { instrument: " + (b < 2 ? "psu-a, channel: " + std::to_string(b + 1) : std::string("psu-b, channel: 1")) +
            ", voltage_v: 12.0, max_voltage_v: 12.6, max_current_a: 3.0 }\n"
            "    limits: { board_temp_c: 90 }\n"
            "    sensors:\n"
            "      heatsink_temp_c: { channel: board" + n + "-thermocouple/temp, max: 88 }\n"
            "      rail_voltage_v: board" + n + "-rail/voltage1\n"
            "      rail_power_w: { channel: board" + n + "-rail/power2, max: 40 }\n";
  }
  return text;
}

std::string campaign_yaml(double days) {
  char text[1024];
  std::snprintf(text, sizeof text,
                "campaign: perf-memory\n"
                "station: memory-station.yaml\n"
                "orbit: { preset: starlink-550, start: 2026-12-01T00:00:00Z }\n"
                "spacecraft: { gpu_budget_sunlit_w: 700, gpu_budget_eclipse_w: 350 }\n"
                "workload: { kind: gemm, dtype: bf16, size: 8192 }\n"
                "speed: %g\n"
                "sample_period_s: 0.1\n"
                "plan:\n"
                "  - baseline: { chamber_c: 25, duration: 20m }\n"
                "  - replay: { duration: %.0fs, reference_every: 15 }\n"
                "  - reference: { chamber_c: 25, duration: 20m }\n"
                "limits:\n"
                "  throughput_degradation_pct: { max: 3 }\n"
                "  sdc_count: { max: 0 }\n"
                "  ecc_uncorrected: { max: 0 }\n"
                "interlocks:\n"
                "  rail_over_current: { channel: supply_current_a, above: 2.9 }\n"
                "  chamber_runaway: { channel: chamber.deviation_c, above: 10, for: 30m }\n",
                kSpeed, days * kSecondsPerDay);
  return text;
}

struct ReplaySpan {
  double start_unix_s = 0;
  double end_unix_s = 0;
  int replay_runs = 0;
  int runs = 0;
  std::int64_t samples = 0;
};

ReplaySpan replay_span(const std::filesystem::path& path) {
  const auto db = db::Connection::open_read_only(path);
  db::Statement query(db,
                      "SELECT min(CASE WHEN kind = 'replay' THEN started_unix_s END), "
                      "max(CASE WHEN kind = 'replay' THEN ended_unix_s END), "
                      "sum(kind = 'replay'), count(*), (SELECT count(*) FROM samples) FROM runs");
  if (!query.step() || query.is_null(0) || query.is_null(1)) throw std::runtime_error(path.string() + ": no finished replay run");
  return {query.column_double(0), query.column_double(1), static_cast<int>(query.column_int64(2)),
          static_cast<int>(query.column_int64(3)), query.column_int64(4)};
}

// Least-squares slope of y over x.
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  double mean_x = 0, mean_y = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mean_x += x[i] / n;
    mean_y += y[i] / n;
  }
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mean_x) * (y[i] - mean_y);
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
  }
  return sxx > 0 ? sxy / sxx : 0;
}

}  // namespace

PerfResult perf_memory(const PerfOptions& options) {
  const double days = options.quick ? kQuickDays : kFullDays;
  const auto& dir = options.work_dir;
  const auto db_path = dir / "memory.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path.string() + suffix);

  LabProcessOptions lab_options;
  lab_options.tag = "memory";
  lab_options.config_text = lab_file();
  LabProcess lab(options, lab_options);
  write_text_file(dir / "memory-station.yaml", station_yaml(lab));
  const auto campaign = dir / "memory-campaign.yaml";
  write_text_file(campaign, campaign_yaml(days));

  ChildProcess controller({options.orbitbench_exe.string(), "run", campaign.string(), "--db", db_path.string(), "--quiet"},
                          dir / "memory-run.out", dir / "memory-run.err");
  say(options, "orbitbench run (pid %d): %g days of a 550 km orbit at %g× (≈ %.0f s), 3 boards, 2 supplies, a chamber, an iiod; lab in another child (pid %d); VmRSS every %lld ms\n",
      static_cast<int>(controller.pid()), days, kSpeed, days * kSecondsPerDay / kSpeed, static_cast<int>(lab.process().pid()),
      static_cast<long long>(kSamplePeriod.count()));

  std::vector<RssSample> samples;
  const double deadline_unix_s = unix_now_s() + days * kSecondsPerDay / kSpeed + kTimeoutMarginS;
  std::optional<int> exit_code;
  for (;;) {
    const auto memory = process_memory(controller.pid());
    exit_code = controller.exit_code();
    if (exit_code) break;
    if (memory) {
      const auto lab_memory = process_memory(lab.process().pid());
      samples.push_back({unix_now_s(), memory->rss_mib, lab_memory ? lab_memory->rss_mib : 0});
    }
    if (unix_now_s() > deadline_unix_s) {
      controller.stop();
      throw std::runtime_error("`" + controller.command_line() + "` still running after " +
                               std::to_string(static_cast<int>(days * kSecondsPerDay / kSpeed + kTimeoutMarginS)) + " s");
    }
    std::this_thread::sleep_for(kSamplePeriod);
  }
  if (*exit_code != kExitOk && *exit_code != kExitVerdictFailed) {
    throw std::runtime_error("`" + controller.command_line() + "` exited " + std::to_string(*exit_code) + ": " +
                             controller.stdout_tail() + " | " + controller.stderr_tail());
  }

  const auto span = replay_span(db_path);
  {
    std::ofstream csv(dir / "memory-rss.csv");
    csv << "unix_s,simulated_day,rss_mib,lab_rss_mib\n";
    for (const auto& sample : samples) {
      csv << std::fixed << sample.unix_s << "," << (sample.unix_s - span.start_unix_s) * kSpeed / kSecondsPerDay << ","
          << sample.rss_mib << "," << sample.lab_rss_mib << "\n";
    }
  }
  std::vector<RssSample> replay;
  for (const auto& sample : samples) {
    if (sample.unix_s >= span.start_unix_s && sample.unix_s <= span.end_unix_s) replay.push_back(sample);
  }
  constexpr std::size_t kMinSamples = 4;
  if (replay.size() < kMinSamples) {
    throw std::runtime_error("only " + std::to_string(replay.size()) + " RSS samples fell in the replay (" +
                             std::to_string(samples.size()) + " taken)");
  }
  std::vector<double> day, rss;
  const double replay_days = (span.end_unix_s - span.start_unix_s) * kSpeed / kSecondsPerDay;
  for (const auto& sample : replay) {
    const double d = (sample.unix_s - span.start_unix_s) * kSpeed / kSecondsPerDay;
    if (d < replay_days / 2) continue;
    day.push_back(d);
    rss.push_back(sample.rss_mib);
  }
  // RSS moves in whole pages: a slope below a byte per day is rounding noise, reported as 0.
  constexpr double kNoiseMibPerDay = 1e-6;
  double growth_mib_per_day = slope(day, rss);
  if (std::abs(growth_mib_per_day) < kNoiseMibPerDay) growth_mib_per_day = 0;
  const double start_mib = replay.front().rss_mib, end_mib = replay.back().rss_mib;
  double peak_mib = 0;
  for (const auto& sample : samples) peak_mib = std::max(peak_mib, sample.rss_mib);
  const bool flat = std::abs(growth_mib_per_day) * days <= kFlatGrowthMib;
  say(options, "replay: %.1f simulated days in %.1f s (%d replay runs of %d runs, %lld samples recorded); %zu RSS samples, %zu in the replay\n",
      replay_days, span.end_unix_s - span.start_unix_s, span.replay_runs, span.runs, static_cast<long long>(span.samples), samples.size(),
      replay.size());
  say(options, "controller RSS: %.1f MiB at the replay's start, %.1f MiB at its end (%+.1f), peak %.1f MiB; second half: %+.3f MiB per simulated day (%+.1f MiB over %g days) — %s; lab RSS %.1f → %.1f MiB\n",
      start_mib, end_mib, end_mib - start_mib, peak_mib, growth_mib_per_day, growth_mib_per_day * days, days,
      flat ? "flat" : "GROWING", replay.front().lab_rss_mib, replay.back().lab_rss_mib);
  char note[96];
  std::snprintf(note, sizeof note, "%s; RSS %.1f → %.1f MiB over %.1f days", flat ? "flat" : "growing", start_mib, end_mib, replay_days);
  return {"memory", growth_mib_per_day, "MiB per simulated day", "", std::nullopt, note, true};
}

}  // namespace ob::bench::perf
