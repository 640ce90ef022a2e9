#include "db/conformance.hpp"

#include <string>

namespace ob::db {
namespace {

// The run's latest measurement of that name (a resumed run may hold an earlier one too), by
// the index measurements(run_id, name).
std::string latest(const char* column, const char* name) {
  return std::string("(SELECT m.") + column + " FROM measurements m WHERE m.run_id = r.id AND m.name = '" + name +
         "' ORDER BY m.id DESC LIMIT 1)";
}

std::string count_of(const char* name) {
  return std::string("(SELECT count(*) FROM measurements m WHERE m.run_id = r.id AND m.name = '") + name + "')";
}

}  // namespace

ResultSet query_conformance(const Connection& db, const AnalysisFilter& filter) {
  const std::string sql =
      "SELECT r.id AS run_id, r.label AS label, r.kind AS kind, "
      "round(" + latest("value", "soak_s") + ", 1) AS soak_s, "
      "round(" + latest("value", "chamber_tracking_p95_k") + ", 3) AS chamber_tracking_p95_k, "
      "round(" + latest("value", "chamber_tracking_max_k") + ", 3) AS chamber_tracking_max_k, " +
      count_of("supply_fault") + " AS supply_faults, " + count_of("board_fault") + " AS board_faults, " +
      latest("verdict", "run_verdict") + " AS verdict "
      "FROM runs r JOIN campaigns c ON c.id = r.campaign_id "
      "WHERE " + kCampaignRunFilterSql + " AND ?2 IS ?2 ORDER BY r.id";
  return run_query(db, sql, filter_params(filter));
}

}  // namespace ob::db
