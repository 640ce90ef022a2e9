#include "profiles/orbit/tle_verification.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace ob::profiles::orbit {

namespace {
// The run times start after the TLE's 69 columns.
constexpr std::size_t kExtensionColumn = 69;
}  // namespace

std::vector<VerificationCase> read_verification_tle_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TleError(path.string() + ": cannot open the verification file");
  const std::string source = path.string();
  const TleParseOptions options{.check_checksums = false, .allow_text_after_column_69 = true};

  std::vector<VerificationCase> cases;
  std::string line;
  std::string line1;
  int line1_number = 0;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '1') {
      line1 = line;
      line1_number = number;
      continue;
    }
    if (line.front() != '2' || line1.empty()) {
      throw TleError(source + ":" + std::to_string(number) + ": expected line 1 or 2 of a case");
    }
    VerificationCase c;
    c.tle = parse_tle(line1, line, {}, source, line1_number, options);
    std::istringstream times(line.size() > kExtensionColumn ? line.substr(kExtensionColumn) : "");
    if (!(times >> c.start_min >> c.stop_min >> c.step_min)) {
      throw TleError(source + ":" + std::to_string(number) +
                     ": line 2 lacks start, stop and step minutes after column 69");
    }
    cases.push_back(std::move(c));
    line1.clear();
  }
  return cases;
}

}  // namespace ob::profiles::orbit
