// The command line as a user meets it: help, version, subcommands, and one-line errors.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "../support/old_schema_db.hpp"
#include "../support/run_command.hpp"
#include "../support/temp_dir.hpp"
#include "db/recorder.hpp"
#include "fixtures/sim_lab.hpp"

namespace {

ob::test::CommandResult orbitbench(const std::string& args, const ob::test::TempDir& dir) {
  return ob::test::run_command(std::string(OB_ORBITBENCH_EXE) + " " + args, dir.path());
}

long count_lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

}  // namespace

BOOST_AUTO_TEST_CASE(help_lists_every_subcommand) {
  ob::test::TempDir dir;
  const auto result = orbitbench("--help", dir);
  BOOST_TEST(result.exit_code == 0);
  for (const char* name : {"profile", "lab", "run", "resume", "replay", "query", "sensors", "board", "schema"}) {
    BOOST_TEST(result.out.find(name) != std::string::npos, name);
  }
}

BOOST_AUTO_TEST_CASE(version) {
  ob::test::TempDir dir;
  const auto result = orbitbench("--version", dir);
  BOOST_TEST(result.exit_code == 0);
  BOOST_TEST(result.out.find("orbitbench 0.") == 0u);
}

BOOST_AUTO_TEST_CASE(unknown_subcommand_and_bad_arguments_fail_in_one_line) {
  ob::test::TempDir dir;
  for (const char* args : {"frobnicate", "", "profile --step -3s", "profile --step 10x", "profile --preset leo-9000",
                           "profile --tle /nonexistent.tle", "profile --elements alt=550km", "run --speed fast", "query degradation",
                           "run /nonexistent/campaign.yaml", "profile --no-such-flag"}) {
    const auto result = orbitbench(args, dir);
    BOOST_TEST(result.exit_code != 0, args);
    BOOST_TEST(count_lines(result.err) == 1, args << " → " << result.err);
  }
}

// Each mistake is named with its reason, exit non-zero, and nothing printed as if it had worked
// (issue 19): the word, the unit, the range, the system's reason for a failed write.
BOOST_AUTO_TEST_CASE(command_line_mistakes_are_named_with_their_reason) {
  ob::test::TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bogus", "unknown command 'bogus' (commands: profile,"},
      {"profile --no-such-flag", "--no-such-flag"},
      {"profile --duration 5", "--duration '5' is not a duration: a number with its unit"},
      {"profile --duration -5", "--duration '-5' is not a duration"},
      {"profile --step 1d", "--step 1d is over 10m"},
      {"profile --step 0.001s", "--step 0.001s is under 0.01s"},
      {"profile --duration 2d12h --step 0.01s", "21600001 rows (--duration 216000 s at --step 0.01 s) is more than --max-rows"},
      {"profile --elements alt=50km,inc=53", "perigee altitude 50 km is inside the atmosphere"},
      {"profile -o /nonexistent/x.pb", "cannot write /nonexistent/x.pb: No such file or directory"},
      {"profile --csv /nonexistent/x.csv", "cannot write /nonexistent/x.csv: No such file or directory"},
  };
  for (const auto& [args, said] : cases) {
    const auto result = orbitbench(args, dir);
    BOOST_TEST(result.exit_code != 0, args);
    BOOST_TEST(result.out.empty(), args << " printed: " << result.out);
    BOOST_TEST(result.err.find(said) != std::string::npos, args << " → " << result.err);
  }
  // Compound durations are durations.
  const auto compound = orbitbench("profile --duration 1h30m --step 1m", dir);
  BOOST_TEST(compound.exit_code == 0, compound.err);
  BOOST_TEST(compound.out.find("1.50 h at 60 s steps") != std::string::npos, compound.out);
}

BOOST_AUTO_TEST_CASE(campaign_file_errors_name_the_place) {
  ob::test::TempDir dir;
  const auto campaign = dir.write("bad.yaml", "campaign: x\nstation: missing-station.yaml\norbit: { preset: starlink-550 }\n"
                                              "plan:\n  - baseline: { duration: 1m }\n");
  const auto result = orbitbench("run " + campaign.string(), dir);
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(result.err.find("bad.yaml:2: station:") != std::string::npos, result.err);
  BOOST_TEST(result.err.find("missing-station.yaml: cannot open") != std::string::npos, result.err);
}

BOOST_AUTO_TEST_CASE(profile_writes_csv) {
  ob::test::TempDir dir;
  const auto csv = dir.path() / "p.csv";
  const auto result = orbitbench("profile --preset starlink-550 --step 10s --csv " + csv.string(), dir);
  BOOST_TEST(result.exit_code == 0, result.err);
  BOOST_TEST(result.out.find("95.65 min") != std::string::npos, result.out);
  BOOST_TEST(result.out.find("conical shadow") != std::string::npos, result.out);
  const auto text = ob::test::slurp(csv);
  BOOST_TEST(text.find("t_s,utc,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s,illumination,beta_deg,solar_power_w,battery_soc,") == 0u,
             text.substr(0, 200));
  BOOST_TEST(count_lines(text) == 575);  // header + one orbit of 95.65 min at 10 s: t = 0 … 5730 s
}

BOOST_AUTO_TEST_CASE(query_refuses_missing_database) {
  ob::test::TempDir dir;
  const auto result = orbitbench("query --db " + (dir.path() / "none.db").string() + " degradation", dir);
  BOOST_TEST(result.exit_code != 0);
  BOOST_TEST(count_lines(result.err) == 1, result.err);
}

BOOST_AUTO_TEST_CASE(profile_csv_to_stdout_stays_clean_and_the_summary_goes_to_stderr) {
  ob::test::TempDir dir;
  const auto result = orbitbench("profile --preset iss --duration 30m --step 1m --csv -", dir);
  BOOST_TEST(result.exit_code == 0, result.err);
  BOOST_TEST(result.out.find("t_s,utc,x_km") == 0u);
  BOOST_TEST(count_lines(result.out) == 32);  // header + 0 … 30 min
  BOOST_TEST(result.out.find("period") == std::string::npos);
  BOOST_TEST(result.err.find("period") != std::string::npos, result.err);
}

BOOST_AUTO_TEST_CASE(profile_from_a_tle_file_and_from_elements) {
  ob::test::TempDir dir;
  const std::string tle = std::string(OB_TEST_DATA_DIR) + "/sgp4/iss.tle";
  auto result = orbitbench("profile --tle " + tle + " --sat 'iss (zarya)' --duration 2h --step 30s -o " +
                               (dir.path() / "iss.pb").string(), dir);
  BOOST_TEST(result.exit_code == 0, result.err);
  BOOST_TEST(result.out.find("ISS (ZARYA)") != std::string::npos, result.out);
  BOOST_TEST(std::filesystem::file_size(dir.path() / "iss.pb") > 10000u);

  result = orbitbench("profile --elements alt=650km,inc=sso,ltan=18:00,epoch=2026-06-21T00:00:00Z --duration 1d --step 1m", dir);
  BOOST_TEST(result.exit_code == 0, result.err);
  BOOST_TEST(result.out.find("eclipse") != std::string::npos, result.out);

  result = orbitbench("profile --elements alt=650km,inc=sso,ltan=25:00", dir);
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(result.err.find("ltan") != std::string::npos, result.err);
  BOOST_TEST(count_lines(result.err) == 1, result.err);
}

BOOST_AUTO_TEST_CASE(profile_refuses_a_bad_tle_with_file_and_line) {
  ob::test::TempDir dir;
  const auto tle = dir.write("bad.tle",
                             "ISS (ZARYA)\n"
                             "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2928\n"
                             "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\n");
  const auto result = orbitbench("profile --tle " + tle.string(), dir);
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(result.err.find("bad.tle:2:") != std::string::npos, result.err);
  BOOST_TEST(result.err.find("checksum") != std::string::npos, result.err);
  const auto unknown = orbitbench("profile --tle " + (std::string(OB_TEST_DATA_DIR) + "/sgp4/iss.tle") + " --sat HUBBLE", dir);
  BOOST_TEST(unknown.exit_code == 1);
  BOOST_TEST(unknown.err.find("25544") != std::string::npos, unknown.err);  // lists what the file holds
}

BOOST_AUTO_TEST_CASE(profile_reports_what_the_bench_cannot_follow) {
  ob::test::TempDir dir;
  const auto lab = dir.write("lab.yaml", "qualification: qualification\nchamber_max_ramp_c_per_min: 1\n");
  const auto result = orbitbench("profile --preset starlink-550 --lab " + lab.string() + " --speed 10", dir);
  BOOST_TEST(result.exit_code == 0, result.err);
  BOOST_TEST(result.out.find("INFEASIBLE") != std::string::npos, result.out);
  BOOST_TEST(result.out.find("chamber_ramp") != std::string::npos, result.out);
  const auto bad_lab = dir.write("bad-lab.yaml", "qualification: extreme\n");
  const auto refused = orbitbench("profile --lab " + bad_lab.string(), dir);
  BOOST_TEST(refused.exit_code == 1);
  BOOST_TEST(refused.err.find("bad-lab.yaml:1: qualification: 'extreme' is not one of") != std::string::npos, refused.err);
}

#ifdef ORBITBENCH_WITH_IIO
// `orbitbench sensors` against the simulated lab's iiod, through libiio: list, read, capture.
BOOST_AUTO_TEST_CASE(sensors_lists_reads_and_captures) {
  ob::fixtures::SimLab lab(ob::fixtures::SimLabOptions{});
  lab.start();
  ob::test::TempDir dir;
  const std::string uri = lab.sensors_uri();

  const auto listed = orbitbench("sensors " + uri, dir);
  BOOST_TEST(listed.exit_code == 0, listed.err);
  BOOST_TEST(listed.out.find("board0-thermocouple/temp") != std::string::npos, listed.out);
  BOOST_TEST(listed.out.find("board0-rail/power2") != std::string::npos, listed.out);

  const auto read = orbitbench("sensors " + uri + " board0-thermocouple/temp", dir);
  BOOST_TEST(read.exit_code == 0, read.err);
  BOOST_TEST(read.out.find("°C") != std::string::npos, read.out);

  const auto capture = orbitbench("sensors " + uri + " --capture 20 --rate 50 board0-rail/voltage1 board0-rail/current3", dir);
  BOOST_TEST(capture.exit_code == 0, capture.err);
  BOOST_TEST(capture.out.find("t_s,board0-rail/voltage1 [V],board0-rail/current3 [A]\n") == 0u, capture.out);
  BOOST_TEST(count_lines(capture.out) == 21);

  const auto missing = orbitbench("sensors " + uri + " board0-rail/voltage9", dir);
  BOOST_TEST(missing.exit_code == 1);
  BOOST_TEST(missing.err.find("no input channel 'voltage9' on board0-rail") != std::string::npos, missing.err);
  BOOST_TEST(count_lines(missing.err) == 1);
  lab.stop();
}
#endif

BOOST_AUTO_TEST_CASE(schema_prints_the_keys_the_files_accept) {
  ob::test::TempDir dir;
  const auto campaign = orbitbench("schema campaign", dir);
  BOOST_TEST(campaign.exit_code == 0);
  BOOST_TEST(campaign.out.find("## campaign file\n") == 0u, campaign.out);
  BOOST_TEST(campaign.out.find("### plan[].thermal_cycle") != std::string::npos);
  BOOST_TEST(campaign.out.find("| `reference_every` |") != std::string::npos);
  BOOST_TEST(campaign.out.find("## station file") == std::string::npos);
  const auto all = orbitbench("schema", dir);
  BOOST_TEST(all.out.find("### duts.<name>.supply") != std::string::npos);
  BOOST_TEST(orbitbench("schema stations", dir).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(db_merge_folds_station_databases_into_one) {
  ob::test::TempDir dir;
  for (const char* station : {"bay-1", "bay-2"}) {
    ob::db::Recorder recorder(dir.path() / (std::string(station) + ".db"));
    ob::db::CampaignRow campaign;
    campaign.name = std::string("qual-") + station;
    campaign.station = station;
    campaign.started_unix_s = 1000;
    recorder.add_campaign(campaign);
  }
  const std::string at = dir.path().string() + "/";
  const auto merged = orbitbench("db merge " + at + "lab.db " + at + "bay-1.db " + at + "bay-2.db", dir);
  BOOST_TEST(merged.exit_code == 0, merged.err);
  BOOST_TEST(merged.out.find("bay-2.db: 1 campaign(s) merged, 0 already there, 0 samples\n") != std::string::npos, merged.out);
  const auto listed = orbitbench("query --db " + at + "lab.db --format csv sql \"SELECT name, station FROM campaigns ORDER BY id\"", dir);
  BOOST_TEST(listed.out == "name,station\r\nqual-bay-1,bay-1\r\nqual-bay-2,bay-2\r\n", listed.out);
  const auto again = orbitbench("db merge " + at + "lab.db " + at + "bay-1.db", dir);
  BOOST_TEST(again.out.find("0 campaign(s) merged, 1 already there") != std::string::npos, again.out);
  const auto itself = orbitbench("db merge " + at + "lab.db " + at + "lab.db", dir);
  BOOST_TEST(itself.exit_code == 1);
  BOOST_TEST(itself.err.find("is the output itself") != std::string::npos, itself.err);
}

// A results file from before schema 4 (no aggregates): query refuses it with the hint, `db
// upgrade` migrates it in place and folds its completed run, and then the degradation summary
// reads the figures from the new aggregates.
BOOST_AUTO_TEST_CASE(db_upgrade_migrates_an_old_file_and_builds_its_aggregates) {
  ob::test::TempDir dir;
  const auto old = dir.path() / "old.db";
  std::string setup =
      "INSERT INTO campaigns (id, name, station, started_unix_s) VALUES (1, 'old', 'bay-0', 500);"
      "INSERT INTO devices (id, campaign_id, name, kind) VALUES (1, 1, 'board-01', 'gpu');"
      "INSERT INTO channels (id, device_id, name, unit) VALUES (1, 1, 'tflops', 'TFLOP/s'), (2, 1, 'gpu_temp_c', 'degC');"
      "INSERT INTO runs (id, campaign_id, kind, ordinal, status, started_unix_s) VALUES (1, 1, 'baseline', 0, 'completed', 500);";
  for (int t = 0; t < 10; ++t) {
    setup += "INSERT INTO samples (run_id, channel_id, t_s, wall_unix_s, value) VALUES (1, 1, " + std::to_string(t) + ", " +
             std::to_string(500 + t) + ", " + std::to_string(40 + t % 2) + "), (1, 2, " + std::to_string(t) + ", " +
             std::to_string(500 + t) + ", 55);";
  }
  ob::test::write_old_schema_db(old, 2, setup);
  const std::string file = old.string();
  const auto refused = orbitbench("query --db " + file + " degradation", dir);
  BOOST_TEST(refused.exit_code != 0);
  BOOST_TEST(refused.err.find("db upgrade") != std::string::npos, refused.err);

  const auto upgraded = orbitbench("db upgrade " + file, dir);
  BOOST_TEST(upgraded.exit_code == 0, upgraded.err);
  BOOST_TEST(upgraded.out == file + ": schema " + std::to_string(ob::db::kSchemaVersion) + "\n", upgraded.out);
  const auto figures = orbitbench("query --db " + file + " --format csv degradation --table figures", dir);
  BOOST_TEST(figures.exit_code == 0, figures.err);
  BOOST_TEST(figures.out.find("old,board-01,40.5,") != std::string::npos, figures.out);

  const auto text = dir.write("notes.db", "not a database at all, just text that is long enough to be read as a header....");
  const auto not_a_database = orbitbench("db upgrade " + text.string(), dir);
  BOOST_TEST(not_a_database.exit_code == 1);
  BOOST_TEST(not_a_database.err.find("orbitbench db upgrade: ") == 0u, not_a_database.err);
}

// `query conformance` on the embedded quick campaign (run once, ~30 s): per run, in CSV (RFC 4180
// line ends) and JSON, the soak of the baseline and the reference (none in a replay), no supply
// or board faults, every run passed; an unknown campaign is an error, not an empty table.
BOOST_AUTO_TEST_CASE(query_conformance_of_the_quick_campaign) {
  ob::test::TempDir dir;
  const std::string file = (dir.path() / "quick.db").string();
  const auto run = orbitbench("run --quiet --db " + file, dir);
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, "exit " << run.exit_code << "\n" << run.err);

  const std::vector<std::string> columns = {"run_id", "label", "kind", "soak_s", "chamber_tracking_p95_k",
                                            "chamber_tracking_max_k", "supply_faults", "board_faults", "verdict"};
  const auto csv = orbitbench("query --db " + file + " --format csv conformance", dir);
  BOOST_TEST(csv.exit_code == 0, csv.err);
  std::vector<std::vector<std::string>> lines;
  for (std::size_t at = 0; at < csv.out.size();) {
    const auto end = csv.out.find("\r\n", at);
    BOOST_REQUIRE_MESSAGE(end != std::string::npos, "a CSV line without CRLF: " << csv.out.substr(at));
    std::vector<std::string> fields;
    const auto line = csv.out.substr(at, end - at);
    for (std::size_t from = 0;;) {
      const auto comma = line.find(',', from);
      fields.push_back(line.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    lines.push_back(fields);
    at = end + 2;
  }
  BOOST_TEST(csv.out.substr(0, csv.out.find("\r\n")) ==
                 "run_id,label,kind,soak_s,chamber_tracking_p95_k,chamber_tracking_max_k,supply_faults,board_faults,verdict",
             csv.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 4u);
  BOOST_TEST(lines[0] == columns, boost::test_tools::per_element());
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"baseline", "baseline"}, {"replay 1/1", "replay"}, {"reference", "reference"}};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& row = lines[i + 1];
    BOOST_TEST_CONTEXT("row " << i + 1 << ": " << csv.out) {
      BOOST_REQUIRE_EQUAL(row.size(), columns.size());
      BOOST_TEST(row[1] == runs[i].first);
      BOOST_TEST(row[2] == runs[i].second);
      if (runs[i].second == "replay") {
        BOOST_TEST(row[3].empty());  // no soak before a replay
      } else {
        BOOST_TEST(!row[3].empty());
        BOOST_TEST(std::stod(row[3].empty() ? "0" : row[3]) > 0.0);
      }
      BOOST_TEST(row[6] == "0");
      BOOST_TEST(row[7] == "0");
      BOOST_TEST(row[8] == "pass");
    }
  }

  const auto json = orbitbench("query --db " + file + " --format json conformance --campaign quick-leo-550", dir);
  BOOST_TEST(json.exit_code == 0, json.err);
  const auto objects = nlohmann::json::parse(json.out);
  BOOST_REQUIRE(objects.is_array());
  BOOST_REQUIRE(objects.size() == 3u);
  for (const auto& object : objects) {
    for (const auto& column : columns) BOOST_TEST(object.contains(column), column << " in " << object.dump());
    BOOST_TEST(object["verdict"] != "fail", object.dump());
  }
  BOOST_TEST(std::count_if(objects.begin(), objects.end(), [](const auto& o) { return o["soak_s"].is_null(); }) == 1);  // the replay's

  const auto unknown = orbitbench("query --db " + file + " conformance --campaign nosuch", dir);
  BOOST_TEST(unknown.exit_code != 0);
  BOOST_TEST(unknown.out.empty(), unknown.out);
  BOOST_TEST(unknown.err.find("no campaign 'nosuch'") != std::string::npos, unknown.err);
  BOOST_TEST(count_lines(unknown.err) == 1);
}

// `query sql` streams its rows (issue 18 item 9): a SELECT of 3 million rows (~300 MB as the old
// buffered result held it, past its 256 MiB cap) is printed whole, in bounded memory.
BOOST_AUTO_TEST_CASE(query_sql_streams_a_result_larger_than_memory_would_hold) {
  ob::test::TempDir dir;
  const auto db = dir.path() / "r.db";
  {
    ob::db::Recorder recorder(db);
    recorder.add_campaign({"c", "s", "", 1, {}});
  }
  int pipe_fds[2];
  BOOST_REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  if (child == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::execl(OB_ORBITBENCH_EXE, "orbitbench", "query", "--db", db.c_str(), "--format", "csv", "sql",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3000000) "
            "SELECT x, printf('%080d', x) AS pad FROM c",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::size_t bytes = 0, lines = 0;
  std::string last_line, current;
  char chunk[1 << 16];
  for (ssize_t got; (got = ::read(pipe_fds[0], chunk, sizeof chunk)) > 0;) {
    bytes += static_cast<std::size_t>(got);
    for (ssize_t i = 0; i < got; ++i) {
      if (chunk[i] == '\n') {
        ++lines;
        last_line = current;
        current.clear();
      } else if (current.size() < 200) {
        current += chunk[i];
      }
    }
  }
  ::close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  ::wait4(child, &status, 0, &usage);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  BOOST_TEST(lines == 3000001u);  // the header and every row
  BOOST_TEST(last_line == "3000000," + std::string(73, '0') + "3000000\r");
  BOOST_TEST_MESSAGE("query sql streamed " << bytes / (1 << 20) << " MiB in " << usage.ru_maxrss / 1024 << " MiB resident");
  BOOST_TEST(usage.ru_maxrss < 64 * 1024);  // KiB
}
