// Security at the campaign level (the agent protocol, the read-only SQL and the drivers' own
// range checks are tested where they live): a board whose agent secret is wrong fails the
// campaign with an error naming that board, and nothing is energised; a campaign asking for a
// setpoint beyond a station limit — a chamber temperature, a supply voltage, a profile's chamber
// setpoints, a channel the supply lacks, an OVP above the rating — is refused before anything
// is sent to any instrument and before the campaign is recorded: exit 1, `file:line: field: …`.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <optional>

#include "../support/run_command.hpp"
#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

// Two boards on the simulated DP832's CH1 and CH2, the Espec chamber; what the instruments were
// set to before the campaign, to show that nothing was sent.
struct TwoBoardBench {
  ob::fixtures::SimLab lab{ob::test::sim_lab_options(300, 2)};
  ob::test::TempDir dir;
  ob::fixtures::PhysicsSnapshot before;
  std::filesystem::path db = dir.path() / "security.db";

  TwoBoardBench() {
    lab.start();
    before = lab.snapshot();
    ob::test::sim_agent_uri(lab, dir);  // the right secret in agent.secret (0600)
  }

  // `chamber` adds keys to the chamber's line; board-02 is fed from `channel_2` at `volts_2`.
  void write_station(const std::string& secret_2 = "agent.secret", const std::string& chamber = "",
                     int channel_2 = 2, double volts_2 = 12, std::optional<double> ovp_2 = std::nullopt) const {
    auto dut = [&](const std::string& name, int gpu, const std::string& secret, int channel, double volts,
                   std::optional<double> ovp = std::nullopt) {
      return "  " + name + ":\n"
             "    agent: \"" + lab.agent_uri() + "?gpu=" + std::to_string(gpu) + "\"\n"
             "    secret_file: " + secret + "\n"
             "    supply: { instrument: psu-a, channel: " + std::to_string(channel) + ", voltage_v: " +
             std::to_string(volts) + ", max_voltage_v: " + std::to_string(ovp.value_or(volts * 1.05)) + ", max_current_a: 2 }\n";
    };
    dir.write("station.yaml", "station: security\n"
                              "instruments:\n"
                              "  psu-a: { uri: \"" + lab.psu_uri() + "\" }\n"
                              "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5, ramp_clock: profile" + chamber + " }\n"
                              "duts:\n" +
                                  dut("board-01", 0, "agent.secret", 1, 12) + dut("board-02", 1, secret_2, channel_2, volts_2, ovp_2));
  }

  ob::test::CommandResult run(const std::string& plan, const std::string& extra = "orbit: { preset: starlink-550 }\n") const {
    dir.write("campaign.yaml", "campaign: security\nstation: station.yaml\nspeed: 300\n" + extra + "plan:\n" + plan);
    return ob::test::run_command("cd " + dir.path().string() + " && " + OB_ORBITBENCH_EXE + " run -q campaign.yaml --db " +
                                     db.string(),
                                 dir.path());
  }

  // A refused campaign leaves no row, not even a failed one.
  void check_nothing_recorded() const { BOOST_TEST(scalar(db, "SELECT count(*) FROM campaigns") == 0); }

  // No setpoint reached an instrument, no output was on, no workload ran, no run began.
  void check_nothing_energised() const {
    const auto after = lab.snapshot();
    for (std::size_t channel = 0; channel < after.psu.size(); ++channel) {
      BOOST_TEST_CONTEXT("psu CH" << channel + 1) {
        BOOST_TEST(after.psu[channel].set_voltage_v == before.psu[channel].set_voltage_v);
        BOOST_TEST(after.psu[channel].current_limit_a == before.psu[channel].current_limit_a);
        BOOST_TEST(!after.psu[channel].output_on);
      }
    }
    for (std::size_t board = 0; board < after.boards.size(); ++board) {
      BOOST_TEST_CONTEXT("board " << board) {
        BOOST_TEST(!after.boards[board].powered);
        BOOST_TEST(!after.boards[board].workload_running);
        BOOST_TEST(after.boards[board].energy_j == before.boards[board].energy_j);
      }
    }
    BOOST_TEST(after.chamber.setpoint_c == before.chamber.setpoint_c);
    BOOST_TEST(!after.chamber.running);
    BOOST_TEST(scalar(db, "SELECT count(*) FROM runs") == 0);
    BOOST_TEST(scalar(db, "SELECT count(*) FROM events WHERE message = 'instruments energised, workload started'") == 0);
    BOOST_TEST(scalar(db, "SELECT count(*) FROM samples") == 0);
  }
};

const char* kPlan =
    "  - baseline: { chamber_c: 25, duration: 10m }\n"
    "  - replay: { orbits: 0.2 }\n";

}  // namespace

// Issue 18 item 3: a secret too short to resist an offline search is refused before anything
// connects, with how to make a good one.
BOOST_FIXTURE_TEST_CASE(a_short_agent_secret_is_refused_before_anything_connects, TwoBoardBench) {
  const auto weak = dir.write("weak.secret", "hunter2\n");
  ::chmod(weak.c_str(), 0600);
  write_station("weak.secret");
  const auto result = run(kPlan);
  BOOST_TEST(result.exit_code != 0, result.out << result.err);
  const std::string said = result.out + result.err;
  BOOST_TEST(said.find("board-02: the secret in ") != std::string::npos, said);
  BOOST_TEST(said.find("weak.secret holds about 5 bytes; at least 32 random bytes are needed") != std::string::npos, said);
  BOOST_TEST(said.find("head -c 32 /dev/urandom") != std::string::npos, said);
  check_nothing_energised();
}

BOOST_FIXTURE_TEST_CASE(a_wrong_agent_secret_fails_the_campaign_naming_the_board_and_energises_nothing, TwoBoardBench) {
  // Strong (32 random bytes' worth of hex), and wrong.
  const auto wrong = dir.write("wrong.secret", "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\n");
  ::chmod(wrong.c_str(), 0600);
  write_station("wrong.secret");
  const auto result = run(kPlan);
  BOOST_TEST(result.exit_code == 3, result.out << result.err);
  // The campaign's line says what failed and which board: board-02, whose secret is wrong (not
  // board-01); its safe state cannot be confirmed either (the agent will not talk to us).
  // The key is refused in the TLS handshake (protocol 3): OpenSSL's alert for a binder that does not verify.
  BOOST_TEST(result.out.find("campaign security: failed — configure: board-02: refused: TLS handshake with the agent at ") !=
                 std::string::npos,
             result.out);
  BOOST_TEST(result.out.find("the agent refused our key (its secret is not ours: TLS alert illegal_parameter") != std::string::npos,
             result.out);
  BOOST_TEST(result.out.find("board-01") == std::string::npos, result.out);
  BOOST_TEST(scalar(db, "SELECT count(*) FROM campaigns WHERE status = 'failed' AND reason LIKE 'configure: board-02: %'") == 1);
  check_nothing_energised();
}

BOOST_FIXTURE_TEST_CASE(a_chamber_temperature_beyond_the_station_limit_is_refused_before_anything_is_sent, TwoBoardBench) {
  write_station("agent.secret", ", min_temp_c: 0, max_temp_c: 60");
  const auto result = run("  - baseline: { chamber_c: 25, duration: 10m }\n"
                          "  - replay: { orbits: 0.2 }\n"
                          "  - reference: { chamber_c: 70, duration: 10m }\n");
  BOOST_TEST(result.exit_code == 1, result.out << result.err);
  BOOST_TEST(result.err.find("campaign security refused, nothing energised: ") != std::string::npos, result.err);
  BOOST_TEST(result.err.find("campaign.yaml:8: reference.chamber_c: 70.0 °C is outside chamber's 0.0 … 60.0 °C") != std::string::npos,
             result.err);
  check_nothing_recorded();
  check_nothing_energised();
}

BOOST_FIXTURE_TEST_CASE(a_supply_voltage_beyond_the_channel_rating_is_refused_before_anything_is_sent, TwoBoardBench) {
  // The DP832's CH3 is a 5 V channel: board-02 at 12 V there is refused, and board-01 (on CH1,
  // energised first) is not switched on either.
  write_station("agent.secret", "", 3, 12);
  const auto result = run(kPlan);
  BOOST_TEST(result.exit_code == 1, result.out << result.err);
  BOOST_TEST(result.err.find("station.yaml:13: duts.board-02.supply.voltage_v: 12.000 V is beyond psu-a CH3's rating of 5.000 V") !=
                 std::string::npos,
             result.err);
  check_nothing_recorded();
  check_nothing_energised();
}

BOOST_FIXTURE_TEST_CASE(an_ovp_level_above_the_channel_rating_is_refused_before_anything_is_sent, TwoBoardBench) {
  // CH3 is a 5 V channel: OVP may go to 5.5 V, not 8 V.
  write_station("agent.secret", "", 3, 5, 8.0);
  const auto result = run(kPlan);
  BOOST_TEST(result.exit_code == 1, result.out << result.err);
  BOOST_TEST(result.err.find("duts.board-02.supply.max_voltage_v: OVP at 8.000 V is beyond psu-a CH3's 5.500 V") != std::string::npos,
             result.err);
  check_nothing_recorded();
  check_nothing_energised();
}

BOOST_FIXTURE_TEST_CASE(a_thermal_programme_beyond_the_chamber_is_refused_before_anything_is_sent, TwoBoardBench) {
  write_station("agent.secret", ", min_temp_c: 0, max_temp_c: 60");
  const auto result = run("  - thermal_cycle: { level: custom, cold_c: -10, hot_c: 40, cycles: 1, soak: 10m }\n");
  BOOST_TEST(result.exit_code == 1, result.out << result.err);
  BOOST_TEST(result.err.find("campaign.yaml:6: thermal_cycle: plateaus -10.0 … 40.0 °C exceed chamber's 0.0 … 60.0 °C") !=
                 std::string::npos,
             result.err);
  check_nothing_recorded();
  check_nothing_energised();
}

BOOST_FIXTURE_TEST_CASE(a_channel_the_supply_lacks_is_refused_before_anything_is_sent, TwoBoardBench) {
  write_station("agent.secret", "", 7, 12);
  const auto result = run(kPlan);
  BOOST_TEST(result.exit_code == 1, result.out << result.err);
  BOOST_TEST(result.err.find("duts.board-02.supply.channel: 7 does not exist on psu-a (DP832: channels 1 … 3)") != std::string::npos,
             result.err);
  check_nothing_recorded();
  check_nothing_energised();
}

BOOST_FIXTURE_TEST_CASE(a_station_chamber_range_wider_than_the_controller_reports_is_refused, TwoBoardBench) {
  // The station claims 300 °C; the Espec reports what it can reach (TEMP?): the claim is wrong,
  // and a plan's 150 °C would otherwise have been sent to a chamber that cannot follow it.
  write_station("agent.secret", ", max_temp_c: 300");
  const auto result = run("  - baseline: { chamber_c: 150, duration: 10m }\n");
  BOOST_TEST(result.exit_code == 1, result.out << result.err);
  BOOST_TEST(result.err.find("station.yaml:4: instruments.chamber.max_temp_c: 300.0 °C is above what") != std::string::npos,
             result.err);
  check_nothing_recorded();
  check_nothing_energised();
}

BOOST_FIXTURE_TEST_CASE(a_profile_beyond_the_chamber_limits_is_refused_before_anything_is_sent, TwoBoardBench) {
  const auto made = ob::test::run_command("cd " + dir.path().string() + " && " + OB_ORBITBENCH_EXE +
                                              " profile --preset iss --duration 93m --step 10s -o iss.pb",
                                          dir.path());
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  // The ISS profile's chamber setpoints swing far wider than 20 … 30 °C.
  write_station("agent.secret", ", min_temp_c: 20, max_temp_c: 30");
  const auto result = run("  - replay: { orbits: 1 }\n", "profile: iss.pb\n");
  BOOST_TEST(result.exit_code == 1, result.out << result.err);
  BOOST_TEST(result.err.find("profile: ") != std::string::npos, result.err);
  BOOST_TEST(result.err.find("iss.pb: chamber setpoints ") != std::string::npos, result.err);
  BOOST_TEST(result.err.find("exceed chamber's 20.0 … 30.0 °C") != std::string::npos, result.err);
  check_nothing_recorded();
  check_nothing_energised();
}
