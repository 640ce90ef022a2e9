// `orbitbench resume`: a campaign interrupted by the operator goes on from its checkpoint and is
// measured once; nothing to resume is a clear error; a campaign started with relative paths is
// resumed from another directory. (SIGKILL at random moments, resumed each time, is the fault
// suite's tests/fault/test_sigkill_resume.cpp.)
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <thread>

#include "../support/orbitbench_process.hpp"
#include "../support/run_command.hpp"
#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

using ob::test::wait_exit;

pid_t spawn(const std::vector<std::string>& args) { return ob::test::spawn_orbitbench(args); }

// ~25 s at 300×: 10 min baseline, one 95-minute orbit, 10 min reference; ticks every 0.1 s.
const char* kCampaign =
    "campaign: resumable\n"
    "station: station.yaml\n"
    "orbit: { preset: starlink-550 }\n"
    "speed: 300\n"
    "plan:\n"
    "  - baseline: { chamber_c: 25, duration: 10m }\n"
    "  - replay: { orbits: 1 }\n"
    "  - reference: { chamber_c: 25, duration: 10m }\n"
    "limits: { throughput_degradation_pct: { max: 10 } }\n";

}  // namespace

BOOST_AUTO_TEST_CASE(nothing_to_resume_is_a_clear_error) {
  ob::test::TempDir dir;
  const auto db = (dir.path() / "empty.db").string();
  { ob::db::Recorder recorder(db); }
  const pid_t child = spawn({OB_ORBITBENCH_EXE, "resume", "--quiet", "--db", db});
  BOOST_TEST(wait_exit(child) == 1);
}

// Ctrl-C stops a campaign into its safe state; `orbitbench resume` continues it later, and the
// interrupted run is measured once, at its real end.
BOOST_AUTO_TEST_CASE(a_campaign_interrupted_by_the_operator_is_resumed) {
  ob::fixtures::SimLab lab(ob::test::sim_lab_options(300));
  lab.start();
  ob::test::TempDir dir;
  dir.write("station.yaml", ob::test::sim_station_yaml(lab, dir));
  const auto campaign = dir.write("campaign.yaml", kCampaign);
  const auto db = (dir.path() / "interrupted.db").string();
  const pid_t first = spawn({OB_ORBITBENCH_EXE, "run", "--quiet", "--db", db, campaign.string()});
  std::this_thread::sleep_for(std::chrono::milliseconds(4000));  // inside the replay
  ::kill(first, SIGINT);
  BOOST_TEST(wait_exit(first) == 130);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaigns WHERE status = 'aborted' AND reason = 'interrupted by SIGINT' "
                                "AND end_cause = 'operator_signal'") == 1);
  BOOST_TEST(!lab.snapshot().boards[0].workload_running);
  const pid_t resumed = spawn({OB_ORBITBENCH_EXE, "resume", "--quiet", "--db", db});
  BOOST_TEST(wait_exit(resumed) == 0);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaigns WHERE status = 'completed' AND (reason IS NULL OR reason = '')") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM runs WHERE status = 'completed'") == 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM runs") == 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE kind = 'resume' AND message LIKE "
                        "'resumed after the controller was interrupted by the operator%'") == 1);
  // Each run measured once: no measurement name twice for a run and device.
  BOOST_TEST(scalar(db, "SELECT max(n) FROM (SELECT count(*) AS n FROM measurements GROUP BY run_id, device_id, name)") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name = 'campaign_verdict'") == 1);
  // A second resume finds nothing to do.
  const pid_t again = spawn({OB_ORBITBENCH_EXE, "resume", "--quiet", "--db", db});
  BOOST_TEST(wait_exit(again) == 1);
  lab.stop();
}

// A campaign started with relative paths (its station, the station's agent secret file) is
// resumed from another directory: the files are read back from the database, and what they
// name is resolved where they were.
BOOST_AUTO_TEST_CASE(resume_from_another_directory_finds_the_files_a_campaign_named_relatively) {
  ob::fixtures::SimLab lab(ob::test::sim_lab_options(300));
  lab.start();
  ob::test::TempDir dir;
  ob::test::sim_agent_uri(lab, dir);  // writes agent.secret (0600) into dir
  dir.write("station.yaml", "station: relative\n"
                            "instruments:\n"
                            "  psu-a: { uri: \"" + lab.psu_uri() + "\" }\n"
                            "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5, ramp_clock: profile }\n"
                            "duts:\n"
                            "  board-01:\n"
                            "    agent: \"" + lab.agent_uri() + "\"\n"
                            "    secret_file: agent.secret\n"
                            "    supply: { instrument: psu-a, channel: 1, voltage_v: 12, max_voltage_v: 12.6, max_current_a: 3 }\n");
  dir.write("campaign.yaml", kCampaign);
  const auto db = dir.path() / "relative.db";
  const std::string dir_text = dir.path().string();
  if (::chdir(dir_text.c_str()) != 0) BOOST_FAIL("chdir");
  const pid_t first = spawn({"orbitbench", "run", "campaign.yaml", "--db", "relative.db", "--quiet"});
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  ::kill(first, SIGKILL);
  wait_exit(first);
  if (::chdir("/") != 0) BOOST_FAIL("chdir");
  const pid_t resumed = spawn({"orbitbench", "resume", "--db", db.string(), "--quiet"});
  const int code = wait_exit(resumed);
  BOOST_TEST(code == 0);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaigns WHERE status = 'completed'") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE kind = 'resume'") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaign_files WHERE role = 'station' AND label = '" + dir_text +
                            "/station.yaml'") == 1);
  lab.stop();
}

// Issue 18 item 12: killed in the second half of a cold plateau's soak (its stability window),
// the chamber left in standby for a while (the guardian safes it; its air drifts towards the
// lab's), then resumed: the run holds its profile clock until the air has re-stabilised, so the
// plateau is judged on a chamber that held it — stable, as it was — not on air still coming back
// (before: judged unstable, 46.6 °C/h).
BOOST_AUTO_TEST_CASE(a_thermal_cycle_resumed_mid_plateau_re_stabilises_before_it_goes_on) {
  ob::fixtures::SimLab lab(ob::test::sim_lab_options(300));
  lab.start();
  ob::test::TempDir dir;
  dir.write("station.yaml", ob::test::sim_station_yaml(lab, dir));
  // 25 → 15 °C (2 min at 5 °C/min), a 20-minute soak (stability judged over its second half,
  // 12–22 min), up to 35 °C and its soak, back to 25: ~70 profile minutes, ~14 s at 300×.
  const auto campaign = dir.write("campaign.yaml",
                                  "campaign: cycled\nstation: station.yaml\nspeed: 300\nsample_period_s: 0.1\nplan:\n"
                                  "  - thermal_cycle: { level: custom, cold_c: 15, hot_c: 35, cycles: 1, ramp_c_per_min: 5, "
                                  "soak: 20m, functional_test: 3m, ambient_c: 25 }\n");
  const auto db = dir.path() / "cycled.db";
  const auto log = dir.path() / "orbitbench.log";
  const pid_t child = ob::test::spawn_orbitbench({OB_ORBITBENCH_EXE, "run", "--quiet", "--db", db.string(), campaign.string()}, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto latest_t_s = [&] {
    const auto row = ob::test::try_sqlite_row(db, "SELECT max(t_s) FROM samples");
    return row && !row->empty() && (*row)[0] ? *(*row)[0] : 0.0;
  };
  while (latest_t_s() < 15 * 60) {  // in the cold plateau's stability window
    BOOST_TEST_REQUIRE(!ob::test::exit_if_ended(child).has_value(), ob::test::slurp(log));
    BOOST_TEST_REQUIRE((std::chrono::steady_clock::now() < deadline));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(child, SIGKILL);
  BOOST_TEST_REQUIRE(wait_exit(child) == 128 + SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // 7.5 profile minutes in standby
  const double drifted_c = lab.snapshot().chamber.air_c;
  BOOST_TEST_MESSAGE("chamber air after the downtime: " << drifted_c << " °C (plateau 15 °C)");
  BOOST_TEST_REQUIRE(drifted_c > 16.5);  // the air left the plateau: the resume must wait for it

  const pid_t resumed = ob::test::spawn_orbitbench({OB_ORBITBENCH_EXE, "resume", "--quiet", "--db", db.string()}, log);
  BOOST_TEST_REQUIRE(wait_exit(resumed) == 0, ob::test::slurp(log));
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE kind = 'pause' AND message LIKE 'profile clock held at t+% after the "
                        "resume: chamber air %; re-stabilising %'") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE kind = 'pause' AND message LIKE 'profile clock restarted after % "
                        "held: chamber air % re-stabilised after the resume'") == 1);
  const double cold_rate = scalar(db, "SELECT value FROM measurements WHERE name = 'cold_stability_c_per_h'");
  BOOST_TEST_MESSAGE("cold plateau's air, judged over its stability window: " << cold_rate << " °C/h");
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name LIKE '%_stability_c_per_h' AND verdict = 'pass'") == 2);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name = 'cycle_failure_free' AND verdict = 'pass'") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaigns WHERE status = 'completed'") == 1);
}
