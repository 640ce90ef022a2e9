#include "profiles/orbit/time_scales.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>

namespace ob::profiles::orbit {

namespace {

constexpr double kSecondsPerMinute = 60.0;
constexpr double kSecondsPerHour = 3600.0;
constexpr double kHoursPerDay = 24.0;
constexpr double kMinutesPerHour = 60.0;
constexpr int kMonthsPerYear = 12;
constexpr int kMaxFractionDigits = 9;
// Vallado's jday (Fundamentals of Astrodynamics, 2013, alg. 14): JD of 0 h on the given date is
// 367·y − ⌊7(y + ⌊(m+9)/12⌋)/4⌋ + ⌊275·m/9⌋ + d + 1721013.5.
constexpr double kJdayOffset = 1721013.5;
// TLE two-digit years: 57..99 → 1957..1999 (Sputnik), 00..56 → 2000..2056 (Vallado twoline2rv).
constexpr int kTleCenturyPivot = 57;
constexpr int kYear1900 = 1900;
constexpr int kYear2000 = 2000;
// IAU-82 GMST in seconds of time (Vallado 2013, eq. 3-45):
// 67310.54841 + (876600 h + 8640184.812866) s·T + 0.093104·T² − 6.2e-6·T³.
constexpr double kGmstC0S = 67310.54841;
constexpr double kGmstC1S = 876600.0 * 3600.0 + 8640184.812866;
constexpr double kGmstC2S = 0.093104;
constexpr double kGmstC3S = -6.2e-6;
// 360° per 86400 s of sidereal time: 1/240 degree per second.
constexpr double kSecondsOfTimePerDegree = 240.0;

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr std::array<int, kMonthsPerYear> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays.at(static_cast<std::size_t>(month - 1));
}

// Vallado's days2mdhms: day of year with fraction → month, day, hour, minute, second. Its leap
// rule is year % 4 (right for 1901..2099, the TLE range).
void days_to_mdhms(int year, double days, int& month, int& day, int& hour, int& minute,
                   double& second) {
  std::array<int, kMonthsPerYear> month_lengths{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year % 4 == 0) month_lengths[1] = 29;
  const int day_of_year = static_cast<int>(std::floor(days));
  int month_index = 1;
  int days_before = 0;
  while (day_of_year > days_before + month_lengths[static_cast<std::size_t>(month_index - 1)] &&
         month_index < kMonthsPerYear) {
    days_before += month_lengths[static_cast<std::size_t>(month_index - 1)];
    ++month_index;
  }
  month = month_index;
  day = day_of_year - days_before;
  double temp = (days - day_of_year) * kHoursPerDay;
  hour = static_cast<int>(std::floor(temp));
  temp = (temp - hour) * kMinutesPerHour;
  minute = static_cast<int>(std::floor(temp));
  second = (temp - minute) * kSecondsPerMinute;
}

JulianDate jday(int year, int month, int day, int hour, int minute, double second) {
  JulianDate jd;
  jd.day = 367.0 * year - std::floor((7 * (year + std::floor((month + 9) / 12.0))) * 0.25) +
           std::floor(275 * month / 9.0) + day + kJdayOffset;
  jd.fraction = (second + minute * kSecondsPerMinute + hour * kSecondsPerHour) / kSecondsPerDay;
  if (std::fabs(jd.fraction) > 1.0) {
    const double whole = std::floor(jd.fraction);
    jd.day += whole;
    jd.fraction -= whole;
  }
  return jd;
}

// Civil date of a Julian day number (Fliegel & Van Flandern, CACM 11, 1968), valid for all
// Gregorian dates after −4713.
void civil_from_day_number(std::int64_t jdn, int& year, int& month, int& day) {
  std::int64_t l = jdn + 68569;
  const std::int64_t n = 4 * l / 146097;
  l = l - (146097 * n + 3) / 4;
  const std::int64_t i = 4000 * (l + 1) / 1461001;
  l = l - 1461 * i / 4 + 31;
  const std::int64_t j = 80 * l / 2447;
  day = static_cast<int>(l - 2447 * j / 80);
  l = j / 11;
  month = static_cast<int>(j + 2 - 12 * l);
  year = static_cast<int>(100 * (n - 49) + i + l);
}

JulianDate normalised(double day, double fraction) {
  // Put the whole part on a midnight (x.5) and the fraction in [0, 1).
  const double day_offset = day - (std::floor(day - 0.5) + 0.5);
  day -= day_offset;
  fraction += day_offset;
  const double whole = std::floor(fraction);
  return {day + whole, fraction - whole};
}

[[noreturn]] void bad_time(std::string_view text, std::string_view reason) {
  throw TimeFormatError("'" + std::string(text) + "' is not an ISO-8601 time (" +
                        std::string(reason) + "); expected e.g. 2026-12-01T00:00:00Z");
}

// Reads exactly `width` digits at `pos`.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t width, int& value) {
  if (pos + width > text.size()) return false;
  const char* first = text.data() + pos;
  const char* last = first + width;
  for (const char* c = first; c != last; ++c) {
    if (*c < '0' || *c > '9') return false;
  }
  std::from_chars(first, last, value);
  pos += width;
  return true;
}

bool expect_char(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

JulianDate JulianDate::plus_minutes(double minutes) const {
  return normalised(day, fraction + minutes / kMinutesPerDay);
}

JulianDate julian_date_from_utc(const UtcDateTime& utc) {
  return jday(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second);
}

UtcDateTime utc_from_julian_date(const JulianDate& jd) {
  const JulianDate n = normalised(jd.day, jd.fraction);
  UtcDateTime utc;
  // n.day is a midnight (x.5); the Julian day number of that civil date is n.day + 0.5.
  civil_from_day_number(static_cast<std::int64_t>(std::llround(n.day + 0.5)), utc.year, utc.month,
                        utc.day);
  double hours = n.fraction * kHoursPerDay;
  utc.hour = static_cast<int>(std::floor(hours));
  double minutes = (hours - utc.hour) * kMinutesPerHour;
  utc.minute = static_cast<int>(std::floor(minutes));
  utc.second = (minutes - utc.minute) * kSecondsPerMinute;
  return utc;
}

UtcDateTime parse_iso8601_utc(std::string_view text) {
  std::size_t pos = 0;
  UtcDateTime utc;
  constexpr std::size_t kYearDigits = 4;
  constexpr std::size_t kFieldDigits = 2;
  if (!read_digits(text, pos, kYearDigits, utc.year) || !expect_char(text, pos, '-') ||
      !read_digits(text, pos, kFieldDigits, utc.month) || !expect_char(text, pos, '-') ||
      !read_digits(text, pos, kFieldDigits, utc.day)) {
    bad_time(text, "the date must be YYYY-MM-DD");
  }
  if (utc.month < 1 || utc.month > kMonthsPerYear) bad_time(text, "month out of range");
  if (utc.day < 1 || utc.day > days_in_month(utc.year, utc.month)) {
    bad_time(text, "day out of range for the month");
  }
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    if (!read_digits(text, pos, kFieldDigits, utc.hour) || !expect_char(text, pos, ':') ||
        !read_digits(text, pos, kFieldDigits, utc.minute)) {
      bad_time(text, "the time must be hh:mm[:ss[.fff]]");
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      const std::size_t seconds_start = pos;
      int whole_seconds = 0;
      if (!read_digits(text, pos, kFieldDigits, whole_seconds)) {
        bad_time(text, "the seconds must be two digits");
      }
      utc.second = whole_seconds;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t fraction_start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == fraction_start) bad_time(text, "no digits after the decimal point");
        // The nearest double to "ss.fff…".
        std::from_chars(text.data() + seconds_start, text.data() + pos, utc.second);
      }
    }
    constexpr int kHoursMax = 23;
    constexpr int kMinutesMax = 59;
    if (utc.hour > kHoursMax) bad_time(text, "hour out of range");
    if (utc.minute > kMinutesMax) bad_time(text, "minute out of range");
    if (utc.second >= kSecondsPerMinute) bad_time(text, "second out of range (leap seconds are not supported)");
  }
  const std::string_view zone = text.substr(pos);
  if (zone.empty() || zone == "Z" || zone == "z") return utc;
  // An offset from UTC (+hh:mm, +hhmm or +hh; − west of Greenwich): the same instant in UTC.
  std::size_t at = 0;
  const int sign = zone[0] == '+' ? 1 : zone[0] == '-' ? -1 : 0;
  int offset_hours = 0;
  int offset_minutes = 0;
  ++at;
  if (sign == 0 || !read_digits(zone, at, kFieldDigits, offset_hours)) {
    bad_time(text, "after the time: Z, or an offset such as +02:00 or -0530");
  }
  if (at < zone.size()) {
    if (zone[at] == ':') ++at;
    if (!read_digits(zone, at, kFieldDigits, offset_minutes) || at != zone.size()) {
      bad_time(text, "the offset must be +hh:mm, +hhmm or +hh");
    }
  }
  constexpr int kMaxOffsetHours = 14;  // UTC−12 … UTC+14 are the zones in use
  constexpr int kMinutesMax = 59;
  if (offset_hours > kMaxOffsetHours || offset_minutes > kMinutesMax) bad_time(text, "offset out of range (±14:00)");
  // Local minus offset, in whole minutes of the day; a day carried goes through the day number.
  constexpr int kMinutesPerDayInt = 1440;
  int minute_of_day = utc.hour * 60 + utc.minute - sign * (offset_hours * 60 + offset_minutes);
  int day_shift = 0;
  while (minute_of_day < 0) {
    minute_of_day += kMinutesPerDayInt;
    --day_shift;
  }
  while (minute_of_day >= kMinutesPerDayInt) {
    minute_of_day -= kMinutesPerDayInt;
    ++day_shift;
  }
  utc.hour = minute_of_day / 60;
  utc.minute = minute_of_day % 60;
  if (day_shift != 0) {
    const JulianDate midnight = jday(utc.year, utc.month, utc.day, 0, 0, 0.0);
    civil_from_day_number(static_cast<std::int64_t>(std::llround(midnight.day + 0.5)) + day_shift, utc.year, utc.month,
                          utc.day);
  }
  return utc;
}

std::string format_iso8601_utc(const UtcDateTime& utc, int fraction_digits) {
  return format_iso8601_utc(julian_date_from_utc(utc), fraction_digits);
}

std::string format_iso8601_utc(const JulianDate& jd, int fraction_digits) {
  if (fraction_digits < 0) fraction_digits = 0;
  if (fraction_digits > kMaxFractionDigits) fraction_digits = kMaxFractionDigits;
  // Round the time of day once, in integer units of the last printed digit, so that 59.9996 s
  // printed with 3 digits carries into the next minute instead of printing "60.000".
  const JulianDate n = normalised(jd.day, jd.fraction);
  const auto units_per_second = static_cast<std::int64_t>(std::llround(std::pow(10.0, fraction_digits)));
  const std::int64_t units_per_day = static_cast<std::int64_t>(kSecondsPerDay) * units_per_second;
  std::int64_t units = std::llround(n.fraction * static_cast<double>(units_per_day));
  double day = n.day;
  if (units >= units_per_day) {
    units -= units_per_day;
    day += 1.0;
  }
  UtcDateTime utc;
  civil_from_day_number(static_cast<std::int64_t>(std::llround(day + 0.5)), utc.year, utc.month,
                        utc.day);
  const std::int64_t total_seconds = units / units_per_second;
  const std::int64_t sub_units = units % units_per_second;
  constexpr std::int64_t kSecondsPerHourInt = 3600;
  constexpr std::int64_t kSecondsPerMinuteInt = 60;
  const auto hour = static_cast<int>(total_seconds / kSecondsPerHourInt);
  const auto minute = static_cast<int>((total_seconds % kSecondsPerHourInt) / kSecondsPerMinuteInt);
  const auto second = static_cast<int>(total_seconds % kSecondsPerMinuteInt);
  char buffer[64];
  int length = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", utc.year,
                             utc.month, utc.day, hour, minute, second);
  std::string out(buffer, static_cast<std::size_t>(length));
  if (fraction_digits > 0) {
    length = std::snprintf(buffer, sizeof buffer, ".%0*lld", fraction_digits,
                           static_cast<long long>(sub_units));
    out.append(buffer, static_cast<std::size_t>(length));
  }
  out.push_back('Z');
  return out;
}

int four_digit_year_from_tle(int two_digit_year) {
  return two_digit_year < kTleCenturyPivot ? two_digit_year + kYear2000
                                           : two_digit_year + kYear1900;
}

JulianDate julian_date_from_tle_epoch(int two_digit_year, double day_of_year) {
  const int year = four_digit_year_from_tle(two_digit_year);
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  double second = 0;
  days_to_mdhms(year, day_of_year, month, day, hour, minute, second);
  return jday(year, month, day, hour, minute, second);
}

double gmst_rad(double jd_ut1) {
  constexpr double kTwoPi = 2.0 * std::numbers::pi;
  constexpr double kDegToRad = std::numbers::pi / 180.0;
  const double tut1 = (jd_ut1 - kJulianDateJ2000) / kDaysPerJulianCentury;
  double temp = kGmstC3S * tut1 * tut1 * tut1 + kGmstC2S * tut1 * tut1 + kGmstC1S * tut1 + kGmstC0S;
  temp = std::fmod(temp * kDegToRad / kSecondsOfTimePerDegree, kTwoPi);
  if (temp < 0.0) temp += kTwoPi;
  return temp;
}

}  // namespace ob::profiles::orbit
