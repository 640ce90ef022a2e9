#pragma once
// Where a profile's orbit comes from — a TLE file (and which set in it), an element set, or a
// named preset — resolved into an SGP4 propagator with its epoch and provenance.
#include <optional>
#include <stdexcept>
#include <string>

#include "profiles/orbit/sgp4.hpp"
#include "profiles/orbit/time_scales.hpp"
#include "profiles/profile.pb.h"

namespace ob::profiles {

struct OrbitSource {
  enum class Kind { tle, elements, preset };
  Kind kind = Kind::preset;
  std::string tle_path;       // tle: the file
  std::string tle_selector;   // tle: name or catalogue number; empty for a one-set file
  std::string elements_spec;  // elements: "alt=550km,inc=53,…"
  std::string preset;         // preset: "starlink-550", …
  std::optional<orbit::JulianDate> epoch;  // elements/preset: overrides their epoch
};

struct ResolvedOrbit {
  orbit::Sgp4 propagator;
  orbit::JulianDate epoch;  // the element set's epoch; profiles start there unless told otherwise
  std::string description;  // "tle iss.tle: ISS (ZARYA) (25544)", "preset starlink-550", …
  std::string default_name; // a file-name-safe profile name
  pb::ProfileInputs inputs; // the orbit part of the provenance
};

// Bad input (an unreadable or malformed TLE, an unknown set or preset, invalid elements)
// throws std::invalid_argument subclasses whose message names the file and line or the key;
// elements SGP4 rejects throw OrbitSourceError.
struct OrbitSourceError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
ResolvedOrbit resolve_orbit(const OrbitSource& source);

}  // namespace ob::profiles
