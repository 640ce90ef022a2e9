#pragma once
// `orbitbench query conformance`: per run, whether the bench did what the plan said — how long
// it soaked before measuring, how closely the chamber air tracked the orbit's target, how many
// supplies and boards faulted, and the run's verdict.
#include "db/analyses.hpp"
#include "db/read_only_sql.hpp"

namespace ob::db {

// One row per run, by run id: run_id, label, kind, soak_s, chamber_tracking_p95_k,
// chamber_tracking_max_k, supply_faults, board_faults, verdict. From the run's measurements
// `soak_s`, `chamber_tracking_p95_k`, `chamber_tracking_max_k` (NULL when absent),
// `supply_fault` and `board_fault` (counted, 0 when none) and `run_verdict` (its verdict text,
// NULL when absent: an aborted run). Narrowed by filter.campaign and filter.run.
ResultSet query_conformance(const Connection& db, const AnalysisFilter& filter);

}  // namespace ob::db
