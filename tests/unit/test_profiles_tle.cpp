// TLE parsing: columns, checksums, ranges, implied-decimal fields, name lines, selection.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "profiles/orbit/tle.hpp"
#include "profiles/orbit/tle_verification.hpp"

namespace orbit = ob::profiles::orbit;

namespace {

// Wikipedia's example element set (ISS, 2008-09-20), valid checksums.
const std::string kIssLine1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927";
const std::string kIssLine2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537";
// Vallado's case 16925: a negative n̈ exponent field.
const std::string kSl6Line1 = "1 16925U 86065D   06151.67415771  .02550794 -30915-6  18784-3 0  4486";
const std::string kSl6Line2 = "2 16925  62.0906 295.0239 5596327 245.1593  47.9690  4.88511875148616";

std::string with_checksum(std::string line) {
  line.resize(68);
  line.push_back(static_cast<char>('0' + orbit::tle_checksum(line)));
  return line;
}

std::string replaced(std::string line, std::size_t column, const std::string& text) {
  line.replace(column - 1, text.size(), text);
  return with_checksum(line);
}

// Expects parse_tle_text to throw a TleError whose message is exactly `message`.
void expect_error(const std::string& text, const std::string& message) {
  try {
    orbit::parse_tle_text(text, "iss.tle");
    BOOST_ERROR("accepted: " << text);
  } catch (const orbit::TleError& e) {
    BOOST_TEST(std::string(e.what()) == message);
  }
}

void expect_error_containing(const std::string& text, const std::string& part) {
  try {
    orbit::parse_tle_text(text, "iss.tle");
    BOOST_ERROR("accepted: " << text);
  } catch (const orbit::TleError& e) {
    BOOST_TEST(std::string(e.what()).find(part) != std::string::npos, e.what());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(fields_of_a_three_line_set) {
  const auto tles = orbit::parse_tle_text("ISS (ZARYA)\n" + kIssLine1 + "\n" + kIssLine2 + "\n", "iss.tle");
  BOOST_TEST_REQUIRE(tles.size() == 1u);
  const orbit::Tle& t = tles.front();
  BOOST_TEST(t.name == "ISS (ZARYA)");
  BOOST_TEST(t.catalog_number == 25544);
  BOOST_TEST(t.catalog_text == "25544");
  BOOST_TEST(t.classification == 'U');
  BOOST_TEST(t.international_designator == "98067A");
  BOOST_TEST(t.epoch_two_digit_year == 8);
  BOOST_TEST(t.epoch_day_of_year == 264.51782528);
  BOOST_TEST(std::fabs(t.epoch.jd() - 2454730.01782528) < 1e-8);
  BOOST_TEST(t.mean_motion_dot_rev_per_day2 == -0.00002182);
  BOOST_TEST(t.mean_motion_ddot_rev_per_day3 == 0.0);
  BOOST_TEST(std::fabs(t.bstar_per_earth_radius - -0.11606e-4) < 1e-18);
  BOOST_TEST(t.ephemeris_type == 0);
  BOOST_TEST(t.element_set_number == 292);
  BOOST_TEST(t.inclination_deg == 51.6416);
  BOOST_TEST(t.raan_deg == 247.4627);
  BOOST_TEST(std::fabs(t.eccentricity - 0.0006703) < 1e-15);
  BOOST_TEST(t.arg_perigee_deg == 130.5360);
  BOOST_TEST(t.mean_anomaly_deg == 325.0288);
  BOOST_TEST(t.mean_motion_rev_per_day == 15.72125391);
  BOOST_TEST(t.revolution_number == 56353);
  BOOST_TEST(t.label() == "ISS (ZARYA) (25544)");
}

BOOST_AUTO_TEST_CASE(implied_decimal_exponents) {
  const auto t = orbit::parse_tle(kSl6Line1, kSl6Line2);
  BOOST_TEST(std::fabs(t.mean_motion_ddot_rev_per_day3 - -0.30915e-6) < 1e-20);
  BOOST_TEST(std::fabs(t.bstar_per_earth_radius - 0.18784e-3) < 1e-18);
  BOOST_TEST(t.mean_motion_dot_rev_per_day2 == 0.02550794);
  BOOST_TEST(std::fabs(t.eccentricity - 0.5596327) < 1e-15);
}

// Issue 17: every field is the double Vallado's reader and python-sgp4 produce — the decimal
// text converted once (the mantissa then scaled by pow(10, exponent)), never digits accumulated
// one by one. "0001000" must be exactly the double nearest 1e-4: SGP4's `ecco > 1.0e-4` test
// then stays on the near-circular branch; 1.0000000000000003e-4 (digit by digit) crossed it.
BOOST_AUTO_TEST_CASE(fields_are_the_decimal_text_converted_once) {
  const std::string line1 = "1 90011U 26001A   26100.50000000  .00000000  00000-0  12000-4 0  9991";
  const std::string line2 = "2 90011  53.0500 300.0000 0001000  90.0000 200.0000 15.05491974    17";
  const auto t = orbit::parse_tle(line1, line2);
  BOOST_TEST(t.eccentricity == 1.0e-4);  // exactly: the double nearest 0.0001
  BOOST_TEST(!(t.eccentricity > 1.0e-4));
  BOOST_TEST(t.bstar_per_earth_radius == 0.12 * std::pow(10.0, -4));  // strtod(".12000") · 10^-4
  for (const char* e : {"0000001", "0001001", "0000999", "1234567", "7400000", "0000000"}) {
    const auto u = orbit::parse_tle(line1, replaced(line2, 27, e));
    BOOST_TEST(u.eccentricity == std::stod(std::string("0.") + e), e);
  }
  for (const char* b : {" 66000-4", "-11606-4", " 10000-3", " 99999-9", " 31250-5"}) {
    const auto u = orbit::parse_tle(replaced(line1, 54, b), line2);
    const double mantissa = std::stod(std::string(b[0] == '-' ? "-" : "") + "0." + std::string(b + 1, 5));
    const double expected = mantissa * std::pow(10.0, std::stoi(std::string(b + 6, 2)));
    BOOST_TEST(u.bstar_per_earth_radius == expected, b);
  }
}

BOOST_AUTO_TEST_CASE(several_sets_with_and_without_names) {
  const std::string text = "# a comment\r\n0 ISS (ZARYA)\r\n" + kIssLine1 + "\r\n" + kIssLine2 +
                           "\r\n\r\n" + kSl6Line1 + "\n" + kSl6Line2 + "\nSL-6 AGAIN  \n" +
                           kSl6Line1 + "\n" + kSl6Line2;
  const auto tles = orbit::parse_tle_text(text, "mixed.tle");
  BOOST_TEST_REQUIRE(tles.size() == 3u);
  BOOST_TEST(tles[0].name == "ISS (ZARYA)");  // "0 " prefix of a 3LE file dropped
  BOOST_TEST(tles[1].name.empty());
  BOOST_TEST(tles[1].label() == "16925");
  BOOST_TEST(tles[2].name == "SL-6 AGAIN");
}

BOOST_AUTO_TEST_CASE(reads_a_file) {
  const auto tles = orbit::read_tle_file(std::string(OB_TEST_DATA_DIR) + "/sgp4/iss.tle");
  BOOST_TEST_REQUIRE(tles.size() == 1u);
  BOOST_TEST(tles.front().name == "ISS (ZARYA)");
  BOOST_CHECK_THROW(orbit::read_tle_file("/nonexistent/x.tle"), orbit::TleError);
  // Endless or oversized input is refused by name, not read until memory runs out (issue 18).
  BOOST_CHECK_EXCEPTION(orbit::read_tle_file("/dev/zero"), orbit::TleError, [](const orbit::TleError& e) {
    return std::string(e.what()).find("/dev/zero: larger than 64 MiB") != std::string::npos;
  });
}

BOOST_AUTO_TEST_CASE(checksums) {
  BOOST_TEST(orbit::tle_checksum(kIssLine1) == 7);
  BOOST_TEST(orbit::tle_checksum(kIssLine2) == 7);
  std::string bad = kIssLine1;
  bad[68] = '3';
  expect_error(bad + "\n" + kIssLine2, "iss.tle:1: line 1 checksum is 3, expected 7");
  std::string bad2 = kIssLine2;
  bad2[68] = '0';
  expect_error("ISS\n" + kIssLine1 + "\n" + bad2, "iss.tle:3: line 2 checksum is 0, expected 7");
  // Minus signs count 1: a changed sign changes the checksum.
  std::string sign = kIssLine1;
  sign[33] = ' ';
  expect_error(sign + "\n" + kIssLine2, "iss.tle:1: line 1 checksum is 7, expected 6");
}

BOOST_AUTO_TEST_CASE(structure_errors_name_file_and_line) {
  expect_error("ISS\n" + kIssLine2 + "\n" + kIssLine1,
               "iss.tle:2: expected line 1 of a TLE after the name line 'ISS', found '2 25544  51.6416 247'");
  expect_error(kIssLine1 + "\n" + kIssLine2 + "\nLONELY NAME\n",
               "iss.tle:3: name line 'LONELY NAME' is not followed by a TLE");
  expect_error(kIssLine2 + "\n" + kIssLine1, "iss.tle:1: line 2 of a TLE without a line 1 before it");
  expect_error("ISS\n" + kIssLine1, "iss.tle:2: line 1 of a TLE without a line 2 after it");
  expect_error("\n\n", "iss.tle: no TLE found");
  expect_error(kIssLine1 + "\n" + kIssLine1, "iss.tle:2: expected line 2 of a TLE (starting '2 '), found '1 25544U 98067A   08'");
  expect_error(kIssLine1.substr(0, 60) + "\n" + kIssLine2,
               "iss.tle:1: line 1 is 60 characters long, expected 69");
  expect_error(kIssLine1 + "\n" + kIssLine2 + "   100.0 200.0",
               "iss.tle:2: line 2 is 83 characters long, expected 69");
}

BOOST_AUTO_TEST_CASE(column_and_range_errors) {
  // Satellite numbers must match.
  expect_error(kIssLine1 + "\n" + replaced(kIssLine2, 3, "25545"),
               "iss.tle:2: line 2 catalogue number 25545 does not match line 1's 25544");
  // A shifted field breaks a blank separator column.
  expect_error_containing(replaced(kIssLine1, 33, "X") + "\n" + kIssLine2,
                          "iss.tle:1: line 1 column 33 must be blank, found 'X'");
  // Ranges.
  expect_error_containing(kIssLine1 + "\n" + replaced(kIssLine2, 9, "181.0000"),
                          "iss.tle:2: line 2 inclination (columns 9-16) '181.0000' is outside [0, 180] degrees");
  expect_error_containing(kIssLine1 + "\n" + replaced(kIssLine2, 18, "360.0000"),
                          "right ascension of the ascending node (columns 18-25) '360.0000' is outside [0, 360)");
  expect_error_containing(kIssLine1 + "\n" + replaced(kIssLine2, 35, "-10.0000"),
                          "argument of perigee (columns 35-42) '-10.0000' is outside [0, 360)");
  expect_error_containing(kIssLine1 + "\n" + replaced(kIssLine2, 53, " 0.00000000"),
                          "mean motion (columns 53-63) ' 0.00000000' must be greater than 0");
  expect_error_containing(kIssLine1 + "\n" + replaced(kIssLine2, 27, "00x6703"),
                          "eccentricity (columns 27-33) '00x6703' must be digits");
  // Implied-decimal and number fields.
  expect_error_containing(replaced(kIssLine1, 54, "-116064 ") + "\n" + kIssLine2,
                          "BSTAR (columns 54-61) '-116064 ' has no exponent");
  expect_error_containing(replaced(kIssLine1, 21, "264.5178252x") + "\n" + kIssLine2,
                          "epoch day (columns 21-32) '264.5178252x' is not a number");
  expect_error_containing(replaced(kIssLine1, 3, "2554!") + "\n" + kIssLine2,
                          "catalogue number (columns 3-7) '2554!' is neither five digits nor Alpha-5");
}

BOOST_AUTO_TEST_CASE(alpha5_catalogue_numbers) {
  BOOST_TEST(orbit::decode_catalog_number("25544") == 25544);
  BOOST_TEST(orbit::decode_catalog_number("A0001") == 100001);
  BOOST_TEST(orbit::decode_catalog_number("H9999") == 179999);
  BOOST_TEST(orbit::decode_catalog_number("J0000") == 180000);  // I is skipped
  BOOST_TEST(orbit::decode_catalog_number("Z9999") == 339999);
  BOOST_TEST(orbit::decode_catalog_number("    5") == 5);
  BOOST_TEST(orbit::decode_catalog_number("I0000") == -1);
  BOOST_TEST(orbit::decode_catalog_number("O1234") == -1);
  const auto t = orbit::parse_tle(replaced(kIssLine1, 3, "A0001"), replaced(kIssLine2, 3, "A0001"));
  BOOST_TEST(t.catalog_number == 100001);
  BOOST_TEST(t.catalog_text == "A0001");
}

BOOST_AUTO_TEST_CASE(selection_by_name_or_number) {
  const std::string text = "ISS (ZARYA)\n" + kIssLine1 + "\n" + kIssLine2 + "\nSL-6 R/B(2)\n" +
                           kSl6Line1 + "\n" + kSl6Line2 + "\n";
  const auto tles = orbit::parse_tle_text(text, "two.tle");
  BOOST_TEST(orbit::select_tle(tles, "iss (zarya)", "two.tle").catalog_number == 25544);
  BOOST_TEST(orbit::select_tle(tles, "  SL-6 R/B(2) ", "two.tle").catalog_number == 16925);
  BOOST_TEST(orbit::select_tle(tles, "16925", "two.tle").name == "SL-6 R/B(2)");
  BOOST_TEST(orbit::select_tle(tles, "025544", "two.tle").name == "ISS (ZARYA)");
  try {
    orbit::select_tle(tles, "HUBBLE", "two.tle");
    BOOST_ERROR("accepted");
  } catch (const orbit::TleError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "two.tle: has no satellite 'HUBBLE'; it holds: ISS (ZARYA) (25544), SL-6 R/B(2) (16925)");
  }
  BOOST_CHECK_THROW(orbit::select_tle(tles, "", "two.tle"), orbit::TleError);
  const auto one = orbit::parse_tle_text(kIssLine1 + "\n" + kIssLine2, "one.tle");
  BOOST_TEST(orbit::select_tle(one, "", "one.tle").catalog_number == 25544);
}

BOOST_AUTO_TEST_CASE(vallado_verification_file) {
  const auto cases =
      orbit::read_verification_tle_file(std::string(OB_TEST_DATA_DIR) + "/sgp4/SGP4-VER.TLE");
  BOOST_TEST_REQUIRE(cases.size() == 33u);
  BOOST_TEST(cases.front().tle.catalog_number == 5);
  BOOST_TEST(cases.front().start_min == 0.0);
  BOOST_TEST(cases.front().stop_min == 4320.0);
  BOOST_TEST(cases.front().step_min == 360.0);
  BOOST_TEST(cases[11].tle.catalog_number == 22312);
  BOOST_TEST(cases[11].start_min == 54.2028672);
  BOOST_TEST(cases.back().tle.catalog_number == 20413);
  BOOST_TEST(cases.back().start_min == 1844000.0);
  // Case 11801 has a blank international designator and ephemeris type.
  BOOST_TEST(cases[6].tle.catalog_number == 11801);
  BOOST_TEST(cases[6].tle.international_designator.empty());
  BOOST_TEST(cases[6].tle.element_set_number == 1);
}
