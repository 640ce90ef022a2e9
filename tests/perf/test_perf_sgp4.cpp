// `orbitbench perf sgp4` and `perf profile` at their quick sizes. Where satellite.js is installed
// (scripts/test.sh runs `npm ci` in tests/perf/satellitejs), the peer must have run and our
// states must equal its states within 1 mm (the benchmark is not ok otherwise).
#include <filesystem>

#include "perf_quick.hpp"

namespace {
bool peer_installed() {
  return std::system("command -v node > /dev/null 2>&1") == 0 &&
         std::filesystem::exists(std::filesystem::path(OB_SOURCE_DIR) / "tests/perf/satellitejs/node_modules/satellite.js/package.json");
}
}  // namespace

BOOST_AUTO_TEST_CASE(sgp4_against_satellite_js_with_equal_states) {
  ob::test::TempDir dir;
  const auto result = ob::test::run_quick(ob::bench::perf::perf_sgp4, dir);
  BOOST_TEST(result.ok, result.note);
  BOOST_TEST(result.value > 0);
  if (peer_installed()) {
    BOOST_TEST(result.ratio.has_value(), result.note);
    BOOST_TEST(result.peer.starts_with("satellite.js-"));
  }
}

BOOST_AUTO_TEST_CASE(whole_profile_rows_against_satellite_js_propagation) {
  ob::test::TempDir dir;
  const auto result = ob::test::run_quick(ob::bench::perf::perf_profile, dir);
  BOOST_TEST(result.ok, result.note);
  BOOST_TEST(result.value > 0);
  if (peer_installed()) BOOST_TEST(result.ratio.has_value(), result.note);
}
