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
#include "bench/perf/synthetic_campaign.hpp"
#include "db/analyses.hpp"
#include "db/database.hpp"
#include "db/read_only_sql.hpp"
#include "db/run_aggregates.hpp"
#include "db/statement.hpp"

namespace ob::bench::perf {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kBoards = kSyntheticBoards;
constexpr int kReplayRuns = kSyntheticReplayRuns;
constexpr int kRepeats = 5;
constexpr double kSameFigureTolerance = 1e-3;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

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
    const auto start = Clock::now();
    build_synthetic_campaign(db, wanted);
    const double build_s = seconds_since(start);
    say(options, "database: %lld samples (%d boards, %d runs) written and folded into their aggregates in %.1f s\n",
        static_cast<long long>(wanted), kBoards, kReplayRuns + 2, build_s);
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
