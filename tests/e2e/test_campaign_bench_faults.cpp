// A verdict is a claim about the bench: PASS only when the readbacks show every instrument did
// what it was told. A supply that trips or switches off, a chamber that raises an alarm, sticks
// or leaves closed-loop control — each is caught from the instruments' own reports and named in
// the verdict (issue 15).
#include <boost/test/unit_test.hpp>

#include "../support/two_board_bench.hpp"

namespace {

using ob::test::TwoBoardBench;

}  // namespace

BOOST_FIXTURE_TEST_CASE(an_ocp_trip_isolates_its_board_names_the_cause_and_the_other_finishes, TwoBoardBench) {
  during_replay("fault psu trip ocp 2");
  const auto outcome = run();
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(!outcome.verdicts_pass);  // exit 4
  BOOST_TEST(outcome.verdict_summary.find("board-02: psu-a CH2 OCP tripped at t=") != std::string::npos, outcome.verdict_summary);
  BOOST_TEST(outcome.verdict_summary.find("board-01") == std::string::npos, outcome.verdict_summary);
  BOOST_TEST(board_verdict("board-01") == "pass");
  BOOST_TEST(board_verdict("board-02") == "fail");
  BOOST_TEST(scalar("SELECT count(*) FROM events WHERE kind = 'supply_fault' AND severity = 'error' "
                        "AND message LIKE 'board-02: psu-a CH2 OCP tripped%'") == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM measurements m JOIN devices d ON d.id = m.device_id "
                        "WHERE m.name = 'supply_fault' AND m.verdict = 'fail' AND d.name = 'board-02'") == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM events WHERE kind = 'isolate' AND message LIKE 'board-02 isolated%'") == 1);
  // board-01 went on to the end: its reference was measured.
  BOOST_TEST(scalar("SELECT count(*) FROM measurements m JOIN devices d ON d.id = m.device_id JOIN runs r ON r.id = m.run_id "
                        "WHERE r.kind = 'reference' AND m.name = 'tflops_mean' AND d.name = 'board-01'") == 1);
  BOOST_TEST(!lab.snapshot().boards.at(1).workload_running);
}

BOOST_FIXTURE_TEST_CASE(an_ovp_trip_is_caught_from_the_protection_query, TwoBoardBench) {
  during_replay("fault psu trip ovp 1");
  const auto outcome = run();
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(!outcome.verdicts_pass);
  BOOST_TEST(outcome.verdict_summary.find("board-01: psu-a CH1 OVP tripped at t=") != std::string::npos, outcome.verdict_summary);
  BOOST_TEST(board_verdict("board-02") == "pass");
  // The runner asked the DP832 itself (:OUTP:OVP:QUES?), not only saw a dark channel.
  BOOST_TEST(scalar("SELECT count(*) FROM events WHERE kind = 'supply_fault' AND message LIKE '%CH1 OVP tripped%'") == 1);
}

BOOST_FIXTURE_TEST_CASE(a_chamber_alarm_aborts_into_the_safe_state_by_default, TwoBoardBench) {
  during_replay("fault chamber alarm 7");
  const auto outcome = run();
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "aborted", outcome.reason);  // exit 3
  BOOST_TEST(outcome.reason.find("chamber alarm (7) in replay 1/1") != std::string::npos, outcome.reason);
  const auto state = lab.snapshot();
  BOOST_TEST(!state.psu[0].output_on);
  BOOST_TEST(!state.boards.at(0).workload_running);
  BOOST_TEST(!state.boards.at(1).workload_running);
  BOOST_TEST(scalar("SELECT count(*) FROM runs WHERE kind = 'reference'") == 0);
}

BOOST_FIXTURE_TEST_CASE(a_chamber_alarm_pauses_the_profile_clock_when_the_campaign_says_so, TwoBoardBench) {
  during_replay("fault chamber alarm 7", 1.0, "fault chamber clear", 1.5);
  const auto outcome = run("on_chamber_alarm: pause\n");
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(scalar("SELECT count(*) FROM events WHERE kind = 'pause' AND message LIKE 'profile clock paused%chamber alarm (7)%'") == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM events WHERE kind = 'pause' AND message LIKE 'profile clock restarted%alarms cleared'") == 1);
  // The chamber's own alarm is an event when raised and when cleared.
  BOOST_TEST(scalar("SELECT count(*) FROM events WHERE kind = 'alarm' AND severity = 'error' "
                        "AND message LIKE 'chamber raised 1 alarm(s): 7%'") == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM events WHERE kind = 'alarm' AND message = 'chamber alarms cleared'") == 1);
  // The held clock: the replay's samples stay on their grid, none lost, none duplicated.
  BOOST_TEST(scalar("SELECT count(*) = count(DISTINCT t_s) FROM samples s JOIN channels c ON c.id = s.channel_id "
                        "JOIN runs r ON r.id = s.run_id WHERE r.kind = 'replay' AND c.name = 'air_temp_c'") == 1);
}

BOOST_FIXTURE_TEST_CASE(an_alarm_that_does_not_clear_fails_the_paused_campaign, TwoBoardBench) {
  during_replay("fault chamber alarm 9");
  const auto outcome = run("on_chamber_alarm: pause\nlimits: { chamber_alarm_s: 1 }\n");
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "failed", outcome.reason);
  BOOST_TEST(outcome.reason.find("did not clear within limits.chamber_alarm_s") != std::string::npos, outcome.reason);
  BOOST_TEST(!lab.snapshot().psu[0].output_on);
}

BOOST_FIXTURE_TEST_CASE(a_stuck_chamber_fails_tracking_for_every_board, TwoBoardBench) {
  // Heating and cooling die without an alarm: the controller still says CONSTANT and its setpoint.
  during_replay("fault chamber stuck", 0.2);
  const auto outcome = run("", TwoBoardBench::kNoReference);
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(!outcome.verdicts_pass);  // exit 4
  BOOST_TEST(outcome.verdict_summary.find("chamber tracking p95") != std::string::npos, outcome.verdict_summary);
  BOOST_TEST(board_verdict("board-01") == "fail");
  BOOST_TEST(board_verdict("board-02") == "fail");
  BOOST_TEST(scalar("SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.kind = 'replay' "
                        "AND m.name = 'chamber_tracking_p95_k' AND m.verdict = 'fail' AND m.value > 2") == 1);
  // The baseline, before it stuck, tracked.
  BOOST_TEST(scalar("SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.kind = 'baseline' "
                        "AND m.name = 'chamber_tracking_p95_k' AND m.verdict = 'pass'") == 1);
}

BOOST_FIXTURE_TEST_CASE(a_reference_whose_chamber_cannot_settle_fails_with_what_still_moved, TwoBoardBench) {
  during_replay("fault chamber stuck", 0.2);
  const auto outcome = run("soak: { timeout: 20m }\n", std::string(TwoBoardBench::kNoReference) + "  - reference: { chamber_c: 40, duration: 10m }\n");
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "failed", outcome.reason);  // exit 3
  BOOST_TEST(outcome.reason.find("reference did not stabilise within soak.timeout 20m00s") != std::string::npos, outcome.reason);
  BOOST_TEST(outcome.reason.find("chamber air") != std::string::npos, outcome.reason);
  BOOST_TEST(!lab.snapshot().psu[0].output_on);
}

BOOST_FIXTURE_TEST_CASE(a_chamber_left_in_open_loop_is_an_error_and_fails_the_run, TwoBoardBench) {
  during_replay("fault chamber standby", 0.2);
  const auto outcome = run("", TwoBoardBench::kNoReference);
  BOOST_TEST(!outcome.verdicts_pass);
  BOOST_TEST(outcome.verdict_summary.find("chamber not regulating (replay 1/1)") != std::string::npos, outcome.verdict_summary);
  BOOST_TEST(scalar("SELECT count(*) FROM events WHERE kind = 'chamber_fault' AND severity = 'error' "
                        "AND message LIKE 'chamber is not regulating%replay 1/1%'") == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.kind = 'replay' "
                        "AND m.name = 'chamber_closed_loop' AND m.verdict = 'fail'") == 1);
}
