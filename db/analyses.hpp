#pragma once
// The canned analyses of `orbitbench query` beside degradation: the events, the command timing
// per run, and a summary per campaign and DUT — each a ResultSet, so every output format applies,
// each narrowed by the same filters.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/read_only_sql.hpp"

namespace ob::db {

struct AnalysisFilter {
  std::optional<std::string> campaign;  // a campaign's name or id
  std::optional<std::string> dut;       // a device's name
  std::optional<std::string> run;       // a run's id
};

// The filters as SQL, for the analyses kept in their own files (db/conformance.cpp): bind
// filter_params(filter) (?1 campaign name or id, ?2 DUT name, ?3 run id) to a statement whose
// WHERE holds kCampaignRunFilterSql, with campaign c and run r in scope.
std::vector<std::optional<std::string>> filter_params(const AnalysisFilter& filter);
extern const char* const kCampaignRunFilterSql;

// Per DUT, from the aggregates kept while recording (never a scan of the samples): baseline and
// reference throughput and their change in %, in-orbit throughput by phase (sunlit, penumbra,
// eclipse), energy efficiency in orbit (TFLOP per joule), seconds throttled per reason, new SDC
// and ECC errors, the verdict. The second set: in-orbit throughput per 5 °C GPU-temperature bin.
std::vector<ResultSet> query_degradation_figures(const Connection& db, const AnalysisFilter& filter);

enum class CompareBy { dut, firmware, campaign };
// The same figures side by side, one row per board, firmware version or campaign.
ResultSet query_compare(const Connection& db, const AnalysisFilter& filter, CompareBy by);

// How many of a run's measurements have the verdict 'fail'.
int count_failed_measurements(const Connection& db, std::int64_t run_id);

// Every event in order: when, campaign, run, device, profile time, kind, severity, message.
ResultSet query_events(const Connection& db, const AnalysisFilter& filter);
// Whether the database holds a campaign of this name or id (what AnalysisFilter::campaign matches).
bool campaign_exists(const Connection& db, const std::string& name_or_id);
// Whether a GPU board of this name was recorded (in that campaign, when one is named).
bool board_exists(const Connection& db, const std::string& campaign, const std::string& name);
// Whether a run of this id was recorded (in that campaign, when one is named).
bool run_exists(const Connection& db, const std::string& campaign, const std::string& id);
// Every campaign: id, name, station, status, started (UTC), wall seconds, why it ended.
ResultSet query_campaigns(const Connection& db);

// Per run: how late the ticks woke against the schedule (p50/p99/max, ms), ticks on time and
// skipped, time paused.
ResultSet query_timing(const Connection& db, const AnalysisFilter& filter);
// Per campaign and DUT: status, runs, samples, errors and warnings (the DUT's own events plus,
// once each, those of its campaign's chamber(s) and profile device), the verdict and what failed.
ResultSet query_summary(const Connection& db, const AnalysisFilter& filter);

}  // namespace ob::db
