#pragma once
// Runs one `orbitbench perf` benchmark at its quick (CI) size in a scratch directory and prints
// its figures: the perf tests check that each benchmark measures what it claims (every row
// arrived, both ways agree, the peer ran), never how fast.
#include <boost/test/unit_test.hpp>

#include "../support/temp_dir.hpp"
#include "bench/perf/perf_suite.hpp"

namespace ob::test {

inline ob::bench::perf::PerfResult run_quick(ob::bench::perf::PerfFunction benchmark, const TempDir& dir) {
  ob::bench::perf::PerfOptions options;
  options.quick = true;
  options.work_dir = dir.path();
  options.source_dir = OB_SOURCE_DIR;
  options.orbitbench_exe = OB_ORBITBENCH_EXE;
  const auto result = benchmark(options);
  std::printf("%s\n", ob::bench::perf::summary_line(result).c_str());
  return result;
}

}  // namespace ob::test
