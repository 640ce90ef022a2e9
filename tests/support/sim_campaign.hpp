#pragma once
// Campaigns against a simulated lab a test started itself (so it can inject faults and look at
// the instruments' state): the station file for it, and a quiet run into a database.
#include <filesystem>
#include <string>

#include "bench/campaign_runner.hpp"
#include "bench/config/campaign_config.hpp"
#include "fixtures/sim_lab.hpp"
#include "sim_agent_uri.hpp"
#include "temp_dir.hpp"

namespace ob::test {

// psu-a (the DP832), chamber (the Espec) and board-01 on psu-a CH1 with the lab's agent;
// `instruments` and `dut` add lines (YAML, indented as their section) to each.
inline std::string sim_station_yaml(const ob::fixtures::SimLab& lab, const TempDir& dir, const std::string& dut = "",
                                    const std::string& instruments = "") {
  return "station: external-sim\n"
         "instruments:\n"
         "  psu-a: { uri: \"" + lab.psu_uri() + "\" }\n"
         "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5, ramp_clock: profile }\n" +
         instruments +
         "duts:\n"
         "  board-01:\n"
         "    agent: \"" + sim_agent_uri(lab, dir) + "\"\n"
         "    supply: { instrument: psu-a, channel: 1, voltage_v: 12, max_voltage_v: 12.6, max_current_a: 3 }\n" +
         dut;
}

// The options of a simulated lab at `speed`, its physics and instruments as by default.
inline ob::fixtures::SimLabOptions sim_lab_options(double speed, int boards = 1) {
  ob::fixtures::SimLabOptions options;
  options.speed = speed;
  options.boards = boards;
  return options;
}

// A lab of three boards at `speed`: board 0 and 1 on psu CH1/CH2, board 2 on psu-b CH1.
inline ob::fixtures::SimLabOptions three_board_lab_options(double speed) {
  auto options = sim_lab_options(speed);
  options.instruments = ob::fixtures::default_sim_instruments(options);
  options.instruments.push_back({"psu-b", ob::fixtures::SimModel::dp832, 0, 1, 0});
  options.board_feeds = {{"psu", 1, ""}, {"psu", 2, ""}, {"psu-b", 1, ""}};
  return options;
}

// One DUT of a station: its agent is "AGENT?gpu=N" until with_sim_agent() fills it in;
// `extra` adds lines (limits, sensors, …) indented as the DUT's keys.
inline std::string sim_dut_yaml(const std::string& name, int gpu, const std::string& psu, int channel,
                                const std::string& extra = "") {
  return "  " + name + ":\n"
         "    agent: \"AGENT?gpu=" + std::to_string(gpu) + "\"\n"
         "    supply: { instrument: " + psu + ", channel: " + std::to_string(channel) +
         ", voltage_v: 12, max_voltage_v: 12.6, max_current_a: 3 }\n" + extra;
}

// Every "AGENT?" in a station becomes the lab's agent URI with its secret file.
inline std::string with_sim_agent(std::string station, const ob::fixtures::SimLab& lab, const TempDir& dir) {
  const std::string agent = sim_agent_uri(lab, dir);  // agent://…?secret_file=…
  for (auto at = station.find("AGENT?"); at != std::string::npos; at = station.find("AGENT?")) {
    station.replace(at, 6, agent + "&");
  }
  return station;
}

// Runs the campaign file without a progress line; the database is complete when this returns.
inline ob::bench::CampaignOutcome run_campaign_quietly(const std::filesystem::path& campaign,
                                                       const std::filesystem::path& db) {
  const auto config = ob::bench::load_campaign_file(campaign.string());
  ob::db::Recorder recorder(db);
  ob::bench::RunnerOptions options;
  options.show_progress = false;
  ob::bench::CampaignRunner runner(config, recorder, options);
  return runner.run();
}

// A started simulated lab (300×) and a one-baseline campaign at 25 °C for `duration` on its
// station, for tests that run `orbitbench` as a child process: the campaign file, the database
// and the child's log, all in the temporary directory.
struct SimBaselineBench {
  SimBaselineBench(const std::string& name, const std::string& duration) {
    lab.start();
    dir.write("station.yaml", sim_station_yaml(lab, dir));
    campaign = dir.write("campaign.yaml", "campaign: " + name + "\nstation: station.yaml\nspeed: 300\nsample_period_s: 0.1\n"
                                          "plan:\n  - baseline: { chamber_c: 25, duration: " + duration + " }\n");
    db = dir.path() / (name + ".db");
    log = dir.path() / "orbitbench.log";
  }

  ob::fixtures::SimLab lab{sim_lab_options(300)};
  TempDir dir;
  std::filesystem::path campaign;
  std::filesystem::path db;
  std::filesystem::path log;
};

}  // namespace ob::test
