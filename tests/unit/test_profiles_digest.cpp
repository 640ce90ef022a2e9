// Content addressing: SHA-256 of the deterministic serialization, lowercase hex.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <string>

#include "../support/profile_fixture.hpp"
#include "profiles/orbit_profile.hpp"

namespace prof = ob::profiles;

BOOST_AUTO_TEST_CASE(known_vectors) {
  // sha256(b"") and sha256(b"\x0a\x01x"), the bytes of Profile{name: "x"}.
  BOOST_TEST(prof::profile_digest(prof::pb::Profile{}) ==
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  prof::pb::Profile named;
  named.set_name("x");
  BOOST_TEST(prof::profile_digest(named) ==
             "fbc601aefa01f8692f1ee4ca767d28f0ee54083d0bbee08bcee1f2bb3b75e3b7");
}

BOOST_AUTO_TEST_CASE(same_inputs_same_digest) {
  const std::string first = prof::profile_digest(ob::test::build_test_profile());
  const std::string second = prof::profile_digest(ob::test::build_test_profile());
  BOOST_TEST(first == second);
  BOOST_TEST(first.size() == 64u);
  BOOST_TEST(std::all_of(first.begin(), first.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
  }));
  // A copy through the wire format hashes the same.
  prof::pb::Profile parsed;
  const prof::pb::Profile built = ob::test::build_test_profile();
  BOOST_REQUIRE(parsed.ParseFromString(built.SerializeAsString()));
  BOOST_TEST(prof::profile_digest(parsed) == first);
}

BOOST_AUTO_TEST_CASE(any_input_change_changes_the_digest) {
  using ob::test::build_test_profile;
  using ob::test::profile_request;
  const std::string base = prof::profile_digest(build_test_profile());
  prof::Spacecraft bigger;
  bigger.radiator_area_m2 = 1.8;
  prof::LabMapping hotter;
  hotter.chamber_max_c = 20;  // below the orbit's 30.9 °C peak: the setpoints change
  BOOST_TEST(prof::profile_digest(build_test_profile(profile_request("leo-650"))) != base);
  BOOST_TEST(prof::profile_digest(build_test_profile(profile_request("starlink-550", 5739, 30, bigger))) != base);
  BOOST_TEST(prof::profile_digest(build_test_profile(profile_request("starlink-550", 5739, 30, {}, hotter))) != base);
  BOOST_TEST(prof::profile_digest(build_test_profile(profile_request("starlink-550", 5739, 20))) != base);
  auto renamed = profile_request();
  renamed.name = "renamed";
  BOOST_TEST(prof::profile_digest(build_test_profile(renamed)) != base);
}
