#pragma once
// `orbitbench report`: one self-contained HTML file for a campaign — nothing fetched, no script —
// with the plots a review board reads (the chamber's orbit target, setpoint sent and air measured,
// each run's soak hatched, and the board temperatures; PSU voltage and current; GPU power, clocks
// and throughput over time with eclipses shaded; throughput vs temperature; the per-orbit
// throughput trend), the verdict table and the event log.
#include <cstddef>
#include <optional>
#include <string>

#include "db/database.hpp"

namespace ob::bench::report {

struct ReportOptions {
  std::optional<std::string> campaign;  // name or id; default the newest
  std::size_t max_points = 1500;        // per series: longer ones are averaged into this many
  std::size_t max_events = 2000;
};

// Throws db::DbError (the file) or std::runtime_error (no such campaign).
std::string build_html_report(const db::Connection& db, const ReportOptions& options);

}  // namespace ob::bench::report
