// Thermal-cycling campaigns on the simulated lab: the shipped acceptance example on three boards
// (every cycle's functional tests and plateau stability judged, the level's conformance), and a
// custom program where an SDC in the first cycle is forgiven, one in the last three is not, and a
// chamber that stops holding its plateau makes that cycle count as failed.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <atomic>
#include <chrono>
#include <thread>

#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

// How many thermal-cycle runs the campaign has begun (0 while the file does not exist yet);
// safe to call from a thread other than the test's (no Boost.Test macros).
int cycles_begun(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  int count = 0;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM runs WHERE kind = 'thermal_cycle'", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      count = sqlite3_column_int(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return count;
}

std::string dut(const std::string& name, int gpu, int channel) {
  return ob::test::sim_dut_yaml(name, gpu, "psu-a", channel, "    limits: { board_temp_c: 95 }\n");
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_shipped_acceptance_example_runs_on_three_boards) {
  ob::test::TempDir dir;
  const auto db = dir.path() / "thermal.db";
  const auto outcome = ob::test::run_campaign_quietly(std::filesystem::path(OB_SOURCE_DIR) / "examples/thermal-cycling.yaml", db);
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(outcome.verdicts_pass);
  BOOST_TEST(outcome.verdict_summary == "PASS");
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name = 'verdict' AND verdict = 'pass'") == 3);

  BOOST_TEST(scalar(db, "SELECT count(*) FROM runs WHERE kind = 'thermal_cycle' AND status = 'completed'") == 14);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM runs WHERE kind = 'thermal_cycle' AND label = 'cycle 14/14'") == 1);
  // A functional test at every hot and cold plateau of every cycle, on every board, all passed.
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name IN ('hot_functional', 'cold_functional') AND verdict = 'pass'") ==
             14 * 2 * 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name LIKE '%_stability_c_per_h' AND verdict = 'pass' "
                        "AND high_limit = 3") == 14 * 2);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name = 'cycle_failure_free' AND verdict = 'pass'") == 14 * 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name = 'last_cycles_failure_free' AND value = 3 "
                        "AND verdict = 'pass'") == 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name = 'conforms_to_acceptance' AND verdict = 'pass'") == 1);
  // The chamber reached the acceptance plateaus, -24 and +61 °C, in every cycle.
  BOOST_TEST(scalar(db, "SELECT max(abs(value - 61)) FROM measurements WHERE name = 'hot_air_mean_c'") < 1.0);
  BOOST_TEST(scalar(db, "SELECT max(abs(value + 24)) FROM measurements WHERE name = 'cold_air_mean_c'") < 1.0);
  // The setpoint ramps at the program's 3 °C/min between two samples (100 s apart), never faster.
  const std::string setpoint_rates =
      "SELECT abs(b.value - a.value) / (b.t_s - a.t_s) * 60 AS rate FROM sample_view a JOIN sample_view b "
      "ON b.run_id = a.run_id AND b.channel_id = a.channel_id AND b.t_s > a.t_s + 99 AND b.t_s < a.t_s + 101 "
      "WHERE a.channel = 'chamber_setpoint_c' AND a.run_kind = 'thermal_cycle'";
  BOOST_TEST(scalar(db, "SELECT count(*) FROM (" + setpoint_rates + ") WHERE rate > 2.99") > 14 * 20);
  BOOST_TEST(scalar(db, "SELECT max(rate) FROM (" + setpoint_rates + ")") <= 3.0 + 1e-6);
  // The air followed: the hottest and coldest air of the campaign are the plateaus.
  BOOST_TEST(scalar(db, "SELECT max(value) FROM sample_view WHERE device = 'chamber' AND channel = 'air_temp_c'") < 62);
  BOOST_TEST(scalar(db, "SELECT min(value) FROM sample_view WHERE device = 'chamber' AND channel = 'air_temp_c'") > -25);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE message LIKE 'thermal cycling acceptance: -24.0 … 61.0 °C, 14 cycles%'") == 1);
}

BOOST_AUTO_TEST_CASE(only_the_last_three_cycles_must_be_failure_free_and_unstable_plateaus_do_not_count) {
  ob::fixtures::SimLab lab(ob::test::sim_lab_options(300, 2));
  lab.start();
  ob::test::TempDir dir;
  std::string station = "station: two-boards\n"
                        "instruments:\n"
                        "  psu-a: { uri: \"" + lab.psu_uri() + "\" }\n"
                        "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5, ramp_clock: profile }\n"
                        "duts:\n" + dut("board-01", 0, 1) + dut("board-02", 1, 2);
  dir.write("station.yaml", ob::test::with_sim_agent(station, lab, dir));
  // Each cycle: 6 min up, 10 min hot, 6 min down, 10 min cold: 6.4 wall seconds at 300×.
  const auto campaign = dir.write("campaign.yaml",
                                  "campaign: custom-cycles\nstation: station.yaml\nspeed: 300\nsample_period_s: 0.05\n"
                                  "plan:\n"
                                  "  - thermal_cycle: { level: custom, cold_c: 10, hot_c: 40, cycles: 5, ramp_c_per_min: 5,\n"
                                  "                     soak: 10m, functional_test: 3m, ambient_c: 25, power_fraction: 0.5 }\n");
  const auto db = dir.path() / "cycles.db";

  // The faults follow the campaign's own record of which cycle it is in.
  std::atomic<bool> done{false};
  std::thread saboteur([&] {
    auto wait_for_cycle = [&](int cycle) {
      while (!done && cycles_begun(db) < cycle) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    };
    auto sleep_s = [](double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); };
    wait_for_cycle(1);
    sleep_s(1.0);
    lab.control("fault agent sdc 0 1");  // board-01, cycle 1: forgiven
    wait_for_cycle(2);
    // Cycle 2's hot soak spans 1.2 … 3.2 s, its judged second half 2.2 … 3.2 s: the chamber's
    // control stops in there (its heating and cooling stuck; an alarm would abort the campaign),
    // and comes back before the cold plateau.
    sleep_s(2.35);
    lab.control("fault chamber stuck");
    sleep_s(1.0);
    lab.control("fault chamber clear");
    wait_for_cycle(5);
    sleep_s(1.0);
    lab.control("fault agent sdc 1 1");  // board-02, the last cycle: fails its verdict
  });
  const auto outcome = ob::test::run_campaign_quietly(campaign, db);
  done = true;
  saboteur.join();
  lab.stop();

  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(!outcome.verdicts_pass);
  auto failure_free = [&](int cycle, const std::string& board) {
    return scalar(db, "SELECT m.value FROM measurements m JOIN runs r ON r.id = m.run_id JOIN devices d ON d.id = m.device_id "
                      "WHERE m.name = 'cycle_failure_free' AND r.label = 'cycle " + std::to_string(cycle) + "/5' AND d.name = '" +
                          board + "'");
  };
  BOOST_TEST(failure_free(1, "board-01") == 0);  // its SDC
  BOOST_TEST(failure_free(1, "board-02") == 1);
  BOOST_TEST(failure_free(2, "board-01") == 0);  // the unstable plateau
  BOOST_TEST(failure_free(2, "board-02") == 0);
  BOOST_TEST(failure_free(3, "board-01") == 1);
  BOOST_TEST(failure_free(4, "board-02") == 1);
  BOOST_TEST(failure_free(5, "board-01") == 1);
  BOOST_TEST(failure_free(5, "board-02") == 0);  // its SDC
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.label = 'cycle 2/5' "
                        "AND m.name = 'hot_stability_c_per_h' AND m.verdict = 'fail' AND m.value > 3") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE kind = 'limit' AND message LIKE 'hot plateau not stable%'") == 1);
  BOOST_TEST(scalar(db, "SELECT m.verdict = 'pass' AND m.value = 3 FROM measurements m JOIN devices d ON d.id = m.device_id "
                        "WHERE m.name = 'last_cycles_failure_free' AND d.name = 'board-01'") == 1);
  BOOST_TEST(scalar(db, "SELECT m.verdict = 'fail' AND m.value = 2 FROM measurements m JOIN devices d ON d.id = m.device_id "
                        "WHERE m.name = 'last_cycles_failure_free' AND d.name = 'board-02'") == 1);
  // SMC-S-016 forgives board-01's early cycles; the bench's own failure is another matter: while
  // its control was stuck the chamber did not follow the plan, which counts against every board
  // in it (and is named), while the other cycles tracked within 2 K.
  const auto& summary = outcome.verdict_summary;
  BOOST_TEST(summary.find("FAIL — board-01: chamber tracking p95 ") == 0u, summary);
  BOOST_TEST(summary.find("board-02: chamber tracking p95 ") != std::string::npos, summary);
  BOOST_TEST(summary.find(" > 2 K (cycle 2/5), last_cycles_failure_free") != std::string::npos, summary);
  BOOST_TEST(summary.find("sdc") == std::string::npos, summary);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id WHERE m.name = 'chamber_tracking_p95_k' "
                        "AND m.verdict = 'pass' AND r.label IN ('cycle 1/5', 'cycle 3/5', 'cycle 4/5', 'cycle 5/5')") == 4);
  // Each cycle's run rolls up its own judgements: cycles 1, 2 and 5 had a failure.
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id WHERE m.name = 'run_verdict' "
                        "AND m.verdict = 'fail' AND r.label IN ('cycle 1/5', 'cycle 2/5', 'cycle 5/5')") == 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name = 'run_verdict' AND verdict = 'pass'") == 2);
  // A custom program is judged against no level.
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name LIKE 'conforms_to_%'") == 0);
}
