// The report's temperature figure: the chamber's orbit target (the profile's chamber_target_c,
// or its chamber_setpoint_c in databases from before the target was recorded, labelled so), the
// setpoint sent and the air measured, each from its own channel, and every run's soak (its
// measurement soak_s > 0) hatched from the run's start on the campaign's time axis.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "../support/temp_db.hpp"
#include "bench/report/html_report.hpp"
#include "db/database.hpp"
#include "db/recorder.hpp"

namespace {

constexpr double kRunLengthS = 1200;  // three runs end to end: the x axis spans one hour

struct Options {
  bool orbit_target = true;  // record chamber_target_c (else only the older chamber_setpoint_c)
  bool soaks = true;
};

// Three runs (baseline soaked 600 s, replay with a zero soak, reference soaked 300 s) of
// kRunLengthS each, the target every 60 s, the setpoint every 120 s and the air every 30 s, so
// each series' point count tells which channel it came from.
void record(const std::filesystem::path& path, const Options& options) {
  ob::db::Recorder recorder(path);
  const auto campaign = recorder.add_campaign({"leo-1", "station-1", "", 100, {}});
  const auto profile = recorder.add_device(campaign, {"profile", "profile", "", "", "", "", ""});
  const auto chamber = recorder.add_device(campaign, {"chamber", "chamber", "", "", "", "", ""});
  const auto board = recorder.add_device(campaign, {"board-01", "gpu", "", "", "", "", ""});
  const auto target = recorder.add_channel(profile, options.orbit_target ? "chamber_target_c" : "chamber_setpoint_c", "degC");
  const auto setpoint = recorder.add_channel(chamber, "setpoint_c", "degC");
  const auto air = recorder.add_channel(chamber, "air_temp_c", "degC");
  const auto gpu = recorder.add_channel(board, "gpu_temp_c", "degC");
  struct Plan {
    ob::db::RunKind kind;
    const char* label;
    double soak_s;
  };
  const Plan plan[] = {{ob::db::RunKind::baseline, "baseline", 600},
                       {ob::db::RunKind::replay, "replay 1/1", 0},
                       {ob::db::RunKind::reference, "reference", 300}};
  int ordinal = 0;
  for (const auto& step : plan) {
    ob::db::RunRow row;
    row.campaign_id = campaign;
    row.kind = step.kind;
    row.ordinal = ordinal++;
    row.label = step.label;
    row.started_unix_s = 100;
    const auto run = recorder.add_run(row);
    for (double t = 0; t <= kRunLengthS; t += 30) {
      if (static_cast<int>(t) % 60 == 0) recorder.add_sample({run, target, t, 100 + t, 20 + t / 100});
      if (static_cast<int>(t) % 120 == 0) recorder.add_sample({run, setpoint, t, 100 + t, 21 + t / 100});
      recorder.add_sample({run, air, t, 100 + t, 22 + t / 100});
      recorder.add_sample({run, gpu, t, 100 + t, 40 + t / 100});
    }
    // A run's length on the campaign axis: the profile time of its last event.
    recorder.add_event({campaign, run, std::nullopt, kRunLengthS, 100 + kRunLengthS, "phase", "info", "completed"});
    if (options.soaks) {
      ob::db::MeasurementRow soak;
      soak.run_id = run;
      soak.name = "soak_s";
      soak.value = step.soak_s;
      soak.unit = "s";
      soak.verdict = "info";
      recorder.add_measurement(soak);
    }
    recorder.finish_run(run, ob::db::RunStatus::completed, 100 + kRunLengthS);
  }
  recorder.finish_campaign(campaign, ob::db::CampaignStatus::completed, 200, "");
}

std::string temperature_figure(const std::filesystem::path& path) {
  const auto db = ob::db::Connection::open_read_only(path);
  const auto html = ob::bench::report::build_html_report(db, {});
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(html.find("url(") == std::string::npos);  // the hatch is drawn, not a referenced pattern
  const auto from = html.find("<figure id=\"plot-temperatures\"");
  BOOST_REQUIRE(from != std::string::npos);
  const auto to = html.find("</figure>", from);
  BOOST_REQUIRE(to != std::string::npos);
  return html.substr(from, to - from);
}

// The number of points in the polyline of the series with that legend name; -1 if it is missing.
int points_of(const std::string& figure, const std::string& name) {
  const auto at = figure.find("<g class=\"series\" data-name=\"" + name + "\">");
  if (at == std::string::npos) return -1;
  const auto points = figure.find("points=\"", at);
  const auto end = figure.find('"', points + 8);
  const auto list = figure.substr(points + 8, end - points - 8);
  return static_cast<int>(std::count(list.begin(), list.end(), ','));
}

constexpr int kSamplesPerRun = static_cast<int>(kRunLengthS);
constexpr int kTargetPoints = 3 * (kSamplesPerRun / 60 + 1);
constexpr int kSetpointPoints = 3 * (kSamplesPerRun / 120 + 1);
constexpr int kAirPoints = 3 * (kSamplesPerRun / 30 + 1);

}  // namespace

BOOST_AUTO_TEST_CASE(target_setpoint_and_air_each_from_their_own_channel) {
  ob::test::TempDb file;
  record(file.path, {});
  const auto figure = temperature_figure(file.path);
  BOOST_TEST(points_of(figure, "target (orbit)") == kTargetPoints);
  BOOST_TEST(points_of(figure, "setpoint (sent)") == kSetpointPoints);
  BOOST_TEST(points_of(figure, "air (measured)") == kAirPoints);
  BOOST_TEST(points_of(figure, "board-01 GPU") == kAirPoints);
  BOOST_TEST(figure.find("no orbit target recorded") == std::string::npos);
  // The legend names them.
  for (const char* label : {">target (orbit)</text>", ">setpoint (sent)</text>", ">air (measured)</text>"}) {
    BOOST_TEST(figure.find(label) != std::string::npos, label);
  }
}

BOOST_AUTO_TEST_CASE(soaks_are_hatched_from_each_runs_start) {
  ob::test::TempDb file;
  record(file.path, {});
  const auto figure = temperature_figure(file.path);
  // The baseline's 600 s from 0 h and the reference's 300 s from 2/3 h on an axis of 0 … 1 h
  // (820 px wide from x = 64); the replay's zero soak is not drawn.
  const std::regex hatch("<g class=\"hatch\" data-label=\"soak\"><rect x=\"([0-9.]+)\" y=\"[0-9.]+\" width=\"([0-9.]+)\"");
  std::vector<std::pair<double, double>> spans;
  for (auto it = std::sregex_iterator(figure.begin(), figure.end(), hatch); it != std::sregex_iterator(); ++it) {
    spans.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  }
  BOOST_REQUIRE_EQUAL(spans.size(), 2u);
  constexpr double kPlotWidthPx = 900 - 64 - 104;  // the figure less its left axis and the right margin for line names
  constexpr double kLeftPx = 64;
  constexpr double kAxisS = 3 * kRunLengthS;
  BOOST_TEST(spans[0].first == kLeftPx, boost::test_tools::tolerance(0.1));
  BOOST_TEST(spans[0].second == kPlotWidthPx * 600 / kAxisS, boost::test_tools::tolerance(0.01));
  BOOST_TEST(spans[1].first == kLeftPx + kPlotWidthPx * 2 * kRunLengthS / kAxisS, boost::test_tools::tolerance(0.01));
  BOOST_TEST(spans[1].second == kPlotWidthPx * 300 / kAxisS, boost::test_tools::tolerance(0.01));
  BOOST_TEST(figure.find(">soak</text>") != std::string::npos);  // in the legend
  BOOST_TEST(figure.find("<path stroke=") != std::string::npos);  // hatched, not only filled
}

BOOST_AUTO_TEST_CASE(an_older_database_falls_back_to_the_profile_setpoint_and_has_no_soak) {
  ob::test::TempDb file;
  record(file.path, {.orbit_target = false, .soaks = false});
  const auto figure = temperature_figure(file.path);
  BOOST_TEST(points_of(figure, "target (orbit)") == -1);
  BOOST_TEST(points_of(figure, "profile setpoint (no orbit target recorded)") == kTargetPoints);
  BOOST_TEST(points_of(figure, "setpoint (sent)") == kSetpointPoints);
  BOOST_TEST(points_of(figure, "air (measured)") == kAirPoints);
  BOOST_TEST(figure.find("class=\"hatch\"") == std::string::npos);
  BOOST_TEST(figure.find(">soak</text>") == std::string::npos);
}
