// query: the degradation summary (`orbitbench query degradation`: per board reference vs
// baseline, throughput by orbital phase and temperature bin, TFLOP/J, throttle seconds, SDC/ECC,
// verdict) on a 100-million-sample database (quick: 1 million), read from the aggregates the
// recorder folds once per run (run_bins, run_counters), against its peer: the same per-board
// figures by scanning the samples in SQL, in the same run. Both must give the same figures.
// With --work-dir the database is kept and reused by the next run (its build is reported apart).
#include <chrono>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/perf/perf_suite.hpp"
#include "db/analyses.hpp"
#include "db/database.hpp"
#include "db/read_only_sql.hpp"
#include "db/run_aggregates.hpp"
#include "db/statement.hpp"

namespace ob::bench::perf {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kBoards = 8;
constexpr int kReplayRuns = 10;
constexpr int kRepeats = 5;
constexpr double kStepS = 30;
constexpr double kOrbitS = 5700;
constexpr double kEclipseS = 2000;
// Per tick: each board's tflops, temperature, power and clock-event reasons, and the illumination.
constexpr int kSamplesPerTick = kBoards * 4 + 1;
constexpr double kSameFigureTolerance = 1e-3;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void add_devices(const db::Connection& db) {
  db.exec("INSERT INTO campaigns (id, name, station, started_unix_s) VALUES (1, 'big', 'perf', 0)");
  db.exec("INSERT INTO devices (id, campaign_id, name, kind) VALUES (100, 1, 'profile', 'profile')");
  db.exec("INSERT INTO channels (id, device_id, name, unit) VALUES (1000, 100, 'illumination', '1')");
  const char* names[] = {"tflops", "gpu_temp_c", "power_w", "clock_event_reasons"};
  for (int b = 0; b < kBoards; ++b) {
    db.exec("INSERT INTO devices (id, campaign_id, name, kind, firmware) VALUES (" + std::to_string(b + 1) + ", 1, 'board-" +
            std::to_string(b + 1) + "', 'gpu', 'fw-" + std::to_string(b % 2) + "')");
    for (int c = 0; c < 4; ++c) {
      db.exec("INSERT INTO channels (id, device_id, name, unit) VALUES (" + std::to_string((b + 1) * 10 + c) + ", " +
              std::to_string(b + 1) + ", '" + names[c] + "', '')");
    }
  }
}

// One campaign: baseline, kReplayRuns orbit replays, reference; boards whose throughput falls
// with temperature, and eclipses every orbit. Returns the run ids.
std::vector<std::int64_t> build(const db::Connection& db, std::int64_t samples) {
  db.exec("PRAGMA synchronous = OFF");
  add_devices(db);
  std::vector<std::int64_t> runs;
  const int run_count = kReplayRuns + 2;
  const std::int64_t ticks_per_run = samples / kSamplesPerTick / run_count;
  db::Statement insert(db, "INSERT INTO samples (run_id, channel_id, t_s, wall_unix_s, value) VALUES (?1, ?2, ?3, ?4, ?5)");
  for (int r = 0; r < run_count; ++r) {
    const std::int64_t run_id = r + 1;
    const std::string kind = r == 0 ? "baseline" : r == run_count - 1 ? "reference" : "replay";
    db.exec("INSERT INTO runs (id, campaign_id, kind, ordinal, status, started_unix_s) VALUES (" + std::to_string(run_id) + ", 1, '" +
            kind + "', " + std::to_string(r) + ", 'completed', 0)");
    runs.push_back(run_id);
    db.exec("BEGIN");
    auto add = [&](std::int64_t channel, double t, double value) {
      insert.bind_all(run_id, channel, t, t, value);
      insert.run();
      insert.reset();
    };
    const bool replay = kind == "replay";
    for (std::int64_t tick = 0; tick < ticks_per_run; ++tick) {
      const double t = static_cast<double>(tick) * kStepS;
      const bool dark = replay && std::fmod(t, kOrbitS) < kEclipseS;
      if (replay) add(1000, t, dark ? 0.0 : 1.0);
      for (int b = 0; b < kBoards; ++b) {
        const double power = dark ? 15 : 30;
        const double temp = 40 + power + b + std::fmod(t, 600) / 100;
        add((b + 1) * 10 + 0, t, 40 * std::pow(power / 30, 0.7) * (1 - 0.0006 * (temp - 45)));
        add((b + 1) * 10 + 1, t, temp);
        add((b + 1) * 10 + 2, t, power);
        add((b + 1) * 10 + 3, t, dark ? 4 : 0);
      }
    }
    db.exec("COMMIT");
  }
  return runs;
}

// The peer: the same per-board figures by scanning the samples, as one would without aggregates.
constexpr const char* kScanSql = R"sql(
SELECT d.name,
  avg(CASE WHEN r.kind = 'baseline' THEN s.value END),
  avg(CASE WHEN r.kind = 'reference' THEN s.value END),
  avg(CASE WHEN r.kind = 'replay' AND il.value >= 0.999 THEN s.value END),
  avg(CASE WHEN r.kind = 'replay' AND il.value <= 0.001 THEN s.value END)
FROM samples s JOIN runs r ON r.id = s.run_id JOIN channels ch ON ch.id = s.channel_id AND ch.name = 'tflops'
JOIN devices d ON d.id = ch.device_id
LEFT JOIN samples il ON il.run_id = s.run_id AND il.channel_id = 1000 AND il.t_s = s.t_s
GROUP BY d.id ORDER BY d.name
)sql";

bool same(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return std::fabs(std::stod(*a) - std::stod(*b)) <= kSameFigureTolerance * std::max(1.0, std::fabs(std::stod(*b)));
}

// Which figure differs between the aggregates' summary and the scan ("" when none).
std::string first_difference(const db::ResultSet& ours, const db::ResultSet& scan) {
  if (ours.rows.size() != static_cast<std::size_t>(kBoards) || scan.rows.size() != static_cast<std::size_t>(kBoards)) {
    return "board count " + std::to_string(ours.rows.size()) + " vs " + std::to_string(scan.rows.size());
  }
  // ours: name, baseline, reference, …, sunlit (5), …, eclipse (7); scan: name, baseline, reference, sunlit, eclipse.
  const std::pair<std::size_t, std::size_t> pairs[] = {{2, 1}, {3, 2}, {5, 3}, {7, 4}};
  for (std::size_t b = 0; b < ours.rows.size(); ++b) {
    const auto& mine = ours.rows[b];
    const auto& theirs = scan.rows[b];
    if (mine[1] != theirs[0]) return "board order";
    for (const auto& [m, t] : pairs) {
      if (!same(mine[m], theirs[t])) return *mine[1] + " column " + ours.columns[m];
    }
  }
  return "";
}

}  // namespace

PerfResult perf_query(const PerfOptions& options) {
  const std::int64_t wanted = options.quick ? 1'000'000 : 100'000'000;
  const auto path = options.work_dir / ("query-" + std::to_string(wanted) + ".db");
  const auto done_marker = path.string() + ".folded";
  if (std::filesystem::exists(done_marker)) {
    say(options, "database: reusing %s\n", path.c_str());
  } else {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    const auto db = db::Connection::open_for_writing(path);
    auto start = Clock::now();
    const auto runs = build(db, wanted);
    const double build_s = seconds_since(start);
    start = Clock::now();
    db.exec("BEGIN");
    for (const auto run : runs) db::aggregate_run(db, run);
    db.exec("COMMIT");
    const double fold_s = seconds_since(start);
    say(options, "database: %lld samples (%d boards, %d runs) written in %.1f s; runs folded in %.1f s (%.0f samples/s, what the recorder does once per run)\n",
        static_cast<long long>(wanted), kBoards, kReplayRuns + 2, build_s, fold_s, static_cast<double>(wanted) / fold_s);
    std::ofstream(done_marker) << "folded\n";
  }
  const auto db = db::Connection::open_read_only(path);
  std::vector<double> query_s;
  std::vector<db::ResultSet> figures;
  for (int i = 0; i < kRepeats; ++i) {
    const auto start = Clock::now();
    figures = db::query_degradation_figures(db, {});
    query_s.push_back(seconds_since(start));
  }
  const auto start = Clock::now();
  const auto scan = db::run_query(db, kScanSql, {});
  const double scan_s = seconds_since(start);
  const double ours_s = median(query_s);
  say(options, "degradation summary from the aggregates: median %.2f ms of %d; the same figures by scanning the samples: %.2f s\n",
      ours_s * 1e3, kRepeats, scan_s);
  PerfResult result{"query", ours_s * 1e3, "ms", "full-scan SQL", scan_s / ours_s, "", true};
  const auto difference = first_difference(figures.at(0), scan);
  if (!difference.empty()) {
    result.ok = false;
    result.note = "the aggregates and the scan disagree: " + difference;
  }
  char size[64];
  std::snprintf(size, sizeof size, "%.0f million samples", static_cast<double>(wanted) / 1e6);
  if (result.note.empty()) result.note = size;
  return result;
}

}  // namespace ob::bench::perf
