// Benchmark: the degradation summary on a big database, from the aggregates kept while recording
// (run_bins, run_counters) vs its peer, the same figures computed by scanning the samples, in the
// same run. ORBITBENCH_PERF_QUERY_SAMPLES sets the size (default 10 million; the documented run
// uses 100 million). Reports the time to build the database, to fold its runs (what the
// recorder does once per run), and the medians of the query; asserts only that both ways give
// the same figures.
#include <sqlite3.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../support/temp_dir.hpp"
#include "db/analyses.hpp"
#include "db/database.hpp"
#include "db/run_aggregates.hpp"
#include "db/statement.hpp"

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

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::int64_t samples_wanted() {
  if (const char* text = std::getenv("ORBITBENCH_PERF_QUERY_SAMPLES")) return std::max(1000LL, std::atoll(text));
  return 10'000'000;
}

struct Layout {
  std::vector<std::int64_t> runs;
};

// One campaign: baseline, kReplayRuns orbit replays, reference; boards whose throughput falls
// with temperature, and eclipses every orbit.
Layout build(const ob::db::Connection& db, std::int64_t samples) {
  Layout layout;
  db.exec("PRAGMA synchronous = OFF");
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
  const int run_count = kReplayRuns + 2;
  const std::int64_t ticks_per_run = samples / kSamplesPerTick / run_count;
  ob::db::Statement insert(db, "INSERT INTO samples (run_id, channel_id, t_s, wall_unix_s, value) VALUES (?1, ?2, ?3, ?4, ?5)");
  for (int r = 0; r < run_count; ++r) {
    const std::int64_t run_id = r + 1;
    const char* kind = r == 0 ? "baseline" : r == run_count - 1 ? "reference" : "replay";
    db.exec("INSERT INTO runs (id, campaign_id, kind, ordinal, status, started_unix_s) VALUES (" + std::to_string(run_id) +
            ", 1, '" + kind + "', " + std::to_string(r) + ", 'completed', 0)");
    layout.runs.push_back(run_id);
    db.exec("BEGIN");
    auto add = [&](std::int64_t channel, double t, double value) {
      insert.bind(1, run_id);
      insert.bind(2, channel);
      insert.bind(3, t);
      insert.bind(4, t);
      insert.bind(5, value);
      insert.run();
      insert.reset();
    };
    const bool replay = std::string(kind) == "replay";
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
  return layout;
}

// The peer: the same per-board figures by scanning the samples (sample_view), as one would
// without aggregates.
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

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

BOOST_AUTO_TEST_CASE(degradation_summary_on_a_big_database) {
  const std::int64_t wanted = samples_wanted();
  ob::test::TempDir dir;
  const auto path = dir.path() / "big.db";
  double build_s = 0;
  double fold_s = 0;
  {
    const auto db = ob::db::Connection::open_for_writing(path);
    auto start = Clock::now();
    const auto layout = build(db, wanted);
    build_s = seconds_since(start);
    start = Clock::now();
    db.exec("BEGIN");
    for (const auto run : layout.runs) ob::db::aggregate_run(db, run);
    db.exec("COMMIT");
    fold_s = seconds_since(start);
  }
  const auto db = ob::db::Connection::open_read_only(path);
  const double samples = [&] {
    ob::db::Statement count(db, "SELECT count(*) FROM samples");
    count.step();
    return static_cast<double>(count.column_int64(0));
  }();

  std::vector<double> query_s;
  std::vector<ob::db::ResultSet> figures;
  for (int i = 0; i < kRepeats; ++i) {
    const auto start = Clock::now();
    figures = ob::db::query_degradation_figures(db, {});
    query_s.push_back(seconds_since(start));
  }
  auto start = Clock::now();
  const auto scan = ob::db::run_query(db, kScanSql, {});
  const double scan_s = seconds_since(start);

  // Both ways, the same figures.
  BOOST_REQUIRE(figures[0].rows.size() == static_cast<std::size_t>(kBoards));
  BOOST_REQUIRE(scan.rows.size() == static_cast<std::size_t>(kBoards));
  for (int b = 0; b < kBoards; ++b) {
    const auto& ours = figures[0].rows[static_cast<std::size_t>(b)];
    const auto& theirs = scan.rows[static_cast<std::size_t>(b)];
    BOOST_TEST(*ours[1] == *theirs[0]);
    BOOST_TEST(std::stod(*ours[2]) == std::stod(*theirs[1]), boost::test_tools::tolerance(1e-3));  // baseline
    BOOST_TEST(std::stod(*ours[3]) == std::stod(*theirs[2]), boost::test_tools::tolerance(1e-3));  // reference
    BOOST_TEST(std::stod(*ours[5]) == std::stod(*theirs[3]), boost::test_tools::tolerance(1e-3));  // sunlit
    BOOST_TEST(std::stod(*ours[7]) == std::stod(*theirs[4]), boost::test_tools::tolerance(1e-3));  // eclipse
  }
  const double query_median_s = median(query_s);
  std::printf("database: %.0f samples (%d boards, %d runs), built in %.1f s; runs folded in %.1f s (%.0f samples/s)\n", samples,
              kBoards, kReplayRuns + 2, build_s, fold_s, samples / fold_s);
  std::printf("degradation summary from the aggregates: median %.1f ms of %d; the same figures by scanning the samples: %.2f s\n",
              query_median_s * 1e3, kRepeats, scan_s);
  std::printf("query: %.1f ms for %.0f samples; ratio vs full-scan SQL %.0f\n", query_median_s * 1e3, samples, scan_s / query_median_s);
}
