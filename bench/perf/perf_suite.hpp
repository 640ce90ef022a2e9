#pragma once
// The benchmarks `orbitbench perf` knows, in the order `perf all` runs them.
#include <string>
#include <vector>

#include "bench/perf/perf_benchmark.hpp"

namespace ob::bench::perf {

using PerfFunction = PerfResult (*)(const PerfOptions&);

struct PerfEntry {
  const char* name;
  const char* what;  // one line for `orbitbench perf list`
  PerfFunction run;
};

const std::vector<PerfEntry>& perf_suite();

// Each benchmark, one file each (bench/perf/perf_<name>.cpp).
PerfResult perf_ingest(const PerfOptions& options);
PerfResult perf_scheduling(const PerfOptions& options);
PerfResult perf_fanin(const PerfOptions& options);
PerfResult perf_sgp4(const PerfOptions& options);
PerfResult perf_profile(const PerfOptions& options);
PerfResult perf_query(const PerfOptions& options);
PerfResult perf_memory(const PerfOptions& options);
#ifdef OB_WITH_POSTGRES
PerfResult perf_push(const PerfOptions& options);   // needs a PostgreSQL server (libpq's defaults)
PerfResult perf_fleet(const PerfOptions& options);
#endif

}  // namespace ob::bench::perf
