// A campaign whose controller is SIGKILLed at random moments, and resumed each time with
// `orbitbench resume`, ends `completed` in one campaign with one run per phase, every tick of
// every run recorded (no gap beyond the checkpoint, no duplicates), a `resume` event per kill,
// an intact database, and the same verdict logic.
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

pid_t spawn(const std::vector<std::string>& args) {
  const pid_t child = ::fork();
  if (child == 0) {
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(OB_ORBITBENCH_EXE, argv.data());
    ::_exit(127);
  }
  return child;
}

int wait_exit(pid_t child) {
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

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

BOOST_AUTO_TEST_CASE(sigkill_at_random_moments_then_resume_completes_the_campaign) {
  ob::fixtures::SimLab lab(ob::test::sim_lab_options(300));
  lab.start();
  ob::test::TempDir dir;
  dir.write("station.yaml", ob::test::sim_station_yaml(lab, dir));
  const auto campaign = dir.write("campaign.yaml", kCampaign);
  const auto db = (dir.path() / "resume.db").string();

  const unsigned seed = std::random_device{}();
  BOOST_TEST_MESSAGE("kill moments from seed " << seed);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> moment_ms(1500, 7000);
  constexpr int kKills = 3;

  pid_t child = spawn({OB_ORBITBENCH_EXE, "run", "--quiet", "--db", db, campaign.string()});
  for (int kill = 0; kill < kKills; ++kill) {
    const int after_ms = moment_ms(random);
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
    ::kill(child, SIGKILL);
    BOOST_TEST_REQUIRE(wait_exit(child) == 128 + SIGKILL, "kill " << kill << " after " << after_ms << " ms");
    BOOST_TEST_MESSAGE("killed after " << after_ms << " ms");
    child = spawn({OB_ORBITBENCH_EXE, "resume", "--quiet", "--db", db});
  }
  const int exit_code = wait_exit(child);
  BOOST_TEST(exit_code == 0, "resume exit " << exit_code << " (seed " << seed << ")");

  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaigns") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaigns WHERE status = 'completed'") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM runs") == 3);  // one run per phase, however often resumed
  BOOST_TEST(scalar(db, "SELECT count(*) FROM runs WHERE status = 'completed'") == 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE kind = 'resume'") == kKills);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1);
  // Every tick of every run is there: ticks are 30 profile seconds apart (0.1 s × 300), and no
  // two neighbouring tflops samples of a run are more than two ticks apart.
  const std::string tflops = "SELECT s.run_id, s.t_s FROM samples s JOIN channels c ON c.id = s.channel_id "
                             "JOIN devices d ON d.id = c.device_id WHERE d.name = 'board-01' AND c.name = 'tflops'";
  BOOST_TEST(scalar(db, "SELECT max(gap) FROM (SELECT t_s - lag(t_s) OVER (PARTITION BY run_id ORDER BY t_s) AS gap FROM (" +
                            tflops + "))") <= 60.0 + 1e-6);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM (" + tflops + ") WHERE run_id = (SELECT id FROM runs WHERE kind = 'baseline')") >= 19);
  // The verdict was reached from baseline and reference as if never interrupted.
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name = 'throughput_reference_vs_baseline_pct' "
                        "AND verdict = 'pass'") == 1);
  // And the bench ended safe.
  const auto state = lab.snapshot();
  BOOST_TEST(!state.psu[0].output_on);
  BOOST_TEST(!state.boards[0].workload_running);
  lab.stop();
}

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
  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaigns WHERE status = 'aborted' AND reason = 'interrupted by SIGINT'") == 1);
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
                            "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5 }\n"
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
