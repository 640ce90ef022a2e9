#include "bench/perf/sgp4_subjects.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "profiles/orbit/tle.hpp"
#include "profiles/orbit/tle_verification.hpp"

namespace ob::bench::perf {

namespace orbit = profiles::orbit;

namespace {
constexpr std::size_t kTleLineLength = 69;
}

std::vector<Sgp4Subject> sgp4_subjects(const std::filesystem::path& source_dir) {
  const auto data = source_dir / "tests/data/sgp4";
  if (!std::filesystem::exists(data / "SGP4-VER.TLE")) {
    throw std::runtime_error("no SGP4 verification TLEs at " + (data / "SGP4-VER.TLE").string() + " (--source-dir)");
  }
  std::vector<orbit::Tle> tles;
  for (const auto& c : orbit::read_verification_tle_file((data / "SGP4-VER.TLE").string())) tles.push_back(c.tle);
  for (const auto& t : orbit::read_tle_file((data / "iss.tle").string())) tles.push_back(t);
  std::vector<Sgp4Subject> out;
  std::vector<int> seen;
  for (const auto& tle : tles) {
    if (std::find(seen.begin(), seen.end(), tle.catalog_number) != seen.end()) continue;
    auto sgp4 = orbit::Sgp4::from_tle(tle);
    if (!sgp4 || sgp4->is_deep_space()) continue;
    bool whole_day = true;
    for (int k = 0; k < kSgp4Steps && whole_day; ++k) whole_day = sgp4->propagate(k * kSgp4StepMin).has_value();
    if (!whole_day) continue;
    seen.push_back(tle.catalog_number);
    out.push_back({tle.label(), tle.line1.substr(0, kTleLineLength), tle.line2.substr(0, kTleLineLength), *sgp4});
  }
  return out;
}

void write_tle_file(const std::vector<Sgp4Subject>& subjects, const std::filesystem::path& file) {
  std::ofstream out(file);
  for (const auto& s : subjects) out << s.line1 << "\n" << s.line2 << "\n";
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace ob::bench::perf
