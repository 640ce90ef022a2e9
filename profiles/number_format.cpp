#include "profiles/number_format.hpp"

#include <array>
#include <cstdio>

namespace ob::profiles {

namespace {
constexpr int kSignificantDigits = 10;
constexpr std::size_t kBufferSize = 32;
}  // namespace

std::string format_number(double value) {
  std::array<char, kBufferSize> buffer{};
  const int length = std::snprintf(buffer.data(), buffer.size(), "%.*g", kSignificantDigits, value);
  return {buffer.data(), static_cast<std::size_t>(length)};
}

}  // namespace ob::profiles
