// A profile made with `orbitbench profile -o FILE` is what a campaign replays with `profile:`.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <fstream>

#include "../support/run_command.hpp"
#include "../support/temp_dir.hpp"

namespace {

ob::test::CommandResult orbitbench(const std::string& args, const ob::test::TempDir& dir) {
  return ob::test::run_command("cd " + dir.path().string() + " && " + OB_ORBITBENCH_EXE + " " + args, dir.path());
}

void write_campaign(const ob::test::TempDir& dir) {
  std::filesystem::copy_file(std::string(OB_SOURCE_DIR) + "/examples/quick-station.yaml", dir.path() / "station.yaml");
  dir.write("campaign.yaml",
            "campaign: replay-file\n"
            "station: station.yaml\n"
            "profile: iss.pb\n"
            "speed: 1000\n"
            "plan:\n"
            "  - replay: { orbits: 1 }\n");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_saved_profile_is_replayed_as_it_is) {
  ob::test::TempDir dir;
  auto made = orbitbench("profile --preset iss --duration 93m --step 10s -o iss.pb", dir);
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  write_campaign(dir);
  const auto run = orbitbench("run -q campaign.yaml --db r.db", dir);
  BOOST_TEST(run.exit_code == 0, run.err << run.out);
  BOOST_TEST(run.out.find("replay-file") != std::string::npos, run.out);
  const auto stored = ob::test::run_command(
      "sqlite3 -readonly " + (dir.path() / "r.db").string() + " \"SELECT name, source FROM profiles\"", dir.path());
  BOOST_TEST(stored.out.find("preset iss") != std::string::npos, stored.out);
  // What was replayed is the file, byte for byte: the stored profile is the file's protobuf.
  std::ifstream in(dir.path() / "iss.pb", std::ios::binary);
  const std::string file_bytes((std::istreambuf_iterator<char>(in)), {});
  BOOST_REQUIRE(file_bytes.size() > 1000u);
  std::string file_hex;
  for (unsigned char byte : file_bytes) {
    constexpr char kDigits[] = "0123456789ABCDEF";
    file_hex += kDigits[byte >> 4];
    file_hex += kDigits[byte & 0xF];
  }
  const auto stored_hex = ob::test::run_command(
      "sqlite3 -readonly " + (dir.path() / "r.db").string() + " \"SELECT hex(proto) FROM profiles\"", dir.path());
  BOOST_TEST(stored_hex.out == file_hex + "\n");
}

BOOST_AUTO_TEST_CASE(a_profile_too_short_for_the_plan_fails_before_energising) {
  ob::test::TempDir dir;
  auto made = orbitbench("profile --preset iss --duration 30m --step 10s -o iss.pb", dir);
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  write_campaign(dir);
  const auto run = orbitbench("run -q campaign.yaml --db r.db", dir);
  BOOST_TEST(run.exit_code == 1);  // refused: nothing energised, nothing recorded
  BOOST_TEST(run.err.find("refused, nothing energised") != std::string::npos, run.err);
  BOOST_TEST(run.err.find("iss.pb: covers 30m10s, the plan replays") != std::string::npos, run.err);
  const auto runs = ob::test::run_command(
      "sqlite3 -readonly " + (dir.path() / "r.db").string() + " \"SELECT count(*) FROM campaigns\"", dir.path());
  BOOST_TEST(runs.out == "0\n");
}

// `orbitbench replay`: the same file on a station, once, without writing a campaign file.
BOOST_AUTO_TEST_CASE(replay_command_plays_a_profile_once_on_a_station) {
  ob::test::TempDir dir;
  auto made = orbitbench("profile --preset iss --duration 93m --step 10s -o iss.pb", dir);
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  std::filesystem::copy_file(std::string(OB_SOURCE_DIR) + "/examples/quick-station.yaml", dir.path() / "station.yaml");
  const auto run = orbitbench("replay iss.pb --station station.yaml --speed 1000 -q --db r.db", dir);
  BOOST_TEST(run.exit_code == 0, run.err << run.out);
  BOOST_TEST(run.out.find("campaign replay-iss: completed") != std::string::npos, run.out);
  const auto runs = ob::test::run_command(
      "sqlite3 -readonly " + (dir.path() / "r.db").string() +
          " \"SELECT kind || ' ' || status || ' ' || (profile_id IS NOT NULL) FROM runs\"",
      dir.path());
  BOOST_TEST(runs.out == "replay completed 1\n", runs.out);
  // A bad profile file is named.
  dir.write("junk.pb", "not a profile");
  const auto junk = orbitbench("replay junk.pb --station station.yaml", dir);
  BOOST_TEST(junk.exit_code == 1);
  BOOST_TEST(junk.err.find("junk.pb: not a serialized ob.profiles.pb.Profile") != std::string::npos, junk.err);
}
