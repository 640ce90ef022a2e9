// SGP4's API beyond the verification set: TLE → propagator, epoch handling, thread safety,
// error values, deep-space detection.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "profiles/orbit/sgp4.hpp"
#include "profiles/orbit/tle.hpp"

namespace orbit = ob::profiles::orbit;

namespace {

orbit::Tle iss_tle() {
  return orbit::read_tle_file(std::string(OB_TEST_DATA_DIR) + "/sgp4/iss.tle").front();
}

double norm(const double v[3]) { return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }

}  // namespace

BOOST_AUTO_TEST_CASE(iss_state_is_plausible) {
  const auto sgp4 = orbit::Sgp4::from_tle(iss_tle());
  BOOST_TEST_REQUIRE(sgp4.has_value());
  BOOST_TEST(!sgp4->is_deep_space());
  BOOST_TEST(std::fabs(sgp4->epoch_jd() - 2454730.01782528) < 1e-8);
  BOOST_TEST(std::fabs(sgp4->period_min() - 91.6) < 0.2);
  for (double t = -1440.0; t <= 1440.0; t += 97.0) {
    const auto s = sgp4->propagate(t);
    BOOST_TEST_REQUIRE(s.has_value());
    const double altitude_km = norm(s->r_km) - orbit::wgs72::kEarthRadiusKm;
    BOOST_TEST(altitude_km > 300.0);
    BOOST_TEST(altitude_km < 400.0);
    BOOST_TEST(std::fabs(norm(s->v_km_s) - 7.7) < 0.1);
  }
}

BOOST_AUTO_TEST_CASE(propagate_to_a_date_equals_minutes_since_epoch) {
  const auto sgp4 = orbit::Sgp4::from_tle(iss_tle());
  BOOST_TEST_REQUIRE(sgp4.has_value());
  const auto date = sgp4->epoch().plus_minutes(123.456);
  const auto a = sgp4->propagate_to(date);
  const auto b = sgp4->propagate(123.456);
  BOOST_TEST_REQUIRE(a.has_value());
  for (int k = 0; k < 3; ++k) BOOST_TEST(std::fabs(a->r_km[k] - b->r_km[k]) < 1e-6);
}

BOOST_AUTO_TEST_CASE(propagate_is_thread_safe) {
  // Deep-space (resonant Molniya) and near-Earth propagators shared by several threads give the
  // same numbers as one thread.
  const std::string l1 = "1 09880U 77021A   06176.56157475  .00000421  00000-0  10000-3 0  9814";
  const std::string l2 = "2 09880  64.5968 349.3786 7069051 270.0229  16.3320  2.00813614112380";
  const auto molniya = orbit::Sgp4::from_tle(orbit::parse_tle(l1, l2));
  const auto iss = orbit::Sgp4::from_tle(iss_tle());
  BOOST_TEST_REQUIRE(molniya.has_value());
  BOOST_TEST_REQUIRE(molniya->is_deep_space());
  BOOST_TEST_REQUIRE(iss.has_value());
  constexpr int kSteps = 2000;
  std::vector<double> expected;
  for (int i = 0; i < kSteps; ++i) {
    expected.push_back(molniya->propagate(i * 7.0)->r_km[0] + iss->propagate(i * 7.0)->r_km[2]);
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = kSteps - 1; i >= 0; --i) {  // another order than the reference run
        const double value = molniya->propagate(i * 7.0)->r_km[0] + iss->propagate(i * 7.0)->r_km[2];
        if (value != expected[static_cast<std::size_t>(i)]) ++mismatches[static_cast<std::size_t>(w)];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const int m : mismatches) BOOST_TEST(m == 0);
}

BOOST_AUTO_TEST_CASE(bad_elements_are_error_values) {
  orbit::MeanElements e;
  e.epoch = {2461375.5, 0.0};
  e.inclination_deg = 53;
  e.eccentricity = 0;
  e.mean_motion_rev_per_day = 0;
  BOOST_TEST((orbit::Sgp4::from_mean_elements(e).error() == orbit::Sgp4Error::mean_motion));
  e.mean_motion_rev_per_day = 15.0;
  e.eccentricity = 1.0;
  BOOST_TEST((orbit::Sgp4::from_mean_elements(e).error() == orbit::Sgp4Error::eccentricity));
  BOOST_TEST(orbit::describe(orbit::Sgp4Error::decayed).find("decayed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(decay_is_reported_as_a_value) {
  // Vallado's case 28872 (perigee −51 km) decays within the hour.
  const std::string l1 = "1 28872U 05037B   05333.02012661  .25992681  00000-0  24476-3 0  1534";
  const std::string l2 = "2 28872  96.4736 157.9986 0303955 244.0492 110.6523 16.46015938 10708";
  const auto sgp4 = orbit::Sgp4::from_tle(orbit::parse_tle(l1, l2));
  BOOST_TEST_REQUIRE(sgp4.has_value());
  BOOST_TEST(sgp4->propagate(50.0).has_value());
  const auto decayed = sgp4->propagate(60.0);
  BOOST_TEST_REQUIRE(!decayed.has_value());
  BOOST_TEST((decayed.error() == orbit::Sgp4Error::decayed));
}
