// The instrument trace's file writer (bench/trace_writer): every line from every thread arrives,
// whole and in each thread's order, with its UTC time; flush() makes them visible while it runs;
// a file that cannot be opened is named with the reason.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "../support/temp_dir.hpp"
#include "bench/trace_writer.hpp"

namespace {

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_line_from_every_thread_arrives_whole_and_in_order) {
  ob::test::TempDir dir;
  const auto path = dir.path() / "run.trace";
  constexpr int kThreads = 4;
  constexpr int kLines = 20000;  // ~1.8 MB: past the early-write threshold many times
  {
    ob::bench::TraceWriter writer(path);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&writer, t] {
        const std::string instrument = "psu-" + std::to_string(t);
        for (int i = 0; i < kLines; ++i) {
          writer.write(instrument, i % 2 == 0 ? ob::drivers::TraceDirection::sent : ob::drivers::TraceDirection::received,
                       ":MEAS:VOLT? CH" + std::to_string(i));
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }  // the destructor writes what is left
  const auto lines = lines_of(path);
  BOOST_TEST(lines.size() == static_cast<std::size_t>(kThreads * kLines));
  const std::regex shape(R"((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) (psu-\d) (→|←) :MEAS:VOLT\? CH(\d+))");
  std::map<std::string, int> next;
  int malformed = 0;
  int out_of_order = 0;
  for (const auto& line : lines) {
    std::smatch match;
    if (!std::regex_match(line, match, shape)) {
      ++malformed;
      continue;
    }
    const int index = std::stoi(match[4]);
    if (index != next[match[2]]) ++out_of_order;
    next[match[2]] = index + 1;
    if ((index % 2 == 0) != (match[3] == "→")) ++malformed;
  }
  BOOST_TEST(malformed == 0);
  BOOST_TEST(out_of_order == 0);
  BOOST_TEST(next.size() == static_cast<std::size_t>(kThreads));
}

BOOST_AUTO_TEST_CASE(flush_makes_the_lines_visible_and_the_file_is_appended_to) {
  ob::test::TempDir dir;
  const auto path = dir.path() / "deep" / "folder" / "run.trace";
  {
    ob::bench::TraceWriter writer(path);
    writer.write("chamber", ob::drivers::TraceDirection::sent, "TEMP?");
    writer.write("chamber", ob::drivers::TraceDirection::failed, "timeout after 2 s");
    writer.flush();
    const auto lines = lines_of(path);
    BOOST_REQUIRE(lines.size() == 2u);
    BOOST_TEST(lines[0].ends_with("Z chamber → TEMP?"));
    BOOST_TEST(lines[1].ends_with("Z chamber ✗ timeout after 2 s"));
  }
  { ob::bench::TraceWriter again(path); again.write("chamber", ob::drivers::TraceDirection::received, "25.0"); }
  BOOST_TEST(lines_of(path).size() == 3u);  // a resumed campaign's trace goes on in the same file
}

BOOST_AUTO_TEST_CASE(a_file_that_cannot_be_opened_is_named_with_the_reason) {
  ob::test::TempDir dir;
  const auto blocker = dir.write("not-a-folder", "x");
  try {
    ob::bench::TraceWriter writer(blocker / "run.trace");
    BOOST_FAIL("opened a file under a regular file");
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    BOOST_TEST(message.find("cannot open the trace file " + (blocker / "run.trace").string() + ": Not a directory") !=
                   std::string::npos,
               message);
  }
}
