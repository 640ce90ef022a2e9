// The GPU board's own readbacks (issue 15): the power cap it enforces against the one commanded,
// and a workload that should run but reports no throughput. The simulated agent's
// `cap-ignored` and `stall` faults make each happen on one board during the replay; the board
// is named in a board_fault (event and measurement), its verdict fails, the other's passes.
#include <sqlite3.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

// Runs of `kind` begun so far (0 while the database does not exist yet).
int runs_begun(const std::filesystem::path& path, const std::string& kind) {
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

// Two boards at 300×: board-01 (gpu 0) on psu-a CH1, board-02 (gpu 1) on psu-a CH2, one Espec
// chamber.
struct TwoBoardBench {
  ob::fixtures::SimLab lab{ob::test::sim_lab_options(300, 2)};
  ob::test::TempDir dir;
  std::filesystem::path db = dir.path() / "bench.db";
  std::atomic<bool> done{false};
  std::thread saboteur;
  std::string reply;  // the lab's answer to the saboteur's command (read after the join)

  TwoBoardBench() {
    lab.start();
    const std::string station = "station: two-boards\n"
                                "instruments:\n"
                                "  psu-a: { uri: \"" + lab.psu_uri() + "\" }\n"
                                "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5, ramp_clock: profile }\n"
                                "duts:\n" +
                                ob::test::sim_dut_yaml("board-01", 0, "psu-a", 1) + ob::test::sim_dut_yaml("board-02", 1, "psu-a", 2);
    dir.write("station.yaml", ob::test::with_sim_agent(station, lab, dir));
  }
  ~TwoBoardBench() {
    done = true;
    if (saboteur.joinable()) saboteur.join();
    lab.stop();
  }

  // starlink-550 starts at the eclipse's entry: the cap falls from 30 W to 15 W within the
  // replay's first 40 profile seconds (0.13 s at 300×) and rises again at ~2075 s (6.9 s); half
  // an orbit is 2868 s (9.6 s), long enough for both transitions and for a stall of more than
  // 5 wall seconds begun 1 s in. No reference: a fault left in place would be found again there.
  static constexpr const char* kPlan =
      "plan:\n  - baseline: { chamber_c: 25, duration: 10m }\n  - replay: { orbits: 0.5 }\n";

  ob::bench::CampaignOutcome run() {
    const auto campaign = dir.write("campaign.yaml",
                                    "campaign: board-readbacks\nstation: station.yaml\norbit: { preset: starlink-550 }\n"
                                    "speed: 300\nsample_period_s: 0.05\n" + std::string(kPlan));
    auto outcome = ob::test::run_campaign_quietly(campaign, db);
    done = true;
    if (saboteur.joinable()) saboteur.join();
    return outcome;
  }

  // `command` to the lab `after_s` wall seconds after the replay run exists.
  void during_replay(const std::string& command, double after_s) {
    saboteur = std::thread([this, command, after_s] {
      while (!done && runs_begun(db, "replay") < 1) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::this_thread::sleep_for(std::chrono::duration<double>(after_s));
      if (done) return;
      reply = lab.control(command);  // Boost.Test checks stay on the test's thread
    });
  }

  std::string board_verdict(const std::string& board) {
    return scalar(db, "SELECT m.verdict = 'pass' FROM measurements m JOIN devices d ON d.id = m.device_id "
                      "WHERE m.name = 'verdict' AND d.name = '" + board + "' ORDER BY m.id DESC LIMIT 1") == 1
               ? "pass"
               : "fail";
  }

  // board_fault events (error) / measurements (fail) of `board`, in runs of `kind` ('%': any).
  double fault_events(const std::string& board, const std::string& kind = "%", const std::string& like = "%") {
    return scalar(db, "SELECT count(*) FROM events e JOIN devices d ON d.id = e.device_id JOIN runs r ON r.id = e.run_id "
                      "WHERE e.kind = 'board_fault' AND e.severity = 'error' AND d.name = '" + board +
                      "' AND r.kind LIKE '" + kind + "' AND e.message LIKE '" + like + "'");
  }
  double fault_measurements(const std::string& board, const std::string& kind = "%") {
    return scalar(db, "SELECT count(*) FROM measurements m JOIN devices d ON d.id = m.device_id JOIN runs r ON r.id = m.run_id "
                      "WHERE m.name = 'board_fault' AND m.verdict = 'fail' AND d.name = '" + board + "' AND r.kind LIKE '" +
                      kind + "'");
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_stalled_workload_is_a_board_fault_of_that_board_only, TwoBoardBench) {
  during_replay("fault agent stall 1", 1.0);
  const auto outcome = run();
  BOOST_TEST_MESSAGE(outcome.verdict_summary);
  BOOST_TEST(reply == "OK");
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(!outcome.verdicts_pass);  // exit 4
  BOOST_TEST(outcome.verdict_summary.find("board-02: workload reported no throughput") != std::string::npos,
             outcome.verdict_summary);
  BOOST_TEST(outcome.verdict_summary.find("board-01") == std::string::npos, outcome.verdict_summary);
  BOOST_TEST(fault_events("board-02", "replay", "board-02: workload reported no throughput for %workload running%") == 1);
  BOOST_TEST(fault_measurements("board-02", "replay") == 1);
  BOOST_TEST(fault_events("board-02") == 1);  // once: not in the baseline
  BOOST_TEST(fault_events("board-01") == 0);
  BOOST_TEST(fault_measurements("board-01") == 0);
  BOOST_TEST(board_verdict("board-01") == "pass");
  BOOST_TEST(board_verdict("board-02") == "fail");
  // The fixture did what it says: running, no throughput, idle power.
  const auto stalled = lab.snapshot().boards.at(1);
  BOOST_TEST(stalled.stalled);
  BOOST_TEST(stalled.tflops == 0.0);
}

BOOST_FIXTURE_TEST_CASE(a_cap_the_board_does_not_enforce_is_a_board_fault, TwoBoardBench) {
  during_replay("fault agent cap-ignored 0", 0.0);
  const auto outcome = run();
  BOOST_TEST_MESSAGE(outcome.verdict_summary);
  BOOST_TEST(reply == "OK");
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(!outcome.verdicts_pass);
  BOOST_TEST(outcome.verdict_summary.find("board-01: power cap ") != std::string::npos, outcome.verdict_summary);
  BOOST_TEST(outcome.verdict_summary.find(" W commanded (replay 1/1)") != std::string::npos, outcome.verdict_summary);
  BOOST_TEST(outcome.verdict_summary.find("board-02") == std::string::npos, outcome.verdict_summary);
  BOOST_TEST(fault_events("board-01", "replay", "board-01: power cap % W enforced, % W commanded (replay 1/1)") == 1);
  BOOST_TEST(fault_measurements("board-01", "replay") == 1);
  BOOST_TEST(fault_events("board-01") == 1);  // once per run, though it never recovers
  BOOST_TEST(fault_events("board-02") == 0);
  BOOST_TEST(fault_measurements("board-02") == 0);
  BOOST_TEST(board_verdict("board-02") == "pass");
  BOOST_TEST(board_verdict("board-01") == "fail");
  BOOST_TEST(lab.snapshot().boards.at(0).cap_ignored);
}
