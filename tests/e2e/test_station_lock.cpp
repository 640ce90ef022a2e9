// Issue 18 item 11: one controller per station and per instrument. A second `orbitbench run` on a
// station whose controller is running is refused at once, naming the holder — on the same
// database (the station lock) and from another station file on the same instruments (the
// instrument locks); once the holder has gone, the bench is free again.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "../support/run_command.hpp"
#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"
#include "bench/station_lock.hpp"

namespace {

const char* kCampaign =
    "campaign: locked\n"
    "station: station.yaml\n"
    "orbit: { preset: starlink-550 }\n"
    "speed: 300\n"
    "sample_period_s: 0.05\n"
    "plan:\n"
    "  - baseline: { chamber_c: 25, duration: 60m }\n";

pid_t start_run(const std::filesystem::path& campaign, const std::filesystem::path& db) {
  const pid_t child = ::fork();
  if (child == 0) {
    ::execl(OB_ORBITBENCH_EXE, OB_ORBITBENCH_EXE, "run", "--quiet", "--db", db.c_str(), campaign.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return child;
}

int interrupt(pid_t child) {
  ::kill(child, SIGINT);
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_second_controller_is_refused_while_the_first_holds_the_bench) {
  ob::fixtures::SimLab lab(ob::test::sim_lab_options(300, 1));
  lab.start();
  ob::test::TempDir dir;
  dir.write("station.yaml", ob::test::sim_station_yaml(lab, dir));
  const auto campaign = dir.write("campaign.yaml", kCampaign);
  const auto db = dir.path() / "bench.db";
  const pid_t first = start_run(campaign, db);
  BOOST_REQUIRE(first > 0);
  // Polled while the child creates the file: not readable yet counts as none.
  const auto runs_begun = [&] { return ob::test::sqlite_scalar_or(db, "SELECT count(*) FROM runs", 0.0); };
  for (int i = 0; i < 100 && runs_begun() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  BOOST_REQUIRE(runs_begun() >= 1);

  // The same station and database.
  const auto again = ob::test::run_command(std::string(OB_ORBITBENCH_EXE) + " run --quiet --db " + db.string() + " " +
                                               campaign.string(),
                                           dir.path());
  BOOST_TEST(again.exit_code == 1);
  BOOST_TEST(again.err.find("refused, nothing energised: station ") != std::string::npos, again.err);
  BOOST_TEST(again.err.find("is in use by pid " + std::to_string(first) + " (campaign locked") != std::string::npos,
             again.err);

  // Another station file and database, the same supply: the instrument lock.
  ob::test::TempDir other;
  other.write("station.yaml", ob::test::sim_station_yaml(lab, other));
  const auto other_campaign = other.write("campaign.yaml", kCampaign);
  const auto twin = ob::test::run_command(std::string(OB_ORBITBENCH_EXE) + " run --quiet --db " +
                                              (other.path() / "twin.db").string() + " " + other_campaign.string(),
                                          other.path());
  BOOST_TEST(twin.exit_code == 1);
  BOOST_TEST(twin.err.find(lab.psu_uri().substr(0, lab.psu_uri().find('?')) + " is in use by pid " +
                           std::to_string(first)) != std::string::npos,
             twin.err);
  // Refused before touching anything: the first controller's campaign is the only one.
  BOOST_TEST(ob::test::sqlite_scalar(db, "SELECT count(*) FROM campaigns") == 1);

  BOOST_TEST(interrupt(first) == 130);
  // The holder has gone: the bench is free.
  const pid_t next = start_run(campaign, db);
  for (int i = 0; i < 100 && ob::test::sqlite_scalar_or(db, "SELECT count(*) FROM campaigns", 0.0) < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST(ob::test::sqlite_scalar(db, "SELECT count(*) FROM campaigns") == 2);
  BOOST_TEST(interrupt(next) == 130);
  lab.stop();
}

BOOST_AUTO_TEST_CASE(simulated_instruments_take_no_host_lock_and_agents_lock_per_gpu) {
  ob::bench::StationConfig station;
  station.instruments.push_back({});
  station.instruments.back().uri = "scpi+tcp://10.0.4.21:5025?model=n5767a";
  station.instruments.push_back({});
  station.instruments.back().uri = "sim://chamber";
  station.instruments.push_back({});
  station.instruments.back().uri = "iio:ip:10.0.4.40";
  station.duts.push_back({});
  station.duts.back().agent_uri = "agent://gpu-host-1:7600";
  station.duts.back().gpu_index = 1;
  const auto keys = ob::bench::StationLock::instrument_keys(station);
  BOOST_REQUIRE(keys.size() == 3u);
  BOOST_TEST(keys[0] == "scpi+tcp://10.0.4.21:5025");
  BOOST_TEST(keys[1] == "iio:ip:10.0.4.40");
  BOOST_TEST(keys[2] == "agent://gpu-host-1:7600?gpu=1");
  station.simulated = true;
  BOOST_TEST(ob::bench::StationLock::instrument_keys(station).empty());
}
