#pragma once
// Time scales the orbit code shares: UTC calendar dates, Julian dates, TLE epochs and the
// Greenwich mean sidereal time that SGP4 uses.
//
// Leap seconds are ignored throughout: a UTC calendar date maps to a Julian date as if every
// day had 86 400 s, UT1 is taken equal to UTC (|UT1 − UTC| < 0.9 s, about 0.004° of Earth
// rotation), and a second "60" is refused. This is what SGP4 and its TLE epochs assume too.
#include <stdexcept>
#include <string>
#include <string_view>

namespace ob::profiles::orbit {

inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kMinutesPerDay = 1440.0;
// JD of 2000-01-01T12:00:00 (J2000.0), the origin of the IAU-82 GMST polynomial.
inline constexpr double kJulianDateJ2000 = 2451545.0;
inline constexpr double kDaysPerJulianCentury = 36525.0;

// A Julian date split into a whole part (ending in .5, i.e. a UTC midnight) and a fraction of
// a day, so that sub-millisecond precision survives: one double alone resolves only ~40 µs at
// today's JD ≈ 2.46e6.
struct JulianDate {
  double day = 0;       // JD of the UTC midnight that starts the day
  double fraction = 0;  // [0, 1) of a day after it

  double jd() const { return day + fraction; }
  // Minutes from this date to `later` (negative when `later` is earlier).
  double minutes_until(const JulianDate& later) const {
    return ((later.day - day) + (later.fraction - fraction)) * kMinutesPerDay;
  }
  // This date plus `minutes`, renormalised so that fraction stays in [0, 1).
  JulianDate plus_minutes(double minutes) const;
};

struct UtcDateTime {
  int year = 2000;
  int month = 1;   // 1..12
  int day = 1;     // 1..31
  int hour = 0;    // 0..23
  int minute = 0;  // 0..59
  double second = 0;  // [0, 60)
};

// Bad ISO-8601 text; the message names the text and what is wrong with it.
struct TimeFormatError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Vallado's jday: proleptic Gregorian calendar, valid 1900..2100 (the TLE range).
JulianDate julian_date_from_utc(const UtcDateTime& utc);
// Vallado's invjday: the calendar date and time of a Julian date.
UtcDateTime utc_from_julian_date(const JulianDate& jd);

// "2026-12-01T00:00:00Z", "2026-12-01T00:00:00.250Z", "2026-12-01 00:00Z", "2026-12-01"
// (midnight), no zone read as UTC; an offset (+02:00, -0530, +09) gives the same instant in UTC:
// "2026-06-21T02:00:00+02:00" → 2026-06-21 00:00:00. Throws TimeFormatError naming the text.
UtcDateTime parse_iso8601_utc(std::string_view text);
// "2026-12-01T00:00:00Z", with `fraction_digits` (0..9) digits of the second after a point.
std::string format_iso8601_utc(const UtcDateTime& utc, int fraction_digits = 0);
std::string format_iso8601_utc(const JulianDate& jd, int fraction_digits = 0);

// A TLE epoch (two-digit year, day of year with fraction: 1.0 = January 1, 00:00 UTC) as a
// Julian date, the way Vallado's twoline2rv does it (days2mdhms, then jday). Years 57..99 are
// 1957..1999, 00..56 are 2000..2056.
JulianDate julian_date_from_tle_epoch(int two_digit_year, double day_of_year);
int four_digit_year_from_tle(int two_digit_year);

// Greenwich mean sidereal time, IAU-82 (Vallado's gstime, as SGP4 uses), radians in [0, 2π).
double gmst_rad(double jd_ut1);

}  // namespace ob::profiles::orbit
