// The guardian (issue 18 item 4): `orbitbench run` SIGKILLed with its bench energised — supply
// on, chamber in constant mode, a workload running — leaves the bench safe within 2 s, as the
// simulated lab (a separate set of instruments on loopback) sees it; the guardian's event is in
// the database; and `resume` then completes the campaign. A controller that ends by itself
// (completed, or a signal) releases its guardian, which touches nothing and records nothing.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <thread>

#include "../support/orbitbench_process.hpp"
#include "../support/run_command.hpp"
#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(1);
constexpr double kGuardianBoundMs = 2000;

double count_of(const std::filesystem::path& db, const std::string& sql) {
  const auto row = ob::test::try_sqlite_row(db, sql);
  return row && !row->empty() && row->front() ? *row->front() : 0;
}

bool energised(const ob::fixtures::PhysicsSnapshot& state) {
  return state.psu[0].output_on && state.boards[0].workload_running && state.chamber.running;
}

bool safe(const ob::fixtures::PhysicsSnapshot& state) {
  for (const auto& channel : state.psu) {
    if (channel.output_on) return false;
  }
  return !state.boards[0].workload_running && !state.chamber.running;
}

struct GuardedBench : ob::test::SimBaselineBench {
  GuardedBench() : SimBaselineBench("guarded", "40m") {}

  // Starts `orbitbench run` and returns once the lab shows the bench energised and sampled.
  pid_t start_energised() {
    const pid_t child = ob::test::spawn_orbitbench({OB_ORBITBENCH_EXE, "run", "--quiet", "--db", db.string(), campaign.string()}, log);
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (!(energised(lab.snapshot()) && count_of(db, "SELECT count(*) FROM samples") > 20)) {
      if (ob::test::exit_if_ended(child) || Clock::now() > deadline) {
        ::kill(child, SIGKILL);
        ob::test::wait_exit(child);
        BOOST_FAIL("the bench was never energised:\n" << ob::test::slurp(log));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return child;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_sigkilled_controller_leaves_the_bench_safe_within_2_s_and_resume_completes, GuardedBench) {
  const pid_t child = start_energised();
  ::kill(child, SIGKILL);
  const auto killed = Clock::now();
  BOOST_TEST_REQUIRE(ob::test::wait_exit(child) == 128 + SIGKILL);
  while (!safe(lab.snapshot()) && Clock::now() - killed < std::chrono::seconds(10)) std::this_thread::sleep_for(kPoll);
  const double safe_ms = std::chrono::duration<double, std::milli>(Clock::now() - killed).count();
  BOOST_TEST_MESSAGE("SIGKILL to a safe bench (supply off, chamber standby, workload stopped), as the lab saw it: " << safe_ms
                                                                                                                << " ms");
  BOOST_TEST(safe(lab.snapshot()), ob::test::slurp(log));
  BOOST_TEST(safe_ms <= kGuardianBoundMs);

  // Its event, once it has written it (after the bench was safe).
  const std::string guardian_event =
      "SELECT count(*) FROM events WHERE kind = 'safe_state' AND severity = 'warning' AND message LIKE "
      "'guardian: the controller (pid " + std::to_string(child) + ") died without reaching its safe state; bench safed: %'";
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (count_of(db, guardian_event) < 1 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_TEST(count_of(db, guardian_event) == 1, ob::test::slurp(log));
  BOOST_TEST(count_of(db, "SELECT count(*) FROM events WHERE message LIKE 'guardian:%psu-a outputs off%chamber in standby%"
                          "board-01 workload stopped%'") == 1);

  // A resume (waiting for the guardian's lock if it is still there) completes the campaign.
  const pid_t resumed = ob::test::spawn_orbitbench({OB_ORBITBENCH_EXE, "resume", "--quiet", "--db", db.string()}, log);
  BOOST_TEST(ob::test::wait_exit(resumed) == 0, ob::test::slurp(log));
  BOOST_TEST(count_of(db, "SELECT count(*) FROM campaigns WHERE status = 'completed'") == 1);
  BOOST_TEST(safe(lab.snapshot()));
}

// The controller hands its locks to its guardian (inherited descriptors): a resume started the
// moment the controller dies waits for the guardian to finish safing instead of driving the
// bench beside it, then completes. The guardian's event comes before the resume's.
BOOST_FIXTURE_TEST_CASE(a_resume_started_at_the_kill_waits_for_the_guardian, GuardedBench) {
  const pid_t child = start_energised();
  ::kill(child, SIGKILL);
  BOOST_TEST_REQUIRE(ob::test::wait_exit(child) == 128 + SIGKILL);
  const pid_t resumed = ob::test::spawn_orbitbench({OB_ORBITBENCH_EXE, "resume", "--quiet", "--db", db.string()}, log);
  const int code = ob::test::wait_exit(resumed);
  BOOST_TEST(code == 0, "exit " << code << ": " << ob::test::slurp(log));
  BOOST_TEST(count_of(db, "SELECT count(*) FROM campaigns WHERE status = 'completed'") == 1);
  BOOST_TEST(count_of(db, "SELECT (SELECT min(id) FROM events WHERE kind = 'safe_state' AND message LIKE 'guardian:%') < "
                          "(SELECT min(id) FROM events WHERE kind = 'resume')") == 1);
  BOOST_TEST(safe(lab.snapshot()));
}

BOOST_FIXTURE_TEST_CASE(a_controller_that_ends_by_itself_releases_its_guardian, GuardedBench) {
  // Interrupted: the controller safes the bench itself and exits 130; the guardian goes quietly.
  const pid_t child = start_energised();
  ::kill(child, SIGINT);
  BOOST_TEST(ob::test::wait_exit(child) == 130, ob::test::slurp(log));
  BOOST_TEST(safe(lab.snapshot()));
  // Energise the bench behind the guardian's back: a guardian left behind would switch it off.
  BOOST_TEST_REQUIRE(lab.control("feed psu 1 12 on") == "OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  BOOST_TEST(lab.snapshot().psu[0].output_on);
  BOOST_TEST(count_of(db, "SELECT count(*) FROM events WHERE message LIKE 'guardian:%'") == 0);
  BOOST_TEST(ob::test::slurp(log).find("orbitbench guardian") == std::string::npos, ob::test::slurp(log));
}
