#pragma once
// Builds small profiles for tests through the real generator.
#include <string>

#include "profiles/orbit_source.hpp"
#include "profiles/profile_generator.hpp"

namespace ob::test {

inline profiles::ProfileRequest profile_request(const std::string& preset = "starlink-550", double duration_s = 5739,
                                                double step_s = 30, profiles::Spacecraft craft = {},
                                                profiles::LabMapping lab = {}) {
  profiles::OrbitSource source;
  source.kind = profiles::OrbitSource::Kind::preset;
  source.preset = preset;
  auto orbit = profiles::resolve_orbit(source);
  profiles::ProfileRequest request{.name = orbit.default_name,
                                   .source = orbit.description,
                                   .propagator = orbit.propagator,
                                   .start = orbit.epoch,
                                   .duration_s = duration_s,
                                   .step_s = step_s,
                                   .spacecraft = craft,
                                   .lab = lab,
                                   .earth = profiles::EarthShape::sphere,
                                   .inputs = orbit.inputs};
  return request;
}

inline profiles::pb::Profile build_test_profile(profiles::ProfileRequest request = profile_request()) {
  profiles::ProfileGenerator generator(std::move(request));
  return profiles::build_profile(generator);
}

}  // namespace ob::test
