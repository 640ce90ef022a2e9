#pragma once
// Two boards at 300× on a simulated lab the test started itself: board-01 (gpu 0) on psu-a CH1,
// board-02 (gpu 1) on psu-a CH2, one Espec chamber. A saboteur thread sends a fault to the lab
// once the replay run exists; the runs' judgements are read back from the database.
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "sim_campaign.hpp"
#include "sqlite_scalar.hpp"

namespace ob::test {

// Runs of `kind` begun so far (0 while the database does not exist yet).
inline int runs_begun(const std::filesystem::path& path, const std::string& kind) {
  sqlite3* db = nullptr;
  int count = 0;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    const std::string sql = "SELECT count(*) FROM runs WHERE kind = '" + kind + "'";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
      count = sqlite3_column_int(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return count;
}

struct TwoBoardBench {
  ob::fixtures::SimLab lab{sim_lab_options(300, 2)};
  TempDir dir;
  std::filesystem::path db = dir.path() / "bench.db";
  std::atomic<bool> done{false};
  std::thread saboteur;
  std::string reply;  // the lab's answer to the saboteur's first command (read after the join)

  static constexpr const char* kFullPlan =
      "plan:\n  - baseline: { chamber_c: 25, duration: 10m }\n  - replay: { orbits: 0.3 }\n"
      "  - reference: { chamber_c: 25, duration: 10m }\n";
  // A chamber that stopped regulating cannot soak a reference, and a fault left in place would
  // be found again there: these plans end with the replay.
  static constexpr const char* kNoReference = "plan:\n  - baseline: { chamber_c: 25, duration: 10m }\n  - replay: { orbits: 0.3 }\n";

  TwoBoardBench() {
    lab.start();
    const std::string station = "station: two-boards\n"
                                "instruments:\n"
                                "  psu-a: { uri: \"" + lab.psu_uri() + "\" }\n"
                                "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5, ramp_clock: profile }\n"
                                "duts:\n" +
                                sim_dut_yaml("board-01", 0, "psu-a", 1) + sim_dut_yaml("board-02", 1, "psu-a", 2);
    dir.write("station.yaml", with_sim_agent(station, lab, dir));
  }
  ~TwoBoardBench() {
    done = true;
    if (saboteur.joinable()) saboteur.join();
    lab.stop();
  }

  ob::bench::CampaignOutcome run(const std::string& extra = "", const std::string& plan = kFullPlan) {
    const auto campaign = dir.write("campaign.yaml",
                                    "campaign: bench-faults\nstation: station.yaml\norbit: { preset: starlink-550 }\n"
                                    "speed: 300\nsample_period_s: 0.05\n" + plan + extra);
    auto outcome = run_campaign_quietly(campaign, db);
    done = true;
    if (saboteur.joinable()) saboteur.join();
    return outcome;
  }

  // `command` to the lab `after_s` wall seconds into the replay (then `then`, `then_after_s` later).
  void during_replay(const std::string& command, double after_s = 1.0, const std::string& then = "", double then_after_s = 0) {
    saboteur = std::thread([this, command, after_s, then, then_after_s] {
      while (!done && runs_begun(db, "replay") < 1) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::this_thread::sleep_for(std::chrono::duration<double>(after_s));
      if (done) return;
      reply = lab.control(command);  // Boost.Test checks stay on the test's thread
      if (then.empty()) return;
      std::this_thread::sleep_for(std::chrono::duration<double>(then_after_s));
      lab.control(then);
    });
  }

  double scalar(const std::string& sql) const { return sqlite_scalar(db, sql); }

  std::string board_verdict(const std::string& board) const {
    return scalar("SELECT m.verdict = 'pass' FROM measurements m JOIN devices d ON d.id = m.device_id "
                  "WHERE m.name = 'verdict' AND d.name = '" + board + "' ORDER BY m.id DESC LIMIT 1") == 1
               ? "pass"
               : "fail";
  }
};

}  // namespace ob::test
