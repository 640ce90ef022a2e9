// Circular orbit and cylindrical shadow in closed form against the reference numbers in physics.md.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "profiles/circular_orbit.hpp"

namespace prof = ob::profiles;

namespace {

constexpr double kSecondsPerMinute = 60.0;
constexpr double kTableToleranceMin = 0.02;
constexpr double kTableBetaToleranceDeg = 0.05;

// physics.md: R = 6378.137 km, μ = 398600.4418 km³/s², cylindrical model.
struct TableRow {
  double altitude_km;
  double period_min;
  double critical_beta_deg;
  std::array<double, 3> eclipse_min;  // at beta 0, 30, 60 deg
};
constexpr std::array<double, 3> kTableBetasDeg{0, 30, 60};
constexpr std::array kTable{
    TableRow{400, 92.56, 70.2, {36.11, 34.45, 24.37}},
    TableRow{550, 95.65, 67.0, {35.61, 33.58, 20.54}},
    TableRow{650, 97.73, 65.2, {35.38, 33.11, 17.84}},
    TableRow{800, 100.87, 62.7, {35.13, 32.51, 13.13}},
};

}  // namespace

BOOST_AUTO_TEST_CASE(period_matches_reference_table) {
  for (const TableRow& row : kTable) {
    BOOST_TEST_CONTEXT("altitude " << row.altitude_km << " km") {
      BOOST_TEST(std::abs(prof::orbital_period_s(row.altitude_km) / kSecondsPerMinute -
                          row.period_min) <= kTableToleranceMin);
    }
  }
}

BOOST_AUTO_TEST_CASE(cylindrical_eclipse_matches_reference_table) {
  for (const TableRow& row : kTable) {
    for (std::size_t i = 0; i < kTableBetasDeg.size(); ++i) {
      BOOST_TEST_CONTEXT("altitude " << row.altitude_km << " km, beta " << kTableBetasDeg[i]) {
        const double eclipse_min =
            prof::eclipse_duration_s(row.altitude_km, kTableBetasDeg[i]) / kSecondsPerMinute;
        BOOST_TEST(std::abs(eclipse_min - row.eclipse_min[i]) <= kTableToleranceMin);
        // The shadow is symmetric in beta.
        BOOST_TEST(prof::eclipse_duration_s(row.altitude_km, -kTableBetasDeg[i]) ==
                   prof::eclipse_duration_s(row.altitude_km, kTableBetasDeg[i]));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(critical_beta_matches_table_and_ends_eclipses) {
  constexpr double kMarginDeg = 0.1;
  for (const TableRow& row : kTable) {
    BOOST_TEST_CONTEXT("altitude " << row.altitude_km << " km") {
      const double critical_deg = prof::critical_beta_deg(row.altitude_km);
      BOOST_TEST(std::abs(critical_deg - row.critical_beta_deg) <= kTableBetaToleranceDeg);
      BOOST_TEST(prof::eclipse_duration_s(row.altitude_km, critical_deg - kMarginDeg) > 0.0);
      BOOST_TEST(prof::eclipse_duration_s(row.altitude_km, critical_deg + kMarginDeg) == 0.0);
      BOOST_TEST(prof::eclipse_duration_s(row.altitude_km, 90) == 0.0);
    }
  }
}
