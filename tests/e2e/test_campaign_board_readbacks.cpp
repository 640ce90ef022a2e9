// The GPU board's own readbacks (issue 15): the power cap it enforces against the one commanded,
// and a workload that should run but reports no throughput. The simulated agent's
// `cap-ignored` and `stall` faults make each happen on one board during the replay; the board
// is named in a board_fault (event and measurement), its verdict fails, the other's passes.
#include <boost/test/unit_test.hpp>

#include "../support/two_board_bench.hpp"

namespace {

// starlink-550 starts at the eclipse's entry: the cap falls from 30 W to 15 W within the
// replay's first 40 profile seconds (0.13 s at 300×) and rises again at ~2075 s (6.9 s); half
// an orbit is 2868 s (9.6 s), long enough for both transitions and for a stall of more than
// 5 wall seconds begun 1 s in. No reference: a fault left in place would be found again there.
constexpr const char* kPlan = "plan:\n  - baseline: { chamber_c: 25, duration: 10m }\n  - replay: { orbits: 0.5 }\n";

struct ReadbackBench : ob::test::TwoBoardBench {
  ob::bench::CampaignOutcome run() { return TwoBoardBench::run("", kPlan); }

  // board_fault events (error) / measurements (fail) of `board`, in runs of `kind` ('%': any).
  double fault_events(const std::string& board, const std::string& kind = "%", const std::string& like = "%") const {
    return scalar("SELECT count(*) FROM events e JOIN devices d ON d.id = e.device_id JOIN runs r ON r.id = e.run_id "
                  "WHERE e.kind = 'board_fault' AND e.severity = 'error' AND d.name = '" + board +
                  "' AND r.kind LIKE '" + kind + "' AND e.message LIKE '" + like + "'");
  }
  double fault_measurements(const std::string& board, const std::string& kind = "%") const {
    return scalar("SELECT count(*) FROM measurements m JOIN devices d ON d.id = m.device_id JOIN runs r ON r.id = m.run_id "
                  "WHERE m.name = 'board_fault' AND m.verdict = 'fail' AND d.name = '" + board + "' AND r.kind LIKE '" +
                  kind + "'");
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_stalled_workload_is_a_board_fault_of_that_board_only, ReadbackBench) {
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

BOOST_FIXTURE_TEST_CASE(a_cap_the_board_does_not_enforce_is_a_board_fault, ReadbackBench) {
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
