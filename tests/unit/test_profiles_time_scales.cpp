// Time scales: Julian dates, ISO-8601 UTC, TLE epochs and GMST.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numbers>
#include <string>

#include "profiles/orbit/elements.hpp"
#include "profiles/orbit/time_scales.hpp"

namespace orbit = ob::profiles::orbit;

namespace {
constexpr double kRadToDeg = 180.0 / std::numbers::pi;
// One microsecond as a fraction of a day.
constexpr double kMicrosecondDays = 1e-6 / 86400.0;

bool message_contains(const std::exception& e, const std::string& text) {
  return std::string(e.what()).find(text) != std::string::npos;
}
}  // namespace

BOOST_AUTO_TEST_CASE(julian_date_of_known_instants) {
  // J2000.0 is 2000-01-01T12:00:00 = JD 2451545.0.
  const auto j2000 = orbit::julian_date_from_utc({2000, 1, 1, 12, 0, 0.0});
  BOOST_TEST(j2000.day == 2451544.5);
  BOOST_TEST(j2000.fraction == 0.5);
  BOOST_TEST(j2000.jd() == orbit::kJulianDateJ2000);
  // The default epoch of elements and presets.
  const auto epoch = orbit::julian_date_from_utc(orbit::parse_iso8601_utc("2026-12-01T00:00:00Z"));
  BOOST_TEST(epoch.day == orbit::kDefaultElementsEpoch.day);
  BOOST_TEST(epoch.fraction == orbit::kDefaultElementsEpoch.fraction);
}

BOOST_AUTO_TEST_CASE(calendar_round_trip_keeps_sub_millisecond_precision) {
  const orbit::UtcDateTime utc{2026, 12, 1, 12, 34, 56.789012};
  const auto jd = orbit::julian_date_from_utc(utc);
  const auto back = orbit::utc_from_julian_date(jd);
  BOOST_TEST(back.year == 2026);
  BOOST_TEST(back.month == 12);
  BOOST_TEST(back.day == 1);
  BOOST_TEST(back.hour == 12);
  BOOST_TEST(back.minute == 34);
  BOOST_TEST(std::fabs(back.second - 56.789012) < 1e-6);
  BOOST_TEST(orbit::format_iso8601_utc(jd, 6) == "2026-12-01T12:34:56.789012Z");
  // Adding minutes renormalises across midnight and keeps the split form.
  const auto later = jd.plus_minutes(12 * 60.0);
  BOOST_TEST(orbit::format_iso8601_utc(later, 6) == "2026-12-02T00:34:56.789012Z");
  BOOST_TEST(std::fabs(jd.minutes_until(later) - 720.0) < 1e-9);
  BOOST_TEST(later.fraction >= 0.0);
  BOOST_TEST(later.fraction < 1.0);
}

BOOST_AUTO_TEST_CASE(iso8601_parsing_and_formatting) {
  const auto with_fraction = orbit::parse_iso8601_utc("2026-12-01T00:00:00.250Z");
  BOOST_TEST(with_fraction.second == 0.25);
  BOOST_TEST(orbit::format_iso8601_utc(with_fraction, 3) == "2026-12-01T00:00:00.250Z");
  BOOST_TEST(orbit::format_iso8601_utc(orbit::parse_iso8601_utc("2026-12-01"), 0) ==
             "2026-12-01T00:00:00Z");
  BOOST_TEST(orbit::format_iso8601_utc(orbit::parse_iso8601_utc("2026-12-01 06:30Z")) ==
             "2026-12-01T06:30:00Z");
  BOOST_TEST(orbit::format_iso8601_utc(orbit::parse_iso8601_utc("2024-02-29T23:59:59+00:00")) ==
             "2024-02-29T23:59:59Z");
  // An offset names the same instant in UTC, across a day, a month and a year's end.
  const std::pair<const char*, const char*> offsets[] = {
      {"2026-06-21T02:00:00+02:00", "2026-06-21T00:00:00Z"}, {"2026-06-21T01:30:00+0200", "2026-06-20T23:30:00Z"},
      {"2026-12-31T20:00:00-05:00", "2027-01-01T01:00:00Z"}, {"2026-03-01T05:00:00+09", "2026-02-28T20:00:00Z"},
      {"2024-03-01T00:15:00+05:30", "2024-02-29T18:45:00Z"}, {"2026-12-01T00:00:00.250-00:00", "2026-12-01T00:00:00.250Z"}};
  for (const auto& [local, utc] : offsets) {
    BOOST_TEST(orbit::format_iso8601_utc(orbit::parse_iso8601_utc(local), 3).substr(0, 19) == std::string(utc).substr(0, 19),
               local);
  }
  // Rounding to the printed digit carries into the next day instead of printing 60 s.
  const auto almost_midnight = orbit::julian_date_from_utc({2026, 12, 31, 23, 59, 59.9996});
  BOOST_TEST(orbit::format_iso8601_utc(almost_midnight, 3) == "2027-01-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(bad_iso8601_text_is_refused_naming_it) {
  for (const std::string text :
       {"2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-12-01T24:00:00Z",
        "2026-12-01T00:60:00Z", "2026-12-01T00:00:60Z", "2026-12-01T00:00:00+15:00",
        "2026-12-01T00:00:00+01:60", "2026-12-01T00:00:00+1", "2026-12-01T00:00:00 CET", "2026-12-01T00:00:00+01:00x",
        "yesterday", "2026-12-1", "2026-12-01T00:00:00.Z", ""}) {
    BOOST_TEST_CONTEXT(text) {
      try {
        orbit::parse_iso8601_utc(text);
        BOOST_ERROR("accepted");
      } catch (const orbit::TimeFormatError& e) {
        BOOST_TEST(message_contains(e, "'" + text + "'"));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(tle_epochs) {
  // Vallado's first verification case: 00179.78495062 is 2000-06-27 18:50:19.733571 UTC
  // (tcppver.out prints 2000-06-28 00:50:19.733571 at t = 360 min).
  const auto epoch = orbit::julian_date_from_tle_epoch(0, 179.78495062);
  BOOST_TEST(std::fabs(epoch.jd() - 2451723.28495062) < 1e-9);
  BOOST_TEST(orbit::format_iso8601_utc(epoch.plus_minutes(360.0), 6) == "2000-06-28T00:50:19.733568Z");
  // Two-digit years: 57..99 are the 1900s, 00..56 the 2000s.
  BOOST_TEST(orbit::four_digit_year_from_tle(57) == 1957);
  BOOST_TEST(orbit::four_digit_year_from_tle(99) == 1999);
  BOOST_TEST(orbit::four_digit_year_from_tle(0) == 2000);
  BOOST_TEST(orbit::four_digit_year_from_tle(56) == 2056);
  const auto sputnik = orbit::julian_date_from_tle_epoch(57, 1.0);
  BOOST_TEST(orbit::format_iso8601_utc(sputnik) == "1957-01-01T00:00:00Z");
  // Day 366 of a leap year is December 31.
  BOOST_TEST(orbit::format_iso8601_utc(orbit::julian_date_from_tle_epoch(24, 366.5)) ==
             "2024-12-31T12:00:00Z");
  BOOST_TEST(std::fabs(orbit::julian_date_from_tle_epoch(26, 335.0).minutes_until(
                 orbit::kDefaultElementsEpoch)) < kMicrosecondDays * 1440.0);
}

BOOST_AUTO_TEST_CASE(gmst_iau82) {
  // Vallado, Fundamentals of Astrodynamics (2013), example 3-5: 1992-08-20 12:14 UT1 →
  // GMST 152.578787810°.
  const auto jd = orbit::julian_date_from_utc({1992, 8, 20, 12, 14, 0.0});
  BOOST_TEST(std::fabs(orbit::gmst_rad(jd.jd()) * kRadToDeg - 152.578787810) < 1e-7);
  // At J2000.0, GMST = 280.46061837°.
  BOOST_TEST(std::fabs(orbit::gmst_rad(orbit::kJulianDateJ2000) * kRadToDeg - 280.46061837) < 1e-6);
  const double g = orbit::gmst_rad(2460000.5);
  BOOST_TEST(g >= 0.0);
  BOOST_TEST(g < 2.0 * std::numbers::pi);
}
