// IIO sensors' own readbacks (issue 15): a device whose timestamp stops advancing gives stale
// readings. The simulated iiod's `freeze` fault stops board 1's INA226 (its buffered scans repeat
// their last timestamp, as a hung sensor driver's would) during the replay, then `thaw` lets it
// go: board-02 gets one stale warning and one "fresh again", board-01 (its own INA226) none.
#include <boost/test/unit_test.hpp>

#include "../support/two_board_bench.hpp"

namespace {

constexpr const char* kPlan = "plan:\n  - baseline: { chamber_c: 25, duration: 10m }\n  - replay: { orbits: 0.5 }\n";

struct SensorBench : ob::test::TwoBoardBench {
  SensorBench() {
    auto sensors = [](int board) {
      const std::string device = "board" + std::to_string(board) + "-rail";
      return "    sensors:\n      rail_v: { channel: " + device + "/voltage1 }\n      rail_a: { channel: " + device +
             "/current3 }\n";
    };
    const std::string station = "station: two-boards\n"
                                "instruments:\n"
                                "  psu-a: { uri: \"" + lab.psu_uri() + "\" }\n"
                                "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5, ramp_clock: profile }\n"
                                "  sensors: { uri: \"" + lab.sensors_uri() + "\" }\n"
                                "duts:\n" +
                                ob::test::sim_dut_yaml("board-01", 0, "psu-a", 1, sensors(0)) +
                                ob::test::sim_dut_yaml("board-02", 1, "psu-a", 2, sensors(1));
    dir.write("station.yaml", ob::test::with_sim_agent(station, lab, dir));
  }

  double stale_events(const std::string& board, const std::string& severity, const std::string& like = "%") const {
    return scalar("SELECT count(*) FROM events e JOIN devices d ON d.id = e.device_id WHERE e.kind = 'sensor_stale' "
                  "AND d.name = '" + board + "' AND e.severity = '" + severity + "' AND e.message LIKE '" + like + "'");
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_frozen_sensor_is_a_stale_warning_on_its_board_until_it_thaws, SensorBench) {
  during_replay("fault sensors freeze board1-rail", 1.0, "fault sensors thaw board1-rail", 2.0);
  const auto outcome = run("", kPlan);
  BOOST_TEST(reply == "OK");
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  BOOST_TEST(stale_events("board-02", "warning",
                          "board-02: sensors board1-rail timestamp stopped advancing%its readings (rail_v, rail_a) are stale") == 1);
  BOOST_TEST(stale_events("board-02", "info", "board-02: sensors board1-rail gives fresh readings again%") == 1);
  BOOST_TEST(stale_events("board-01", "%") == 0);
  // The readings went on being recorded, from both boards, through the freeze.
  BOOST_TEST(scalar("SELECT count(*) FROM samples s JOIN channels c ON c.id = s.channel_id JOIN devices d ON d.id = c.device_id "
                    "JOIN runs r ON r.id = s.run_id WHERE r.kind = 'replay' AND c.name = 'rail_v' AND d.name = 'board-02'") > 100);
  // A live sensor never warns: no stale event during the baseline.
  BOOST_TEST(scalar("SELECT count(*) FROM events e JOIN runs r ON r.id = e.run_id WHERE e.kind = 'sensor_stale' "
                    "AND r.kind = 'baseline'") == 0);
}
