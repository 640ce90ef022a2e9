// Orbits from elements and named presets: spec parsing, sun-synchronous inclination, LTAN,
// the Kozai/Brouwer mean motion, and what SGP4 makes of them.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "profiles/light/sun.hpp"
#include "profiles/orbit/elements.hpp"
#include "profiles/orbit/presets.hpp"
#include "profiles/orbit_profile.hpp"
#include "profiles/physical_constants.hpp"

namespace orbit = ob::profiles::orbit;

namespace {

constexpr double kRadToDeg = 180.0 / std::numbers::pi;
constexpr double kMinutesPerDay = 1440.0;

double norm(const double v[3]) { return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }

void expect_spec_error(const std::string& spec, const std::string& part) {
  try {
    orbit::parse_elements_spec(spec);
    BOOST_ERROR("accepted: " << spec);
  } catch (const orbit::ElementsError& e) {
    BOOST_TEST(std::string(e.what()).find(part) != std::string::npos, e.what());
  }
}

// Mean radius and its spread over one day of 1-minute steps.
struct RadiusStats {
  double mean_km = 0;
  double min_km = 1e99;
  double max_km = 0;
};
RadiusStats radius_over_a_day(const orbit::Sgp4& sgp4) {
  RadiusStats stats;
  int n = 0;
  for (double t = 0; t <= kMinutesPerDay; t += 1.0) {
    const auto state = sgp4.propagate(t);
    BOOST_TEST_REQUIRE(state.has_value());
    const double r = norm(state->r_km);
    stats.mean_km += r;
    stats.min_km = std::min(stats.min_km, r);
    stats.max_km = std::max(stats.max_km, r);
    ++n;
  }
  stats.mean_km /= n;
  return stats;
}

}  // namespace

BOOST_AUTO_TEST_CASE(spec_with_every_key) {
  const auto e = orbit::parse_elements_spec(
      "alt=550km,ecc=0.001,inc=53,raan=10,argp=20,ma=30,epoch=2026-12-01T06:00:00.5Z");
  BOOST_TEST(*e.altitude_km == 550.0);
  BOOST_TEST(!e.semi_major_axis_km.has_value());
  BOOST_TEST(e.eccentricity == 0.001);
  BOOST_TEST(e.inclination_deg == 53.0);
  BOOST_TEST(!e.sun_synchronous);
  BOOST_TEST(*e.raan_deg == 10.0);
  BOOST_TEST(e.arg_perigee_deg == 20.0);
  BOOST_TEST(e.mean_anomaly_deg == 30.0);
  BOOST_TEST(orbit::format_iso8601_utc(e.epoch, 1) == "2026-12-01T06:00:00.5Z");
  // The canonical spec parses back to the same elements.
  const std::string canonical = orbit::format_elements_spec(e);
  BOOST_TEST(canonical == "alt=550km,ecc=0.001,inc=53,raan=10,argp=20,ma=30,epoch=2026-12-01T06:00:00.5Z");
  const auto again = orbit::parse_elements_spec(canonical);
  BOOST_TEST(orbit::format_elements_spec(again) == canonical);
}

BOOST_AUTO_TEST_CASE(spec_defaults_units_and_alternatives) {
  const auto e = orbit::parse_elements_spec("a=6928km, inc=sso, ltan=18:00");
  BOOST_TEST(*e.semi_major_axis_km == 6928.0);
  BOOST_TEST(e.sun_synchronous);
  BOOST_TEST(*e.ltan_hours == 18.0);
  BOOST_TEST(e.eccentricity == 0.0);
  BOOST_TEST(e.epoch.day == orbit::kDefaultElementsEpoch.day);
  BOOST_TEST(e.epoch.fraction == orbit::kDefaultElementsEpoch.fraction);
  BOOST_TEST(*orbit::parse_elements_spec("alt=550000m,inc=53deg").altitude_km == 550.0);
  BOOST_TEST(*orbit::parse_elements_spec("ALT=550,INC=53").altitude_km == 550.0);
  BOOST_TEST(*orbit::parse_elements_spec("alt=650km,inc=sso,ltan=6:30").ltan_hours == 6.5);
  BOOST_TEST(*orbit::parse_elements_spec("alt=650km,inc=sso,ltan=10.5").ltan_hours == 10.5);
}

BOOST_AUTO_TEST_CASE(spec_errors_name_the_key) {
  expect_spec_error("alt=550km", "missing key 'inc'");
  expect_spec_error("inc=53", "missing key 'alt'");
  expect_spec_error("alt=550km,a=6928km,inc=53", "keys 'alt' and 'a' both");
  expect_spec_error("alt=fifty,inc=53", "key 'alt': 'fifty' is not a length");
  expect_spec_error("alt=-5km,inc=53", "key 'alt': '-5km' must be positive");
  expect_spec_error("alt=550km,inc=200", "key 'inc': '200' is outside [0, 180]");
  expect_spec_error("alt=550km,inc=north", "key 'inc': 'north' is not an angle");
  expect_spec_error("alt=550km,inc=53,ecc=1.2", "key 'ecc': '1.2' is not an eccentricity");
  expect_spec_error("alt=550km,inc=53,ltan=25:00", "key 'ltan': '25:00'");
  expect_spec_error("alt=550km,inc=53,ltan=18:75", "key 'ltan': '18:75'");
  expect_spec_error("alt=550km,inc=53,raan=0,ltan=18:00", "keys 'raan' and 'ltan' both");
  expect_spec_error("alt=550km,inc=53,epoch=tomorrow", "key 'epoch': 'tomorrow' is not an ISO-8601");
  expect_spec_error("alt=550km,inc=53,colour=red", "unknown key 'colour'");
  expect_spec_error("alt=550km,inc=53,inc=54", "key 'inc' is given twice");
  expect_spec_error("alt=550km,inc", "'inc' is not key=value");
  expect_spec_error("a=6000km,inc=53", "key 'a': perigee radius 6000 km is inside the Earth");
  expect_spec_error("a=7000km,ecc=0.2,inc=53", "key 'a': perigee radius");
  expect_spec_error("alt=8000km,inc=sso", "key 'inc': no sun-synchronous inclination");
}

BOOST_AUTO_TEST_CASE(sun_synchronous_inclinations) {
  // Textbook values (J2 only): ≈97.4° at 500 km, ≈97.99° at 650 km, ≈98.6° at 800 km.
  const double r = ob::profiles::kEarthRadiusKm;
  BOOST_TEST(std::fabs(orbit::sun_synchronous_inclination_deg(r + 500.0, 0.0) - 97.40) < 0.02);
  BOOST_TEST(std::fabs(orbit::sun_synchronous_inclination_deg(r + 650.0, 0.0) - 97.99) < 0.02);
  BOOST_TEST(std::fabs(orbit::sun_synchronous_inclination_deg(r + 800.0, 0.0) - 98.60) < 0.02);
}

BOOST_AUTO_TEST_CASE(mean_semi_major_axis_is_what_was_asked) {
  // The Kozai mean motion found by inverting SGP4's un-Kozai step gives back the semi-major
  // axis exactly, for any inclination and eccentricity.
  for (const std::string spec : {"alt=550km,inc=53", "alt=420km,inc=51.64", "a=7028.137km,inc=sso",
                                 "alt=800km,inc=0", "alt=1200km,ecc=0.1,inc=63.4"}) {
    BOOST_TEST_CONTEXT(spec) {
      const auto e = orbit::parse_elements_spec(spec);
      const auto sgp4 = orbit::sgp4_from_elements(e);
      BOOST_TEST_REQUIRE(sgp4.has_value());
      BOOST_TEST(std::fabs(sgp4->semi_major_axis_km() - orbit::resolved_semi_major_axis_km(e)) < 1e-9);
      BOOST_TEST(sgp4->elements().bstar_per_earth_radius == 0.0);
    }
  }
  // The Kozai mean motion is a little larger than the Brouwer one for a prograde LEO
  // (3cos²i − 1 > 0 at 53°): the TLE states more rev/day than √(μ/a³).
  const double a = ob::profiles::kEarthRadiusKm + 550.0;
  const double kozai = orbit::kozai_mean_motion_rev_per_day(a, 0.0, 53.0);
  const double kepler = std::sqrt(orbit::wgs72::kMuKm3PerS2 / (a * a * a)) * 86400.0 / (2.0 * std::numbers::pi);
  BOOST_TEST(kozai > kepler);
  BOOST_TEST(kozai - kepler < 0.01);
}

BOOST_AUTO_TEST_CASE(circular_orbit_radius_stays_near_the_altitude) {
  // 550 km circular: the SGP4 radius oscillates with J2 short-period terms around the mean.
  const auto sgp4 = orbit::sgp4_from_elements(orbit::parse_elements_spec("alt=550km,inc=53"));
  BOOST_TEST_REQUIRE(sgp4.has_value());
  const RadiusStats stats = radius_over_a_day(*sgp4);
  const double a = ob::profiles::kEarthRadiusKm + 550.0;
  BOOST_TEST(std::fabs(stats.mean_km - a) < 10.0);
  BOOST_TEST(stats.max_km - stats.min_km < 30.0);
  BOOST_TEST(std::fabs(sgp4->period_min() - 95.65) < 0.1);  // physics.md: 95.65 min at 550 km
}

BOOST_AUTO_TEST_CASE(ltan_places_the_node_at_the_mean_sun_plus_hours) {
  const auto e = orbit::parse_elements_spec("alt=650km,inc=sso,ltan=18:00");
  const auto mean = orbit::to_mean_elements(e);
  const double sun_ra_deg = ob::profiles::mean_sun_right_ascension_rad(e.epoch.jd()) * kRadToDeg;
  double diff = mean.raan_deg - sun_ra_deg;
  diff = std::fmod(diff + 720.0, 360.0);
  BOOST_TEST(std::fabs(diff - 90.0) < 1e-9);  // 18:00 is 6 h = 90° east of the mean Sun
  // At 2026-12-01 the mean Sun is near RA 248°, so the 18:00 node is near 338°.
  BOOST_TEST(std::fabs(mean.raan_deg - 338.0) < 2.0);
}

BOOST_AUTO_TEST_CASE(sun_synchronous_orbit_keeps_its_local_time_in_sgp4) {
  // Over 30 days SGP4's node follows the mean Sun (J2-only inclination; J2² and J4 in SGP4's
  // nodal rate leave a small residual).
  const auto e = orbit::parse_elements_spec("alt=650km,inc=sso,ltan=18:00");
  const auto sgp4 = orbit::sgp4_from_elements(e);
  BOOST_TEST_REQUIRE(sgp4.has_value());
  constexpr double kDays = 30.0;
  const auto node_minus_sun_deg = [&](double t_min) {
    const auto s = sgp4->propagate(t_min);
    // Node from the angular momentum h = r × v: Ω = atan2(h_x, −h_y).
    const double hx = s->r_km[1] * s->v_km_s[2] - s->r_km[2] * s->v_km_s[1];
    const double hy = s->r_km[2] * s->v_km_s[0] - s->r_km[0] * s->v_km_s[2];
    const double node = std::atan2(hx, -hy) * kRadToDeg;
    const double sun = ob::profiles::mean_sun_right_ascension_rad(
                           sgp4->epoch().plus_minutes(t_min).jd()) * kRadToDeg;
    return std::remainder(node - sun, 360.0);
  };
  const double start = node_minus_sun_deg(0.0);
  const double end = node_minus_sun_deg(kDays * kMinutesPerDay);
  BOOST_TEST(std::fabs(start - 90.0) < 0.2);  // osculating node vs mean node
  BOOST_TEST(std::fabs(end - start) < 0.3);   // a non-SSO at 53° drifts ≈ −130° in 30 days
}

BOOST_AUTO_TEST_CASE(presets_resolve_and_document_their_sources) {
  const auto names = orbit::orbit_preset_names();
  for (const std::string wanted : {"iss", "starlink-550", "leo-550", "sso-dawn-dusk-650",
                                   "starcloud-325", "leo-400", "leo-650", "leo-800"}) {
    BOOST_TEST_CONTEXT(wanted) {
      BOOST_TEST((std::find(names.begin(), names.end(), wanted) != names.end()));
      const auto preset = orbit::find_orbit_preset(wanted);
      BOOST_TEST_REQUIRE(preset.has_value());
      BOOST_TEST(!preset->source.empty());
      BOOST_TEST(!preset->summary.empty());
      const auto sgp4 = orbit::sgp4_from_elements(preset->elements);
      BOOST_TEST_REQUIRE(sgp4.has_value());
      BOOST_TEST(!sgp4->is_deep_space());
      BOOST_TEST(orbit::format_iso8601_utc(sgp4->epoch()) == "2026-12-01T00:00:00Z");
    }
  }
  BOOST_TEST(orbit::find_orbit_preset("LEO-550")->name == "starlink-550");
  BOOST_TEST(!orbit::find_orbit_preset("geo").has_value());
  const auto iss = orbit::to_mean_elements(orbit::find_orbit_preset("iss")->elements);
  BOOST_TEST(iss.inclination_deg == 51.64);
  BOOST_TEST(std::fabs(iss.mean_motion_rev_per_day - 15.50) < 0.05);  // ISS TLEs: ≈15.50 rev/day
  const auto sso = orbit::to_mean_elements(orbit::find_orbit_preset("sso-dawn-dusk-650")->elements);
  BOOST_TEST(std::fabs(sso.inclination_deg - 97.99) < 0.02);
}
