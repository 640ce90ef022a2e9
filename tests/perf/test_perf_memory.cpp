// `orbitbench perf memory` at its quick size (18 simulated hours at 10 000×): the campaign ran to
// its end in a child process, its RSS was sampled through the replay (memory-rss.csv) and the
// growth per simulated day reported. Whether it is flat is reported, not asserted.
#include <fstream>

#include "../support/sqlite_scalar.hpp"
#include "perf_quick.hpp"

BOOST_AUTO_TEST_CASE(the_campaign_completes_and_its_rss_is_sampled_through_the_replay) {
  ob::test::TempDir dir;
  const auto result = ob::test::run_quick(ob::bench::perf::perf_memory, dir);
  BOOST_TEST(result.ok, result.note);
  BOOST_TEST(result.unit == "MiB per simulated day");
  BOOST_TEST((result.note.starts_with("flat") || result.note.starts_with("growing")), result.note);

  const auto db = dir.path() / "memory.db";
  BOOST_TEST(ob::test::sqlite_scalar(db, "SELECT count(*) FROM campaigns WHERE status = 'completed'") == 1);
  BOOST_TEST(ob::test::sqlite_scalar(db, "SELECT count(*) FROM runs WHERE status = 'completed'") >= 3);  // baseline, replay, reference
  const double replay_days =
      ob::test::sqlite_scalar(db, "SELECT sum(ended_unix_s - started_unix_s) * 10000 / 86400 FROM runs WHERE kind = 'replay'");
  BOOST_TEST(replay_days > 0.5);

  std::ifstream csv(dir.path() / "memory-rss.csv");
  std::string line;
  std::getline(csv, line);
  BOOST_TEST(line == "unix_s,simulated_day,rss_mib,lab_rss_mib");
  int in_replay = 0;
  while (std::getline(csv, line)) {
    const double day = std::stod(line.substr(line.find(',') + 1));
    const double rss_mib = std::stod(line.substr(line.find(',', line.find(',') + 1) + 1));
    BOOST_TEST(rss_mib > 0);
    if (day >= 0 && day <= replay_days) ++in_replay;
  }
  BOOST_TEST(in_replay >= 8);  // every 0.5 s over ≈ 6.5 s
}
