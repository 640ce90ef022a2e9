#pragma once
// Locale-independent number <-> text for instrument protocols (std::to_chars / from_chars):
// a setpoint is always "5.000", never "5,000", whatever the process locale says.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ob::drivers {

// Fixed-point with `decimals` digits after the point; "-0.000" is written as "0.000".
std::string format_fixed(double value, int decimals);

// Parses a whole reply field as a number: surrounding blanks and a leading '+' are accepted,
// so are exponents ("+5.00000E+00"). Anything else left over (units, a second number) fails.
std::optional<double> parse_number(std::string_view text);
std::optional<long> parse_integer(std::string_view text);
// A reading that may carry its unit, as EA's supplies answer ("48.00V", "48.00 V", "1.5kW",
// "250mA"): the number, then optional blanks, an optional SI prefix (k, m) and `unit`
// (case-insensitive); a bare number is taken as in `unit`. Anything else: nullopt.
std::optional<double> parse_quantity(std::string_view text, std::string_view unit);

// Blanks (space, tab, CR, LF) removed at both ends.
std::string_view trim(std::string_view text);

// Splits on `separator`, trimming each field; "a, b,c" -> {"a","b","c"}; "" -> {""}.
std::vector<std::string_view> split_fields(std::string_view text, char separator);

// ASCII case-insensitive comparisons (instrument replies and model names are ASCII).
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);

}  // namespace ob::drivers
