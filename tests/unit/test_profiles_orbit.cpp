// Circular orbit and cylindrical shadow against the reference numbers in physics.md.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "profiles/circular_orbit.hpp"
#include "profiles/orbit_profile.hpp"

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

std::vector<double> values_of(const ob::profiles::pb::Profile& profile, std::string_view name) {
  for (const auto& s : profile.series()) {
    if (s.name() == name) return {s.value().begin(), s.value().end()};
  }
  BOOST_FAIL("no series " << name);
  return {};
}

double shadow_time_s(const ob::profiles::pb::Profile& profile) {
  const std::vector<double> illumination = values_of(profile, prof::series::kIllumination);
  const auto dark = std::count(illumination.begin(), illumination.end(), 0.0);
  return static_cast<double>(dark) * profile.step_s();
}

prof::pb::Profile build(const prof::CircularOrbit& orbit, double step_s = 10) {
  return prof::build_circular_profile(orbit, {}, {}, {.step_s = step_s, .orbits = 1, .name = {}});
}

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

BOOST_AUTO_TEST_CASE(profile_shadow_steps_match_eclipse_duration) {
  constexpr double kStepS = 10;
  for (const TableRow& row : kTable) {
    for (const double beta_deg : kTableBetasDeg) {
      BOOST_TEST_CONTEXT("altitude " << row.altitude_km << " km, beta " << beta_deg) {
        const prof::pb::Profile profile =
            build({.altitude_km = row.altitude_km, .inclination_deg = 53, .beta_deg = beta_deg},
                  kStepS);
        const double expected_s = prof::eclipse_duration_s(row.altitude_km, beta_deg);
        BOOST_TEST(std::abs(shadow_time_s(profile) - expected_s) <= kStepS);
        BOOST_TEST(profile.orbit().eclipse_s() == expected_s);
        BOOST_TEST(profile.orbit().shadow_model() == "cylindrical");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(profile_starts_in_sunlight_with_eclipse_centred_on_half_period) {
  const prof::pb::Profile profile = build({.altitude_km = 550, .inclination_deg = 53, .beta_deg = 0});
  const std::vector<double> illumination = values_of(profile, prof::series::kIllumination);
  BOOST_TEST(illumination.front() == 1.0);
  BOOST_TEST(illumination.back() == 1.0);
  const auto first_dark = std::find(illumination.begin(), illumination.end(), 0.0);
  const auto last_dark = std::find(illumination.rbegin(), illumination.rend(), 0.0);
  BOOST_REQUIRE((first_dark != illumination.end()));
  const double entry_s = profile.t_s(static_cast<int>(first_dark - illumination.begin()));
  const double exit_s = profile.t_s(static_cast<int>(illumination.rend() - last_dark - 1));
  const double half_period_s = profile.orbit().period_s() / 2;
  BOOST_TEST(std::abs((entry_s + exit_s) / 2 - half_period_s) <= profile.step_s());
  // One contiguous eclipse: every step between entry and exit is dark.
  BOOST_TEST(std::count(first_dark, last_dark.base(), 1.0) == 0);
}

BOOST_AUTO_TEST_CASE(beta_above_critical_gives_no_eclipse) {
  for (const TableRow& row : kTable) {
    BOOST_TEST_CONTEXT("altitude " << row.altitude_km << " km") {
      const double beta_deg = row.critical_beta_deg + 1.0;
      const prof::pb::Profile profile =
          build({.altitude_km = row.altitude_km, .inclination_deg = 53, .beta_deg = beta_deg});
      BOOST_TEST(shadow_time_s(profile) == 0.0);
      BOOST_TEST(profile.orbit().eclipse_s() == 0.0);
      // Just below the critical angle the grid still catches the short eclipse.
      const prof::pb::Profile below = build(
          {.altitude_km = row.altitude_km, .inclination_deg = 53, .beta_deg = -(beta_deg - 3.0)});
      BOOST_TEST(shadow_time_s(below) > 0.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(grid_is_uniform_and_covers_the_requested_orbits) {
  constexpr double kStepS = 7;
  constexpr double kOrbits = 2.5;
  const prof::pb::Profile profile = prof::build_circular_profile(
      {}, {}, {}, {.step_s = kStepS, .orbits = kOrbits, .name = {}});
  const double duration_s = kOrbits * profile.orbit().period_s();
  BOOST_REQUIRE(profile.t_s_size() > 1);
  BOOST_TEST(profile.t_s(0) == 0.0);
  BOOST_TEST(profile.step_s() == kStepS);
  for (int k = 0; k < profile.t_s_size(); ++k) BOOST_TEST(profile.t_s(k) == k * kStepS);
  BOOST_TEST(profile.t_s(profile.t_s_size() - 1) <= duration_s);
  BOOST_TEST(profile.t_s(profile.t_s_size() - 1) + kStepS > duration_s);
  for (const auto& s : profile.series()) BOOST_TEST(s.value_size() == profile.t_s_size());
}

BOOST_AUTO_TEST_CASE(duration_exactly_on_the_grid_keeps_the_last_point) {
  const double period_s = prof::orbital_period_s(550);
  const double step_s = period_s / 100;  // the last point lands (up to rounding) on the period
  const prof::pb::Profile profile = prof::build_circular_profile(
      {}, {}, {}, {.step_s = step_s, .orbits = 1, .name = {}});
  BOOST_TEST(profile.t_s_size() == 101);
}

BOOST_AUTO_TEST_CASE(profile_metadata) {
  const prof::pb::Profile profile = build({});
  BOOST_TEST(profile.name() == "circular-550km-i53-b0");
  BOOST_TEST(profile.source() == "circular altitude=550km inclination=53deg beta=0deg");
  BOOST_TEST(profile.generator() == "orbitbench");
  BOOST_TEST(profile.orbit().altitude_km() == 550.0);
  BOOST_TEST(profile.orbit().inclination_deg() == 53.0);
  BOOST_TEST(profile.orbit().beta_deg() == 0.0);
  BOOST_TEST(profile.orbit().period_s() == prof::orbital_period_s(550));
  const std::vector<std::string> expected_series{
      "illumination",       "power_budget_w",  "radiator_temp_c",    "board_temp_c",
      "chamber_setpoint_c", "gpu_power_cap_w", "psu_current_limit_a"};
  const std::vector<std::string> expected_units{"1", "W", "degC", "degC", "degC", "W", "A"};
  BOOST_REQUIRE(profile.series_size() == static_cast<int>(expected_series.size()));
  for (int i = 0; i < profile.series_size(); ++i) {
    BOOST_TEST(profile.series(i).name() == expected_series[static_cast<std::size_t>(i)]);
    BOOST_TEST(profile.series(i).unit() == expected_units[static_cast<std::size_t>(i)]);
  }
  const prof::pb::Profile named = prof::build_circular_profile(
      {}, {}, {}, {.step_s = 10, .orbits = 1, .name = "my-run"});
  BOOST_TEST(named.name() == "my-run");
  BOOST_TEST(prof::default_profile_name({.altitude_km = 650, .inclination_deg = 97.98,
                                         .beta_deg = -30}) == "circular-650km-i97.98-b-30");
}

BOOST_AUTO_TEST_CASE(presets) {
  const std::vector<std::string> names = prof::preset_names();
  for (const char* name :
       {"leo-400", "leo-550", "starlink-550", "leo-650", "leo-800", "sso-dawn-dusk-650"}) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST((std::find(names.begin(), names.end(), name) != names.end()));
      BOOST_TEST(prof::find_preset(name).has_value());
    }
  }
  BOOST_TEST(!prof::find_preset("leo-999").has_value());
  BOOST_TEST(!prof::find_preset("").has_value());

  const auto leo550 = prof::find_preset("leo-550");
  const auto starlink = prof::find_preset("starlink-550");
  BOOST_REQUIRE(leo550 && starlink);
  BOOST_TEST(leo550->altitude_km == 550.0);
  BOOST_TEST(leo550->inclination_deg == 53.0);
  BOOST_TEST(leo550->beta_deg == 0.0);
  BOOST_TEST(starlink->altitude_km == leo550->altitude_km);
  BOOST_TEST(starlink->inclination_deg == leo550->inclination_deg);
  BOOST_TEST(starlink->beta_deg == leo550->beta_deg);
  BOOST_TEST(prof::find_preset("leo-400")->altitude_km == 400.0);
  BOOST_TEST(prof::find_preset("leo-650")->altitude_km == 650.0);
  BOOST_TEST(prof::find_preset("leo-800")->altitude_km == 800.0);

  const prof::pb::Profile profile = prof::build_preset_profile("leo-550", {}, {}, {});
  BOOST_TEST(profile.name() == "leo-550");
  BOOST_TEST(profile.source().find("leo-550") != std::string::npos);
  BOOST_CHECK_EXCEPTION(prof::build_preset_profile("geo-1", {}, {}, {}), prof::ProfileError,
                        [](const prof::ProfileError& e) {
                          return std::string(e.what()).find("geo-1") != std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(sso_dawn_dusk_preset_has_no_eclipse) {
  const auto sso = prof::find_preset("sso-dawn-dusk-650");
  BOOST_REQUIRE(sso.has_value());
  BOOST_TEST(sso->altitude_km == 650.0);
  BOOST_TEST(sso->inclination_deg == 97.98);
  BOOST_TEST(prof::eclipse_duration_s(sso->altitude_km, sso->beta_deg) == 0.0);
  const prof::pb::Profile profile =
      prof::build_preset_profile("sso-dawn-dusk-650", {}, {}, {.step_s = 10, .orbits = 3, .name = {}});
  BOOST_TEST(shadow_time_s(profile) == 0.0);
  BOOST_TEST(profile.orbit().eclipse_s() == 0.0);
}
