#include "profiles/orbit/tle.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "profiles/bounded_read.hpp"

namespace ob::profiles::orbit {

namespace {

// Column layout, 1-based inclusive as the format documents it (CelesTrak, "NORAD Two-Line
// Element Set Format"; Spacetrack Report #3, 1980).
struct Columns {
  int first;
  int last;
};
constexpr int kLineLength = 69;
constexpr int kChecksumColumn = 69;
constexpr Columns kLineNumber{1, 1};
constexpr Columns kCatalog{3, 7};
// Line 1
constexpr Columns kClassification{8, 8};
constexpr Columns kDesignator{10, 17};
constexpr Columns kEpochYear{19, 20};
constexpr Columns kEpochDay{21, 32};
constexpr Columns kMeanMotionDot{34, 43};
constexpr Columns kMeanMotionDdot{45, 52};
constexpr Columns kBstar{54, 61};
constexpr Columns kEphemerisType{63, 63};
constexpr Columns kElementSet{65, 68};
constexpr int kLine1Blanks[] = {2, 9, 18, 33, 44, 53, 62, 64};
// Line 2
constexpr Columns kInclination{9, 16};
constexpr Columns kRaan{18, 25};
constexpr Columns kEccentricity{27, 33};
constexpr Columns kArgPerigee{35, 42};
constexpr Columns kMeanAnomaly{44, 51};
constexpr Columns kMeanMotion{53, 63};
constexpr Columns kRevolution{64, 68};
constexpr int kLine2Blanks[] = {2, 8, 17, 26, 34, 43, 52};

constexpr int kChecksumModulus = 10;
constexpr double kMaxInclinationDeg = 180.0;
constexpr double kFullCircleDeg = 360.0;
// A day-of-year field runs from 1.0 (Jan 1, 0 h) to below 367.0 (end of Dec 31 in a leap year).
constexpr double kFirstDayOfYear = 1.0;
constexpr double kDayAfterLeapYear = 367.0;
// Alpha-5: the first character's letter stands for 10..33 (I and O are skipped), times 10^4.
constexpr std::string_view kAlpha5Letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
constexpr int kAlpha5FirstValue = 10;
constexpr int kAlpha5Scale = 10000;
// Implied-decimal exponent fields ("-11606-4" = −0.11606e-4): sign, five digits, signed exponent.
constexpr int kImpliedMantissaDigits = 5;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Errors name the source, the line number and the reason.
class LineContext {
 public:
  LineContext(std::string_view source, int line_number, int which_line, std::string_view text)
      : source_(source), line_number_(line_number), which_(which_line), text_(text) {}

  [[noreturn]] void fail(const std::string& reason) const {
    throw TleError(std::string(source_) + ":" + std::to_string(line_number_) + ": " + reason);
  }

  std::string_view field(Columns c) const {
    return text_.substr(static_cast<std::size_t>(c.first - 1),
                        static_cast<std::size_t>(c.last - c.first + 1));
  }

  std::string describe(std::string_view what, Columns c) const {
    return "line " + std::to_string(which_) + " " + std::string(what) + " (columns " +
           std::to_string(c.first) + "-" + std::to_string(c.last) + ") '" +
           std::string(field(c)) + "'";
  }

  double number(std::string_view what, Columns c) const {
    std::string_view f = trim(field(c));
    if (!f.empty() && f.front() == '+') f.remove_prefix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), value);
    if (f.empty() || ec != std::errc() || end != f.data() + f.size()) {
      fail(describe(what, c) + " is not a number");
    }
    return value;
  }

  // An integer field; blank reads as `blank_value` when that is allowed (>= 0).
  int integer(std::string_view what, Columns c, int blank_value = -1) const {
    const std::string_view f = trim(field(c));
    if (f.empty() && blank_value >= 0) return blank_value;
    int value = 0;
    const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), value);
    if (f.empty() || ec != std::errc() || end != f.data() + f.size() || value < 0) {
      fail(describe(what, c) + " is not a whole number");
    }
    return value;
  }

  // "-11606-4" = −0.11606e-4; "00000-0", " 00000+0", "+12345-3" are all valid.
  double implied_decimal(std::string_view what, Columns c) const {
    const std::string_view f = field(c);
    std::size_t pos = 0;
    double sign = 1.0;
    if (f[pos] == '-' || f[pos] == '+' || f[pos] == ' ') {
      if (f[pos] == '-') sign = -1.0;
      ++pos;
    }
    const std::string_view mantissa = f.substr(pos, kImpliedMantissaDigits);
    const std::size_t exponent_pos = pos + kImpliedMantissaDigits;
    if (mantissa.size() != kImpliedMantissaDigits || exponent_pos + 2 != f.size()) {
      fail(describe(what, c) + " is not an implied-decimal number like -11606-4");
    }
    // As Vallado's reader and python-sgp4 read it: the mantissa's decimal text ".DDDDD" converted
    // once, then scaled by pow(10, exponent) — not the digits accumulated as an integer and
    // scaled twice, which can land one ulp off and, at an SGP4 branch threshold, on its other side.
    std::string text = "0.";
    for (const char ch : mantissa) {
      const char d = ch == ' ' ? '0' : ch;
      if (d < '0' || d > '9') fail(describe(what, c) + " is not an implied-decimal number like -11606-4");
      text += d;
    }
    const char exponent_sign = f[exponent_pos];
    const char exponent_digit = f[exponent_pos + 1];
    if ((exponent_sign != '-' && exponent_sign != '+' && exponent_sign != ' ') ||
        exponent_digit < '0' || exponent_digit > '9') {
      fail(describe(what, c) + " has no exponent like -4 at its end");
    }
    const int exponent = (exponent_sign == '-' ? -1 : 1) * (exponent_digit - '0');
    return sign * decimal(text) * std::pow(10.0, exponent);
  }

  // Decimal text (digits checked by the caller) to the nearest double, converted once.
  static double decimal(const std::string& text) {
    double value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }

  // Eccentricity: seven digits after an implied "0." (blanks read as zeros, as Vallado's reader).
  // The text "0.DDDDDDD" converted once, as Vallado's reader and python-sgp4 do: "0001000" is
  // the double nearest 1e-4, which SGP4's `ecco > 1.0e-4` test must see as equal, not above.
  double implied_fraction(std::string_view what, Columns c) const {
    std::string text = "0.";
    for (const char ch : field(c)) {
      const char d = ch == ' ' ? '0' : ch;
      if (d < '0' || d > '9') fail(describe(what, c) + " must be digits (an implied leading 0.)");
      text += d;
    }
    return decimal(text);
  }

  void expect_blank(int column) const {
    const char c = text_[static_cast<std::size_t>(column - 1)];
    if (c != ' ') {
      fail("line " + std::to_string(which_) + " column " + std::to_string(column) +
           " must be blank, found '" + std::string(1, c) + "' (misaligned columns?)");
    }
  }

  const std::string_view& text() const { return text_; }
  int which() const { return which_; }

 private:
  std::string_view source_;
  int line_number_;
  int which_;
  std::string_view text_;
};

std::string_view strip_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ' ||
                           line.back() == '\t')) {
    line.remove_suffix(1);
  }
  return line;
}

void check_shape(const LineContext& ctx, const TleParseOptions& options) {
  const std::string_view text = ctx.text();
  const char expected = static_cast<char>('0' + ctx.which());
  if (text.empty() || text.front() != expected) {
    ctx.fail("expected line " + std::to_string(ctx.which()) + " of a TLE (starting '" +
             std::string(1, expected) + " '), found '" + std::string(text.substr(0, 20)) + "'");
  }
  const auto length = static_cast<int>(text.size());
  if (length < kLineLength || (length > kLineLength && !options.allow_text_after_column_69)) {
    ctx.fail("line " + std::to_string(ctx.which()) + " is " + std::to_string(length) +
             " characters long, expected " + std::to_string(kLineLength));
  }
  if (options.check_checksums) {
    const char stated = text[kChecksumColumn - 1];
    const int computed = tle_checksum(text);
    if (stated < '0' || stated > '9') {
      ctx.fail("line " + std::to_string(ctx.which()) + " checksum (column 69) '" +
               std::string(1, stated) + "' is not a digit, expected " + std::to_string(computed));
    }
    if (stated - '0' != computed) {
      ctx.fail("line " + std::to_string(ctx.which()) + " checksum is " + std::string(1, stated) +
               ", expected " + std::to_string(computed));
    }
  }
}

int catalog_of(const LineContext& ctx) {
  const int number = decode_catalog_number(ctx.field(kCatalog));
  if (number < 0) {
    ctx.fail(ctx.describe("catalogue number", kCatalog) +
             " is neither five digits nor Alpha-5 (a letter and four digits)");
  }
  return number;
}

double angle_in(const LineContext& ctx, std::string_view what, Columns c, double upper_deg,
                bool upper_inclusive) {
  const double value = ctx.number(what, c);
  const bool too_high = upper_inclusive ? value > upper_deg : value >= upper_deg;
  if (value < 0.0 || too_high) {
    char range[48];
    std::snprintf(range, sizeof range, "[0, %g%c", upper_deg, upper_inclusive ? ']' : ')');
    ctx.fail(ctx.describe(what, c) + " is outside " + range + " degrees");
  }
  return value;
}

}  // namespace

std::string Tle::label() const {
  if (name.empty()) return catalog_text;
  return name + " (" + catalog_text + ")";
}

int tle_checksum(std::string_view line) {
  int sum = 0;
  const std::size_t n = std::min<std::size_t>(line.size(), kChecksumColumn - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const char c = line[i];
    if (c >= '0' && c <= '9') sum += c - '0';
    if (c == '-') sum += 1;
  }
  return sum % kChecksumModulus;
}

int decode_catalog_number(std::string_view text) {
  constexpr std::size_t kWidth = 5;
  if (text.size() != kWidth) return -1;
  int value = 0;
  std::size_t start = 0;
  const char first = text.front();
  if (first >= 'A' && first <= 'Z') {
    const std::size_t index = kAlpha5Letters.find(first);
    if (index == std::string_view::npos) return -1;
    value = (kAlpha5FirstValue + static_cast<int>(index)) * kAlpha5Scale;
    start = 1;
  }
  int rest = 0;
  bool any_digit = false;
  for (std::size_t i = start; i < kWidth; ++i) {
    const char c = text[i];
    if (c == ' ' && !any_digit && start == 0) continue;  // old sets pad with leading blanks
    if (c < '0' || c > '9') return -1;
    any_digit = true;
    rest = rest * 10 + (c - '0');
  }
  if (!any_digit) return -1;
  return value + rest;
}

Tle parse_tle(std::string_view line1_in, std::string_view line2_in, std::string_view name,
              std::string_view source, int line1_number, const TleParseOptions& options) {
  const std::string_view line1 = strip_line(line1_in);
  const std::string_view line2 = strip_line(line2_in);
  const LineContext l1(source, line1_number, 1, line1);
  const LineContext l2(source, line1_number + 1, 2, line2);
  check_shape(l1, options);
  check_shape(l2, options);
  for (const int column : kLine1Blanks) l1.expect_blank(column);
  for (const int column : kLine2Blanks) l2.expect_blank(column);

  Tle tle;
  tle.name = std::string(trim(name));
  tle.line1 = std::string(line1);
  tle.line2 = std::string(line2);

  tle.catalog_text = std::string(l1.field(kCatalog));
  tle.catalog_number = catalog_of(l1);
  const int catalog2 = catalog_of(l2);
  if (catalog2 != tle.catalog_number) {
    l2.fail("line 2 catalogue number " + std::string(l2.field(kCatalog)) +
            " does not match line 1's " + tle.catalog_text);
  }
  const char classification = l1.field(kClassification).front();
  if (classification != 'U' && classification != 'C' && classification != 'S' &&
      classification != ' ') {
    l1.fail(l1.describe("classification", kClassification) + " must be U, C or S");
  }
  tle.classification = classification == ' ' ? 'U' : classification;
  tle.international_designator = std::string(trim(l1.field(kDesignator)));

  tle.epoch_two_digit_year = l1.integer("epoch year", kEpochYear);
  tle.epoch_day_of_year = l1.number("epoch day", kEpochDay);
  if (tle.epoch_day_of_year < kFirstDayOfYear || tle.epoch_day_of_year >= kDayAfterLeapYear) {
    l1.fail(l1.describe("epoch day", kEpochDay) + " is outside [1, 367)");
  }
  tle.epoch = julian_date_from_tle_epoch(tle.epoch_two_digit_year, tle.epoch_day_of_year);
  tle.mean_motion_dot_rev_per_day2 = l1.number("mean motion derivative", kMeanMotionDot);
  tle.mean_motion_ddot_rev_per_day3 = l1.implied_decimal("mean motion second derivative", kMeanMotionDdot);
  tle.bstar_per_earth_radius = l1.implied_decimal("BSTAR", kBstar);
  tle.ephemeris_type = l1.integer("ephemeris type", kEphemerisType, 0);
  tle.element_set_number = l1.integer("element set number", kElementSet, 0);

  tle.inclination_deg = angle_in(l2, "inclination", kInclination, kMaxInclinationDeg, true);
  tle.raan_deg = angle_in(l2, "right ascension of the ascending node", kRaan, kFullCircleDeg, false);
  tle.eccentricity = l2.implied_fraction("eccentricity", kEccentricity);  // [0, 1) by construction
  tle.arg_perigee_deg = angle_in(l2, "argument of perigee", kArgPerigee, kFullCircleDeg, false);
  tle.mean_anomaly_deg = angle_in(l2, "mean anomaly", kMeanAnomaly, kFullCircleDeg, false);
  tle.mean_motion_rev_per_day = l2.number("mean motion", kMeanMotion);
  if (!(tle.mean_motion_rev_per_day > 0.0)) {
    l2.fail(l2.describe("mean motion", kMeanMotion) + " must be greater than 0 rev/day");
  }
  tle.revolution_number = l2.integer("revolution number", kRevolution, 0);
  return tle;
}

std::vector<Tle> parse_tle_text(std::string_view text, std::string_view source,
                                const TleParseOptions& options) {
  struct Line {
    std::string_view text;
    int number;
  };
  std::vector<Line> lines;
  int number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++number;
    const std::string_view line = strip_line(text.substr(start, end - start));
    if (!trim(line).empty() && line.front() != '#') lines.push_back({line, number});
    if (end == text.size()) break;
    start = end + 1;
  }

  auto starts_line = [](std::string_view line, char digit) {
    return line.size() >= 2 && line[0] == digit && line[1] == ' ';
  };
  auto fail_at = [&](int line_number, const std::string& reason) {
    throw TleError(std::string(source) + ":" + std::to_string(line_number) + ": " + reason);
  };

  std::vector<Tle> tles;
  std::size_t i = 0;
  while (i < lines.size()) {
    std::string_view name;
    if (!starts_line(lines[i].text, '1') && !starts_line(lines[i].text, '2')) {
      name = lines[i].text;
      if (name.size() >= 2 && name[0] == '0' && name[1] == ' ') name.remove_prefix(2);
      ++i;
      if (i == lines.size()) {
        fail_at(lines[i - 1].number,
                "name line '" + std::string(trim(name)) + "' is not followed by a TLE");
      }
      if (!starts_line(lines[i].text, '1')) {
        fail_at(lines[i].number, "expected line 1 of a TLE after the name line '" +
                                     std::string(trim(name)) + "', found '" +
                                     std::string(lines[i].text.substr(0, 20)) + "'");
      }
    }
    if (starts_line(lines[i].text, '2')) {
      fail_at(lines[i].number, "line 2 of a TLE without a line 1 before it");
    }
    if (i + 1 == lines.size()) fail_at(lines[i].number, "line 1 of a TLE without a line 2 after it");
    tles.push_back(parse_tle(lines[i].text, lines[i + 1].text, name, source, lines[i].number, options));
    i += 2;
  }
  if (tles.empty()) throw TleError(std::string(source) + ": no TLE found");
  return tles;
}

std::vector<Tle> read_tle_file(const std::filesystem::path& path, const TleParseOptions& options) {
  std::string text;
  try {
    text = read_bounded_file(path.string(), kMaxTleFileBytes);
  } catch (const FileTooLarge& e) {
    throw TleError(e.what());
  } catch (const FileUnreadable&) {
    throw TleError(path.string() + ": cannot open the TLE file");
  }
  return parse_tle_text(text, path.string(), options);
}

const Tle& select_tle(const std::vector<Tle>& tles, std::string_view selector,
                      std::string_view source) {
  const std::string_view wanted = trim(selector);
  if (wanted.empty()) {
    if (tles.size() == 1) return tles.front();
  } else {
    const std::string wanted_lower = lower(wanted);
    for (const Tle& tle : tles) {
      if (lower(trim(tle.name)) == wanted_lower) return tle;
    }
    // A number: plain digits (any width) or the 5-character Alpha-5 form.
    int number = -1;
    if (std::all_of(wanted.begin(), wanted.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const auto [end, ec] = std::from_chars(wanted.data(), wanted.data() + wanted.size(), number);
      if (ec != std::errc() || end != wanted.data() + wanted.size()) number = -1;
    } else {
      std::string upper(wanted);
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      number = decode_catalog_number(upper);
    }
    for (const Tle& tle : tles) {
      if (number >= 0 && tle.catalog_number == number) return tle;
    }
  }
  std::string listing;
  for (const Tle& tle : tles) {
    if (!listing.empty()) listing += ", ";
    listing += tle.label();
  }
  const std::string what = wanted.empty()
                               ? "holds " + std::to_string(tles.size()) + " satellites; pick one with --sat"
                               : "has no satellite '" + std::string(wanted) + "'";
  throw TleError(std::string(source) + ": " + what + "; it holds: " + listing);
}

}  // namespace ob::profiles::orbit
