// CSV export: "t_s,<series>[<unit>],..." then one row per grid point, '\n' line ends.
// Values are printed with 9 significant digits (%.9g): far finer than any instrument, and the
// text parses back to within 1e-9 relative of the stored double.
#include <array>
#include <cstdio>
#include <string>

#include "profiles/orbit_profile.hpp"

namespace ob::profiles {

namespace {

constexpr int kCsvSignificantDigits = 9;
constexpr std::size_t kCellBufferSize = 40;
constexpr std::size_t kTypicalCellChars = 12;

void append_number(std::string& out, double value) {
  std::array<char, kCellBufferSize> buffer{};
  const int length =
      std::snprintf(buffer.data(), buffer.size(), "%.*g", kCsvSignificantDigits, value);
  out.append(buffer.data(), static_cast<std::size_t>(length));
}

}  // namespace

std::string to_csv(const pb::Profile& profile) {
  const int points = profile.t_s_size();
  for (const pb::Series& column : profile.series()) {
    if (column.value_size() != points) {
      throw ProfileError("series " + column.name() + " has " +
                         std::to_string(column.value_size()) + " values for " +
                         std::to_string(points) + " time points");
    }
  }
  std::string out = "t_s";
  for (const pb::Series& column : profile.series()) {
    out += ',' + column.name() + '[' + column.unit() + ']';
  }
  out += '\n';
  const auto columns = static_cast<std::size_t>(profile.series_size()) + 1;
  out.reserve(out.size() + static_cast<std::size_t>(points) * columns * kTypicalCellChars);
  for (int k = 0; k < points; ++k) {
    append_number(out, profile.t_s(k));
    for (const pb::Series& column : profile.series()) {
      out += ',';
      append_number(out, column.value(k));
    }
    out += '\n';
  }
  return out;
}

}  // namespace ob::profiles
