#pragma once
// Two-line element sets: parsing with column, checksum and range validation, and selection of
// one satellite out of a file.
//
// Format: the fixed-column layout of NORAD/Space-Track two-line elements (Hoots & Roehrich,
// Spacetrack Report #3, 1980; CelesTrak "NORAD Two-Line Element Set Format"). A file holds any
// number of sets, each optionally preceded by a name line (a "0 " prefix, as in Space-Track's
// 3LE files, is dropped). Blank lines and lines starting with '#' are skipped. Carriage returns
// are ignored. Alpha-5 catalogue numbers ("A0001" = 100001, letters I and O unused) are read.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "profiles/orbit/time_scales.hpp"

namespace ob::profiles::orbit {

// A refused TLE: the message is "source:line: reason", e.g.
// "iss.tle:2: line 1 checksum is 7, expected 3". A refused selection or an unreadable file has
// no line: "iss.tle: has no satellite 'X'; it holds: ISS (ZARYA) (25544), ...".
struct TleError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Tle {
  std::string name;             // from the name line; empty for a bare two-line set
  std::string catalog_text;     // columns 3-7 of line 1 as written ("25544", "A0001")
  int catalog_number = 0;       // Alpha-5 decoded
  char classification = 'U';
  std::string international_designator;  // columns 10-17, trimmed (may be empty)
  int epoch_two_digit_year = 0;
  double epoch_day_of_year = 0;          // 1.0 = January 1, 00:00 UTC
  JulianDate epoch;                      // UTC
  double mean_motion_dot_rev_per_day2 = 0;   // ṅ/2 as written (not used by SGP4)
  double mean_motion_ddot_rev_per_day3 = 0;  // n̈/6 as written (not used by SGP4)
  double bstar_per_earth_radius = 0;         // B*, 1/earth radii
  int ephemeris_type = 0;
  int element_set_number = 0;
  double inclination_deg = 0;
  double raan_deg = 0;
  double eccentricity = 0;
  double arg_perigee_deg = 0;
  double mean_anomaly_deg = 0;
  double mean_motion_rev_per_day = 0;  // Kozai mean motion, as SGP4 expects it
  int revolution_number = 0;
  std::string line1;
  std::string line2;

  // "ISS (ZARYA) (25544)" or "25544" for a nameless set.
  std::string label() const;
};

struct TleParseOptions {
  bool check_checksums = true;
  // Vallado's verification file (SGP4-VER.TLE) carries start, stop and step in minutes in
  // columns 70+ of line 2 and some of its cases have made-up checksums.
  bool allow_text_after_column_69 = false;
};

// Parses one set. `source` and `line1_number` only label errors (line 2 is line1_number + 1).
Tle parse_tle(std::string_view line1, std::string_view line2, std::string_view name = {},
              std::string_view source = "<tle>", int line1_number = 1,
              const TleParseOptions& options = {});

// Every set in a file's text; throws TleError at the first bad line. An empty result is
// refused too ("no TLE found").
std::vector<Tle> parse_tle_text(std::string_view text, std::string_view source,
                                const TleParseOptions& options = {});
// Reads and parses a file; the path as given names it in errors.
std::vector<Tle> read_tle_file(const std::filesystem::path& path,
                               const TleParseOptions& options = {});

// One set by name (case-insensitive, surrounding blanks ignored) or by catalogue number
// ("25544", "A0001"). An empty selector picks the only set of a one-set file. Otherwise a
// TleError lists what the file holds.
const Tle& select_tle(const std::vector<Tle>& tles, std::string_view selector,
                      std::string_view source);

// TLE checksum of a line's first 68 columns: digits summed, '-' counts 1, modulo 10.
int tle_checksum(std::string_view line);
// Decodes an Alpha-5 / numeric catalogue field; -1 when it is neither.
int decode_catalog_number(std::string_view text);

}  // namespace ob::profiles::orbit
