// Three boards in one chamber, each on its own supply channel and agent: one board crossing its
// limit is isolated (workload stopped, then its channel off) and the campaign goes on for the
// other two, which finish with their verdicts; the isolated board's verdict is a failure.
#include <boost/test/unit_test.hpp>
#include <atomic>
#include <chrono>
#include <thread>

#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

std::string dut(const std::string& name, int gpu, const std::string& psu, int channel, double limit_c) {
  return ob::test::sim_dut_yaml(name, gpu, psu, channel, "    limits: { board_temp_c: " + std::to_string(limit_c) + " }\n");
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_board_over_its_limit_is_isolated_and_the_others_go_on) {
  ob::fixtures::SimLab lab(ob::test::three_board_lab_options(300));
  lab.start();
  ob::test::TempDir dir;
  // board-02 sits ~40 K above the chamber air at full power: its 45 °C limit trips in baseline.
  std::string station = "station: three-boards\n"
                        "instruments:\n"
                        "  psu-a: { uri: \"" + lab.psu_uri() + "\" }\n"
                        "  psu-b: { uri: \"" + lab.uri("psu-b") + "\" }\n"
                        "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5, ramp_clock: profile }\n"
                        "duts:\n" +
                        dut("board-01", 0, "psu-a", 1, 95) + dut("board-02", 1, "psu-a", 2, 45) +
                        dut("board-03", 2, "psu-b", 1, 95);
  dir.write("station.yaml", ob::test::with_sim_agent(station, lab, dir));
  const auto campaign = dir.write("campaign.yaml",
                                  "campaign: isolation\nstation: station.yaml\norbit: { preset: starlink-550 }\n"
                                  "speed: 300\nplan:\n  - baseline: { chamber_c: 25, duration: 20m }\n"
                                  "  - reference: { chamber_c: 25, duration: 10m }\n"
                                  "limits: { throughput_degradation_pct: { max: 10 } }\n");
  const auto db = dir.path() / "isolation.db";

  // Watch the lab while the campaign runs: board-02 off (workload and channel) while the
  // other two still run.
  std::atomic<bool> done{false}, saw_isolated{false};
  std::thread watcher([&] {
    while (!done) {
      const auto state = lab.snapshot();
      auto feed_on = [&](std::size_t board) {  // the supply channel the board hangs on
        const auto& at = state.placement[board];
        return state.supplies[static_cast<std::size_t>(at.supply)][static_cast<std::size_t>(at.channel)].output_on;
      };
      const bool two_off = !state.boards[1].workload_running && !feed_on(1);
      const bool others_on = state.boards[0].workload_running && state.boards[2].workload_running && feed_on(0) && feed_on(2);
      if (two_off && others_on) saw_isolated = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const auto outcome = ob::test::run_campaign_quietly(campaign, db);
  done = true;
  watcher.join();

  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(!outcome.verdicts_pass);
  BOOST_TEST(outcome.reason.find("board-02 isolated (interlock: board-02 at") != std::string::npos, outcome.reason);
  BOOST_TEST(saw_isolated.load());
  // Workload first, then its power: no board lost its power while its workload ran — not at the
  // isolation, not in the safe state at the end (the lab counts it).
  for (std::size_t board = 0; board < 3; ++board) {
    BOOST_TEST(lab.snapshot().boards[board].power_lost_under_load == 0, "board " << board);
  }
  // Rolled up: board-02 fails, the others pass, and so the campaign fails.
  BOOST_TEST(outcome.verdict_summary == "FAIL — board-02: isolated", outcome.verdict_summary);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements m JOIN devices d ON d.id = m.device_id WHERE m.name = 'verdict' "
                        "AND ((d.name = 'board-02' AND m.verdict = 'fail') OR (d.name <> 'board-02' AND m.verdict = 'pass'))") == 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name = 'campaign_verdict' AND verdict = 'fail'") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE kind = 'isolate' AND severity = 'warning' "
                        "AND message LIKE 'board-02 isolated in % ms (workload stopped, psu-a ch2 off)%'") == 1);
  BOOST_TEST_MESSAGE("isolation: " << ob::test::sqlite_scalar(db, "SELECT count(*) FROM events WHERE kind = 'isolate'"));
  // Verdicts: the isolated board fails; the other two are judged on their throughput.
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements m JOIN devices d ON d.id = m.device_id "
                        "WHERE m.name = 'isolated' AND m.verdict = 'fail' AND d.name = 'board-02'") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements m JOIN devices d ON d.id = m.device_id "
                        "WHERE m.name = 'throughput_reference_vs_baseline_pct' AND d.name IN ('board-01', 'board-03')") == 2);
  // The others were sampled to the end of the reference run; board-02 not after its isolation.
  const std::string reference_ticks =
      "SELECT count(*) FROM sample_view WHERE run_kind = 'reference' AND channel = 'tflops' AND device = ";
  BOOST_TEST(scalar(db, reference_ticks + "'board-01'") >= 19);
  BOOST_TEST(scalar(db, reference_ticks + "'board-03'") >= 19);
  BOOST_TEST(scalar(db, reference_ticks + "'board-02'") == 0);
  lab.stop();
}
