#pragma once
// The satellites the sgp4 and profile benchmarks propagate: the near-Earth cases of Vallado's
// verification set (tests/data/sgp4/SGP4-VER.TLE) that last a whole day without an SGP4 error,
// and the ISS (tests/data/sgp4/iss.tle).
#include <filesystem>
#include <string>
#include <vector>

#include "profiles/orbit/sgp4.hpp"

namespace ob::bench::perf {

inline constexpr double kSgp4StepMin = 10.0 / 60.0;  // 10 s
inline constexpr int kSgp4Steps = 8640;              // one day

struct Sgp4Subject {
  std::string label;
  std::string line1;  // 69 columns, as the peer reads them
  std::string line2;
  profiles::orbit::Sgp4 sgp4;
};

std::vector<Sgp4Subject> sgp4_subjects(const std::filesystem::path& source_dir);

// Writes the subjects' two-line sets to `file` (for the peer).
void write_tle_file(const std::vector<Sgp4Subject>& subjects, const std::filesystem::path& file);

}  // namespace ob::bench::perf
