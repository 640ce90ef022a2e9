// Earth view factors (plate at any tilt, sphere) against direct integration, and what each
// radiator facing and array pointing sees of the Sun and Earth.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numbers>

#include "profiles/heat/exposure.hpp"
#include "profiles/heat/spacecraft.hpp"
#include "profiles/heat/view_factors.hpp"
#include "profiles/physical_constants.hpp"

namespace prof = ob::profiles;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kRadPerDeg = kPi / 180.0;

// F = (1/π)∫ cosθ dΩ over the Earth's disc (cosθ > 0), by the midpoint rule in (α, ψ): α from
// nadir up to the Earth's angular radius, ψ around nadir; the plate normal is tilted by γ.
double integrated_plate_view_factor(double radius_km, double gamma_rad) {
  constexpr int kRings = 600;
  constexpr int kSectors = 720;
  const double rho = std::asin(prof::kEarthRadiusKm / radius_km);
  const double d_alpha = rho / kRings;
  const double d_psi = 2 * kPi / kSectors;
  double sum = 0;
  for (int i = 0; i < kRings; ++i) {
    const double alpha = (i + 0.5) * d_alpha;
    for (int j = 0; j < kSectors; ++j) {
      const double psi = (j + 0.5) * d_psi;
      const double cos_theta = std::cos(gamma_rad) * std::cos(alpha) +
                               std::sin(gamma_rad) * std::sin(alpha) * std::cos(psi);
      if (cos_theta > 0) sum += cos_theta * std::sin(alpha) * d_alpha * d_psi;
    }
  }
  return sum / kPi;
}

prof::StepEnvironment at_noon(double radius_km, double beta_deg) {
  // Satellite over the sub-solar point of its orbit plane (x), moving along y, normal z; the
  // Sun at β from the plane.
  const double beta = beta_deg * kRadPerDeg;
  prof::StepEnvironment env;
  env.sun_unit = {std::cos(beta), 0, std::sin(beta)};
  env.position_km = {radius_km, 0, 0};
  env.velocity_km_s = {0, 7.5, 0};
  return env;
}

}  // namespace

BOOST_AUTO_TEST_CASE(nadir_plate_view_factor_is_r_over_r_squared) {
  const double radius_km = prof::kEarthRadiusKm + 550;
  const double expected = std::pow(prof::kEarthRadiusKm / radius_km, 2);
  BOOST_TEST(prof::earth_view_factor_plate(radius_km, 0) == expected, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(std::abs(expected - 0.848) < 5e-4);  // physics.md: 0.848 at 550 km
}

BOOST_AUTO_TEST_CASE(plate_view_factor_matches_direct_integration_at_every_tilt) {
  for (const double altitude_km : {325.0, 550.0, 2000.0}) {
    const double radius_km = prof::kEarthRadiusKm + altitude_km;
    for (double gamma_deg = 0; gamma_deg <= 180; gamma_deg += 7.5) {
      BOOST_TEST_CONTEXT("h=" << altitude_km << " km, γ=" << gamma_deg << "°") {
        const double formula = prof::earth_view_factor_plate(radius_km, gamma_deg * kRadPerDeg);
        const double numeric = integrated_plate_view_factor(radius_km, gamma_deg * kRadPerDeg);
        BOOST_TEST(std::abs(formula - numeric) < 2e-5);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(sphere_view_factor_is_the_average_over_its_surface) {
  // A sphere's view factor is the area-average of a plate's over all tilts: ½∫F(γ) sinγ dγ.
  const double radius_km = prof::kEarthRadiusKm + 550;
  constexpr int kSteps = 20000;
  double average = 0;
  for (int i = 0; i < kSteps; ++i) {
    const double gamma = (i + 0.5) * kPi / kSteps;
    average += 0.5 * prof::earth_view_factor_plate(radius_km, gamma) * std::sin(gamma) * kPi / kSteps;
  }
  BOOST_TEST(prof::earth_view_factor_sphere(radius_km) == average, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(radiator_facings_see_what_their_attitude_allows) {
  const double radius_km = prof::kEarthRadiusKm + 550;
  const prof::StepEnvironment noon = at_noon(radius_km, 30);
  prof::Spacecraft craft;

  craft.radiator_facing = prof::RadiatorFacing::orbit_normal;
  prof::Exposure e = prof::exposure(craft, noon);
  BOOST_TEST(e.radiator_sun_cos == 0.0);  // the anti-sun side of the orbit plane
  BOOST_TEST(e.radiator_earth_view == prof::earth_view_factor_plate(radius_km, kPi / 2));
  BOOST_TEST(std::abs(e.radiator_earth_view - 0.2577) < 1e-3);  // edge-on at 550 km
  BOOST_TEST(e.subsolar_cos == std::cos(30 * kRadPerDeg), boost::test_tools::tolerance(1e-12));

  craft.radiator_facing = prof::RadiatorFacing::zenith;
  e = prof::exposure(craft, noon);
  BOOST_TEST(e.radiator_sun_cos == std::cos(30 * kRadPerDeg), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(e.radiator_earth_view == 0.0);

  craft.radiator_facing = prof::RadiatorFacing::anti_sun;
  e = prof::exposure(craft, at_noon(radius_km, 0));  // Sun overhead: the radiator faces nadir
  BOOST_TEST(e.radiator_sun_cos == 0.0);
  BOOST_TEST(e.radiator_earth_view == std::pow(prof::kEarthRadiusKm / radius_km, 2),
             boost::test_tools::tolerance(1e-9));

  craft.radiator_facing = prof::RadiatorFacing::isotropic;
  e = prof::exposure(craft, noon);
  BOOST_TEST(e.radiator_sun_cos == 0.25);
  BOOST_TEST(e.radiator_earth_view == prof::earth_view_factor_sphere(radius_km));
}

BOOST_AUTO_TEST_CASE(array_pointing_sets_the_incidence) {
  const double radius_km = prof::kEarthRadiusKm + 550;
  prof::StepEnvironment env = at_noon(radius_km, 40);
  // Move the satellite 60° past noon: zenith incidence cos = cos β·cos 60°.
  env.position_km = {radius_km * std::cos(kPi / 3), radius_km * std::sin(kPi / 3), 0};
  env.velocity_km_s = {-7.5 * std::sin(kPi / 3), 7.5 * std::cos(kPi / 3), 0};
  prof::Spacecraft craft;
  craft.array_pointing = prof::ArrayPointing::sun_tracking;
  BOOST_TEST(prof::exposure(craft, env).array_sun_cos == 1.0);
  craft.array_pointing = prof::ArrayPointing::single_axis;
  BOOST_TEST(prof::exposure(craft, env).array_sun_cos == std::cos(40 * kRadPerDeg),
             boost::test_tools::tolerance(1e-12));
  craft.array_pointing = prof::ArrayPointing::body_fixed_zenith;
  BOOST_TEST(prof::exposure(craft, env).array_sun_cos == std::cos(40 * kRadPerDeg) * 0.5,
             boost::test_tools::tolerance(1e-12));
  // Behind the Earth a zenith-fixed array faces away from the Sun.
  env.position_km = {-radius_km, 0, 0};
  env.velocity_km_s = {0, -7.5, 0};
  BOOST_TEST(prof::exposure(craft, env).array_sun_cos == 0.0);
}

BOOST_AUTO_TEST_CASE(irradiance_follows_the_inverse_square_of_the_sun_distance) {
  prof::StepEnvironment env = at_noon(prof::kEarthRadiusKm + 550, 0);
  env.sun_distance_au = 0.9833;  // perihelion
  const double perihelion = prof::exposure({}, env).irradiance_w_per_m2;
  env.sun_distance_au = 1.0167;  // aphelion
  const double aphelion = prof::exposure({}, env).irradiance_w_per_m2;
  BOOST_TEST(perihelion == 1361.0 / (0.9833 * 0.9833), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(perihelion > 1405);  // physics.md: ≈1317–1408 W/m² over the year
  BOOST_TEST(aphelion < 1318);
}
