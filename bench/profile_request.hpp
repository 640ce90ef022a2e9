#pragma once
// From what a user gives (`orbitbench profile` options, or a campaign's orbit section) to a
// profile request: the orbit resolved, the start and duration settled, and every input kept
// as provenance in the profile.
#include <optional>
#include <string>

#include "profiles/heat/spacecraft.hpp"
#include "profiles/lab/lab_parameters.hpp"
#include "profiles/orbit_source.hpp"
#include "profiles/profile_generator.hpp"

namespace ob::bench {

struct ProfileSpec {
  profiles::OrbitSource orbit;
  std::optional<std::string> start_utc;  // default: the orbit's epoch
  std::optional<double> duration_s;      // default: duration_orbits orbital periods
  double duration_orbits = 1;
  double step_s = 10;
  profiles::Spacecraft spacecraft;
  std::string spacecraft_label;  // where it came from, for the record
  profiles::LabMapping lab;
  std::string name;  // default: from the orbit
};

// Throws ConfigError (bad start time) or the orbit source's errors (TLE file:line, element key).
profiles::ProfileRequest make_profile_request(const ProfileSpec& spec);

}  // namespace ob::bench
