// The degradation summary on a small hand-made campaign with known numbers.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../support/temp_db.hpp"
#include "db/database.hpp"
#include "db/degradation.hpp"
#include "db/recorder.hpp"

namespace fs = std::filesystem;
using namespace ob::db;

using ob::test::TempDb;

namespace {

std::int64_t add_run(Recorder& recorder, std::int64_t campaign_id, RunKind kind, int ordinal) {
  RunRow run;
  run.campaign_id = campaign_id;
  run.kind = kind;
  run.ordinal = ordinal;
  run.label = to_string(kind);
  return recorder.add_run(run);
}

// Campaign "leo-1": board-01 has baseline 99/101 (mean 100), reference 97/99 (mean 98), and a
// replay with sunlit ticks at 100 TFLOP/s and eclipse ticks at 90; board-02 recorded nothing.
// Campaign "geo-1": board-01 with a baseline of 50 only.
void record_campaigns(const fs::path& path) {
  Recorder recorder(path);
  const std::int64_t leo = recorder.add_campaign({"leo-1", "station-a", "", 0, {}});
  const std::int64_t board = recorder.add_device(leo, {"board-01", "gpu", "", "", "", "", ""});
  recorder.add_device(leo, {"board-02", "gpu", "", "", "", "", ""});
  const std::int64_t psu = recorder.add_device(leo, {"psu-a", "psu", "", "", "", "", ""});
  const std::int64_t profile = recorder.add_device(leo, {"profile", "profile", "", "", "", "", ""});
  const std::int64_t tflops = recorder.add_channel(board, "tflops", "TFLOP/s");
  const std::int64_t temp = recorder.add_channel(board, "gpu_temp_c", "°C");
  const std::int64_t volts = recorder.add_channel(psu, "voltage_v", "V");
  const std::int64_t illumination = recorder.add_channel(profile, "illumination", "1");

  const std::int64_t baseline = add_run(recorder, leo, RunKind::baseline, 0);
  recorder.add_sample({baseline, tflops, 0, 0, 99});
  recorder.add_sample({baseline, tflops, 1, 0, 101});
  recorder.add_sample({baseline, temp, 0, 0, 60});
  recorder.add_sample({baseline, volts, 0, 0, 1000});  // not a DUT channel: ignored

  const std::int64_t replay = add_run(recorder, leo, RunKind::replay, 1);
  const double ticks[][3] = {
      // t_s, illumination, tflops
      {0, 1.0, 100}, {1, 0.5, 100}, {2, 0.49, 90}, {3, 0.0, 90},
  };
  for (const auto& tick : ticks) {
    recorder.add_sample({replay, illumination, tick[0], 0, tick[1]});
    recorder.add_sample({replay, tflops, tick[0], 0, tick[2]});
  }
  recorder.add_sample({replay, tflops, 4, 0, 1});  // no illumination at this t_s: ignored
  recorder.add_sample({replay, temp, 2, 0, 71.5});

  const std::int64_t reference = add_run(recorder, leo, RunKind::reference, 2);
  recorder.add_sample({reference, tflops, 0, 0, 97});
  recorder.add_sample({reference, tflops, 1, 0, 99});
  recorder.add_sample({reference, temp, 1, 0, 65});

  const std::int64_t geo = recorder.add_campaign({"geo-1", "station-a", "", 0, {}});
  const std::int64_t geo_board = recorder.add_device(geo, {"board-01", "gpu", "", "", "", "", ""});
  const std::int64_t geo_tflops = recorder.add_channel(geo_board, "tflops", "TFLOP/s");
  const std::int64_t geo_baseline = add_run(recorder, geo, RunKind::baseline, 0);
  recorder.add_sample({geo_baseline, geo_tflops, 0, 0, 50});
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t columns(const std::string& utf8) {
  std::size_t count = 0;
  for (char c : utf8) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

}  // namespace

BOOST_AUTO_TEST_CASE(known_numbers) {
  TempDb file;
  record_campaigns(file.path);
  const Connection db = Connection::open_read_only(file.path);
  const std::vector<DegradationRow> rows = query_degradation(db);
  BOOST_REQUIRE(rows.size() == 3u);

  const DegradationRow& leo = rows[0];
  BOOST_TEST(leo.campaign == "leo-1");
  BOOST_TEST(leo.dut == "board-01");
  BOOST_REQUIRE(leo.baseline_tflops.has_value());
  BOOST_TEST(*leo.baseline_tflops == 100.0, boost::test_tools::tolerance(1e-9));
  BOOST_REQUIRE(leo.reference_tflops.has_value());
  BOOST_TEST(*leo.reference_tflops == 98.0, boost::test_tools::tolerance(1e-9));
  BOOST_REQUIRE(leo.reference_vs_baseline_pct.has_value());
  BOOST_TEST(*leo.reference_vs_baseline_pct == -2.0, boost::test_tools::tolerance(1e-9));
  BOOST_REQUIRE(leo.sunlit_tflops.has_value());
  BOOST_TEST(*leo.sunlit_tflops == 100.0, boost::test_tools::tolerance(1e-9));  // 0.5 is sunlit
  BOOST_REQUIRE(leo.eclipse_tflops.has_value());
  BOOST_TEST(*leo.eclipse_tflops == 90.0, boost::test_tools::tolerance(1e-9));
  BOOST_REQUIRE(leo.eclipse_vs_sunlit_pct.has_value());
  BOOST_TEST(*leo.eclipse_vs_sunlit_pct == -10.0, boost::test_tools::tolerance(1e-9));
  BOOST_REQUIRE(leo.max_board_temp_c.has_value());
  BOOST_TEST(*leo.max_board_temp_c == 71.5);
  BOOST_TEST(leo.samples == 2 + 5 + 2);  // tflops samples over all runs

  const DegradationRow& idle = rows[1];
  BOOST_TEST(idle.campaign == "leo-1");
  BOOST_TEST(idle.dut == "board-02");
  BOOST_TEST(!idle.baseline_tflops.has_value());
  BOOST_TEST(!idle.reference_vs_baseline_pct.has_value());
  BOOST_TEST(!idle.sunlit_tflops.has_value());
  BOOST_TEST(!idle.eclipse_vs_sunlit_pct.has_value());
  BOOST_TEST(!idle.max_board_temp_c.has_value());
  BOOST_TEST(idle.samples == 0);

  const DegradationRow& geo = rows[2];
  BOOST_TEST(geo.campaign == "geo-1");
  BOOST_REQUIRE(geo.baseline_tflops.has_value());
  BOOST_TEST(*geo.baseline_tflops == 50.0);
  BOOST_TEST(!geo.reference_tflops.has_value());
  BOOST_TEST(!geo.reference_vs_baseline_pct.has_value());
}

BOOST_AUTO_TEST_CASE(campaign_filter) {
  TempDb file;
  record_campaigns(file.path);
  const Connection db = Connection::open_read_only(file.path);
  const std::vector<DegradationRow> rows = query_degradation(db, "geo-1");
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].campaign == "geo-1");
  BOOST_TEST(query_degradation(db, "no-such-campaign").empty());
}

BOOST_AUTO_TEST_CASE(formatted_table) {
  TempDb file;
  record_campaigns(file.path);
  const Connection db = Connection::open_read_only(file.path);
  const std::string table = format_degradation(query_degradation(db));
  BOOST_TEST_MESSAGE("\n" << table);
  BOOST_TEST(table.find("campaign") != std::string::npos);
  BOOST_TEST(table.find("board-01") != std::string::npos);
  BOOST_TEST(table.find("-2.00 %") != std::string::npos);
  BOOST_TEST(table.find("-10.00 %") != std::string::npos);
  BOOST_TEST(table.find("100.00") != std::string::npos);
  BOOST_TEST(table.find("71.5") != std::string::npos);
  BOOST_TEST(table.find("—") != std::string::npos);  // board-02 has nothing

  const std::vector<std::string> lines = lines_of(table);
  BOOST_REQUIRE(lines.size() == 2u + 3u);  // header, rule, one row per (campaign, dut)
  for (const std::string& line : lines) {
    BOOST_TEST(columns(line) == columns(lines[0]), "misaligned: " << line);
  }
}

BOOST_AUTO_TEST_CASE(positive_changes_carry_a_plus_sign) {
  DegradationRow row;
  row.campaign = "c";
  row.dut = "d";
  row.reference_vs_baseline_pct = 1.234;
  const std::string table = format_degradation({row});
  BOOST_TEST(table.find("+1.23 %") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_database_gives_header_only) {
  TempDb file;
  { Recorder recorder(file.path); }
  const Connection db = Connection::open_read_only(file.path);
  const std::vector<DegradationRow> rows = query_degradation(db);
  BOOST_TEST(rows.empty());
  BOOST_TEST(lines_of(format_degradation(rows)).size() == 2u);
}
