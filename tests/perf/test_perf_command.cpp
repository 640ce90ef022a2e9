// The `orbitbench perf` command: `list` names every benchmark, a run ends with the benchmark's
// closing line `NAME: VALUE UNIT; ratio vs PEER R`, an unknown name is a usage error.
#include <regex>

#include "../support/run_command.hpp"
#include "perf_quick.hpp"

namespace {
std::string exe() { return OB_ORBITBENCH_EXE; }
}  // namespace

BOOST_AUTO_TEST_CASE(list_names_every_benchmark_of_the_suite) {
  ob::test::TempDir dir;
  const auto listed = ob::test::run_command(exe() + " perf list", dir.path());
  BOOST_TEST(listed.exit_code == 0);
  for (const char* name : {"ingest", "scheduling", "fanin", "sgp4", "profile", "query", "memory"}) {
    BOOST_TEST(listed.out.find(std::string(name) + " ") != std::string::npos, name);
  }
}

BOOST_AUTO_TEST_CASE(a_run_ends_with_its_closing_line_and_a_summary) {
  ob::test::TempDir dir;
  const auto run = ob::test::run_command(exe() + " perf ingest query --quick --work-dir " + (dir.path() / "w").string(), dir.path());
  BOOST_TEST(run.exit_code == 0, run.err);
  BOOST_TEST(std::regex_search(run.out, std::regex(R"(\ningest: [0-9]+ rows/s; ratio vs plain SQLite bulk insert [0-9.]+\n)")), run.out);
  BOOST_TEST(std::regex_search(run.out, std::regex(R"(\nquery: [0-9.]+ ms; ratio vs full-scan SQL [0-9.]+ \(1 million samples\)\n)")),
             run.out);
  BOOST_TEST(run.out.find("== summary") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_unknown_benchmark_is_a_usage_error) {
  ob::test::TempDir dir;
  const auto run = ob::test::run_command(exe() + " perf ingset", dir.path());
  BOOST_TEST(run.exit_code == 2);
  BOOST_TEST(run.err.find("no benchmark named 'ingset'") != std::string::npos, run.err);
}
