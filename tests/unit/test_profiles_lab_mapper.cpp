// Streaming lab mapping: qualification margin, chamber range and ramp at the replay's speed,
// infeasibility segments, GPU cap, PSU voltage and current limit.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "profiles/heat/spacecraft.hpp"
#include "profiles/lab/lab_mapper.hpp"
#include "profiles/lab/lab_parameters.hpp"
#include "profiles/orbit_profile.hpp"

namespace prof = ob::profiles;
namespace tt = boost::test_tools;

namespace {

prof::OrbitReference reference(double min_c, double max_c) {
  return prof::orbit_reference(prof::Spacecraft{}, min_c, max_c);
}

// A sample whose baseplate (what the chamber tracks by default) is at baseplate_c; the board
// sits 28 K above (700 W over 25 W/K).
prof::OrbitPoint at(double t_s, double baseplate_c, double budget_w = 700, double bus_v = 28) {
  return {.t_s = t_s, .board_temp_c = baseplate_c + 28, .baseplate_temp_c = baseplate_c,
          .gpu_power_budget_w = budget_w, .bus_voltage_v = bus_v};
}

// Triangle wave between low_c and high_c at slope_c_per_min of profile time, 10 s samples.
std::vector<prof::OrbitPoint> triangle(double low_c, double high_c, double slope_c_per_min,
                                       int cycles) {
  std::vector<prof::OrbitPoint> points;
  const double half_s = (high_c - low_c) / slope_c_per_min * 60;
  for (double t = 0; t <= 2 * half_s * cycles; t += 10) {
    const double phase = std::fmod(t, 2 * half_s);
    const double temp = phase < half_s ? low_c + (high_c - low_c) * phase / half_s
                                       : high_c - (high_c - low_c) * (phase - half_s) / half_s;
    points.push_back(at(t, temp));
  }
  return points;
}

}  // namespace

BOOST_AUTO_TEST_CASE(acceptance_replays_the_prediction_unchanged) {
  prof::LabMapper mapper({}, reference(20, 60));
  for (const prof::OrbitPoint& p : triangle(20, 60, 1, 2)) {
    const prof::LabSetpoints s = mapper.push(p);
    BOOST_TEST(s.chamber_target_c == p.baseplate_temp_c, tt::tolerance(1e-12));
    BOOST_TEST(s.chamber_setpoint_c == p.baseplate_temp_c, tt::tolerance(1e-12));
  }
  const prof::LabReport report = mapper.finish();
  BOOST_TEST(report.feasible());
  BOOST_TEST(report.margin_c == 0.0);
  BOOST_TEST(report.setpoint_min_c == 20.0, tt::tolerance(1e-12));
  BOOST_TEST(report.setpoint_max_c == 60.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(margins_stretch_the_extremes_beyond_the_prediction) {
  for (const auto& [level, margin] :
       {std::pair{prof::QualificationLevel::qualification, 10.0},
        std::pair{prof::QualificationLevel::protoqualification, 5.0}}) {
    prof::LabMapping lab;
    lab.qualification = level;
    prof::LabMapper mapper(lab, reference(20, 60));
    BOOST_TEST(mapper.with_margin_c(20) == 20 - margin, tt::tolerance(1e-12));
    BOOST_TEST(mapper.with_margin_c(60) == 60 + margin, tt::tolerance(1e-12));
    BOOST_TEST(mapper.with_margin_c(40) == 40.0, tt::tolerance(1e-12));  // mid-range stays
    for (const prof::OrbitPoint& p : triangle(20, 60, 1, 1)) (void)mapper.push(p);
    const prof::LabReport report = mapper.finish();
    BOOST_TEST(report.feasible());
    BOOST_TEST(report.margin_c == margin);
    BOOST_TEST(report.target_min_c == 20 - margin, tt::tolerance(1e-9));
    BOOST_TEST(report.target_max_c == 60 + margin, tt::tolerance(1e-9));
  }
  // A flat prediction cannot be stretched: it is shifted to the hot side.
  prof::LabMapping lab;
  lab.qualification = prof::QualificationLevel::qualification;
  BOOST_TEST(prof::LabMapper(lab, reference(45, 45)).with_margin_c(45) == 55.0);
}

BOOST_AUTO_TEST_CASE(the_chamber_range_clamps_and_says_where_and_by_how_much) {
  prof::LabMapping lab;
  lab.chamber_min_c = 28;
  lab.chamber_max_c = 40;
  prof::LabMapper mapper(lab, reference(20, 60));
  std::vector<double> setpoints;
  for (const prof::OrbitPoint& p : triangle(20, 60, 1, 1)) {
    setpoints.push_back(mapper.push(p).chamber_setpoint_c);
  }
  const prof::LabReport report = mapper.finish();
  BOOST_TEST(*std::min_element(setpoints.begin(), setpoints.end()) == 28.0);
  BOOST_TEST(*std::max_element(setpoints.begin(), setpoints.end()) == 40.0);
  // Up 20 → 60 in 40 min, back down in 40 min: too cold at both ends, too hot around 60 °C.
  BOOST_REQUIRE(report.segments.size() == 3u);
  const prof::InfeasibleSegment& cold = report.segments[0];
  const prof::InfeasibleSegment& hot = report.segments[1];
  BOOST_TEST((cold.kind == prof::InfeasibleKind::chamber_range));
  BOOST_TEST(cold.start_t_s == 0.0);
  BOOST_TEST(cold.end_t_s == 450.0);  // 27.5 °C (within 0.5 K of 28) is reached at 7.5 min
  BOOST_TEST(cold.max_deviation == 8.0, tt::tolerance(1e-9));
  BOOST_TEST(hot.start_t_s == 1240.0);  // first sample above 40.5 °C (20 °C + t/60 s)
  BOOST_TEST(hot.end_t_s == 3570.0);
  BOOST_TEST(hot.max_deviation == 20.0, tt::tolerance(1e-9));
  BOOST_TEST(hot.needed_ramp_c_per_min == 0.0);
  BOOST_TEST(report.segments[2].end_t_s == 4800.0);  // open at the end: closed at the last sample
  BOOST_TEST(report.worst_chamber_deviation_k == 20.0, tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(the_ramp_limit_is_per_wall_minute_so_speed_divides_it) {
  // The orbit moves 1 °C per profile minute; the chamber may ramp 5 °C per wall minute.
  // At speed 5 the orbit needs 5 °C/min of wall time — just feasible; at speed 10 it needs 10.
  for (const double speed : {1.0, 5.0}) {
    prof::LabMapping lab;
    lab.speed = speed;
    prof::LabMapper mapper(lab, reference(0, 50));
    for (const prof::OrbitPoint& p : triangle(0, 50, 1, 2)) (void)mapper.push(p);
    BOOST_TEST(mapper.finish().feasible(), "speed " << speed);
  }
  prof::LabMapping lab;
  lab.speed = 10;
  prof::LabMapper mapper(lab, reference(0, 50));
  double previous = 0;
  bool first = true;
  for (const prof::OrbitPoint& p : triangle(0, 50, 1, 2)) {
    const double setpoint = mapper.push(p).chamber_setpoint_c;
    // 5 °C per wall minute at speed 10 = 0.5 °C per profile minute = 1/12 °C per 10 s sample.
    if (!first) BOOST_TEST(std::abs(setpoint - previous) <= 5.0 / 60 / 10 * 10 + 1e-12);
    previous = setpoint;
    first = false;
  }
  const prof::LabReport report = mapper.finish();
  BOOST_REQUIRE(!report.segments.empty());
  for (const prof::InfeasibleSegment& s : report.segments) {
    BOOST_TEST((s.kind == prof::InfeasibleKind::chamber_ramp));
    BOOST_TEST(s.needed_ramp_c_per_min == 10.0, tt::tolerance(1e-9));
    BOOST_TEST(s.available_ramp_c_per_min == 5.0);
  }
  // Up 50 K in 50 profile minutes while the chamber does 25: it lags 25 K at the top.
  BOOST_TEST(report.segments.front().max_deviation == 25.0, tt::tolerance(0.01));
  // The lag grows 1/6 − 1/12 °C per sample and passes the 0.5 K tolerance at the 7th.
  BOOST_TEST(report.segments.front().start_t_s == 70.0);
  BOOST_TEST_MESSAGE("speed 10: " << report.segments.size() << " ramp segments, worst "
                                  << report.worst_chamber_deviation_k << " K behind");
}

BOOST_AUTO_TEST_CASE(board_tracking_subtracts_the_duts_own_rise_baseplate_tracking_does_not) {
  prof::LabMapping lab;
  lab.dut_self_heating_k_per_w = 0.5;  // ignored when tracking the baseplate
  prof::LabMapper baseplate(lab, reference(-8, 32));
  BOOST_TEST(baseplate.push(at(0, 22)).chamber_target_c == 22.0, tt::tolerance(1e-12));
  lab.chamber_tracks = prof::ChamberTracks::board;
  prof::LabMapper board(lab, reference(20, 60));
  // Board at 50 °C; cap 30 W at the sunlit budget: the DUT's board sits 15 K over the air.
  BOOST_TEST(board.push(at(0, 22)).chamber_target_c == 35.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(gpu_cap_scales_the_budget_ratio_onto_the_duts_range) {
  prof::LabMapping lab;  // DUT 5..30 W, reference budget 700 W
  const prof::LabMapper proportional(lab, reference(0, 1));
  BOOST_TEST(proportional.gpu_power_cap_w(700) == 30.0);
  BOOST_TEST(proportional.gpu_power_cap_w(350) == 15.0);
  BOOST_TEST(proportional.gpu_power_cap_w(0) == 5.0);     // floored at the DUT's minimum
  BOOST_TEST(proportional.gpu_power_cap_w(1400) == 30.0);  // never above its maximum
  lab.cap_scaling = prof::CapScaling::affine;
  const prof::LabMapper affine(lab, reference(0, 1));
  BOOST_TEST(affine.gpu_power_cap_w(350) == 17.5);
  BOOST_TEST(affine.gpu_power_cap_w(0) == 5.0);
}

BOOST_AUTO_TEST_CASE(psu_voltage_is_fixed_or_tracks_the_bus) {
  prof::LabMapping lab;
  const prof::LabMapper fixed(lab, reference(0, 1));
  BOOST_TEST(fixed.psu_voltage_v(22) == 12.0);
  lab.psu_voltage_mode = prof::PsuVoltageMode::track_bus;
  const prof::LabMapper tracking(lab, reference(0, 1));  // bus 22..34 V → supply 11.4..12.6 V
  BOOST_TEST(tracking.psu_voltage_v(22) == 11.4, tt::tolerance(1e-12));
  BOOST_TEST(tracking.psu_voltage_v(28) == 12.0, tt::tolerance(1e-12));
  BOOST_TEST(tracking.psu_voltage_v(34) == 12.6, tt::tolerance(1e-12));
  BOOST_TEST(tracking.psu_voltage_v(40) == 12.6, tt::tolerance(1e-12));
  prof::Spacecraft regulated;
  regulated.bus_regulation = prof::BusRegulation::regulated;
  const prof::LabMapper on_regulated(lab, prof::orbit_reference(regulated, 0, 1));
  BOOST_TEST(on_regulated.psu_voltage_v(28) == 12.0);
}

BOOST_AUTO_TEST_CASE(current_limit_has_margin_and_respects_the_supply_channel) {
  prof::LabMapping lab;
  prof::LabMapper mapper(lab, reference(0, 100));
  const prof::LabSetpoints s = mapper.push(at(0, 50, 700));
  BOOST_TEST(s.psu_current_limit_a == 30.0 / 12 * 1.15, tt::tolerance(1e-12));
  BOOST_TEST(mapper.finish().feasible());

  lab.supply_max_current_a = 2.7;  // above 2.5 A, below 2.875 A: capped, still feasible
  prof::LabMapper capped(lab, reference(0, 100));
  BOOST_TEST(capped.push(at(0, 50, 700)).psu_current_limit_a == 2.7);
  BOOST_TEST(capped.finish().feasible());

  lab.supply_max_current_a = 2.0;  // the 30 W cap needs 2.5 A: the DUT cannot get its cap
  prof::LabMapper short_supply(lab, reference(0, 100));
  (void)short_supply.push(at(0, 50, 700));
  (void)short_supply.push(at(10, 50, 350));  // 15 W needs 1.25 A: fine again
  const prof::LabReport report = short_supply.finish();
  BOOST_REQUIRE(report.segments.size() == 1u);
  BOOST_TEST((report.segments[0].kind == prof::InfeasibleKind::supply_current));
  BOOST_TEST(report.segments[0].max_deviation == 0.5, tt::tolerance(1e-12));
  BOOST_TEST(report.segments[0].end_t_s == 10.0);
}

BOOST_AUTO_TEST_CASE(bad_inputs_are_refused_naming_the_field) {
  BOOST_TEST(prof::lab_errors({}).empty());
  prof::LabMapping lab;
  lab.speed = 0;
  lab.chamber_min_c = 50;
  lab.chamber_max_c = 40;
  const auto errors = prof::lab_errors(lab);
  BOOST_REQUIRE(errors.size() == 2u);
  BOOST_TEST(errors[0].field == "lab.chamber_min_c");
  BOOST_TEST(errors[1].field == "lab.speed");
  BOOST_CHECK_THROW(prof::LabMapper(lab, reference(0, 1)), prof::ProfileError);
  BOOST_CHECK_THROW(prof::LabMapper({}, reference(5, 1)), prof::ProfileError);
  prof::LabMapper mapper({}, reference(0, 1));
  (void)mapper.push(at(10, 0));
  BOOST_CHECK_THROW((void)mapper.push(at(10, 0)), prof::ProfileError);
  BOOST_TEST((prof::parse_qualification_level("protoqualification") ==
              prof::QualificationLevel::protoqualification));
  BOOST_TEST((prof::parse_chamber_tracks("baseplate") == prof::ChamberTracks::baseplate));
  BOOST_TEST((prof::parse_cap_scaling("affine") == prof::CapScaling::affine));
  BOOST_TEST((prof::parse_psu_voltage_mode("track_bus") == prof::PsuVoltageMode::track_bus));
  BOOST_TEST(prof::to_string(prof::InfeasibleKind::chamber_ramp) == "chamber_ramp");
}
