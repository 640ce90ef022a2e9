// Profile assembly: orbit → light → heat and power → lab mapping, streamed row by row.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "../support/profile_fixture.hpp"
#include "profiles/circular_orbit.hpp"
#include "profiles/orbit_profile.hpp"

namespace prof = ob::profiles;

namespace {

prof::ProfileRequest tle_request(double duration_s, double step_s) {
  prof::OrbitSource source;
  source.kind = prof::OrbitSource::Kind::tle;
  source.tle_path = std::string(OB_TEST_DATA_DIR) + "/tle/iss-2008.tle";
  source.tle_selector = "25544";
  auto orbit = prof::resolve_orbit(source);
  auto request = ob::test::profile_request();
  request.name = orbit.default_name;
  request.source = orbit.description;
  request.propagator = orbit.propagator;
  request.start = orbit.epoch;
  request.duration_s = duration_s;
  request.step_s = step_s;
  request.inputs = orbit.inputs;
  return request;
}

const prof::pb::Series& series(const prof::pb::Profile& profile, std::string_view name) {
  for (const auto& s : profile.series()) {
    if (s.name() == name) return s;
  }
  BOOST_FAIL("no series " << name);
  return profile.series(0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(csv_has_the_documented_columns) {
  const std::string header = prof::csv_header();
  BOOST_TEST(header ==
             "t_s,utc,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s,illumination,beta_deg,solar_power_w,battery_soc,"
             "bus_voltage_v,gpu_power_budget_w,radiator_temp_c,board_temp_c,chamber_setpoint_c,psu_voltage_v,"
             "psu_current_limit_a,gpu_power_cap_w,chamber_target_c\n");
  prof::ProfileGenerator generator(ob::test::profile_request("starlink-550", 60, 10));
  prof::ProfileRow row;
  int rows = 0;
  while (generator.next(row)) {
    const std::string line = prof::csv_row(row);
    BOOST_TEST(std::count(line.begin(), line.end(), ',') == std::count(header.begin(), header.end(), ','));
    if (rows == 1) BOOST_TEST(line.find("10,2026-12-01T00:00:10.000Z,") == 0u, line);
    ++rows;
  }
  BOOST_TEST(rows == 7);  // 0, 10, …, 60 s
}

BOOST_AUTO_TEST_CASE(tle_elements_and_presets_all_make_profiles) {
  const auto from_tle = ob::test::build_test_profile(tle_request(3000, 30));
  BOOST_TEST(from_tle.inputs().orbit_kind() == "tle");
  BOOST_TEST(from_tle.inputs().tle_line1().find("1 25544U") == 0u);
  BOOST_TEST(from_tle.start_utc() == "2008-09-20T12:25:40.104Z");
  BOOST_TEST(std::abs(from_tle.orbit().inclination_deg() - 51.64) < 0.1);
  // ISS state at the 2008 TLE's epoch (Vallado's SGP4 test case 25544, t = 0).
  BOOST_TEST(std::abs(series(from_tle, "x_km").value(0) - 4083.9) < 1.0);

  prof::OrbitSource elements;
  elements.kind = prof::OrbitSource::Kind::elements;
  elements.elements_spec = "alt=800km,ecc=0,inc=sso,ltan=10:30,epoch=2026-03-20T00:00:00Z";
  auto orbit = prof::resolve_orbit(elements);
  BOOST_TEST(orbit.inputs.orbit_kind() == "elements");
  auto request = ob::test::profile_request();
  request.propagator = orbit.propagator;
  request.start = orbit.epoch;
  request.inputs = orbit.inputs;
  const auto from_elements = ob::test::build_test_profile(request);
  BOOST_TEST(std::abs(from_elements.orbit().inclination_deg() - 98.6) < 0.3);
  BOOST_TEST(std::abs(from_elements.orbit().period_s() / 60 - 100.9) < 0.2);

  for (const char* preset : {"iss", "starlink-550", "sso-dawn-dusk-650", "starcloud-325"}) {
    const auto profile = ob::test::build_test_profile(ob::test::profile_request(preset, 3000, 60));
    BOOST_TEST(profile.series_size() == 19, preset);
    BOOST_TEST(profile.t_s_size() == 51, preset);
  }
}

BOOST_AUTO_TEST_CASE(eclipse_matches_the_closed_form_for_a_circular_orbit) {
  // starlink-550 on 2026-12-01: β ≈ 27.4°. The conical shadow's half-light eclipse is within a
  // few seconds of the cylindrical closed form; the profile counts steps with any shadow.
  const auto profile = ob::test::build_test_profile(ob::test::profile_request("starlink-550", 3 * 5739, 5));
  const double beta_deg = profile.orbit().beta_deg();
  BOOST_TEST(std::abs(beta_deg - 27.4) < 0.5);
  const double closed_form_s = prof::eclipse_duration_s(550, beta_deg);
  double unlit_s = 0;
  for (double illumination : series(profile, "illumination").value()) unlit_s += (1 - illumination) * 5;
  BOOST_TEST(std::abs(unlit_s / 3 - closed_form_s) < 60.0, unlit_s / 3 << " vs " << closed_form_s);
  BOOST_TEST(profile.orbit().eclipse_count() == 3);
  // Penumbra shows as fractional illumination.
  int partial = 0;
  for (double illumination : series(profile, "illumination").value()) partial += illumination > 0 && illumination < 1;
  BOOST_TEST(partial >= 6);
}

BOOST_AUTO_TEST_CASE(power_and_heat_follow_the_light) {
  const auto profile = ob::test::build_test_profile(ob::test::profile_request("starlink-550", 5739, 10));
  const auto& light = series(profile, "illumination").value();
  const auto& budget = series(profile, "gpu_power_budget_w").value();
  const auto& cap = series(profile, "gpu_power_cap_w").value();
  const auto& soc = series(profile, "battery_soc").value();
  for (int i = 0; i < light.size(); ++i) {
    if (light[i] == 0) {
      BOOST_TEST(budget[i] == 350.0);
      BOOST_TEST(cap[i] == 15.0);  // the 30 W DUT at half its cap, as the orbit's 350 of 700 W
    }
    BOOST_TEST(soc[i] >= 0.6 - 1e-9);  // never below the depth-of-discharge floor
  }
  const auto& board = series(profile, "board_temp_c").value();
  BOOST_TEST(std::abs(board[0] - board[board.size() - 1]) < 1.0);  // periodic: spun up
}

BOOST_AUTO_TEST_CASE(infeasible_chamber_segments_are_reported_not_hidden) {
  prof::LabMapping lab;
  lab.speed = 60;  // an orbit in 95 s: far faster than a 5 °C/min chamber can follow
  lab.qualification = prof::QualificationLevel::qualification;
  prof::ProfileGenerator generator(ob::test::profile_request("starlink-550", 5739, 10, {}, lab));
  prof::ProfileRow row;
  while (generator.next(row)) {
  }
  const auto& report = generator.summary().lab;
  BOOST_TEST(!report.feasible());
  BOOST_TEST(report.margin_c == 10.0);
  BOOST_TEST(report.worst_chamber_deviation_k > 1.0);
  const auto text = prof::format_summary(generator.request(), generator.summary());
  BOOST_TEST(text.find("INFEASIBLE") != std::string::npos, text);
  BOOST_TEST(text.find("chamber_ramp") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(bad_requests_are_refused) {
  auto request = ob::test::profile_request();
  request.step_s = 0;
  BOOST_CHECK_THROW(prof::ProfileGenerator{request}, prof::ProfileBuildError);
  request = ob::test::profile_request();
  request.spacecraft.radiator_area_m2 = -1;
  BOOST_CHECK_EXCEPTION(prof::ProfileGenerator{request}, prof::ProfileError, [](const prof::ProfileError& e) {
    return std::string(e.what()).find("radiator_area_m2") != std::string::npos;
  });
  prof::OrbitSource unknown;
  unknown.preset = "leo-9000";
  BOOST_CHECK_THROW(prof::resolve_orbit(unknown), prof::OrbitSourceError);
}
