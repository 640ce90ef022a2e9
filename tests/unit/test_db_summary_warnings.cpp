// `orbitbench query summary`: a board's errors and warnings are its own events plus, once each,
// those of its campaign's chamber(s) and profile device (an infeasible profile, a chamber fault
// or alarm concerns every board in the chamber); another board's events, a supply's, and another
// campaign's chamber never count.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../support/temp_db.hpp"
#include "db/analyses.hpp"
#include "db/database.hpp"
#include "db/recorder.hpp"

namespace {

struct Recorded {
  ob::test::TempDb file;

  Recorded() {
    ob::db::Recorder recorder(file.path);
    const auto campaign = recorder.add_campaign({"leo-a", "station-1", "", 10, {}});
    const auto other = recorder.add_campaign({"leo-b", "station-1", "", 20, {}});
    const auto chamber = recorder.add_device(campaign, {"chamber", "chamber", "", "", "", "", ""});
    const auto profile = recorder.add_device(campaign, {"profile", "profile", "", "", "", "", ""});
    const auto psu = recorder.add_device(campaign, {"psu-a", "psu", "", "", "", "", ""});
    const auto board1 = recorder.add_device(campaign, {"board-01", "gpu", "", "", "", "", ""});
    const auto board2 = recorder.add_device(campaign, {"board-02", "gpu", "", "", "", "", ""});
    const auto other_chamber = recorder.add_device(other, {"chamber", "chamber", "", "", "", "", ""});
    const auto other_profile = recorder.add_device(other, {"profile", "profile", "", "", "", "", ""});
    recorder.add_device(other, {"board-01", "gpu", "", "", "", "", ""});

    ob::db::RunRow run_row;
    run_row.campaign_id = campaign;
    run_row.kind = ob::db::RunKind::replay;
    run_row.ordinal = 1;
    run_row.label = "replay 1/1";
    run_row.started_unix_s = 30;
    const auto run = recorder.add_run(run_row);

    auto event = [&](std::int64_t campaign_id, std::optional<std::int64_t> device, const std::string& kind,
                     const std::string& severity) {
      ob::db::EventRow row;
      row.campaign_id = campaign_id;
      if (campaign_id == campaign) row.run_id = run;
      row.device_id = device;
      row.t_s = 1;
      row.wall_unix_s = 40;
      row.kind = kind;
      row.severity = severity;
      row.message = kind;
      recorder.add_event(row);
    };
    // The campaign's shared devices: 2 profile warnings (infeasible), chamber 1 warning + 2 errors.
    event(campaign, profile, "limit", "warning");
    event(campaign, profile, "limit", "warning");
    event(campaign, profile, "phase", "info");
    event(campaign, chamber, "pause", "warning");
    event(campaign, chamber, "alarm", "error");
    event(campaign, chamber, "chamber_fault", "error");
    // The boards' own events.
    event(campaign, board1, "throttle", "warning");
    event(campaign, board1, "ecc", "error");
    event(campaign, board2, "throttle", "warning");
    event(campaign, board2, "throttle", "warning");
    event(campaign, board2, "throttle", "warning");
    // Neither a supply's nor a campaign-wide (no device) event counts for a board.
    event(campaign, psu, "supply_fault", "error");
    event(campaign, psu, "regulation", "warning");
    event(campaign, std::nullopt, "safe_state", "warning");
    // The other campaign's chamber and profile count only for its own board.
    event(other, other_chamber, "alarm", "error");
    event(other, other_profile, "limit", "warning");
    event(other, other_profile, "limit", "warning");
    event(other, other_profile, "limit", "warning");
    event(other, other_profile, "limit", "warning");
    recorder.flush();
  }

  // (campaign, dut) → column → value.
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> summary() const {
    const auto db = ob::db::Connection::open_read_only(file.path);
    const auto result = ob::db::query_summary(db, {});
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> rows;
    for (const auto& values : result.rows) {
      BOOST_REQUIRE_EQUAL(values.size(), result.columns.size());
      std::map<std::string, std::string> row;
      for (std::size_t i = 0; i < values.size(); ++i) row[result.columns[i]] = values[i].value_or("NULL");
      rows[{row["campaign"], row["dut"]}] = row;
    }
    return rows;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(errors_sit_next_to_warnings) {
  Recorded db;
  const auto connection = ob::db::Connection::open_read_only(db.file.path);
  const auto columns = ob::db::query_summary(connection, {}).columns;
  const auto errors = std::find(columns.begin(), columns.end(), "errors");
  BOOST_REQUIRE(errors != columns.end());
  BOOST_REQUIRE(errors + 1 != columns.end());
  BOOST_TEST(*(errors + 1) == "warnings");
}

BOOST_AUTO_TEST_CASE(the_chamber_and_profile_events_count_for_every_board_of_the_campaign) {
  Recorded db;
  const auto rows = db.summary();
  BOOST_REQUIRE_EQUAL(rows.size(), 3u);
  // board-01: 1 own + 2 profile + 1 chamber warnings; 1 own + 2 chamber errors.
  const auto& board1 = rows.at({"leo-a", "board-01"});
  BOOST_TEST(board1.at("warnings") == "4");
  BOOST_TEST(board1.at("errors") == "3");
  // board-02: 3 own + 2 profile + 1 chamber warnings; 2 chamber errors.
  const auto& board2 = rows.at({"leo-a", "board-02"});
  BOOST_TEST(board2.at("warnings") == "6");
  BOOST_TEST(board2.at("errors") == "2");
  // leo-b's board: only its own campaign's chamber and profile.
  const auto& other = rows.at({"leo-b", "board-01"});
  BOOST_TEST(other.at("warnings") == "4");
  BOOST_TEST(other.at("errors") == "1");
}

BOOST_AUTO_TEST_CASE(a_campaign_is_found_by_name_or_id) {
  Recorded db;
  const auto connection = ob::db::Connection::open_read_only(db.file.path);
  BOOST_TEST(ob::db::campaign_exists(connection, "leo-a"));
  BOOST_TEST(ob::db::campaign_exists(connection, "2"));
  BOOST_TEST(!ob::db::campaign_exists(connection, "3"));
  BOOST_TEST(!ob::db::campaign_exists(connection, "nosuch"));
}
