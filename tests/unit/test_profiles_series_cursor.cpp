// SeriesCursor: step-hold lookup by profile time.
#include <boost/test/unit_test.hpp>

#include <limits>
#include <string>

#include "../support/profile_fixture.hpp"
#include "profiles/orbit_profile.hpp"

namespace prof = ob::profiles;

namespace {

prof::pb::Profile ramp_profile() {
  prof::pb::Profile profile;
  profile.set_name("ramp");
  profile.set_step_s(10);
  auto* s = profile.add_series();
  s->set_name("power_w");
  s->set_unit("W");
  for (int k = 0; k < 5; ++k) {
    profile.add_t_s(10.0 * k);
    s->add_value(100.0 + k);
  }
  return profile;
}

}  // namespace

BOOST_AUTO_TEST_CASE(step_hold_lookups) {
  const prof::pb::Profile profile = ramp_profile();
  const prof::SeriesCursor cursor(profile, "power_w");
  BOOST_TEST(cursor.unit() == "W");
  BOOST_TEST(cursor.at(0) == 100.0);
  BOOST_TEST(cursor.at(9.999) == 100.0);
  BOOST_TEST(cursor.at(10) == 101.0);
  BOOST_TEST(cursor.at(25) == 102.0);
  BOOST_TEST(cursor.at(40) == 104.0);
  BOOST_TEST(cursor.at(-5) == 100.0);   // before the start: first value
  BOOST_TEST(cursor.at(1e9) == 104.0);  // after the end: last value held
  BOOST_TEST(cursor.at(std::numeric_limits<double>::infinity()) == 104.0);
  BOOST_CHECK_THROW(cursor.at(std::numeric_limits<double>::quiet_NaN()), prof::ProfileError);
}

BOOST_AUTO_TEST_CASE(grid_times_hit_their_own_sample) {
  // t_k = k·step must map to sample k even where k·step/step rounds just below k.
  const prof::pb::Profile profile = ob::test::build_test_profile(ob::test::profile_request("starlink-550", 3000, 0.7));
  const prof::SeriesCursor cursor(profile, prof::series::kRadiatorTemp);
  BOOST_TEST(cursor.unit() == "degC");
  int index = 0;
  while (profile.series(index).name() != prof::series::kRadiatorTemp) ++index;
  const auto& values = profile.series(index).value();
  for (int k = 0; k < profile.t_s_size(); ++k) {
    BOOST_TEST(cursor.at(profile.t_s(k)) == values.Get(k), "k=" << k);
  }
}

BOOST_AUTO_TEST_CASE(unknown_series_is_named_in_the_error) {
  const prof::pb::Profile profile = ramp_profile();
  BOOST_CHECK_EXCEPTION(prof::SeriesCursor(profile, "chamber_setpoint_c"), prof::ProfileError,
                        [](const prof::ProfileError& e) {
                          return std::string(e.what()).find("chamber_setpoint_c") !=
                                 std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(malformed_profiles_are_refused) {
  prof::pb::Profile short_series = ramp_profile();
  short_series.mutable_series(0)->mutable_value()->RemoveLast();
  BOOST_CHECK_THROW(prof::SeriesCursor(short_series, "power_w"), prof::ProfileError);
  prof::pb::Profile no_step = ramp_profile();
  no_step.set_step_s(0);
  BOOST_CHECK_THROW(prof::SeriesCursor(no_step, "power_w"), prof::ProfileError);
}
