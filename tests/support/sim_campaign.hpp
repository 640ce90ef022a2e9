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
         "  chamber: { uri: \"" + lab.chamber_uri() + "\", max_ramp_c_per_min: 5 }\n" +
         instruments +
         "duts:\n"
         "  board-01:\n"
         "    agent: \"" + sim_agent_uri(lab, dir) + "\"\n"
         "    supply: { instrument: psu-a, channel: 1, voltage_v: 12, max_voltage_v: 12.6, max_current_a: 3 }\n" +
         dut;
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

}  // namespace ob::test
