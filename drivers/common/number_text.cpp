#include "drivers/common/number_text.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

namespace ob::drivers {
namespace {

constexpr std::string_view kBlanks = " \t\r\n";
constexpr int kMaxDecimals = 9;
// Enough for any double below 1e300 in fixed notation with kMaxDecimals digits.
constexpr std::size_t kFixedBufferBytes = 320;

std::string_view strip_plus(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  return text;
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

std::string format_fixed(double value, int decimals) {
  if (decimals < 0) decimals = 0;
  if (decimals > kMaxDecimals) decimals = kMaxDecimals;
  std::array<char, kFixedBufferBytes> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) return "nan";  // only for absurd magnitudes; range checks run first
  std::string text(buffer.data(), end);
  // Rounding can turn a tiny negative into "-0.000": instruments do not want the sign.
  if (text.front() == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  return text;
}

std::string_view trim(std::string_view text) {
  auto first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(kBlanks);
  return text.substr(first, last - first + 1);
}

std::optional<double> parse_number(std::string_view text) {
  text = strip_plus(trim(text));
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> parse_quantity(std::string_view text, std::string_view unit) {
  text = strip_plus(trim(text));
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || !std::isfinite(value)) return std::nullopt;
  auto rest = trim(std::string_view(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr)));
  if (rest.empty()) return value;
  if (rest.size() == unit.size() + 1 && (rest.front() == 'k' || rest.front() == 'K' || rest.front() == 'm')) {
    value *= rest.front() == 'm' ? 1e-3 : 1e3;
    rest.remove_prefix(1);
  }
  if (!iequals(rest, unit)) return std::nullopt;
  return value;
}

std::optional<long> parse_integer(std::string_view text) {
  text = strip_plus(trim(text));
  if (text.empty()) return std::nullopt;
  long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split_fields(std::string_view text, char separator) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    auto pos = text.find(separator, start);
    fields.push_back(trim(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start)));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return fields;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

}  // namespace ob::drivers
