// Each instrument is sampled at its own rate: the station's sample_period_s per instrument and
// per board, else the campaign's. The chamber at 0.5 s, board-01 at 0.2 s and the supply at the
// campaign's 0.1 s give 150, 60 and 30 profile seconds between samples at 300×, each on its own
// grid (so a resumed run's re-recorded ticks replace, never duplicate).
#include <boost/test/unit_test.hpp>

#include "../support/sim_campaign.hpp"
#include "../support/sqlite_scalar.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

// Samples of the baseline's measured 30 minutes (after its soak).
double count_of(const std::filesystem::path& db, const std::string& device, const std::string& channel) {
  return scalar(db, "SELECT count(*) FROM sample_view WHERE device = '" + device + "' AND channel = '" + channel +
                        "' AND t_s >= (SELECT value FROM measurements WHERE name = 'soak_s')");
}

// Samples of a channel off the grid of `step_s` profile seconds.
double off_grid(const std::filesystem::path& db, const std::string& channel, double step_s) {
  return scalar(db, "SELECT count(*) FROM sample_view WHERE channel = '" + channel + "' AND abs(t_s / " +
                        std::to_string(step_s) + " - round(t_s / " + std::to_string(step_s) + ")) > 1e-6");
}

}  // namespace

BOOST_AUTO_TEST_CASE(instruments_are_sampled_at_their_own_rates) {
  ob::fixtures::SimLab lab(ob::test::sim_lab_options(300));
  lab.start();
  ob::test::TempDir dir;
  std::string station = ob::test::sim_station_yaml(lab, dir, "    sample_period_s: 0.2\n");
  const std::string chamber_line = "ramp_clock: profile }";
  station.replace(station.find(chamber_line), chamber_line.size(), "ramp_clock: profile, sample_period_s: 0.5 }");
  dir.write("station.yaml", station);
  const auto campaign = dir.write("campaign.yaml", "campaign: rates\nstation: station.yaml\nspeed: 300\nsample_period_s: 0.1\n"
                                                   "plan:\n  - baseline: { chamber_c: 25, duration: 30m }\n");
  const auto db = dir.path() / "rates.db";
  const auto outcome = ob::test::run_campaign_quietly(campaign, db);
  lab.stop();
  BOOST_TEST(std::string(ob::db::to_string(outcome.status)) == "completed", outcome.reason);
  // 30 minutes: 13 chamber readings (every 150 s), 31 board samples (60 s), 61 supply readings (30 s).
  const double chamber = count_of(db, "chamber", "air_temp_c");
  const double board = count_of(db, "board-01", "tflops");
  const double supply = count_of(db, "psu-a", "ch1.current_a");
  BOOST_TEST_MESSAGE("samples: chamber " << chamber << ", board " << board << ", supply " << supply);
  BOOST_TEST(chamber >= 12);
  BOOST_TEST(chamber <= 13);
  BOOST_TEST(board >= 29);
  BOOST_TEST(board <= 31);
  BOOST_TEST(supply >= 58);
  BOOST_TEST(supply <= 61);
  BOOST_TEST(off_grid(db, "air_temp_c", 150) == 0);
  BOOST_TEST(off_grid(db, "tflops", 60) == 0);
  BOOST_TEST(off_grid(db, "ch1.current_a", 30) == 0);
}
