#include "bench/profile_request.hpp"

#include "bench/config/config_error.hpp"
#include "bench/config/model_config.hpp"
#include "profiles/orbit/time_scales.hpp"

namespace ob::bench {

profiles::ProfileRequest make_profile_request(const ProfileSpec& spec) {
  auto orbit = profiles::resolve_orbit(spec.orbit);
  profiles::orbit::JulianDate start = orbit.epoch;
  if (spec.start_utc) {
    try {
      start = profiles::orbit::julian_date_from_utc(profiles::orbit::parse_iso8601_utc(*spec.start_utc));
    } catch (const profiles::orbit::TimeFormatError& e) {
      throw ConfigError(std::string("start: ") + e.what());
    }
  }
  constexpr double kSecondsPerMinute = 60;
  profiles::ProfileRequest request{
      .name = spec.name.empty() ? orbit.default_name : spec.name,
      .source = orbit.description,
      .propagator = orbit.propagator,
      .start = start,
      .duration_s = spec.duration_s.value_or(spec.duration_orbits * orbit.propagator.period_min() * kSecondsPerMinute),
      .step_s = spec.step_s,
      .spacecraft = spec.spacecraft,
      .lab = spec.lab,
      .earth = profiles::EarthShape::sphere,
      .inputs = orbit.inputs,
  };
  request.inputs.set_start_utc(profiles::orbit::format_iso8601_utc(start, 3));
  request.inputs.set_duration_s(request.duration_s);
  request.inputs.set_step_s(request.step_s);
  request.inputs.set_spacecraft_yaml(spacecraft_to_yaml(spec.spacecraft));
  request.inputs.set_lab_yaml(lab_to_yaml(spec.lab));
  return request;
}

}  // namespace ob::bench
