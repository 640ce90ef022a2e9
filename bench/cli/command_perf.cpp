// orbitbench perf NAME…|all|list [--quick] [--work-dir DIR] [--source-dir DIR]: the benchmarks of
// bench/perf/, each ending with `NAME: VALUE UNIT; ratio vs PEER R` (docs/performance.md).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/cli/commands.hpp"
#include "bench/perf/perf_suite.hpp"
#include "ob/version.hpp"

namespace ob::bench::cli {
namespace {

namespace fs = std::filesystem;

struct PerfArgs {
  std::vector<std::string> names;
  bool quick = false;
  std::string work_dir;
  std::string source_dir;  // empty: perf_data_dirs()
};

// The benchmarks that read verification data (tests/data/sgp4) and the satellite.js peer
// (tests/perf/satellitejs) from the data tree; the others need none.
constexpr const char* kNeedsData[] = {"sgp4", "profile"};
constexpr const char* kDataProbe = "tests/data/sgp4/SGP4-VER.TLE";

// The machine and build the figures come from (docs/performance.md quotes them with it).
void print_machine() {
  std::string cpu = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    cpu = line.substr(line.find(':') + 2);
    break;
  }
  const char* build = OB_BUILD_TYPE;
  std::printf("orbitbench %s, %s build, %ld cores (%s)%s\n", ob::kVersion, *build ? build : "unspecified", ::sysconf(_SC_NPROCESSORS_ONLN),
              cpu.c_str(), std::string(build) == "Debug" ? " — a Debug build: figures not to quote" : "");
}

fs::path this_program() {
  std::error_code error;
  const auto exe = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path("orbitbench") : exe;
}

// Where the data tree is looked for without --source-dir, in order: next to the executable as
// installed (<prefix>/bin/orbitbench → <prefix>/share/orbitbench/perf-data, cmake/packaging.cmake),
// then the source tree this binary was built from (a build tree's binary).
std::vector<fs::path> perf_data_dirs() {
  std::vector<fs::path> dirs;
  const auto exe = this_program();
  if (exe.is_absolute()) dirs.push_back(exe.parent_path().parent_path() / "share/orbitbench/perf-data");
  dirs.emplace_back(OB_SOURCE_DIR);
  return dirs;
}

// The data tree to use: --source-dir, else the first of perf_data_dirs() holding the data; empty
// (and `looked` listing where) when none does.
fs::path find_perf_data(const std::string& source_dir, std::string& looked) {
  const auto dirs = source_dir.empty() ? perf_data_dirs() : std::vector<fs::path>{source_dir};
  for (const auto& dir : dirs) {
    std::error_code ignored;
    if (fs::exists(dir / kDataProbe, ignored)) return dir;
    looked += (looked.empty() ? "" : ", ") + (dir / kDataProbe).string();
  }
  return {};
}

int run_perf(const PerfArgs& args) {
  const auto& suite = perf::perf_suite();
  if (args.names.size() == 1 && args.names[0] == "list") {
    for (const auto& entry : suite) std::printf("%-11s %s\n", entry.name, entry.what);
    return kExitOk;
  }
  std::vector<const perf::PerfEntry*> chosen;
  for (const auto& name : args.names) {
    if (name == "all") {
      for (const auto& entry : suite) chosen.push_back(&entry);
      continue;
    }
    const perf::PerfEntry* found = nullptr;
    for (const auto& entry : suite)
      if (name == entry.name) found = &entry;
    if (found == nullptr) {
      std::fprintf(stderr, "orbitbench perf: no benchmark named '%s' (orbitbench perf list)\n", name.c_str());
      return kExitUsage;
    }
    chosen.push_back(found);
  }
  perf::PerfOptions options;
  options.quick = args.quick;
  std::string looked;
  options.source_dir = find_perf_data(args.source_dir, looked);
  for (const auto* entry : chosen) {
    const bool needs_data = std::find(std::begin(kNeedsData), std::end(kNeedsData), std::string_view(entry->name)) != std::end(kNeedsData);
    if (!needs_data || !options.source_dir.empty()) continue;
    std::fprintf(stderr, "orbitbench perf: %s needs the perf data, not found: looked for %s; give --source-dir DIR (a source tree)\n",
                 entry->name, looked.c_str());
    return kExitError;
  }
  options.orbitbench_exe = this_program();
  std::unique_ptr<fs::path, void (*)(fs::path*)> scratch(nullptr, [](fs::path* p) {
    std::error_code ignored;
    fs::remove_all(*p, ignored);
    delete p;
  });
  if (args.work_dir.empty()) {
    std::string pattern = (fs::temp_directory_path() / "orbitbench-perf-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::fprintf(stderr, "orbitbench perf: cannot create a scratch directory under %s\n", fs::temp_directory_path().c_str());
      return kExitError;
    }
    scratch.reset(new fs::path(pattern));
    options.work_dir = pattern;
  } else {
    options.work_dir = args.work_dir;
    fs::create_directories(options.work_dir);
  }
  print_machine();
  if (!options.source_dir.empty()) std::printf("perf data: %s\n", options.source_dir.c_str());
  std::vector<std::string> summary;
  bool all_ok = true;
  const auto start = std::chrono::steady_clock::now();
  for (const auto* entry : chosen) {
    std::printf("== %s: %s\n", entry->name, entry->what);
    std::fflush(stdout);
    perf::PerfResult result;
    try {
      result = entry->run(options);
    } catch (const std::exception& e) {
      result = {entry->name, 0, "", "", std::nullopt, std::string("failed: ") + e.what(), false};
    }
    all_ok = all_ok && result.ok;
    summary.push_back(perf::summary_line(result));
    std::printf("%s\n", summary.back().c_str());
    std::fflush(stdout);
  }
  if (chosen.size() > 1) {
    const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("== summary (%.0f s%s)\n", elapsed_s, args.quick ? ", --quick: sizes for CI, not figures to quote" : "");
    for (const auto& line : summary) std::printf("%s\n", line.c_str());
  }
  return all_ok ? kExitOk : kExitError;
}

}  // namespace

Action add_perf_command(CLI::App& app) {
  auto* command = app.add_subcommand("perf", "Benchmarks with their peers measured in the same run (docs/performance.md)");
  auto args = std::make_shared<PerfArgs>();
  command->add_option("names", args->names, "benchmarks to run: all, list, or names from `orbitbench perf list`")->required();
  command->add_flag("--quick", args->quick, "small sizes (CI): checks every path, figures not to quote");
  command->add_option("--work-dir", args->work_dir, "scratch directory (default: a temporary one, removed after)");
  command->add_option("--source-dir", args->source_dir,
                      "tree holding tests/data/sgp4 and tests/perf/satellitejs (default: <bin>/../share/orbitbench/perf-data "
                      "when installed, else the source tree " OB_SOURCE_DIR ")");
  return [args]() { return run_perf(*args); };
}

}  // namespace ob::bench::cli
