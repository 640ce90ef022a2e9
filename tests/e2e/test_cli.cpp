// The command line as a user meets it: help, version, subcommands, and one-line errors.
#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "../support/run_command.hpp"
#include "../support/temp_dir.hpp"

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
  for (const char* name : {"profile", "lab", "run", "query"}) {
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
