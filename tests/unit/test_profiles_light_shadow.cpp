// Conical and cylindrical shadow (profiles/light/shadow.*) and the beta angle
// (profiles/light/beta_angle.*) on circular orbits around a fixed Sun.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "profiles/circular_orbit.hpp"
#include "profiles/light/beta_angle.hpp"
#include "profiles/light/eclipse_events.hpp"
#include "profiles/light/shadow.hpp"
#include "profiles/light/sun.hpp"
#include "profiles/orbit_profile.hpp"  // orbital_period_s, eclipse_duration_s
#include "profiles/physical_constants.hpp"
#include "profiles/shadow.hpp"

namespace prof = ob::profiles;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kRadPerDeg = kPi / 180.0;

// A circular orbit of the given altitude whose plane makes beta with the Sun, which sits on +x
// at 1 AU: u = 0 is the sub-solar point, u = π orbit midnight (the frame of circular_orbit.hpp).
struct CircularTestOrbit {
  double altitude_km = 550.0;
  double beta_rad = 0.0;

  double radius_km() const { return prof::kEarthRadiusKm + altitude_km; }
  double period_s() const { return prof::orbital_period_s(altitude_km); }
  prof::Vec3 normal() const { return {std::sin(beta_rad), 0.0, std::cos(beta_rad)}; }
  prof::Vec3 position_km(double u_rad) const {
    const prof::Vec3 e1{std::cos(beta_rad), 0.0, -std::sin(beta_rad)};
    const prof::Vec3 e2{0.0, 1.0, 0.0};
    return radius_km() * (std::cos(u_rad) * e1 + std::sin(u_rad) * e2);
  }
  prof::Vec3 velocity_km_s(double u_rad) const {
    const double speed_km_s = 2.0 * kPi * radius_km() / period_s();
    return speed_km_s * cross(normal(), (1.0 / radius_km()) * position_km(u_rad));
  }
  double u_at(double t_s) const { return 2.0 * kPi * t_s / period_s(); }
};

const prof::Vec3 kSunKm{prof::kAstronomicalUnitKm, 0.0, 0.0};
const prof::Vec3 kSunDirection{1.0, 0.0, 0.0};

double lens_fraction_equal_discs() {
  // Two equal discs whose centres are one radius apart overlap by r²(2π/3 − √3/2).
  return 1.0 - (2.0 * kPi / 3.0 - std::sqrt(3.0) / 2.0) / kPi;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(shadow)

BOOST_AUTO_TEST_CASE(full_sun_and_umbra) {
  const CircularTestOrbit orbit;
  BOOST_TEST(prof::conical_illumination(orbit.position_km(0.0), kSunKm) == 1.0);
  BOOST_TEST(prof::conical_illumination(orbit.position_km(kPi / 2), kSunKm) == 1.0);
  BOOST_TEST(prof::conical_illumination(orbit.position_km(kPi), kSunKm) == 0.0);
  BOOST_TEST(prof::cylindrical_illumination(orbit.position_km(0.0), kSunDirection) == 1.0);
  BOOST_TEST(prof::cylindrical_illumination(orbit.position_km(kPi), kSunDirection) == 0.0);
}

BOOST_AUTO_TEST_CASE(disc_overlap_is_the_exact_lens_area) {
  constexpr double kSunRad = 0.00465;
  // Equal discs one radius apart: a closed form.
  BOOST_TEST(prof::visible_disc_fraction({kSunRad, kSunRad, kSunRad}) ==
                 lens_fraction_equal_discs(),
             boost::test_tools::tolerance(1e-12));
  // A nearly straight edge through the Sun's centre hides half of it.
  BOOST_TEST(prof::visible_disc_fraction({kSunRad, 1e4, 1e4}) == 0.5,
             boost::test_tools::tolerance(1e-6));
  // Apart, behind, annular.
  BOOST_TEST(prof::visible_disc_fraction({kSunRad, 1.0, 1.0 + 2 * kSunRad}) == 1.0);
  BOOST_TEST(prof::visible_disc_fraction({kSunRad, 1.0, 1.0 - 2 * kSunRad}) == 0.0);
  BOOST_TEST(prof::visible_disc_fraction({kSunRad, kSunRad / 2, 0.0}) == 0.75,
             boost::test_tools::tolerance(1e-12));
  // Roles swapped (small dark disc over a large bright one) keeps areas consistent:
  // visible = 1 − overlap/(π a²), overlap symmetric in the two discs.
  const double a = 0.003;
  const double b = 0.002;
  const double c = 0.0035;
  const double overlap_ab = (1.0 - prof::visible_disc_fraction({a, b, c})) * a * a;
  const double overlap_ba = (1.0 - prof::visible_disc_fraction({b, a, c})) * b * b;
  BOOST_TEST(overlap_ab == overlap_ba, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(mid_penumbra_is_half_light_and_symmetric) {
  // LEO discs: Earth ≈ 66°, Sun ≈ 0.27°. With the Sun's centre on Earth's limb, Earth's convex
  // edge hides slightly less than half: 0.5 + O(θs/θe).
  const CircularTestOrbit orbit;
  const prof::ShadowDiscs limb = prof::shadow_discs(orbit.position_km(0.0), kSunKm);
  const double sun_rad = limb.sun_radius_rad;
  const double earth_rad = limb.earth_radius_rad;
  BOOST_TEST(sun_rad == prof::kSunRadiusKm / prof::kAstronomicalUnitKm,
             boost::test_tools::tolerance(1e-4));
  const double mid = prof::visible_disc_fraction({sun_rad, earth_rad, earth_rad});
  BOOST_TEST(mid > 0.5);
  BOOST_TEST(mid - 0.5 < 2e-3);
  for (const double k : {0.1, 0.3, 0.6, 0.9}) {
    const double in = prof::visible_disc_fraction({sun_rad, earth_rad, earth_rad - k * sun_rad});
    const double out = prof::visible_disc_fraction({sun_rad, earth_rad, earth_rad + k * sun_rad});
    BOOST_TEST(in + out == 1.0, boost::test_tools::tolerance(5e-3));
    BOOST_TEST(in < out);
  }
}

BOOST_AUTO_TEST_CASE(monotonic_across_the_penumbra) {
  const CircularTestOrbit orbit;
  // Entry: from 2 min before cylindrical shadow entry to 2 min after, every 10 ms.
  const double entry_u = kPi - std::acos(std::sqrt(orbit.altitude_km * orbit.altitude_km +
                                                   2 * prof::kEarthRadiusKm * orbit.altitude_km) /
                                         orbit.radius_km());
  const double entry_s = entry_u / (2 * kPi) * orbit.period_s();
  double previous = 1.0;
  int penumbra_samples = 0;
  for (double t = entry_s - 120.0; t <= entry_s + 120.0; t += 0.01) {
    const double f = prof::conical_illumination(orbit.position_km(orbit.u_at(t)), kSunKm);
    BOOST_TEST((f >= 0.0 && f <= 1.0));
    BOOST_TEST(f <= previous);
    if (f > 0.0 && f < 1.0) ++penumbra_samples;
    previous = f;
  }
  BOOST_TEST(previous == 0.0);
  BOOST_TEST(penumbra_samples > 800);  // ≈ 8.5 s at 10 ms
}

BOOST_AUTO_TEST_CASE(penumbra_transit_in_leo_takes_8_to_9_s) {
  const CircularTestOrbit orbit{.altitude_km = 550.0, .beta_rad = 0.0};
  const auto illumination = [&](double t_s) {
    return prof::conical_illumination(orbit.position_km(orbit.u_at(t_s)), kSunKm);
  };
  const std::vector<prof::Eclipse> eclipses =
      prof::find_eclipses(illumination, 0.0, orbit.period_s(), 30.0);
  BOOST_REQUIRE(eclipses.size() == 1u);
  const prof::Eclipse& e = eclipses.front();
  BOOST_REQUIRE((e.umbra_entry_s && e.umbra_exit_s && e.half_entry_s && e.half_exit_s));
  const double entry_transit_s = *e.umbra_entry_s - e.penumbra_entry_s;
  const double exit_transit_s = e.penumbra_exit_s - *e.umbra_exit_s;
  BOOST_TEST_MESSAGE("550 km, beta 0: penumbra " << entry_transit_s << " s in, "
                     << exit_transit_s << " s out; half-light eclipse "
                     << e.half_light_duration_s() << " s");
  BOOST_TEST((entry_transit_s > 8.0 && entry_transit_s < 9.0));
  BOOST_TEST(exit_transit_s == entry_transit_s, boost::test_tools::tolerance(1e-3));
  // Symmetric about orbit midnight.
  BOOST_TEST((*e.half_entry_s + *e.half_exit_s) / 2 == orbit.period_s() / 2,
             boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(half_light_matches_cylindrical_eclipse_duration) {
  // The conical model's half-light instants sit at the cylinder's edge, up to the Sun's finite
  // distance (the shadow of its centre diverges by R/1 AU ≈ 4e-5 rad: a longer eclipse) and the
  // curvature of Earth's limb across the Sun's disc (with the Sun's centre on the limb 50.1 %
  // of it shows: ≈ 1e-5 rad the other way). So the cylindrical formula of circular_orbit.hpp
  // gives the duration to ≈ 0.07 s at β = 0 and a few tenths at β = 60°, where the satellite
  // crosses the shadow's edge obliquely.
  constexpr double kToleranceS = 0.5;
  for (const double altitude_km : {400.0, 550.0, 800.0}) {
    for (const double beta_deg : {0.0, 30.0, 60.0}) {
      BOOST_TEST_CONTEXT(altitude_km << " km, beta " << beta_deg) {
        const CircularTestOrbit orbit{altitude_km, beta_deg * kRadPerDeg};
        const auto illumination = [&](double t_s) {
          return prof::conical_illumination(orbit.position_km(orbit.u_at(t_s)), kSunKm);
        };
        const auto eclipses = prof::find_eclipses(illumination, 0.0, orbit.period_s(), 30.0);
        BOOST_REQUIRE(eclipses.size() == 1u);
        const double difference_s = eclipses.front().half_light_duration_s() -
                                    prof::eclipse_duration_s(altitude_km, beta_deg);
        BOOST_TEST_MESSAGE(altitude_km << " km, beta " << beta_deg
                           << ": half-light minus cylindrical " << difference_s << " s");
        BOOST_TEST(std::abs(difference_s) <= kToleranceS);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(cylindrical_model_agrees_with_the_circular_orbit_one) {
  // profiles/shadow.hpp's cylindrical_illumination(radius, beta, u) is the same model.
  for (const double beta_deg : {0.0, 20.0, 50.0, 66.0, 68.0}) {
    const CircularTestOrbit orbit{550.0, beta_deg * kRadPerDeg};
    for (double u = 0.0; u < 2 * kPi; u += 0.001) {
      BOOST_TEST(prof::cylindrical_illumination(orbit.position_km(u), kSunDirection) ==
                 prof::cylindrical_illumination(orbit.radius_km(), orbit.beta_rad, u));
    }
  }
}

BOOST_AUTO_TEST_CASE(umbra_inside_cylinder_inside_penumbra) {
  const CircularTestOrbit orbit{650.0, 40.0 * kRadPerDeg};
  for (double u = 0.0; u < 2 * kPi; u += 1e-4) {
    const prof::Vec3 r = orbit.position_km(u);
    const double conical = prof::conical_illumination(r, kSunKm);
    const double cylindrical = prof::cylindrical_illumination(r, kSunDirection);
    if (conical == 0.0) BOOST_TEST(cylindrical == 0.0);
    if (conical == 1.0) BOOST_TEST(cylindrical == 1.0);
  }
}

BOOST_AUTO_TEST_CASE(oblate_earth_shrinks_the_shadow_over_the_poles_only) {
  // 2 000 km behind Earth, 6 370 km above the shadow axis towards the pole: inside a sphere's
  // shadow, but above the polar radius 6 356.75 km (× a/b → 6 391 km > a + penumbra spread).
  const prof::Vec3 over_pole{-2000.0, 0.0, 6370.0};
  BOOST_TEST(prof::cylindrical_illumination(over_pole, kSunDirection) == 0.0);
  BOOST_TEST(prof::cylindrical_illumination(over_pole, kSunDirection,
                                            prof::EarthShape::wgs84_ellipsoid) == 1.0);
  BOOST_TEST(prof::conical_illumination(over_pole, kSunKm) < 0.5);
  BOOST_TEST(prof::conical_illumination(over_pole, kSunKm, prof::EarthShape::wgs84_ellipsoid) ==
             1.0);
  // In the equatorial plane the two shapes are the same Earth.
  const prof::Vec3 equatorial{-2000.0, 6370.0, 0.0};
  for (const double y_km : {6360.0, 6370.0, 6380.0, 6390.0}) {
    const prof::Vec3 r{equatorial.x, y_km, 0.0};
    BOOST_TEST(prof::conical_illumination(r, kSunKm) ==
               prof::conical_illumination(r, kSunKm, prof::EarthShape::wgs84_ellipsoid));
  }
}

BOOST_AUTO_TEST_CASE(annular_far_behind_earth) {
  // Near Sun–Earth L2 (1.5 million km) Earth looks smaller than the Sun: a ring of sunlight.
  const prof::Vec3 l2{-1.5e6, 0.0, 0.0};
  const prof::ShadowDiscs discs = prof::shadow_discs(l2, kSunKm);
  BOOST_TEST(discs.earth_radius_rad < discs.sun_radius_rad);
  const double ratio = discs.earth_radius_rad / discs.sun_radius_rad;
  BOOST_TEST(prof::conical_illumination(l2, kSunKm) == 1.0 - ratio * ratio,
             boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(beta_angle)

BOOST_AUTO_TEST_CASE(normal_from_state_and_from_elements_agree) {
  for (const double i_deg : {0.0, 28.5, 51.6, 97.98, 120.0}) {
    for (const double raan_deg : {0.0, 45.0, 200.0, 359.0}) {
      const double i = i_deg * kRadPerDeg;
      const double raan = raan_deg * kRadPerDeg;
      // At the ascending node: r along the node line, v along the inclined direction of motion.
      const prof::Vec3 r_km = 7000.0 * prof::Vec3{std::cos(raan), std::sin(raan), 0.0};
      const prof::Vec3 v_km_s =
          7.5 * prof::Vec3{-std::sin(raan) * std::cos(i), std::cos(raan) * std::cos(i), std::sin(i)};
      const prof::Vec3 from_state = prof::orbit_normal(r_km, v_km_s);
      const prof::Vec3 from_elements = prof::orbit_normal(i, raan);
      BOOST_TEST(prof::angle_between_rad(from_state, from_elements) <= 1e-12);
      BOOST_TEST(norm(from_state) == 1.0, boost::test_tools::tolerance(1e-14));
    }
  }
}

BOOST_AUTO_TEST_CASE(beta_signs_and_limits) {
  const prof::Vec3 equinox_sun = 1e8 * kSunDirection;
  // Polar orbit whose plane contains the Sun: β = 0; turned by 90° in RAAN: β = ±90°.
  BOOST_TEST(prof::beta_angle_rad(prof::orbit_normal(kPi / 2, 0.0), equinox_sun) == 0.0,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(prof::beta_angle_rad(prof::orbit_normal(kPi / 2, kPi / 2), equinox_sun) == kPi / 2,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(prof::beta_angle_rad(prof::orbit_normal(kPi / 2, -kPi / 2), equinox_sun) == -kPi / 2,
             boost::test_tools::tolerance(1e-12));
  // The test orbit's β is the one it was built with, from elements or from the state.
  for (const double beta_deg : {-75.0, -30.0, 0.0, 12.5, 60.0, 89.0}) {
    const CircularTestOrbit orbit{550.0, beta_deg * kRadPerDeg};
    BOOST_TEST(prof::beta_angle_rad(orbit.normal(), kSunKm) == orbit.beta_rad,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(prof::beta_angle_rad(orbit.position_km(1.0), orbit.velocity_km_s(1.0), kSunKm) ==
                   orbit.beta_rad,
               boost::test_tools::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(cylindrical_eclipse_fraction_from_beta_matches_the_vector_model) {
  // eclipse_fraction(h, β) of circular_orbit.hpp against the vector cylinder, sampled in u.
  constexpr int kSamples = 200000;
  for (const double altitude_km : {400.0, 650.0}) {
    for (const double beta_deg : {0.0, 30.0, 60.0, 64.0, 70.5}) {
      BOOST_TEST_CONTEXT(altitude_km << " km, beta " << beta_deg) {
        const CircularTestOrbit orbit{altitude_km, beta_deg * kRadPerDeg};
        int dark = 0;
        for (int k = 0; k < kSamples; ++k) {
          const double u = 2 * kPi * (k + 0.5) / kSamples;
          if (prof::cylindrical_illumination(orbit.position_km(u), kSunDirection) == 0.0) ++dark;
        }
        BOOST_TEST(static_cast<double>(dark) / kSamples ==
                       prof::eclipse_fraction(altitude_km, beta_deg),
                   boost::test_tools::tolerance(1e-4));
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
