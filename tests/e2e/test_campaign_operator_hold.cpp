// An operator's hold from the live view (issue 21) on a simulated lab: while the profile clock
// stands still nothing ticks, yet the bench stays energised — it must stay watched. A chamber
// alarm raised during the hold stops the campaign into its safe state at once, not when the
// clock would have been released.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <chrono>
#include <thread>

#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"
#include "../support/temp_dir.hpp"
#include "bench/live/live_model.hpp"
#include "bench/live/operator_desk.hpp"

namespace live = ob::bench::live;

BOOST_AUTO_TEST_CASE(a_chamber_alarm_during_an_operator_hold_stops_the_campaign) {
  ob::fixtures::SimLabOptions options;
  options.speed = 300;
  ob::fixtures::SimLab lab(options);
  lab.start();
  ob::test::TempDir dir;
  dir.write("station.yaml", ob::test::sim_station_yaml(lab, dir));
  const auto campaign = dir.write("campaign.yaml", "campaign: held\nstation: station.yaml\norbit: { preset: starlink-550 }\n"
                                                   "speed: 300\nplan:\n  - baseline: { chamber_c: 25, duration: 20m }\n");
  const auto db = dir.path() / "held.db";
  const auto config = ob::bench::load_campaign_file(campaign.string());
  ob::db::Recorder recorder(db);
  live::LiveModel model;
  live::OperatorDesk desk;
  ob::bench::RunnerOptions runner_options;
  runner_options.show_progress = false;
  runner_options.live = &model;
  runner_options.desk = &desk;
  ob::bench::CampaignRunner runner(config, recorder, runner_options);

  live::ActionReply held;
  std::chrono::steady_clock::time_point alarm_at;
  std::thread operator_thread([&] {
    // Once the run ticks, hold the clock; a second later the chamber raises an alarm.
    for (int i = 0; i < 300 && model.snapshot_json()["status"]["phase"].get<std::string>().empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    held = desk.request({live::OperatorAction::pause, "test", "", ""});
    std::this_thread::sleep_for(std::chrono::seconds(1));
    alarm_at = std::chrono::steady_clock::now();
    lab.control("fault chamber alarm 7");
    // Without a watch nothing would notice until the clock runs again: released after 20 s.
    std::this_thread::sleep_for(std::chrono::seconds(20));
    desk.request({live::OperatorAction::resume_clock, "test", "", ""});
  });
  const auto outcome = runner.run();
  const auto stopped_at = std::chrono::steady_clock::now();
  operator_thread.join();
  BOOST_TEST(held.http_status == 202, held.message);
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "aborted", outcome.reason);
  BOOST_TEST(outcome.reason.find("while the clock was held") != std::string::npos, outcome.reason);
  BOOST_TEST(std::chrono::duration<double>(stopped_at - alarm_at).count() < 10.0);
  BOOST_TEST(ob::test::sqlite_scalar(db, "SELECT count(*) FROM events WHERE kind = 'pause' AND message LIKE "
                                         "'profile clock held by the operator (test)'") == 1.0);
  BOOST_TEST(ob::test::sqlite_scalar(db, "SELECT count(*) FROM events WHERE kind = 'alarm' AND message LIKE "
                                         "'%while the clock was held%'") == 1.0);
  BOOST_TEST(ob::test::sqlite_scalar(db, "SELECT count(*) FROM events WHERE kind = 'safe_state'") >= 1.0);
  lab.stop();
}
