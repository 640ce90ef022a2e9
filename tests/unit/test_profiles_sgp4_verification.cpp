// SGP4/SDP4 against Vallado's verification set (AIAA 2006-6753): every case and row of
// SGP4-VER.TLE against tcppver.out, the reference C++'s output, to 1 mm and 1e-9 km/s; the
// cases that stop must stop with the reference's error code at the reference's time.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "profiles/orbit/sgp4.hpp"
#include "profiles/orbit/tle_verification.hpp"

namespace orbit = ob::profiles::orbit;

namespace {

// The bar the issue sets: 1 mm in position, 1e-9 km/s in velocity (tcppver.out prints
// 8 decimals of km and 9 of km/s, so the velocity check includes the file's ±5e-10 rounding).
constexpr double kPositionToleranceKm = 1e-6;
constexpr double kVelocityToleranceKmS = 1e-9;
// Rows print tsince with 8 decimals; the next time a stopped case would have printed is
// compared to the expected error time within this.
constexpr double kTimeToleranceMin = 1e-6;

struct Row {
  double tsince_min;
  double r_km[3];
  double v_km_s[3];
};

struct ExpectedCase {
  int catalog_number;
  std::vector<Row> rows;
};

std::string data_path(const std::string& name) {
  return std::string(OB_TEST_DATA_DIR) + "/sgp4/" + name;
}

std::vector<ExpectedCase> read_tcppver(const std::string& path) {
  std::ifstream in(path);
  BOOST_TEST_REQUIRE(static_cast<bool>(in), "cannot open " << path);
  std::vector<ExpectedCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find("xx") != std::string::npos) {
      cases.push_back({std::stoi(line), {}});
      continue;
    }
    std::istringstream fields(line);
    Row row{};
    if (!(fields >> row.tsince_min >> row.r_km[0] >> row.r_km[1] >> row.r_km[2] >> row.v_km_s[0] >>
          row.v_km_s[1] >> row.v_km_s[2])) {
      continue;
    }
    BOOST_TEST_REQUIRE(!cases.empty());
    cases.back().rows.push_back(row);
  }
  return cases;
}

// Where the reference stops: the cases whose runs end early, with the code and the time of
// the first step that fails (tcppver.out has no row there; python-sgp4's test of the same
// file expects the codes 1, 1, 6, 6, 4, 3, 6 in this order).
struct ExpectedStop {
  int catalog_number;
  double start_min;  // tells the two 20413 cases apart
  double tsince_min;
  orbit::Sgp4Error error;
  bool at_initialisation;
};
const std::vector<ExpectedStop> kExpectedStops{
    {22312, 54.2028672, 494.2028672, orbit::Sgp4Error::eccentricity, false},
    {28350, 0.0, 1560.0, orbit::Sgp4Error::eccentricity, false},
    {28872, 0.0, 55.0, orbit::Sgp4Error::decayed, false},
    {29141, 0.0, 440.0, orbit::Sgp4Error::decayed, false},
    {33333, 0.0, 25.0, orbit::Sgp4Error::semi_latus_rectum, false},
    {33334, 0.0, 0.0, orbit::Sgp4Error::perturbed_eccentricity, true},
    {20413, 1844000.0, 1844345.0, orbit::Sgp4Error::decayed, false},
};

const ExpectedStop* expected_stop(const orbit::VerificationCase& c) {
  for (const ExpectedStop& stop : kExpectedStops) {
    if (stop.catalog_number == c.tle.catalog_number && stop.start_min == c.start_min) return &stop;
  }
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_row_of_the_vallado_verification_set) {
  const auto cases = orbit::read_verification_tle_file(data_path("SGP4-VER.TLE"));
  const auto expected = read_tcppver(data_path("tcppver.out"));
  BOOST_TEST_REQUIRE(cases.size() == expected.size());

  double max_position_error_km = 0;
  double max_velocity_error_km_s = 0;
  int worst_case = 0;
  double worst_tsince = 0;
  std::size_t rows_checked = 0;
  std::size_t stops_checked = 0;

  for (std::size_t i = 0; i < cases.size(); ++i) {
    const orbit::VerificationCase& c = cases[i];
    const ExpectedCase& e = expected[i];
    BOOST_TEST_CONTEXT("case " << c.tle.catalog_number << " (starting " << c.start_min << " min)") {
      BOOST_TEST_REQUIRE(c.tle.catalog_number == e.catalog_number);
      BOOST_TEST_REQUIRE(!e.rows.empty());
      const ExpectedStop* stop = expected_stop(c);

      const auto sgp4 = orbit::Sgp4::from_tle(c.tle);
      if (stop != nullptr && stop->at_initialisation) {
        // The reference prints one stale row (the previous case's state) and stops.
        BOOST_TEST_REQUIRE(!sgp4.has_value());
        BOOST_TEST(static_cast<int>(sgp4.error()) == static_cast<int>(stop->error));
        BOOST_TEST(e.rows.size() == 1u);
        ++stops_checked;
        continue;
      }
      BOOST_TEST_REQUIRE(sgp4.has_value(), "initialisation failed: " << orbit::describe(sgp4.error()));

      for (const Row& row : e.rows) {
        const auto state = sgp4->propagate(row.tsince_min);
        BOOST_TEST_REQUIRE(state.has_value(), "t = " << row.tsince_min << " min: "
                                                     << orbit::describe(state.error()));
        double dr = 0;
        double dv = 0;
        for (int k = 0; k < 3; ++k) {
          dr = std::max(dr, std::fabs(state->r_km[k] - row.r_km[k]));
          dv = std::max(dv, std::fabs(state->v_km_s[k] - row.v_km_s[k]));
        }
        BOOST_TEST(dr <= kPositionToleranceKm, "t = " << row.tsince_min << " min: position off by "
                                                      << dr * 1e6 << " mm");
        BOOST_TEST(dv <= kVelocityToleranceKmS, "t = " << row.tsince_min
                                                       << " min: velocity off by " << dv << " km/s");
        if (dr > max_position_error_km) {
          max_position_error_km = dr;
          worst_case = c.tle.catalog_number;
          worst_tsince = row.tsince_min;
        }
        max_velocity_error_km_s = std::max(max_velocity_error_km_s, dv);
        ++rows_checked;
      }

      // The time grid of the reference driver: epoch, then start, start + step, ... and the
      // stop time itself.
      const double last = e.rows.back().tsince_min;
      const bool ran_to_the_end = std::fabs(last - c.stop_min) < kTimeToleranceMin;
      if (stop == nullptr) {
        BOOST_TEST(ran_to_the_end, "the reference ran to " << c.stop_min << " min, rows end at " << last);
        continue;
      }
      BOOST_TEST(!ran_to_the_end);
      double next = (e.rows.size() == 1 ? c.start_min : last + c.step_min);
      next = std::min(next, c.stop_min);
      BOOST_TEST(std::fabs(next - stop->tsince_min) < kTimeToleranceMin);
      const auto failed = sgp4->propagate(next);
      BOOST_TEST_REQUIRE(!failed.has_value(), "t = " << next << " min should fail");
      BOOST_TEST(static_cast<int>(failed.error()) == static_cast<int>(stop->error));
      ++stops_checked;
    }
  }

  BOOST_TEST(stops_checked == kExpectedStops.size());
  char summary[256];
  std::snprintf(summary, sizeof summary,
                "SGP4 verification: %zu rows of %zu cases; max position error %.3g mm (case %d, "
                "t = %.2f min), max velocity error %.3g km/s; %zu error stops as expected",
                rows_checked, cases.size(), max_position_error_km * 1e6, worst_case, worst_tsince,
                max_velocity_error_km_s, stops_checked);
  BOOST_TEST_MESSAGE(summary);
  std::printf("%s\n", summary);
}

BOOST_AUTO_TEST_CASE(propagation_is_repeatable_in_any_order) {
  // The deep-space integrator restarts from the epoch on every call, so a state does not
  // depend on what was asked before (the reference caches its last step).
  const auto cases = orbit::read_verification_tle_file(data_path("SGP4-VER.TLE"));
  for (const auto& c : cases) {
    const auto sgp4 = orbit::Sgp4::from_tle(c.tle);
    if (!sgp4) continue;
    const auto forward = sgp4->propagate(c.stop_min);
    (void)sgp4->propagate(c.start_min);
    (void)sgp4->propagate(-c.stop_min);
    const auto again = sgp4->propagate(c.stop_min);
    BOOST_TEST_REQUIRE(forward.has_value() == again.has_value());
    if (!forward) continue;
    for (int k = 0; k < 3; ++k) {
      BOOST_TEST(forward->r_km[k] == again->r_km[k]);
      BOOST_TEST(forward->v_km_s[k] == again->v_km_s[k]);
    }
  }
}
