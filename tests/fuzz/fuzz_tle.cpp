// libFuzzer target: TLE text (names, line pairs, checksums, fields) — anything but a TleError
// (a crash, an overflow, another exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "profiles/orbit/tle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto sets = ob::profiles::orbit::parse_tle_text(text, "fuzz");
    for (const auto& tle : sets) (void)tle;
  } catch (const ob::profiles::orbit::TleError&) {
  }
  return 0;
}
