#pragma once
// One benchmark of `orbitbench perf`: it prints its figures as it goes and returns its result,
// printed last as `NAME: VALUE UNIT; ratio vs PEER R` (without "; ratio …" when it has no peer
// or the peer could not be measured). Peers are measured in the same run on the same machine;
// repeated measurements report medians. No benchmark asserts a time: it measures and says.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ob::bench::perf {

struct PerfOptions {
  // Small sizes for CI (ctest label `perf`): every code path, figures not meant to be quoted.
  bool quick = false;
  // Scratch space (databases, sockets' state); the benchmark leaves nothing behind it cannot reuse.
  std::filesystem::path work_dir;
  // Where tests/data and tests/perf/satellitejs live (the source tree by default).
  std::filesystem::path source_dir;
  // This program (for benchmarks that start a second process: the lab, a campaign).
  std::filesystem::path orbitbench_exe;
  std::FILE* out = stdout;
};

struct PerfResult {
  std::string name;
  double value = 0;
  std::string unit;
  std::string peer;              // what the ratio is against ("" = none)
  std::optional<double> ratio;   // as the benchmark's goal states it (ingest: ours ÷ peer rows/s;
                                 // scheduling: our p99 ÷ bare timers' p99; query: scan ÷ ours)
  std::string note;              // appended in parentheses, e.g. "peer unavailable: no node"
  bool ok = true;                // false: the benchmark could not measure (the reason in note)
};

// The closing line, e.g. "ingest: 581796 rows/s; ratio vs plain SQLite bulk insert 1.02".
std::string summary_line(const PerfResult& result);

// printf to options.out, flushed (figures appear as they are measured).
void say(const PerfOptions& options, const char* format, ...) __attribute__((format(printf, 2, 3)));

double median(std::vector<double> values);

// Writes a generated station, campaign or lab file; throws std::runtime_error naming it.
void write_text_file(const std::filesystem::path& path, const std::string& text);

}  // namespace ob::bench::perf
