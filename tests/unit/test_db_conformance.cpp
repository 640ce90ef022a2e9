// `orbitbench query conformance`: one row per run, by run id, with the soak, the chamber's
// tracking, the supply and board faults counted and the run's verdict, read from the runs'
// measurements; NULL where a run recorded none; narrowed by campaign (name or id).
#include <boost/test/unit_test.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../support/temp_db.hpp"
#include "db/conformance.hpp"
#include "db/database.hpp"
#include "db/recorder.hpp"

namespace {

using ob::db::MeasurementRow;
using ob::db::RunKind;

const std::vector<std::string> kColumns = {"run_id", "label", "kind", "soak_s", "chamber_tracking_p95_k",
                                           "chamber_tracking_max_k", "supply_faults", "board_faults", "verdict"};

using Row = std::map<std::string, std::optional<std::string>>;

// Two campaigns, their runs interleaved by id:
//   leo-a: baseline (soaked, tracked, pass), replay 1/2 (two supplies and one board faulted,
//          tracking 7.8 K, fail), replay 2/2 (aborted: nothing measured), reference (resumed:
//          soaked twice and judged twice, the latest wins; a zero soak), thermal cycle;
//   leo-b: a baseline between leo-a's replays (soak, one board fault, fail).
// Measurements of other names, and of these names in other runs, must not leak into a row.
struct Recorded {
  ob::test::TempDb file;
  std::int64_t campaign_a = 0, campaign_b = 0;
  std::vector<std::int64_t> runs;  // in id order: a.baseline, a.replay1, b.baseline, a.replay2, a.reference, a.cycle

  Recorded() {
    ob::db::Recorder recorder(file.path);
    campaign_a = recorder.add_campaign({"leo-a", "station-1", "", 10, {}});
    campaign_b = recorder.add_campaign({"leo-b", "station-1", "", 20, {}});
    const auto chamber_a = recorder.add_device(campaign_a, {"chamber", "chamber", "", "", "", "", ""});
    const auto psu_a = recorder.add_device(campaign_a, {"psu-a", "psu", "", "", "", "", ""});
    const auto board_a1 = recorder.add_device(campaign_a, {"board-01", "gpu", "", "", "", "", ""});
    const auto board_a2 = recorder.add_device(campaign_a, {"board-02", "gpu", "", "", "", "", ""});
    const auto chamber_b = recorder.add_device(campaign_b, {"chamber", "chamber", "", "", "", "", ""});
    const auto board_b1 = recorder.add_device(campaign_b, {"board-01", "gpu", "", "", "", "", ""});

    auto run = [&](std::int64_t campaign, RunKind kind, int ordinal, const std::string& label) {
      ob::db::RunRow row;
      row.campaign_id = campaign;
      row.kind = kind;
      row.ordinal = ordinal;
      row.label = label;
      row.started_unix_s = 30;
      const auto id = recorder.add_run(row);
      runs.push_back(id);
      return id;
    };
    auto measure = [&](std::int64_t run_id, std::optional<std::int64_t> device, const std::string& name, double value,
                       const std::string& verdict) {
      MeasurementRow row;
      row.run_id = run_id;
      row.device_id = device;
      row.name = name;
      row.value = value;
      row.verdict = verdict;
      recorder.add_measurement(row);
    };

    const auto a_baseline = run(campaign_a, RunKind::baseline, 0, "baseline");
    measure(a_baseline, std::nullopt, "soak_s", 312.5, "info");
    measure(a_baseline, chamber_a, "chamber_tracking_p95_k", 0.8123, "pass");
    measure(a_baseline, chamber_a, "chamber_tracking_max_k", 1.9, "info");
    measure(a_baseline, board_a1, "tflops_mean", 40, "info");
    measure(a_baseline, board_a1, "verdict", 1, "pass");
    measure(a_baseline, std::nullopt, "run_verdict", 0, "pass");

    const auto a_replay1 = run(campaign_a, RunKind::replay, 1, "replay 1/2");
    measure(a_replay1, chamber_a, "chamber_tracking_p95_k", 7.8, "fail");
    measure(a_replay1, chamber_a, "chamber_tracking_max_k", 12.25, "fail");
    measure(a_replay1, board_a1, "supply_fault", 1, "fail");
    measure(a_replay1, board_a2, "supply_fault", 1, "fail");
    measure(a_replay1, board_a2, "board_fault", 1, "fail");
    measure(a_replay1, board_a2, "isolated", 1, "fail");
    measure(a_replay1, std::nullopt, "run_verdict", 5, "fail");

    const auto b_baseline = run(campaign_b, RunKind::baseline, 0, "baseline");
    measure(b_baseline, std::nullopt, "soak_s", 100, "info");
    measure(b_baseline, chamber_b, "chamber_tracking_p95_k", 0.5, "pass");
    measure(b_baseline, board_b1, "board_fault", 1, "fail");
    measure(b_baseline, std::nullopt, "run_verdict", 1, "fail");

    run(campaign_a, RunKind::replay, 2, "replay 2/2");  // aborted: nothing measured

    const auto a_reference = run(campaign_a, RunKind::reference, 3, "reference");
    measure(a_reference, std::nullopt, "soak_s", 900, "info");  // before the crash...
    measure(a_reference, std::nullopt, "run_verdict", 1, "fail");
    measure(a_reference, std::nullopt, "soak_s", 0, "info");  // ...and after the resume
    measure(a_reference, chamber_a, "chamber_tracking_p95_k", 1.25, "pass");
    measure(a_reference, chamber_a, "chamber_tracking_max_k", 2.0004, "pass");
    measure(a_reference, psu_a, "supply_fault_latency_ms", 3, "info");
    measure(a_reference, std::nullopt, "run_verdict", 0, "pass");

    const auto a_cycle = run(campaign_a, RunKind::thermal_cycle, 4, "cycle 1/3");
    measure(a_cycle, chamber_a, "hot_air_mean_c", 85, "info");
    measure(a_cycle, board_a1, "board_fault", 1, "fail");
    measure(a_cycle, board_a1, "board_fault", 1, "fail");
    measure(a_cycle, std::nullopt, "run_verdict", 2, "fail");
    recorder.flush();
  }

  std::vector<Row> query(const ob::db::AnalysisFilter& filter) const {
    const auto db = ob::db::Connection::open_read_only(file.path);
    const auto result = ob::db::query_conformance(db, filter);
    BOOST_TEST(result.columns == kColumns, boost::test_tools::per_element());
    std::vector<Row> rows;
    for (const auto& values : result.rows) {
      BOOST_REQUIRE_EQUAL(values.size(), kColumns.size());
      Row row;
      for (std::size_t i = 0; i < kColumns.size(); ++i) row[kColumns[i]] = values[i];
      rows.push_back(row);
    }
    return rows;
  }
};

std::optional<std::string> text(const char* value) { return std::string(value); }
const std::optional<std::string> kNull;

void check(const Row& row, const Row& expected) {
  for (const auto& [column, value] : expected) {
    BOOST_TEST_CONTEXT("run " << row.at("run_id").value_or("NULL") << ", " << column) {
      BOOST_TEST(row.at(column).has_value() == value.has_value());
      BOOST_TEST(row.at(column).value_or("NULL") == value.value_or("NULL"));
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_row_per_run_in_id_order_with_every_column) {
  Recorded db;
  const auto rows = db.query({});
  BOOST_REQUIRE_EQUAL(rows.size(), 6u);
  for (std::size_t i = 0; i < rows.size(); ++i) BOOST_TEST(rows[i].at("run_id").value_or("NULL") == std::to_string(db.runs[i]));

  check(rows[0], {{"label", text("baseline")}, {"kind", text("baseline")}, {"soak_s", text("312.5")},
                  {"chamber_tracking_p95_k", text("0.812")}, {"chamber_tracking_max_k", text("1.9")},
                  {"supply_faults", text("0")}, {"board_faults", text("0")}, {"verdict", text("pass")}});
  // Faults counted per measurement (two supplies, one board); the verdict is the text, not the
  // run_verdict's value (5).
  check(rows[1], {{"label", text("replay 1/2")}, {"kind", text("replay")}, {"soak_s", kNull},
                  {"chamber_tracking_p95_k", text("7.8")}, {"chamber_tracking_max_k", text("12.25")},
                  {"supply_faults", text("2")}, {"board_faults", text("1")}, {"verdict", text("fail")}});
  check(rows[2], {{"label", text("baseline")}, {"kind", text("baseline")}, {"soak_s", text("100.0")},
                  {"chamber_tracking_p95_k", text("0.5")}, {"chamber_tracking_max_k", kNull},
                  {"supply_faults", text("0")}, {"board_faults", text("1")}, {"verdict", text("fail")}});
  // An aborted run: NULL where nothing was measured, zero faults.
  check(rows[3], {{"label", text("replay 2/2")}, {"kind", text("replay")}, {"soak_s", kNull},
                  {"chamber_tracking_p95_k", kNull}, {"chamber_tracking_max_k", kNull}, {"supply_faults", text("0")},
                  {"board_faults", text("0")}, {"verdict", kNull}});
  // A resumed run: the latest soak (restarted: 0) and the latest verdict; a measurement whose
  // name only starts with supply_fault is not a fault.
  check(rows[4], {{"label", text("reference")}, {"kind", text("reference")}, {"soak_s", text("0.0")},
                  {"chamber_tracking_p95_k", text("1.25")}, {"chamber_tracking_max_k", text("2.0")},
                  {"supply_faults", text("0")}, {"board_faults", text("0")}, {"verdict", text("pass")}});
  check(rows[5], {{"label", text("cycle 1/3")}, {"kind", text("thermal_cycle")}, {"soak_s", kNull},
                  {"chamber_tracking_p95_k", kNull}, {"chamber_tracking_max_k", kNull}, {"supply_faults", text("0")},
                  {"board_faults", text("2")}, {"verdict", text("fail")}});
}

BOOST_AUTO_TEST_CASE(campaign_filter_by_name_or_id) {
  Recorded db;
  ob::db::AnalysisFilter filter;
  filter.campaign = "leo-b";
  auto rows = db.query(filter);
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_TEST(rows[0].at("run_id").value_or("NULL") == std::to_string(db.runs[2]));
  BOOST_TEST(rows[0].at("board_faults").value_or("NULL") == "1");

  filter.campaign = std::to_string(db.campaign_a);
  rows = db.query(filter);
  BOOST_REQUIRE_EQUAL(rows.size(), 5u);
  const std::vector<std::size_t> campaign_a_runs = {0, 1, 3, 4, 5};
  for (std::size_t i = 0; i < rows.size(); ++i) BOOST_TEST(rows[i].at("run_id").value_or("NULL") == std::to_string(db.runs[campaign_a_runs[i]]));

  filter.campaign = "leo-c";
  BOOST_TEST(db.query(filter).empty());
}

BOOST_AUTO_TEST_CASE(an_empty_database_has_the_columns_and_no_rows) {
  ob::test::TempDb file;
  { ob::db::Recorder recorder(file.path); }
  const auto db = ob::db::Connection::open_read_only(file.path);
  const auto result = ob::db::query_conformance(db, {});
  BOOST_TEST(result.columns == kColumns, boost::test_tools::per_element());
  BOOST_TEST(result.rows.empty());
}
