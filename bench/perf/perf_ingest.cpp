// Placeholder while the benchmark is being written (issue 9): says so, measures nothing.
#include "bench/perf/perf_suite.hpp"

namespace ob::bench::perf {

PerfResult perf_ingest(const PerfOptions&) { return {"ingest", 0, "", "", std::nullopt, "not written yet", false}; }

}  // namespace ob::bench::perf
