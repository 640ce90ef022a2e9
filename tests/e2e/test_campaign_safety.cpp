// Whatever ends a campaign — an interlock, a signal — the instruments end in their safe state
// and what was recorded stays recorded.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <thread>

#include "../support/run_command.hpp"
#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"
#include "../support/temp_dir.hpp"

namespace {

std::string station_yaml(const ob::fixtures::SimLab& lab, const ob::test::TempDir& dir, double board_temp_limit_c) {
  return ob::test::sim_station_yaml(lab, dir, "    limits: { board_temp_c: " + std::to_string(board_temp_limit_c) + " }\n");
}

// The same bench with its thermocouple (the simulated iiod's MAX31856 on board 0) as interlock.
std::string station_with_thermocouple_yaml(const ob::fixtures::SimLab& lab, const ob::test::TempDir& dir,
                                           double thermocouple_max_c) {
  return ob::test::sim_station_yaml(lab, dir,
                                    "    limits: { board_temp_c: 95 }\n"
                                    "    sensors:\n"
                                    "      heatsink_temp_c: { channel: board0-thermocouple/temp, max: " +
                                        std::to_string(thermocouple_max_c) + " }\n",
                                    "  sensors: { uri: \"" + lab.sensors_uri() + "\" }\n");
}

const char* kCampaign =
    "campaign: safety\n"
    "station: station.yaml\n"
    "orbit: { preset: starlink-550 }\n"
    "speed: 300\n"
    "sample_period_s: 0.05\n"
    "plan:\n"
    "  - baseline: { chamber_c: 25, duration: 20m }\n"
    "  - replay: { orbits: 1 }\n";

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

// A simulated lab at 300× that the test starts itself, so it can look at the instruments.
struct LabAt300x {
  ob::fixtures::SimLab lab{[] {
    ob::fixtures::SimLabOptions options;
    options.speed = 300;
    return options;
  }()};
  ob::test::TempDir dir;
  LabAt300x() { lab.start(); }
};

// Safe state: workload stopped, output off, chamber in standby.
void check_bench_is_safe(const ob::fixtures::SimLab& lab) {
  const auto state = lab.snapshot();
  BOOST_TEST(!state.psu[0].output_on);
  BOOST_TEST(!state.boards.at(0).workload_running);
  BOOST_TEST(!state.chamber.running);
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(board_over_temperature_aborts_into_safe_state, LabAt300x) {
  // The board sits ~40 K above chamber air at full power: a 45 °C limit trips during baseline.
  dir.write("station.yaml", station_yaml(lab, dir, 45));
  const auto campaign_path = dir.write("campaign.yaml", kCampaign);
  const auto db_path = dir.path() / "safety.db";
  const auto outcome = ob::test::run_campaign_quietly(campaign_path, db_path);
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "aborted");
  BOOST_TEST(outcome.reason.find("interlock") != std::string::npos);
  BOOST_TEST(outcome.reason.find("board-01") != std::string::npos);
  check_bench_is_safe(lab);

  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM campaigns WHERE status = 'aborted' AND reason LIKE '%interlock%'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'interlock'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'safe_state' AND message LIKE '% in safe state'") == 3);
  // How long the bench took from the interlock to its safe state is on record.
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'safe_state' AND severity = 'info' "
                             "AND message LIKE 'safe state reached % ms after the abort: interlock: board-01%'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM runs WHERE status = 'aborted'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM samples") > 0);  // nothing recorded was lost
  lab.stop();
}

BOOST_FIXTURE_TEST_CASE(thermocouple_over_temperature_aborts_into_safe_state, LabAt300x) {
  // The GPU's own limit (95 °C) is never reached; the thermocouple's 45 °C is, during baseline.
  dir.write("station.yaml", station_with_thermocouple_yaml(lab, dir, 45));
  const auto campaign_path = dir.write("campaign.yaml", kCampaign);
  const auto db_path = dir.path() / "tc.db";
  const auto outcome = ob::test::run_campaign_quietly(campaign_path, db_path);
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "aborted");
  BOOST_TEST(outcome.reason.find("interlock: board-01 heatsink_temp_c") != std::string::npos, outcome.reason);
  BOOST_TEST(outcome.reason.find("board0-thermocouple/temp") != std::string::npos, outcome.reason);
  check_bench_is_safe(lab);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'interlock' AND message LIKE '%heatsink_temp_c%'") == 1);
  // The thermocouple reading that tripped is recorded, above the limit, under the board.
  BOOST_TEST(scalar(db_path,
                    "SELECT max(s.value) FROM samples s JOIN channels c ON c.id = s.channel_id "
                    "JOIN devices d ON d.id = c.device_id WHERE d.name = 'board-01' AND c.name = 'heatsink_temp_c'") > 45.0);
}

namespace {

// `orbitbench run` on an external simulated lab, interrupted after 3 s by `signals` (the
// second one `gap` later); the bench must end safe and what was recorded must stay.
// With `until_exit`, the last signal is sent again every `gap` until the process has exited: a
// signal arriving at any moment — during the safe state, after run() returned, while main()
// reports — must never end it other than by its documented exit status.
void interrupt_and_check(const std::vector<int>& signals, std::chrono::milliseconds gap, bool until_exit = false) {
  LabAt300x bench;
  auto& lab = bench.lab;
  auto& dir = bench.dir;
  dir.write("station.yaml", station_yaml(lab, dir, 95));
  const auto campaign_path = dir.write("campaign.yaml", kCampaign);
  const auto db_path = dir.path() / "interrupted.db";
  const pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    ::execl(OB_ORBITBENCH_EXE, OB_ORBITBENCH_EXE, "run", "--quiet", "--db", db_path.c_str(), campaign_path.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Let it energise and record a few seconds of the baseline.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  BOOST_TEST(lab.snapshot().psu[0].output_on);
  for (std::size_t i = 0; i < signals.size(); ++i) {
    if (i > 0) std::this_thread::sleep_for(gap);
    ::kill(child, signals[i]);
  }
  int status = 0;
  if (until_exit) {
    int sent = 0;
    while (::waitpid(child, &status, WNOHANG) == 0) {
      std::this_thread::sleep_for(gap);
      ::kill(child, signals.back());
      ++sent;
    }
    BOOST_TEST_MESSAGE(sent << " more signal(s) while it went safe and exited");
  } else {
    ::waitpid(child, &status, 0);
  }
  BOOST_TEST_INFO("ended by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
  BOOST_REQUIRE(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 130);

  check_bench_is_safe(lab);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM campaigns WHERE status = 'aborted' AND reason LIKE '%SIGINT%'") == 1);
  // The operator's action is an event of its own (a second signal is absorbed, not recorded again).
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'operator' AND severity = 'warning' "
                             "AND message = 'SIGINT received: the campaign stops, every instrument into its safe state'") == 1);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM events WHERE kind = 'safe_state' AND message LIKE '% in safe state'") == 3);
  BOOST_TEST(scalar(db_path, "SELECT count(*) FROM samples") > 20);
  lab.stop();
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigint_aborts_into_safe_state_and_keeps_the_data) {
  interrupt_and_check({SIGINT}, std::chrono::milliseconds(0));
}

// An impatient operator: Ctrl-C, then SIGTERM 20 ms later while the bench is going safe.
BOOST_AUTO_TEST_CASE(a_second_signal_does_not_skip_the_safe_state) {
  interrupt_and_check({SIGINT, SIGTERM}, std::chrono::milliseconds(20));
}

// Issue 18 item 13: Ctrl-C, then SIGTERM every 2 ms until the controller has exited. Asio put
// the default action back once run()'s signal_set was gone, so one of them used to kill it
// after the safe state, before it exited 130.
BOOST_AUTO_TEST_CASE(signals_until_exit_never_kill_the_controller) {
  interrupt_and_check({SIGINT, SIGTERM}, std::chrono::milliseconds(2), true);
}
