#include "bench/perf/synthetic_campaign.hpp"

#include <cmath>

#include "db/run_aggregates.hpp"
#include "db/statement.hpp"

namespace ob::bench::perf {
namespace {

constexpr int kBoards = kSyntheticBoards;
constexpr int kReplayRuns = kSyntheticReplayRuns;
constexpr double kStepS = 30;
constexpr double kOrbitS = 5700;
constexpr double kEclipseS = 2000;
// Per tick: each board's tflops, temperature, power and clock-event reasons, and the illumination.
constexpr int kSamplesPerTick = kBoards * 4 + 1;
void add_devices(const db::Connection& db, const std::string& station) {
  db::Statement campaign(db, "INSERT INTO campaigns (id, name, station, started_unix_s) VALUES (1, 'big', ?1, 0)");
  campaign.bind(1, station);
  campaign.run();
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
std::vector<std::int64_t> build(const db::Connection& db, std::int64_t samples, const std::string& station) {
  db.exec("PRAGMA synchronous = OFF");
  add_devices(db, station);
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

}  // namespace

std::vector<std::int64_t> build_synthetic_campaign(const db::Connection& db, std::int64_t samples, const std::string& station) {
  auto runs = build(db, samples, station);
  db.exec("BEGIN");
  for (const auto run : runs) db::aggregate_run(db, run);
  db.exec("COMMIT");
  return runs;
}

}  // namespace ob::bench::perf
