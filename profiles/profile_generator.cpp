#include "profiles/profile_generator.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "profiles/light/beta_angle.hpp"
#include "profiles/light/sun.hpp"
#include "profiles/number_format.hpp"

namespace ob::profiles {
namespace {

constexpr double kSecondsPerMinute = 60.0;
constexpr double kRadToDeg = 180.0 / 3.14159265358979323846;
constexpr double kEarthRadiusKm = 6378.137;  // WGS-84 equatorial, for altitudes
// A profile longer than this many steps is refused rather than run for hours.
constexpr std::int64_t kMaxSteps = 100'000'000;

struct Column {
  const char* name;
  const char* unit;
};
// The CSV column order (after t_s and utc) and the protobuf series, with units.
constexpr Column kColumns[] = {
    {"x_km", "km"},          {"y_km", "km"},           {"z_km", "km"},
    {"vx_km_s", "km/s"},     {"vy_km_s", "km/s"},      {"vz_km_s", "km/s"},
    {"illumination", "1"},   {"beta_deg", "deg"},      {"solar_power_w", "W"},
    {"battery_soc", "1"},    {"bus_voltage_v", "V"},   {"gpu_power_budget_w", "W"},
    {"radiator_temp_c", "degC"}, {"board_temp_c", "degC"}, {"chamber_setpoint_c", "degC"},
    {"psu_voltage_v", "V"},  {"psu_current_limit_a", "A"}, {"gpu_power_cap_w", "W"},
    {"chamber_target_c", "degC"},  // the orbit's chamber air before range and ramp limits
};
constexpr std::size_t kColumnCount = sizeof(kColumns) / sizeof(kColumns[0]);

void values_of(const ProfileRow& row, double (&out)[kColumnCount]) {
  const double values[kColumnCount] = {
      row.r_km[0],          row.r_km[1],           row.r_km[2],           row.v_km_s[0],
      row.v_km_s[1],        row.v_km_s[2],         row.illumination,      row.beta_deg,
      row.solar_power_w,    row.battery_soc,       row.bus_voltage_v,     row.gpu_power_budget_w,
      row.radiator_temp_c,  row.board_temp_c,      row.chamber_setpoint_c, row.psu_voltage_v,
      row.psu_current_limit_a, row.gpu_power_cap_w, row.chamber_target_c,
  };
  std::copy(std::begin(values), std::end(values), std::begin(out));
}

// Every number at full precision: the shortest text that reads back as the same double
// (std::to_chars' round trip), so a reader of the CSV gets what the protobuf carries.
void append_number(std::string& out, double value) {
  char buffer[40];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc{}) {
    out += "nan";
    return;
  }
  out.append(buffer, end);
}

const char* earth_name(EarthShape shape) { return shape == EarthShape::sphere ? "sphere" : "wgs84_ellipsoid"; }

}  // namespace

struct ProfileGenerator::Environment {
  StepEnvironment step;
  orbit::JulianDate utc;
  double r_km[3];
  double v_km_s[3];
  double beta_deg;
};

ProfileGenerator::Environment ProfileGenerator::environment_at(double t_s) const {
  Environment env{};
  env.utc = request_.start.plus_minutes(t_s / kSecondsPerMinute);
  auto state = request_.propagator.propagate_to(env.utc);
  if (!state) {
    throw ProfileBuildError("SGP4 stops at t_s = " + format_number(t_s) + " s (" +
                            orbit::format_iso8601_utc(env.utc) + "): " + std::string(orbit::describe(state.error())));
  }
  std::copy(std::begin(state->r_km), std::end(state->r_km), env.r_km);
  std::copy(std::begin(state->v_km_s), std::end(state->v_km_s), env.v_km_s);
  const Vec3 r{env.r_km[0], env.r_km[1], env.r_km[2]};
  const Vec3 v{env.v_km_s[0], env.v_km_s[1], env.v_km_s[2]};
  const SunPosition sun = sun_position_teme(env.utc.day, env.utc.fraction);
  env.step.t_s = t_s;
  env.step.dt_s = request_.step_s;
  env.step.illumination = conical_illumination(r, sun.position_km(), request_.earth);
  env.step.sun_distance_au = sun.distance_au;
  env.step.sun_unit = to_array(sun.direction);
  env.step.position_km = to_array(r);
  env.step.velocity_km_s = to_array(v);
  env.beta_deg = beta_angle_rad(r, v, sun.direction) * kRadToDeg;
  return env;
}

ProfileGenerator::ProfileGenerator(ProfileRequest request) : request_(std::move(request)) {
  if (!(request_.step_s > 0) || !std::isfinite(request_.step_s)) {
    throw ProfileBuildError("step " + format_number(request_.step_s) + " s: must be > 0");
  }
  if (!(request_.duration_s >= 0) || !std::isfinite(request_.duration_s)) {
    throw ProfileBuildError("duration " + format_number(request_.duration_s) + " s: must be ≥ 0");
  }
  const double steps = std::floor(request_.duration_s / request_.step_s + 1e-9) + 1;
  if (steps > static_cast<double>(kMaxSteps)) {
    throw ProfileBuildError("duration / step = " + format_number(steps) + " steps: more than " +
                            std::to_string(kMaxSteps) + "; use a larger --step");
  }
  steps_ = static_cast<std::int64_t>(steps);
  summary_.period_s = request_.propagator.period_min() * kSecondsPerMinute;

  // Pass 1: light only.
  std::vector<StepEnvironment> first_orbit;
  double eclipse_run_s = 0;
  double unlit_s = 0;
  summary_.altitude_min_km = std::numeric_limits<double>::infinity();
  summary_.altitude_max_km = -std::numeric_limits<double>::infinity();
  summary_.beta_min_deg = std::numeric_limits<double>::infinity();
  summary_.beta_max_deg = -std::numeric_limits<double>::infinity();
  for (std::int64_t i = 0; i < steps_; ++i) {
    const double t_s = static_cast<double>(i) * request_.step_s;
    const auto env = environment_at(t_s);
    const double illumination = env.step.illumination;
    unlit_s += (1.0 - illumination) * request_.step_s;
    if (illumination < 1.0) {
      if (eclipse_run_s == 0) ++summary_.eclipses;
      eclipse_run_s += request_.step_s;
      summary_.longest_eclipse_s = std::max(summary_.longest_eclipse_s, eclipse_run_s);
    } else {
      eclipse_run_s = 0;
    }
    const double altitude_km = std::hypot(env.r_km[0], env.r_km[1], env.r_km[2]) - kEarthRadiusKm;
    summary_.altitude_min_km = std::min(summary_.altitude_min_km, altitude_km);
    summary_.altitude_max_km = std::max(summary_.altitude_max_km, altitude_km);
    summary_.beta_min_deg = std::min(summary_.beta_min_deg, env.beta_deg);
    summary_.beta_max_deg = std::max(summary_.beta_max_deg, env.beta_deg);
    if (t_s < summary_.period_s) first_orbit.push_back(env.step);
    if (i == 0) {
      summary_.beta_start_deg = env.beta_deg;
      const Vec3 h = cross(to_vec3(env.step.position_km), to_vec3(env.step.velocity_km_s));
      summary_.inclination_deg = std::acos(h.z / norm(h)) * kRadToDeg;
    }
  }
  summary_.eclipse_fraction = unlit_s / (static_cast<double>(steps_) * request_.step_s);
  // A profile shorter than an orbit still needs a whole orbit to find its periodic state.
  for (double t_s = static_cast<double>(first_orbit.size()) * request_.step_s; t_s < summary_.period_s;
       t_s += request_.step_s) {
    first_orbit.push_back(environment_at(t_s).step);
  }

  // The battery policy budgets for this orbit's own longest eclipse.
  if (summary_.longest_eclipse_s > 0) request_.spacecraft.design_eclipse_s = summary_.longest_eclipse_s;
  SpacecraftModel model(request_.spacecraft);
  summary_.spin_up_orbits = model.spin_up(first_orbit).orbits;
  spun_up_.emplace(model);

  // Pass 2: heat and power, for the tracked temperature's extremes.
  double tracked_min_c = std::numeric_limits<double>::infinity();
  double tracked_max_c = -tracked_min_c;
  summary_.board_min_c = summary_.radiator_min_c = summary_.budget_min_w = summary_.soc_min =
      std::numeric_limits<double>::infinity();
  summary_.board_max_c = summary_.radiator_max_c = summary_.budget_max_w = -std::numeric_limits<double>::infinity();
  for (std::int64_t i = 0; i < steps_; ++i) {
    const auto env = environment_at(static_cast<double>(i) * request_.step_s);
    const auto sample = model.step(env.step);
    const double tracked_c = request_.lab.chamber_tracks == ChamberTracks::board ? sample.heat.board_temp_c
                                                                                 : sample.heat.radiator_temp_c;
    tracked_min_c = std::min(tracked_min_c, tracked_c);
    tracked_max_c = std::max(tracked_max_c, tracked_c);
    summary_.board_min_c = std::min(summary_.board_min_c, sample.heat.board_temp_c);
    summary_.board_max_c = std::max(summary_.board_max_c, sample.heat.board_temp_c);
    summary_.radiator_min_c = std::min(summary_.radiator_min_c, sample.heat.radiator_temp_c);
    summary_.radiator_max_c = std::max(summary_.radiator_max_c, sample.heat.radiator_temp_c);
    summary_.budget_min_w = std::min(summary_.budget_min_w, sample.power.gpu_power_budget_w);
    summary_.budget_max_w = std::max(summary_.budget_max_w, sample.power.gpu_power_budget_w);
    summary_.soc_min = std::min(summary_.soc_min, sample.power.battery_soc);
  }

  // Pass 3 starts from the same periodic state.
  model_.emplace(*spun_up_);
  mapper_.emplace(request_.lab, orbit_reference(request_.spacecraft, tracked_min_c, tracked_max_c));
}

ProfileGenerator::~ProfileGenerator() = default;
ProfileGenerator::ProfileGenerator(ProfileGenerator&&) noexcept = default;

bool ProfileGenerator::next(ProfileRow& row) {
  if (next_step_ >= steps_) {
    if (!finished_) {
      summary_.lab = mapper_->finish();
      finished_ = true;
    }
    return false;
  }
  const double t_s = static_cast<double>(next_step_++) * request_.step_s;
  const auto env = environment_at(t_s);
  const auto sample = model_->step(env.step);
  const auto setpoints = mapper_->push(OrbitPoint{t_s, sample.heat.board_temp_c, sample.heat.radiator_temp_c,
                                                  sample.power.gpu_power_budget_w, sample.power.bus_voltage_v});
  row.t_s = t_s;
  row.utc = env.utc;
  std::copy(std::begin(env.r_km), std::end(env.r_km), row.r_km);
  std::copy(std::begin(env.v_km_s), std::end(env.v_km_s), row.v_km_s);
  row.illumination = env.step.illumination;
  row.beta_deg = env.beta_deg;
  row.solar_power_w = sample.power.solar_power_w;
  row.battery_soc = sample.power.battery_soc;
  row.bus_voltage_v = sample.power.bus_voltage_v;
  row.gpu_power_budget_w = sample.power.gpu_power_budget_w;
  row.radiator_temp_c = sample.heat.radiator_temp_c;
  row.board_temp_c = sample.heat.board_temp_c;
  row.chamber_setpoint_c = setpoints.chamber_setpoint_c;
  row.chamber_target_c = setpoints.chamber_target_c;
  row.psu_voltage_v = setpoints.psu_voltage_v;
  row.psu_current_limit_a = setpoints.psu_current_limit_a;
  row.gpu_power_cap_w = setpoints.gpu_power_cap_w;
  return true;
}

const std::vector<std::string>& profile_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> names{"t_s", "utc"};
    for (const auto& column : kColumns) names.emplace_back(column.name);
    return names;
  }();
  return columns;
}

std::string csv_header() {
  std::string header;
  for (const auto& name : profile_columns()) header += (header.empty() ? "" : ",") + name;
  return header + "\n";
}

void CsvWriter::append_row(std::string& out, const ProfileRow& row) {
  constexpr std::int64_t kMillisecondsPerDay = 86'400'000;
  const auto ms_of_day = static_cast<std::int64_t>(std::llround(row.utc.fraction * kMillisecondsPerDay));
  append_number(out, row.t_s);
  out += ',';
  if (ms_of_day >= kMillisecondsPerDay) {
    out += orbit::format_iso8601_utc(row.utc, 3);  // rounds into the next day: the general path
  } else {
    if (row.utc.day != cached_day_) {
      const auto utc = orbit::utc_from_julian_date({row.utc.day, 0.0});
      std::snprintf(date_prefix_, sizeof date_prefix_, "%04d-%02d-%02dT", utc.year, utc.month, utc.day);
      cached_day_ = row.utc.day;
    }
    char time_of_day[32];
    const auto seconds = ms_of_day / 1000;
    std::snprintf(time_of_day, sizeof time_of_day, "%02d:%02d:%02d.%03dZ", static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60), static_cast<int>(ms_of_day % 1000));
    out += date_prefix_;
    out += time_of_day;
  }
  double values[kColumnCount];
  values_of(row, values);
  for (double value : values) {
    out += ',';
    append_number(out, value);
  }
  out += '\n';
}

std::string csv_row(const ProfileRow& row) {
  std::string line;
  CsvWriter().append_row(line, row);
  return line;
}

ProfileCollector::ProfileCollector(const ProfileGenerator& generator) {
  const auto& request = generator.request();
  profile_.set_name(request.name);
  profile_.set_source(request.source);
  profile_.set_generator("orbitbench");
  profile_.set_step_s(request.step_s);
  profile_.set_start_utc(orbit::format_iso8601_utc(request.start, 3));
  *profile_.mutable_inputs() = request.inputs;
  profile_.mutable_inputs()->set_earth_shape(earth_name(request.earth));
  profile_.mutable_t_s()->Reserve(static_cast<int>(generator.steps()));
  for (const auto& column : kColumns) {
    auto* series = profile_.add_series();
    series->set_name(column.name);
    series->set_unit(column.unit);
    series->mutable_value()->Reserve(static_cast<int>(generator.steps()));
    series_.push_back(series);
  }
}

void ProfileCollector::add(const ProfileRow& row) {
  profile_.add_t_s(row.t_s);
  double values[kColumnCount];
  values_of(row, values);
  for (std::size_t c = 0; c < kColumnCount; ++c) series_[c]->add_value(values[c]);
}

pb::Profile ProfileCollector::finish(const ProfileGenerator& generator) {
  const auto& summary = generator.summary();
  auto* orbit = profile_.mutable_orbit();
  orbit->set_altitude_km((summary.altitude_min_km + summary.altitude_max_km) / 2);
  orbit->set_inclination_deg(summary.inclination_deg);
  orbit->set_beta_deg(summary.beta_start_deg);
  orbit->set_period_s(summary.period_s);
  orbit->set_eclipse_s(summary.longest_eclipse_s);
  orbit->set_shadow_model("conical");
  orbit->set_eclipse_fraction(summary.eclipse_fraction);
  orbit->set_eclipse_count(summary.eclipses);
  orbit->set_beta_min_deg(summary.beta_min_deg);
  orbit->set_beta_max_deg(summary.beta_max_deg);
  orbit->set_board_min_c(summary.board_min_c);
  orbit->set_board_max_c(summary.board_max_c);
  orbit->set_budget_min_w(summary.budget_min_w);
  orbit->set_budget_max_w(summary.budget_max_w);
  orbit->set_soc_min(summary.soc_min);
  orbit->set_margin_c(summary.lab.margin_c);
  for (const auto& segment : summary.lab.segments) {
    auto* out = orbit->add_infeasible();
    out->set_kind(std::string(to_string(segment.kind)));
    out->set_start_t_s(segment.start_t_s);
    out->set_end_t_s(segment.end_t_s);
    out->set_max_deviation(segment.max_deviation);
    out->set_needed_ramp_c_per_min(segment.needed_ramp_c_per_min);
    out->set_available_ramp_c_per_min(segment.available_ramp_c_per_min);
  }
  return std::move(profile_);
}

pb::Profile build_profile(ProfileGenerator& generator) {
  ProfileCollector collector(generator);
  ProfileRow row;
  while (generator.next(row)) collector.add(row);
  return collector.finish(generator);
}

std::string format_summary(const ProfileRequest& request, const ProfileSummary& s) {
  char text[1024];
  std::string out;
  auto line = [&](const char* format, auto... args) {
    std::snprintf(text, sizeof text, format, args...);
    out += text;
  };
  line("profile     %s\n", request.name.c_str());
  line("orbit       %s\n", request.source.c_str());
  line("start       %s, %.2f h at %s s steps\n", orbit::format_iso8601_utc(request.start).c_str(),
       request.duration_s / 3600.0, format_number(request.step_s).c_str());
  line("period      %.2f min, altitude %.1f … %.1f km\n", s.period_s / 60.0, s.altitude_min_km, s.altitude_max_km);
  line("eclipse     %.2f %% of the time, %d eclipse%s, longest %.2f min (conical shadow)\n",
       s.eclipse_fraction * 100.0, s.eclipses, s.eclipses == 1 ? "" : "s", s.longest_eclipse_s / 60.0);
  line("beta        %.1f … %.1f°\n", s.beta_min_deg, s.beta_max_deg);
  line("board       %.1f … %.1f °C   radiator %.1f … %.1f °C   (spin-up %d orbits)\n", s.board_min_c, s.board_max_c,
       s.radiator_min_c, s.radiator_max_c, s.spin_up_orbits);
  line("power       GPU budget %.0f … %.0f W, battery SOC ≥ %.3f\n", s.budget_min_w, s.budget_max_w, s.soc_min);
  line("chamber     setpoints %.1f … %.1f °C (wanted %.1f … %.1f °C, margin ±%g °C, speed %g×)\n",
       s.lab.setpoint_min_c, s.lab.setpoint_max_c, s.lab.target_min_c, s.lab.target_max_c, s.lab.margin_c,
       request.lab.speed);
  if (s.lab.feasible()) {
    line("feasible    the bench can follow the whole profile\n");
    return out;
  }
  line("INFEASIBLE  %zu segment(s) the bench cannot follow (worst chamber deviation %.2f K):\n",
       s.lab.segments.size() + s.lab.segments_dropped, s.lab.worst_chamber_deviation_k);
  constexpr std::size_t kListed = 10;
  for (std::size_t i = 0; i < s.lab.segments.size() && i < kListed; ++i) {
    const auto& segment = s.lab.segments[i];
    line("  %-14s t_s %10.0f … %10.0f  off by %.2f %s", std::string(to_string(segment.kind)).c_str(), segment.start_t_s,
         segment.end_t_s, segment.max_deviation, segment.kind == InfeasibleKind::supply_current ? "A" : "K");
    if (segment.kind == InfeasibleKind::chamber_ramp) {
      line("  (needs %.1f °C/min, chamber %.1f °C/min)", segment.needed_ramp_c_per_min, segment.available_ramp_c_per_min);
    }
    out += "\n";
  }
  if (s.lab.segments.size() + s.lab.segments_dropped > kListed) {
    line("  … and %zu more\n", s.lab.segments.size() + s.lab.segments_dropped - kListed);
  }
  return out;
}

}  // namespace ob::profiles
