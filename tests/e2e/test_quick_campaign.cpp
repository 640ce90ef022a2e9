// The README's main job: `orbitbench run` on the embedded quick campaign writes a database
// that sqlite3 reads and `orbitbench query degradation` summarises.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <regex>
#include <sstream>
#include <vector>
#include <cmath>

#include <nlohmann/json.hpp>

#include "../support/csv.hpp"
#include "../support/run_command.hpp"
#include "../support/temp_dir.hpp"

namespace {

double scalar(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK,
                        sql << ": " << sqlite3_errmsg(db));
  BOOST_REQUIRE_EQUAL(sqlite3_step(statement), SQLITE_ROW);
  const double value = sqlite3_column_double(statement, 0);
  sqlite3_finalize(statement);
  return value;
}

}  // namespace

BOOST_AUTO_TEST_CASE(embedded_quick_campaign_end_to_end) {
  ob::test::TempDir dir;
  const auto db_path = dir.path() / "quick.db";
  const auto trace_path = dir.path() / "trace.txt";
  const auto run = ob::test::run_command(std::string(OB_ORBITBENCH_EXE) + " run --quiet --db " + db_path.string() +
                                             " --trace " + trace_path.string(),
                                         dir.path());
  BOOST_TEST_MESSAGE(run.out);
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, "exit " << run.exit_code << "\n" << run.err);

  // The log beside the database (issue 19): UTC times, how the campaign began and ended, its
  // events; the trace: every instrument's exchanges, each line time, instrument, direction.
  const std::string log = ob::test::slurp(dir.path() / "quick.log");
  const std::regex log_line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z (info|warning|error) +\S.*)");
  std::istringstream log_lines(log);
  std::size_t lines = 0;
  for (std::string line; std::getline(log_lines, line); ++lines) BOOST_TEST(std::regex_match(line, log_line), line);
  BOOST_TEST(lines > 5u, log);
  BOOST_TEST(log.find("run: campaign quick-leo-550") != std::string::npos, log);
  BOOST_TEST(log.find("phase t+0.0s: baseline started") != std::string::npos, log);
  BOOST_TEST(log.find("campaign quick-leo-550: completed") != std::string::npos, log);
  const std::string trace = ob::test::slurp(trace_path);
  const std::regex trace_line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z (\S+) (→|←|✗) .*)");
  std::map<std::string, std::size_t> by_instrument;
  std::istringstream trace_lines(trace);
  for (std::string line; std::getline(trace_lines, line);) {
    std::smatch match;
    BOOST_TEST_REQUIRE(std::regex_match(line, match, trace_line), line);
    ++by_instrument[match[1]];
  }
  for (const char* instrument : {"psu-a", "psu-b", "psu-c", "chamber", "board-01", "board-02", "board-03", "sensors"}) {
    BOOST_TEST(by_instrument[instrument] > 10u, instrument);
  }
  BOOST_TEST(trace.find("psu-a → *IDN?\n") != std::string::npos);
  BOOST_TEST(trace.find("board-01 ← TelemetryBatch seq ") != std::string::npos);
  BOOST_TEST(trace.find("chamber → ROM?\n") != std::string::npos);
  BOOST_TEST(run.out.find("database: ") != std::string::npos);
  BOOST_TEST(run.out.find("board-01") != std::string::npos);
  BOOST_TEST(run.out.find("completed") != std::string::npos);
  BOOST_TEST(run.out.find("\nverdict: PASS\n") != std::string::npos, run.out);

  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  BOOST_TEST(scalar(db, "PRAGMA user_version") == 5);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaign_files") == 2);  // campaign + station, for resume
  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaigns WHERE status = 'completed'") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM runs WHERE status = 'completed'") == 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM runs WHERE kind='replay' AND profile_id IS NOT NULL") == 1);
  // One orbit at 300x with 0.1 s ticks: ~190 ticks; sunlight, penumbra and umbra were replayed.
  BOOST_TEST(scalar(db,
                    "SELECT count(*) FROM samples s JOIN channels c ON c.id = s.channel_id "
                    "WHERE c.name = 'tflops'") > 150);
  const char* illumination = "FROM samples s JOIN channels c ON c.id = s.channel_id WHERE c.name = 'illumination'";
  BOOST_TEST(scalar(db, std::string("SELECT min(value) ") + illumination) == 0.0);
  BOOST_TEST(scalar(db, std::string("SELECT max(value) ") + illumination) == 1.0);
  // The board earns less in eclipse, where its power budget halves.
  const double sunlit = scalar(db,
                               "SELECT avg(t.value) FROM samples t JOIN channels tc ON tc.id = t.channel_id "
                               "JOIN samples i ON i.run_id = t.run_id AND i.t_s = t.t_s "
                               "JOIN channels ic ON ic.id = i.channel_id "
                               "WHERE tc.name = 'tflops' AND ic.name = 'illumination' AND i.value >= 0.5");
  const double eclipse = scalar(db,
                                "SELECT avg(t.value) FROM samples t JOIN channels tc ON tc.id = t.channel_id "
                                "JOIN samples i ON i.run_id = t.run_id AND i.t_s = t.t_s "
                                "JOIN channels ic ON ic.id = i.channel_id "
                                "WHERE tc.name = 'tflops' AND ic.name = 'illumination' AND i.value < 0.5");
  BOOST_TEST(sunlit > eclipse * 1.2);
  // The IIO thermocouples (simulated iiod, read through libiio) are recorded under the board,
  // next to its own telemetry, and follow the die.
  const char* board_channel =
      "FROM samples s JOIN channels c ON c.id = s.channel_id JOIN devices d ON d.id = c.device_id "
      "JOIN runs r ON r.id = s.run_id WHERE d.name = 'board-01' AND r.kind = 'replay' AND c.name = ";
  BOOST_TEST(scalar(db, std::string("SELECT count(*) ") + board_channel + "'heatsink_temp_c'") > 150);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM channels WHERE name = 'heatsink_temp_c' AND unit = 'degC'") == 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM devices WHERE kind = 'sensors' AND uri LIKE 'iio:ip:127.0.0.1:%'") == 1);
  const double tc_max_c = scalar(db, std::string("SELECT max(value) ") + board_channel + "'heatsink_temp_c'");
  const double gpu_max_c = scalar(db, std::string("SELECT max(value) ") + board_channel + "'gpu_temp_c'");
  BOOST_TEST(tc_max_c > 40.0);
  BOOST_TEST(std::abs(tc_max_c - gpu_max_c) < 5.0, "thermocouple " << tc_max_c << " °C vs GPU " << gpu_max_c << " °C");
  // Issue 16: H100 SXM-class boards at real power, fed at 54 V by high-power supplies (two N5767A,
  // one EA PSI 9080), each board its own part: 650..750 TFLOP/s at the 700 W cap, three lines.
  std::vector<double> baselines;
  for (const char* board : {"board-01", "board-02", "board-03"}) {
    const double tflops = scalar(db, std::string("SELECT m.value FROM measurements m JOIN devices d ON d.id = m.device_id "
                                                 "JOIN runs r ON r.id = m.run_id WHERE m.name = 'tflops_mean' "
                                                 "AND r.kind = 'baseline' AND d.name = '") + board + "'");
    BOOST_TEST(tflops > 640.0, board << ": " << tflops);
    BOOST_TEST(tflops < 750.0, board << ": " << tflops);
    baselines.push_back(tflops);
  }
  BOOST_TEST(std::abs(baselines[0] - baselines[1]) > 1.0);
  BOOST_TEST(std::abs(baselines[1] - baselines[2]) > 1.0);
  BOOST_TEST(std::abs(baselines[0] - baselines[2]) > 1.0);
  const char* supplies = "FROM samples s JOIN channels c ON c.id = s.channel_id JOIN devices d ON d.id = c.device_id "
                         "JOIN runs r ON r.id = s.run_id WHERE d.kind = 'psu' AND r.kind = 'baseline' AND c.name = ";
  BOOST_TEST(scalar(db, std::string("SELECT min(value) ") + supplies + "'ch1.voltage_v'") > 53.5);
  BOOST_TEST(scalar(db, std::string("SELECT max(value) ") + supplies + "'ch1.current_a'") > 12.5);  // 700 W / 54 V
  BOOST_TEST(scalar(db, std::string("SELECT max(value) ") + supplies + "'ch1.power_w'") > 690.0);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM devices WHERE kind = 'psu' AND model = 'PSI 9080-120 2U'") == 1);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM devices WHERE kind = 'psu' AND model = 'N5767A'") == 2);
  // Three boards in one chamber, each on its own supply channel, agent and sensors, sampled
  // together: every board has its own series, each tick.
  BOOST_TEST(scalar(db, "SELECT count(*) FROM devices WHERE kind = 'gpu'") == 3);
  BOOST_TEST(scalar(db, "SELECT count(DISTINCT d.name) FROM samples s JOIN channels c ON c.id = s.channel_id "
                        "JOIN devices d ON d.id = c.device_id WHERE c.name = 'tflops'") == 3);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements WHERE name = 'throughput_reference_vs_baseline_pct'") == 3);
  // The bench replayed the orbit's temperature swing (issue 15): the chamber's air followed the
  // orbit's target within 2 K (p95) and swung as far as the target did; baseline and reference
  // measured only once the bench was stable.
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id WHERE r.kind = 'replay' "
                        "AND m.name = 'chamber_tracking_p95_k' AND m.value <= 2 AND m.verdict = 'pass'") == 1);
  const char* replay_chamber = "FROM samples s JOIN channels c ON c.id = s.channel_id JOIN devices d ON d.id = c.device_id "
                               "JOIN runs r ON r.id = s.run_id WHERE r.kind = 'replay' AND ";
  const double target_span_k = scalar(db, std::string("SELECT max(value) - min(value) ") + replay_chamber +
                                               "d.kind = 'profile' AND c.name = 'chamber_target_c'");
  const double air_span_k = scalar(db, std::string("SELECT max(value) - min(value) ") + replay_chamber +
                                            "d.kind = 'chamber' AND c.name = 'air_temp_c'");
  BOOST_TEST(target_span_k > 10.0, target_span_k);
  BOOST_TEST(air_span_k > target_span_k - 4.0, "air swung " << air_span_k << " K, the orbit " << target_span_k << " K");
  BOOST_TEST(scalar(db, "SELECT count(*) FROM measurements m JOIN runs r ON r.id = m.run_id WHERE m.name = 'soak_s' "
                        "AND m.value > 0 AND r.kind IN ('baseline', 'reference')") == 2);
  // Every instrument ended in its safe state: 3 boards, 3 supplies, the chamber.
  BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE kind = 'safe_state' AND severity = 'info'") == 7);
  sqlite3_close(db);

  // sqlite3 itself reads it.
  const auto cli = ob::test::run_command("sqlite3 -readonly " + db_path.string() + " 'SELECT kind FROM runs ORDER BY ordinal'", dir.path());
  BOOST_TEST(cli.exit_code == 0);
  BOOST_TEST(cli.out == "baseline\nreplay\nreference\n");

  const auto query = ob::test::run_command(std::string(OB_ORBITBENCH_EXE) + " query --db " + db_path.string() + " degradation",
                                           dir.path());
  BOOST_TEST(query.exit_code == 0);
  BOOST_TEST(query.out.find("board-01") != std::string::npos);
  BOOST_TEST(query.out.find("quick-leo-550") != std::string::npos);
  BOOST_TEST(query.out.find("reference_vs_baseline_pct") != std::string::npos, query.out);
  BOOST_TEST(query.out.find("eclipse_tflops") != std::string::npos);
  BOOST_TEST(query.out.find("temp_bin_c") != std::string::npos);  // the in-orbit temperature bins

  // The other analyses and arbitrary read-only SQL, in every format; a write is refused.
  auto orbitbench_query = [&](const std::string& args) {
    return ob::test::run_command(std::string(OB_ORBITBENCH_EXE) + " query --db " + db_path.string() + " " + args, dir.path());
  };
  const auto summary = orbitbench_query("summary");
  BOOST_TEST(summary.exit_code == 0);
  BOOST_TEST(summary.out.find("quick-leo-550  completed  board-03") != std::string::npos, summary.out);
  BOOST_TEST(summary.out.find("(3 rows)") != std::string::npos, summary.out);
  const auto events = orbitbench_query("--format csv events --dut board-02");
  BOOST_TEST(events.out.find("id,utc,campaign,run,run_label,device,t_s,kind,severity,message\r\n") == 0u, events.out);
  BOOST_TEST(events.out.find(",board-01,") == std::string::npos);
  const auto timing = nlohmann::json::parse(orbitbench_query("--format json timing").out);
  BOOST_REQUIRE(timing.is_array());
  BOOST_REQUIRE(timing.size() == 3u);
  BOOST_TEST(timing[1]["run_label"] == "replay 1/1");
  BOOST_TEST(timing[1]["p99_ms"].is_number());
  BOOST_TEST(timing[1]["ticks_on_time"].is_number_integer(), timing.dump());  // a count, not 1728.0

  // Every analysis honours --format (issue 19): CSV is one table (a header, then rows of as many
  // fields), JSON a list of objects with the same keys, its counts integers; the table format
  // says how many rows. Parsed, not searched.
  const std::vector<std::string> analyses = {"campaigns", "degradation --table figures", "degradation --table bins",
                                             "compare", "summary", "events", "timing", "conformance"};
  for (const auto& analysis : analyses) {
    BOOST_TEST_CONTEXT(analysis) {
      const auto csv = orbitbench_query("--format csv " + analysis);
      BOOST_TEST(csv.exit_code == 0, csv.err);
      const auto rows = ob::test::parse_csv(csv.out);
      BOOST_REQUIRE(rows.size() >= 2u);
      for (const auto& row : rows) BOOST_TEST(row.size() == rows.front().size());
      const auto json = orbitbench_query("--format json " + analysis);
      BOOST_TEST(json.exit_code == 0, json.err);
      const auto parsed = nlohmann::json::parse(json.out);
      BOOST_REQUIRE(parsed.is_array());
      BOOST_TEST(parsed.size() == rows.size() - 1);
      for (const auto& object : parsed) {
        BOOST_REQUIRE(object.is_object());
        BOOST_TEST(object.size() == rows.front().size());
        for (const char* count : {"samples", "runs", "errors", "warnings", "sdc", "ecc_corrected", "power_cap_s", "id"}) {
          if (object.contains(count) && !object[count].is_null()) BOOST_TEST(object[count].is_number_integer(), count);
        }
      }
      const auto table = orbitbench_query(analysis);
      BOOST_TEST(table.out.find("(" + std::to_string(parsed.size()) + (parsed.size() == 1 ? " row)" : " rows)")) !=
                     std::string::npos,
                 table.out);
    }
  }
  // Two tables do not go into one CSV stream; a name that matches nothing is an error naming it.
  const auto two_tables = orbitbench_query("--format csv degradation");
  BOOST_TEST(two_tables.exit_code == 2);
  BOOST_TEST(two_tables.out.empty(), two_tables.out);
  BOOST_TEST(two_tables.err.find("--table figures") != std::string::npos, two_tables.err);
  const auto two_statements = orbitbench_query("--format json sql \"SELECT 1; SELECT 2\"");
  BOOST_TEST(two_statements.exit_code != 0);
  BOOST_TEST(two_statements.out.empty(), two_statements.out);
  for (const auto& [args, named] : std::vector<std::pair<std::string, std::string>>{
           {"summary --campaign nosuch", "no campaign 'nosuch'"},
           {"events --dut board-09", "no board 'board-09'"},
           {"timing --run 99", "no run '99'"},
           {"degradation --campaign quick-leo-550 --dut board-9 --table figures", "no board 'board-9' in campaign 'quick-leo-550'"}}) {
    const auto missing = orbitbench_query(args);
    BOOST_TEST(missing.exit_code == 1, args);
    BOOST_TEST(missing.out.empty(), missing.out);
    BOOST_TEST(missing.err.find(named) != std::string::npos, missing.err);
  }
  // The query's own options may follow the analysis.
  const auto after = ob::test::run_command(std::string(OB_ORBITBENCH_EXE) + " query summary --db " + db_path.string() +
                                               " --format csv",
                                           dir.path());
  BOOST_TEST(after.exit_code == 0, after.err);
  BOOST_TEST(after.out.find("campaign_id,campaign,status,dut,") == 0u, after.out);
  const auto sql = orbitbench_query("sql \"SELECT device, count(*) AS n FROM sample_view WHERE channel = 'tflops' GROUP BY device\"");
  BOOST_TEST(sql.exit_code == 0);
  BOOST_TEST(sql.out.find("board-02") != std::string::npos, sql.out);
  const auto write = orbitbench_query("sql \"SELECT 1; DELETE FROM samples\"");
  BOOST_TEST(write.exit_code == 1);
  BOOST_TEST(write.err.find("statement 2 (DELETE FROM samples): refused, read-only") != std::string::npos, write.err);
  const auto cli_count = ob::test::run_command("sqlite3 -readonly " + db_path.string() + " 'SELECT count(*) > 1000 FROM samples'", dir.path());
  BOOST_TEST(cli_count.out == "1\n");
}
