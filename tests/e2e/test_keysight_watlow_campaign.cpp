// Both kinds of instrument through the other drivers: a Keysight E36312A (SCPI channel lists,
// output watchdog) and a Watlow F4T (Modbus TCP) in the simulated lab, end to end.
#include <boost/test/unit_test.hpp>
#include <cstdlib>

#include "../support/run_command.hpp"
#include "../support/temp_dir.hpp"

namespace {

std::string query(const std::filesystem::path& db, const std::string& sql, const ob::test::TempDir& dir) {
  return ob::test::run_command("sqlite3 -readonly " + db.string() + " \"" + sql + "\"", dir.path()).out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(keysight_psu_and_watlow_chamber_run_a_campaign) {
  ob::test::TempDir dir;
  dir.write("station.yaml",
            "station: sim-keysight-watlow\n"
            "simulated: true\n"
            "instruments:\n"
            "  psu:     { uri: \"sim://psu-e36312a\", model: E36312A }\n"
            "  chamber: { uri: \"sim://chamber-f4t\", min_temp_c: -20, max_temp_c: 85 }\n"
            "duts:\n"
            "  board-01:\n"
            "    agent: \"sim://agent\"\n"
            "    supply: { instrument: psu, channel: 2, voltage_v: 12.0, max_voltage_v: 12.6, max_current_a: 1.0 }\n");
  const auto campaign = dir.write("campaign.yaml",
                                  "campaign: keysight-watlow\nstation: station.yaml\norbit: { preset: iss }\nspeed: 600\n"
                                  "plan:\n  - baseline: { chamber_c: 30, duration: 10m }\n  - replay: { orbits: 1 }\n");
  const auto db = dir.path() / "r.db";
  const auto run = ob::test::run_command(std::string(OB_ORBITBENCH_EXE) + " run -q " + campaign.string() + " --db " +
                                             db.string(), dir.path());
  BOOST_TEST(run.exit_code == 0, run.err << run.out);
  BOOST_TEST(query(db, "SELECT model FROM devices WHERE kind = 'psu'", dir) == "E36312A\n");
  BOOST_TEST(query(db, "SELECT count(*) FROM devices WHERE kind = 'chamber' AND model LIKE '%F4T%'", dir) == "1\n");
  // The watchdog is armed where the model has one; the 1 A limit puts the 30 W board into CC.
  BOOST_TEST(query(db, "SELECT count(*) FROM events WHERE message LIKE '%watchdog armed%'", dir) == "1\n");
  const std::string cc_events = query(db, "SELECT count(*) FROM events WHERE kind = 'regulation' AND message LIKE '%CC'", dir);
  BOOST_TEST(!cc_events.empty());  // sqlite3 answered (an empty answer is no count at all)
  BOOST_TEST(std::atol(cc_events.c_str()) > 0, cc_events);
  BOOST_TEST(query(db, "SELECT count(*) FROM events WHERE kind = 'limit' AND message LIKE '%supply_current%'", dir) == "1\n");
  // The F4T's air reached the baseline's 30 °C setpoint.
  BOOST_TEST(query(db, "SELECT max(s.value) > 29.5 FROM samples s JOIN channels c ON c.id = s.channel_id "
                       "JOIN runs r ON r.id = s.run_id WHERE c.name = 'air_temp_c' AND r.kind = 'baseline'", dir) == "1\n");
}
