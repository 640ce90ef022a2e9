// The results database refusing data (issue 18 item 7), with `orbitbench run` on the simulated
// lab over loopback:
// - a full disk (a 1.5 MiB tmpfs in a mount namespace of the controller's own: ENOSPC, SQLite's
//   SQLITE_FULL): the campaign stops into its safe state at once, exits 3 naming the cause, stays
//   resumable, and `resume` on a disk with room completes it (skipped, and said so, where no
//   mount namespace can be made);
// - another writer holding the database's lock past the busy timeout: the rows are held and the
//   campaign goes on for 5 s, then stops into its safe state; once the lock goes, everything held
//   is written, the campaign is `aborted` with end cause `store_failure`, and `resume` completes it.
// Either way the finished record has every tick of every channel (rows lost: the goal is 0).
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include "../support/orbitbench_process.hpp"
#include "../support/run_command.hpp"
#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kStepS = 30;  // 0.1 s × 300

double count_of(const std::filesystem::path& db, const std::string& sql) {
  const auto row = ob::test::try_sqlite_row(db, sql);
  return row && !row->empty() && row->front() ? *row->front() : 0;
}

// Whether this test may make a private mount namespace and mount a small tmpfs in it (root, or
// unprivileged user namespaces): a real full disk, ENOSPC and SQLITE_FULL, for one process tree.
bool can_mount_a_small_disk() {
  return std::system("unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs /mnt' >/dev/null 2>&1") == 0 ||
         std::system("unshare -rm sh -c 'mount -t tmpfs -o size=64k tmpfs /mnt' >/dev/null 2>&1") == 0;
}

struct StoreBench : ob::test::SimBaselineBench {
  StoreBench() : SimBaselineBench("store", "60m") {}

  std::vector<std::string> run_args() const {
    return {OB_ORBITBENCH_EXE, "run", "--quiet", "--db", db.string(), campaign.string()};
  }

  // Resumes to the end and checks the record: completed, every tick of every channel present.
  void resume_and_check_nothing_lost() {
    const pid_t resumed = ob::test::spawn_orbitbench({OB_ORBITBENCH_EXE, "resume", "--quiet", "--db", db.string()}, log);
    BOOST_TEST_REQUIRE(ob::test::wait_exit(resumed) == 0, ob::test::slurp(log));
    BOOST_TEST(count_of(db, "SELECT count(*) FROM campaigns WHERE status = 'completed'") == 1);
    BOOST_TEST(count_of(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1);
    const auto missing = ob::test::sqlite_text_rows(
        db, "SELECT d.name || '/' || c.name, CAST(round((max(s.t_s) - min(s.t_s)) / " + std::to_string(kStepS) +
                ") AS INTEGER) + 1 - count(*) FROM samples s JOIN channels c ON c.id = s.channel_id "
                "JOIN devices d ON d.id = c.device_id GROUP BY s.run_id, s.channel_id ORDER BY 2 DESC");
    BOOST_TEST(count_of(db, "SELECT min(t_s) FROM samples") == 0);
    BOOST_TEST(count_of(db, "SELECT count(*) FROM events WHERE kind = 'phase' AND message LIKE 'baseline completed'") == 1);
    BOOST_TEST_REQUIRE(missing.size() > 10u);
    BOOST_TEST_MESSAGE("rows lost, worst channel: " << missing.front()[1] << " ticks (" << missing.front()[0] << ")");
    for (const auto& row : missing) BOOST_TEST(std::stol(row[1]) == 0, row[0] << ": " << row[1] << " ticks missing");
    const auto state = lab.snapshot();
    BOOST_TEST(!state.psu[0].output_on);
    BOOST_TEST(!state.chamber.running);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_full_disk_stops_the_campaign_resumably_and_resume_completes_it, StoreBench,
                        *boost::unit_test::precondition([](boost::unit_test::test_unit_id) { return can_mount_a_small_disk(); })) {
  // `orbitbench run` with its database on a 1.5 MiB disk of its own; the files are copied out
  // when it has ended (the disk goes with its mount namespace) and resumed from there.
  const auto full = dir.path() / "full";
  const auto out = dir.path() / "out";
  std::filesystem::create_directories(full);
  std::filesystem::create_directories(out);
  const auto full_db = full / "store.db";
  const std::string script = "mount -t tmpfs -o size=1536k tmpfs '" + full.string() + "' || exit 99; '" + OB_ORBITBENCH_EXE +
                             "' run --quiet --db '" + full_db.string() + "' '" + campaign.string() + "' >>'" + log.string() +
                             "' 2>&1; code=\\$?; cp -a '" + full.string() + "/.' '" + out.string() + "/'; exit \\$code";
  const std::string unshare = std::system("unshare -m true >/dev/null 2>&1") == 0 ? "unshare -m" : "unshare -rm";
  const int status = std::system((unshare + " sh -c \"" + script + "\"").c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  const std::string said = ob::test::slurp(log);
  BOOST_TEST_MESSAGE(said);
  BOOST_TEST(code == 3, "exit " << code << ": " << said);
  BOOST_TEST(said.find("results database disk full at " + full_db.string()) != std::string::npos, said);
  BOOST_TEST(said.find("database or disk is full") != std::string::npos, said);
  const auto state = lab.snapshot();
  BOOST_TEST(!state.psu[0].output_on);  // stopped into the safe state
  BOOST_TEST(!state.boards[0].workload_running);
  BOOST_TEST(!state.chamber.running);
  db = out / "store.db";
  // Nothing recorded as completed that was not.
  BOOST_TEST(count_of(db, "SELECT count(*) FROM runs WHERE status = 'completed'") == 0);
  BOOST_TEST(count_of(db, "SELECT count(*) FROM campaigns WHERE status IN ('running', 'aborted')") == 1);
  BOOST_TEST(count_of(db, "SELECT count(*) FROM samples") > 100);
  resume_and_check_nothing_lost();
}

BOOST_FIXTURE_TEST_CASE(another_writers_lock_held_past_5_s_stops_the_campaign_and_nothing_is_lost, StoreBench) {
  const pid_t child = ob::test::spawn_orbitbench(run_args(), log);
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (count_of(db, "SELECT count(*) FROM samples") < 50) {
    BOOST_TEST_REQUIRE(!ob::test::exit_if_ended(child).has_value(), ob::test::slurp(log));
    BOOST_TEST_REQUIRE((Clock::now() < deadline));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  sqlite3* other = nullptr;
  BOOST_REQUIRE(sqlite3_open(db.c_str(), &other) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  const auto locked = Clock::now();
  while (lab.snapshot().psu[0].output_on && Clock::now() - locked < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double stopped_s = std::chrono::duration<double>(Clock::now() - locked).count();
  BOOST_TEST_MESSAGE("lock taken to supply off: " << stopped_s << " s");
  BOOST_TEST(stopped_s >= 5.0);
  BOOST_TEST(stopped_s < 12.0);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  const int code = ob::test::wait_exit(child);
  const std::string said = ob::test::slurp(log);
  BOOST_TEST(code == 3, said);
  BOOST_TEST(said.find("results database locked by another writer at " + db.string()) != std::string::npos, said);
  // Everything held was written once the lock went: the abort, and its cause for resume.
  BOOST_TEST(count_of(db, "SELECT count(*) FROM campaigns WHERE status = 'aborted' AND end_cause = 'store_failure'") == 1);
  BOOST_TEST(count_of(db, "SELECT count(*) FROM runs WHERE status = 'aborted'") == 1);
  resume_and_check_nothing_lost();
}
