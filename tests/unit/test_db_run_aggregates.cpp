// Aggregates kept while recording, and the degradation figures read from them: phases from the
// profile's illumination, 5 °C bins (below zero too), throttle seconds per reason, error counts,
// reference vs baseline, efficiency; a file without them gets them when a recorder opens it.
#include <boost/test/unit_test.hpp>

#include "../support/sqlite_scalar.hpp"
#include "../support/temp_db.hpp"
#include "db/analyses.hpp"
#include "db/recorder.hpp"
#include "db/run_aggregates.hpp"

namespace {

double scalar(const std::filesystem::path& path, const std::string& sql) { return ob::test::sqlite_scalar(path, sql); }

struct Tick {
  double tflops, temp_c, power_w, reasons, sdc;
  std::optional<double> illumination;
};

// One board through baseline (40 TFLOP/s at its power cap), a replay (sunlit, penumbra,
// eclipse: 4 samples each, the eclipse thermally throttled below 0 °C, 2 SDC) and a reference
// (38 TFLOP/s): 30 profile seconds between samples.
struct Recorded {
  ob::test::TempDb file;
  Recorded() {
    ob::db::Recorder recorder(file.path);
    ob::db::CampaignRow campaign;
    campaign.name = "agg";
    campaign.started_unix_s = 1;
    const auto id = recorder.add_campaign(campaign);
    const auto board = recorder.add_device(id, ob::db::DeviceRow{"board-01", "gpu", "", "", "", "", "fw-1"});
    const auto profile = recorder.add_device(id, ob::db::DeviceRow{"profile", "profile", "", "", "", "", ""});
    const auto tflops = recorder.add_channel(board, "tflops", "TFLOP/s");
    const auto temp = recorder.add_channel(board, "gpu_temp_c", "degC");
    const auto power = recorder.add_channel(board, "power_w", "W");
    const auto reasons = recorder.add_channel(board, "clock_event_reasons", "bitmask");
    const auto sdc = recorder.add_channel(board, "sdc_count", "count");
    const auto light = recorder.add_channel(profile, "illumination", "1");
    auto run = [&](ob::db::RunKind kind, int ordinal, const std::vector<Tick>& ticks) {
      ob::db::RunRow row;
      row.campaign_id = id;
      row.kind = kind;
      row.ordinal = ordinal;
      row.started_unix_s = 2;
      const auto run_id = recorder.add_run(row);
      for (std::size_t i = 0; i < ticks.size(); ++i) {
        const double t = static_cast<double>(i) * 30;
        const auto& tick = ticks[i];
        recorder.add_sample({run_id, tflops, t, 3, tick.tflops});
        recorder.add_sample({run_id, temp, t, 3, tick.temp_c});
        recorder.add_sample({run_id, power, t, 3, tick.power_w});
        recorder.add_sample({run_id, reasons, t, 3, tick.reasons});
        recorder.add_sample({run_id, sdc, t, 3, tick.sdc});
        if (tick.illumination) recorder.add_sample({run_id, light, t, 3, *tick.illumination});
      }
      recorder.finish_run(run_id, ob::db::RunStatus::completed, 4);
      recorder.aggregate_run(run_id);
      return run_id;
    };
    run(ob::db::RunKind::baseline, 0, std::vector<Tick>(10, Tick{40, 52, 30, 4, 0, std::nullopt}));
    std::vector<Tick> orbit;
    for (int i = 0; i < 4; ++i) orbit.push_back({40, 62, 30, 0, 0, 1.0});
    for (int i = 0; i < 4; ++i) orbit.push_back({30, 58, 20, 0, 0, 0.5});
    for (int i = 0; i < 4; ++i) orbit.push_back({20, -3, 10, 0x20, i < 2 ? 0.0 : 2.0, 0.0});
    run(ob::db::RunKind::replay, 1, orbit);
    run(ob::db::RunKind::reference, 2, std::vector<Tick>(10, Tick{38, 52, 30, 0, 2, std::nullopt}));
    recorder.add_measurement({3, board, "verdict", 1, "bool", std::nullopt, std::nullopt, "pass"});
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(runs_fold_into_phase_and_temperature_bins) {
  Recorded r;
  const auto& path = r.file.path;
  BOOST_TEST(scalar(path, "SELECT count(*) FROM run_counters") == 3);
  BOOST_TEST(scalar(path, "SELECT samples FROM run_bins WHERE run_id = 1 AND phase = 'ground' AND temp_bin_c = 50") == 10);
  BOOST_TEST(scalar(path, "SELECT power_cap_s FROM run_bins WHERE run_id = 1") == 300);  // 10 samples × 30 s
  BOOST_TEST(scalar(path, "SELECT samples FROM run_bins WHERE run_id = 2 AND phase = 'sunlit' AND temp_bin_c = 60") == 4);
  BOOST_TEST(scalar(path, "SELECT samples FROM run_bins WHERE run_id = 2 AND phase = 'penumbra' AND temp_bin_c = 55") == 4);
  BOOST_TEST(scalar(path, "SELECT samples FROM run_bins WHERE run_id = 2 AND phase = 'eclipse' AND temp_bin_c = -5") == 4);
  BOOST_TEST(scalar(path, "SELECT thermal_s FROM run_bins WHERE run_id = 2 AND phase = 'eclipse'") == 120);
  BOOST_TEST(scalar(path, "SELECT sdc_new FROM run_counters WHERE run_id = 2") == 2);
  BOOST_TEST(scalar(path, "SELECT sdc_new FROM run_counters WHERE run_id = 3") == 0);
}

BOOST_AUTO_TEST_CASE(the_degradation_figures_come_from_the_aggregates) {
  Recorded r;
  const auto db = ob::db::Connection::open_read_only(r.file.path);
  const auto sets = ob::db::query_degradation_figures(db, {});
  BOOST_REQUIRE(sets.size() == 2u);
  const auto& figures = sets[0];
  BOOST_REQUIRE(figures.rows.size() == 1u);
  auto column = [&](const std::string& name) {
    const auto at = std::find(figures.columns.begin(), figures.columns.end(), name);
    BOOST_REQUIRE(at != figures.columns.end());
    return figures.rows[0][static_cast<std::size_t>(at - figures.columns.begin())].value_or("NULL");
  };
  BOOST_TEST(column("baseline_tflops") == "40.0");
  BOOST_TEST(column("reference_tflops") == "38.0");
  BOOST_TEST(column("reference_vs_baseline_pct") == "-5.0");
  BOOST_TEST(column("sunlit_tflops") == "40.0");
  BOOST_TEST(column("penumbra_tflops") == "30.0");
  BOOST_TEST(column("eclipse_tflops") == "20.0");
  BOOST_TEST(column("orbit_tflop_per_j") == "1.5");  // 360 / 240
  BOOST_TEST(column("power_cap_s") == "300");  // whole seconds, as integers
  BOOST_TEST(column("thermal_s") == "120");
  BOOST_TEST(column("sdc") == "2");  // a count
  BOOST_TEST(column("verdict") == "pass");
  BOOST_TEST(sets[1].rows.size() == 3u);  // in orbit: -5, 55 and 60 °C bins
  BOOST_TEST(*sets[1].rows[0][2] == "-5");

  const auto by_firmware = ob::db::query_compare(db, {}, ob::db::CompareBy::firmware);
  BOOST_REQUIRE(by_firmware.rows.size() == 1u);
  BOOST_TEST(*by_firmware.rows[0][0] == "fw-1");
  BOOST_TEST(*by_firmware.rows[0][1] == "1");
}

BOOST_AUTO_TEST_CASE(a_file_without_aggregates_gets_them_from_the_next_recorder) {
  Recorded r;
  {
    const auto db = ob::db::Connection::open_for_writing(r.file.path);
    db.exec("DELETE FROM run_bins; DELETE FROM run_counters");
  }
  BOOST_TEST(scalar(r.file.path, "SELECT count(*) FROM run_bins") == 0);
  { ob::db::Recorder reopened(r.file.path); }
  BOOST_TEST(scalar(r.file.path, "SELECT count(*) FROM run_counters") == 3);
  BOOST_TEST(scalar(r.file.path, "SELECT sum(samples) FROM run_bins") == 32);
}
