#pragma once
// Vallado's SGP4 verification file (SGP4-VER.TLE, "Revisiting Spacetrack Report #3",
// AIAA 2006-6753): '#' comment lines, then TLE pairs whose line 2 carries, after column 69,
// the start, stop and step of the test run in minutes since epoch. Several cases have edited
// elements with stale checksums, so checksums are not checked here.
#include <filesystem>
#include <vector>

#include "profiles/orbit/tle.hpp"

namespace ob::profiles::orbit {

struct VerificationCase {
  Tle tle;
  double start_min = 0;
  double stop_min = 0;
  double step_min = 0;
};

// Throws TleError ("file:line: reason") for a malformed case.
std::vector<VerificationCase> read_verification_tle_file(const std::filesystem::path& path);

}  // namespace ob::profiles::orbit
