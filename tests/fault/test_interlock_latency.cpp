// Interlock latency under load, measured: three boards sampled every 20 ms with their sensors,
// a campaign interlock trips, and the time from the deciding reading to what it protects in its
// safe state is recorded — bounded at 100 ms on loopback. The over-current interlock isolates
// only the board that drew too much; the chamber-deviation interlock takes the station down in
// its fixed order (workloads, supplies, chamber).
#include <boost/test/unit_test.hpp>
#include <atomic>
#include <chrono>
#include <thread>

#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"

namespace {

constexpr double kLatencyBoundMs = 100;

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

std::string dut(const std::string& name, int gpu, const std::string& psu, int channel, double max_power_w) {
  const std::string board = "board" + std::to_string(gpu);
  return ob::test::sim_dut_yaml(name, gpu, psu, channel,
                                "    limits: { board_temp_c: 95, max_power_w: " + std::to_string(max_power_w) + " }\n"
                                "    sensors:\n"
                                "      heatsink_temp_c: " + board + "-thermocouple/temp\n"
                                "      rail_power_w: " + board + "-rail/power2\n");
}

struct ThreeBoardLab {
  ob::fixtures::SimLab lab{ob::test::three_board_lab_options(300)};
  ob::test::TempDir dir;

  ThreeBoardLab() {
    lab.start();
    // board-02 may draw its full 30 W (2.5 A at 12 V); the others are capped at 20 W (1.7 A).
    std::string station = "station: three-boards\n"
                          "instruments:\n"
                          "  psu-a: { uri: \"" + lab.psu_uri() + "\" }\n"
                          "  psu-b: { uri: \"" + lab.uri("psu-b") + "\" }\n"
                          "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5, ramp_clock: profile }\n"
                          "  sensors: { uri: \"" + lab.sensors_uri() + "\" }\n"
                          "duts:\n" +
                          dut("board-01", 0, "psu-a", 1, 20) + dut("board-02", 1, "psu-a", 2, 30) +
                          dut("board-03", 2, "psu-b", 1, 20);
    dir.write("station.yaml", ob::test::with_sim_agent(station, lab, dir));
  }

  std::filesystem::path campaign(const std::string& interlocks, double chamber_c = 25) {
    return dir.write("campaign.yaml",
                     "campaign: interlocks\nstation: station.yaml\nspeed: 300\nsample_period_s: 0.02\n"
                     "plan:\n  - baseline: { chamber_c: " + std::to_string(chamber_c) + ", duration: 30m }\n"
                     "interlocks:\n" + interlocks);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(over_current_isolates_only_its_board_within_100_ms, ThreeBoardLab) {
  const auto db = dir.path() / "over-current.db";
  // The lab's view while it runs: board-02's channel (psu-a CH2) off while board-01's is on.
  std::atomic<bool> done{false}, saw_channel_off{false};
  std::thread watcher([&] {
    while (!done) {
      const auto state = lab.snapshot();
      if (!state.supplies.at(0).at(1).output_on && state.supplies.at(0).at(0).output_on && state.boards.at(0).workload_running) {
        saw_channel_off = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  const auto outcome =
      ob::test::run_campaign_quietly(campaign("  rail_over_current: { channel: supply_current_a, above: 2.2 }\n"), db);
  done = true;
  watcher.join();
  BOOST_TEST(saw_channel_off.load());
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(!outcome.verdicts_pass);  // board-02's verdict: isolated
  BOOST_TEST(outcome.reason.find("board-02 isolated (interlock rail_over_current: board-02 supply_current_a") != std::string::npos,
             outcome.reason);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE kind = 'interlock' AND message LIKE "
                        "'interlock rail_over_current: board-02 supply_current_a % above 2.2 (held 0 s) -> isolate'") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE kind = 'interlock'") == 1);  // the others never drew that much
  const double latency_ms = scalar(db, "SELECT m.value FROM measurements m JOIN devices d ON d.id = m.device_id "
                                       "WHERE m.name = 'isolation_latency_ms' AND d.name = 'board-02'");
  BOOST_TEST_MESSAGE("over-current isolation latency: " << latency_ms << " ms");
  BOOST_TEST(latency_ms > 0);
  BOOST_TEST(latency_ms <= kLatencyBoundMs);
  const auto state = lab.snapshot();
  BOOST_TEST(!state.boards.at(1).workload_running);
  BOOST_TEST(state.boards.at(1).power_lost_under_load == 0);  // its workload was stopped before its power
  // board-01 and board-03 ran the whole baseline.
  BOOST_TEST(scalar(db, "SELECT count(*) FROM sample_view WHERE device = 'board-01' AND channel = 'tflops'") >= 80);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM sample_view WHERE device = 'board-03' AND channel = 'tflops'") >= 80);
}

BOOST_FIXTURE_TEST_CASE(chamber_deviation_safes_the_station_in_order_within_100_ms, ThreeBoardLab) {
  const auto db = dir.path() / "deviation.db";
  // The chamber's control stops (heating and cooling stuck, no alarm: an alarm would abort by
  // itself) two seconds in: its air drifts from 40 °C towards the
  // lab; 0.5 K off for 5 profile minutes (1 wall second) trips. The first ramp from the lab's
  // 22 °C (3.6 minutes at 5 °C/min) is shorter than that: it does not.
  std::thread saboteur([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    lab.control("fault chamber stuck");
  });
  const auto outcome = ob::test::run_campaign_quietly(
      campaign("  chamber_deviation: { channel: chamber.deviation_c, above: 0.5, for: 5m }\n"
               "  rail_over_current: { channel: supply_current_a, above: 2.9 }\n",
               40),
      db);
  saboteur.join();
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "aborted", outcome.reason);
  BOOST_TEST(outcome.reason.find("interlock chamber_deviation: chamber.deviation_c") != std::string::npos, outcome.reason);
  BOOST_TEST(outcome.reason.find("-> safe_state") != std::string::npos, outcome.reason);
  const double latency_ms = scalar(db, "SELECT value FROM measurements WHERE name = 'safe_state_latency_ms'");
  BOOST_TEST_MESSAGE("chamber-deviation safe-state latency: " << latency_ms << " ms");
  BOOST_TEST(latency_ms > 0);
  BOOST_TEST(latency_ms <= kLatencyBoundMs);
  // The fixed order: every workload, then every supply, then the chamber.
  const double last_board = scalar(db, "SELECT max(id) FROM events WHERE kind = 'safe_state' AND message LIKE 'board-0% in safe state'");
  const double first_psu = scalar(db, "SELECT min(id) FROM events WHERE kind = 'safe_state' AND message LIKE 'psu-% in safe state'");
  const double last_psu = scalar(db, "SELECT max(id) FROM events WHERE kind = 'safe_state' AND message LIKE 'psu-% in safe state'");
  const double chamber = scalar(db, "SELECT id FROM events WHERE kind = 'safe_state' AND message = 'chamber in safe state'");
  BOOST_TEST(last_board < first_psu);
  BOOST_TEST(last_psu < chamber);
  const auto state = lab.snapshot();
  for (const auto& board : state.boards) BOOST_TEST(!board.workload_running);
  for (const auto& supply : state.supplies) {
    for (const auto& channel : supply) BOOST_TEST(!channel.output_on);
  }
  BOOST_TEST(!state.chamber.running);
}
