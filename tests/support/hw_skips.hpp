#pragma once
// Hardware tests whose hardware is absent are reported as skipped, never as passes (issue 18
// item 14). Each case names what it needs as a Boost.Test precondition (`needs(...)`): absent,
// Boost skips the case and says why. When every case of the executable was skipped, a line
// matching ctest's SKIP_REGULAR_EXPRESSION (tests/CMakeLists.txt) is printed, so ctest reports
// the test "Skipped" — a machine without the hardware shows no green it did not earn.
#include <boost/test/tree/traverse.hpp>
#include <boost/test/tree/visitor.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <functional>
#include <string>

namespace ob::test::hw {

inline int& skipped_cases() {
  static int count = 0;
  return count;
}

// A precondition: `present()` says whether the hardware is here; `what` names it when not.
struct Needs {
  std::string what;
  std::function<bool()> present;
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    if (present()) return true;
    ++skipped_cases();
    boost::test_tools::assertion_result absent(false);
    absent.message() << what;
    return absent;
  }
};

inline auto needs(std::string what, std::function<bool()> present) {
  return boost::unit_test::precondition(Needs{std::move(what), std::move(present)});
}

struct CountCases : boost::unit_test::test_tree_visitor {
  int cases = 0;
  void visit(const boost::unit_test::test_case&) override { ++cases; }
};

// The global fixture that says so when nothing ran.
struct ReportWhenAllSkipped {
  void setup() {}
  void teardown() {
    CountCases counter;
    boost::unit_test::traverse_test_tree(boost::unit_test::framework::master_test_suite(), counter, true);
    if (skipped_cases() > 0 && skipped_cases() >= counter.cases) {
      std::printf("orbitbench-hw: every case skipped: its hardware is not here\n");
    }
  }
};

}  // namespace ob::test::hw
