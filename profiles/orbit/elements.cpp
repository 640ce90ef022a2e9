#include "profiles/orbit/elements.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numbers>
#include <vector>

#include "profiles/light/sun.hpp"
#include "profiles/orbit/sgp4_constants.hpp"
#include "profiles/physical_constants.hpp"

namespace ob::profiles::orbit {

namespace {

using sgp4_detail::kDegToRad;
using sgp4_detail::kRevPerDayPerRadPerMin;
using sgp4_detail::kTwoThirds;
using sgp4_detail::kXke;

constexpr double kRadToDeg = 180.0 / std::numbers::pi;
constexpr double kFullCircleDeg = 360.0;
constexpr double kMaxInclinationDeg = 180.0;
// Below this perigee altitude drag ends an orbit within days (and SGP4 is not meant for it):
// an element set that low is a typo (alt=50km for 550 km), not a mission.
constexpr double kMinPerigeeAltitudeKm = 150.0;
constexpr double kHoursPerDay = 24.0;
constexpr double kNoonHours = 12.0;
constexpr double kDegreesPerHour = 15.0;  // Earth turns 360° per 24 h of solar time
constexpr double kMinutesPerHour = 60.0;
constexpr double kSecondsPerHour = 3600.0;
constexpr double kMetresPerKm = 1000.0;
// Mean Sun's motion in right ascension: 360° per tropical year of 365.2421897 days (Astronomical
// Almanac; Vallado 2013 §11.2: Ω̇ = 0.9856°/day for a sun-synchronous orbit).
constexpr double kTropicalYearDays = 365.2421897;
// Inverting SGP4's un-Kozai step converges by a factor ~1e-3 per iteration; 20 is plenty.
constexpr int kKozaiIterations = 20;
constexpr double kKozaiRelativeTolerance = 1e-15;

double wrap_degrees(double deg) {
  double wrapped = std::fmod(deg, kFullCircleDeg);
  if (wrapped < 0.0) wrapped += kFullCircleDeg;
  return wrapped;
}

[[noreturn]] void bad_key(std::string_view key, std::string_view text, std::string_view reason) {
  throw ElementsError("--elements: key '" + std::string(key) + "': '" + std::string(text) + "' " +
                      std::string(reason));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  const std::string_view tail = text.substr(text.size() - suffix.size());
  return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

std::optional<double> to_number(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

double parse_length_km(std::string_view key, std::string_view text) {
  std::string_view number = trim(text);
  double scale = 1.0;
  if (ends_with_ci(number, "km")) {
    number.remove_suffix(2);
  } else if (ends_with_ci(number, "m")) {
    number.remove_suffix(1);
    scale = 1.0 / kMetresPerKm;
  }
  const auto value = to_number(number);
  if (!value) bad_key(key, text, "is not a length (e.g. 550km, 550000m, or 550 for km)");
  if (*value <= 0.0) bad_key(key, text, "must be positive");
  return *value * scale;
}

double parse_angle_deg(std::string_view key, std::string_view text) {
  std::string_view number = trim(text);
  if (ends_with_ci(number, "deg")) number.remove_suffix(3);
  const auto value = to_number(number);
  if (!value) bad_key(key, text, "is not an angle in degrees (e.g. 53 or 53deg)");
  return *value;
}

double parse_ltan_hours(std::string_view key, std::string_view text) {
  const std::string_view t = trim(text);
  double hours = 0;
  const std::size_t colon = t.find(':');
  if (colon == std::string_view::npos) {
    std::string_view number = t;
    if (ends_with_ci(number, "h")) number.remove_suffix(1);
    const auto value = to_number(number);
    if (!value) bad_key(key, text, "is not a local time (e.g. 18:00, 6:30 or 18.5)");
    hours = *value;
  } else {
    const auto h = to_number(t.substr(0, colon));
    std::string_view rest = t.substr(colon + 1);
    double seconds = 0;
    const std::size_t colon2 = rest.find(':');
    if (colon2 != std::string_view::npos) {
      const auto s = to_number(rest.substr(colon2 + 1));
      constexpr double kSecondsPerMinute = 60.0;
      if (!s || *s < 0.0 || *s >= kSecondsPerMinute) bad_key(key, text, "has bad seconds");
      seconds = *s;
      rest = rest.substr(0, colon2);
    }
    const auto m = to_number(rest);
    if (!h || !m || *h != std::floor(*h) || *h < 0.0 || *m < 0.0 || *m >= kMinutesPerHour) {
      bad_key(key, text, "is not a local time hh:mm[:ss] (e.g. 18:00)");
    }
    hours = *h + *m / kMinutesPerHour + seconds / kSecondsPerHour;
  }
  if (hours < 0.0 || hours >= kHoursPerDay) bad_key(key, text, "must be in [0, 24) hours");
  return hours;
}

std::string shortest(double value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  return std::string(buffer, end);
}

}  // namespace

double resolved_semi_major_axis_km(const OrbitElements& elements) {
  if (elements.altitude_km.has_value() == elements.semi_major_axis_km.has_value()) {
    throw ElementsError("elements: give exactly one of 'alt' (altitude) and 'a' (semi-major axis)");
  }
  const double a_km = elements.semi_major_axis_km.value_or(
      kEarthRadiusKm + elements.altitude_km.value_or(0.0));
  if (!(elements.eccentricity >= 0.0 && elements.eccentricity < 1.0)) {
    throw ElementsError("elements: key 'ecc': " + shortest(elements.eccentricity) +
                        " is outside [0, 1)");
  }
  const double perigee_km = a_km * (1.0 - elements.eccentricity);
  if (!(perigee_km > kEarthRadiusKm)) {
    throw ElementsError("elements: key '" +
                        std::string(elements.altitude_km ? "alt" : "a") + "': perigee radius " +
                        shortest(perigee_km) + " km is inside the Earth (radius " +
                        shortest(kEarthRadiusKm) + " km)");
  }
  if (perigee_km - kEarthRadiusKm < kMinPerigeeAltitudeKm) {
    throw ElementsError("elements: key '" + std::string(elements.altitude_km ? "alt" : "a") +
                        "': perigee altitude " + shortest(perigee_km - kEarthRadiusKm) +
                        " km is inside the atmosphere (an orbit needs its perigee above " +
                        shortest(kMinPerigeeAltitudeKm) + " km; below, drag brings it down within days)");
  }
  return a_km;
}

double sun_synchronous_inclination_deg(double semi_major_axis_km, double eccentricity) {
  const double sun_rate_rad_s =
      2.0 * std::numbers::pi / (kTropicalYearDays * kSecondsPerDay);
  const double a = semi_major_axis_km;
  const double p = a * (1.0 - eccentricity * eccentricity);
  const double n_rad_s = std::sqrt(wgs72::kMuKm3PerS2 / (a * a * a));
  const double r_over_p = wgs72::kEarthRadiusKm / p;
  const double cos_i = -sun_rate_rad_s / (1.5 * wgs72::kJ2 * r_over_p * r_over_p * n_rad_s);
  if (cos_i < -1.0) {
    throw ElementsError("elements: key 'inc': no sun-synchronous inclination exists at a = " +
                        shortest(a) + " km (J2 regression too slow above p ≈ 12 350 km)");
  }
  return std::acos(cos_i) * kRadToDeg;
}

double raan_from_ltan_deg(double ltan_hours, const JulianDate& epoch) {
  const double sun_ra_deg = mean_sun_right_ascension_rad(epoch.jd()) * kRadToDeg;
  return wrap_degrees(sun_ra_deg + kDegreesPerHour * (ltan_hours - kNoonHours));
}

double kozai_mean_motion_rev_per_day(double semi_major_axis_km, double eccentricity,
                                     double inclination_deg) {
  // SGP4's initl: ao = (xke / n_brouwer)^(2/3) in Earth radii, and
  //   n_brouwer = n_kozai / (1 + δ(n_kozai)),   δ = d1 / adel²,  adel ≈ ak(1 − δ1 − ...).
  // Given ao, n_brouwer follows; n_kozai = n_brouwer·(1 + δ(n_kozai)) is a fixed point that
  // converges fast because δ depends only weakly on n_kozai.
  const double ao = semi_major_axis_km / wgs72::kEarthRadiusKm;
  const double n_brouwer = kXke / std::pow(ao, 1.5);
  const double eccsq = eccentricity * eccentricity;
  const double omeosq = 1.0 - eccsq;
  const double rteosq = std::sqrt(omeosq);
  const double cosio = std::cos(inclination_deg * kDegToRad);
  const double cosio2 = cosio * cosio;
  const double d1 = 0.75 * wgs72::kJ2 * (3.0 * cosio2 - 1.0) / (rteosq * omeosq);
  double n_kozai = n_brouwer;
  for (int i = 0; i < kKozaiIterations; ++i) {
    const double ak = std::pow(kXke / n_kozai, kTwoThirds);
    double del = d1 / (ak * ak);
    const double adel = ak * (1.0 - del * del - del * (1.0 / 3.0 + 134.0 * del * del / 81.0));
    del = d1 / (adel * adel);
    const double next = n_brouwer * (1.0 + del);
    const bool converged = std::fabs(next - n_kozai) <= kKozaiRelativeTolerance * n_kozai;
    n_kozai = next;
    if (converged) break;
  }
  return n_kozai * kRevPerDayPerRadPerMin;
}

MeanElements to_mean_elements(const OrbitElements& elements) {
  const double a_km = resolved_semi_major_axis_km(elements);
  double inclination_deg = elements.inclination_deg;
  if (elements.sun_synchronous) {
    inclination_deg = sun_synchronous_inclination_deg(a_km, elements.eccentricity);
  } else if (!(inclination_deg >= 0.0 && inclination_deg <= kMaxInclinationDeg)) {
    throw ElementsError("elements: key 'inc': " + shortest(inclination_deg) +
                        " is outside [0, 180] degrees");
  }
  if (elements.raan_deg && elements.ltan_hours) {
    throw ElementsError("elements: give at most one of 'raan' and 'ltan'");
  }
  double raan_deg = wrap_degrees(elements.raan_deg.value_or(0.0));
  if (elements.ltan_hours) {
    const double ltan = *elements.ltan_hours;
    if (!(ltan >= 0.0 && ltan < kHoursPerDay)) {
      throw ElementsError("elements: key 'ltan': " + shortest(ltan) + " is outside [0, 24) hours");
    }
    raan_deg = raan_from_ltan_deg(ltan, elements.epoch);
  }
  MeanElements mean;
  mean.epoch = elements.epoch;
  mean.eccentricity = elements.eccentricity;
  mean.inclination_deg = inclination_deg;
  mean.raan_deg = raan_deg;
  mean.arg_perigee_deg = wrap_degrees(elements.arg_perigee_deg);
  mean.mean_anomaly_deg = wrap_degrees(elements.mean_anomaly_deg);
  mean.mean_motion_rev_per_day =
      kozai_mean_motion_rev_per_day(a_km, elements.eccentricity, inclination_deg);
  mean.bstar_per_earth_radius = 0.0;
  return mean;
}

std::expected<Sgp4, Sgp4Error> sgp4_from_elements(const OrbitElements& elements) {
  return Sgp4::from_mean_elements(to_mean_elements(elements));
}

OrbitElements parse_elements_spec(std::string_view spec) {
  static constexpr std::array<std::string_view, 9> kKeys{"alt", "a",    "ecc", "inc",  "raan",
                                                        "ltan", "argp", "ma",  "epoch"};
  OrbitElements elements;
  bool inclination_given = false;
  std::vector<std::string> seen;
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t end = spec.find(',', start);
    if (end == std::string_view::npos) end = spec.size();
    const std::string_view item = trim(spec.substr(start, end - start));
    start = end + 1;
    if (item.empty()) {
      if (end == spec.size()) break;
      continue;
    }
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      throw ElementsError("--elements: '" + std::string(item) +
                          "' is not key=value (keys: alt|a, ecc, inc, raan|ltan, argp, ma, epoch)");
    }
    std::string key(trim(item.substr(0, eq)));
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string_view value = trim(item.substr(eq + 1));
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      throw ElementsError("--elements: unknown key '" + key +
                          "' (keys: alt|a, ecc, inc, raan|ltan, argp, ma, epoch)");
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      throw ElementsError("--elements: key '" + key + "' is given twice");
    }
    seen.push_back(key);
    if (value.empty()) bad_key(key, value, "is empty");

    if (key == "alt") {
      elements.altitude_km = parse_length_km(key, value);
    } else if (key == "a") {
      elements.semi_major_axis_km = parse_length_km(key, value);
    } else if (key == "ecc") {
      const auto e = to_number(value);
      if (!e || *e < 0.0 || *e >= 1.0) bad_key(key, value, "is not an eccentricity in [0, 1)");
      elements.eccentricity = *e;
    } else if (key == "inc") {
      inclination_given = true;
      std::string lowered(value);
      std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lowered == "sso") {
        elements.sun_synchronous = true;
      } else {
        elements.inclination_deg = parse_angle_deg(key, value);
        if (elements.inclination_deg < 0.0 || elements.inclination_deg > kMaxInclinationDeg) {
          bad_key(key, value, "is outside [0, 180] degrees (or use inc=sso)");
        }
      }
    } else if (key == "raan") {
      elements.raan_deg = parse_angle_deg(key, value);
    } else if (key == "ltan") {
      elements.ltan_hours = parse_ltan_hours(key, value);
    } else if (key == "argp") {
      elements.arg_perigee_deg = parse_angle_deg(key, value);
    } else if (key == "ma") {
      elements.mean_anomaly_deg = parse_angle_deg(key, value);
    } else if (key == "epoch") {
      try {
        elements.epoch = julian_date_from_utc(parse_iso8601_utc(value));
      } catch (const TimeFormatError& error) {
        throw ElementsError("--elements: key 'epoch': " + std::string(error.what()));
      }
    }
  }
  if (!elements.altitude_km && !elements.semi_major_axis_km) {
    throw ElementsError("--elements: missing key 'alt' (e.g. alt=550km) or 'a' (e.g. a=6928km)");
  }
  if (elements.altitude_km && elements.semi_major_axis_km) {
    throw ElementsError("--elements: keys 'alt' and 'a' both give the orbit's size; keep one");
  }
  if (!inclination_given) {
    throw ElementsError("--elements: missing key 'inc' (degrees, e.g. inc=53, or inc=sso)");
  }
  if (elements.raan_deg && elements.ltan_hours) {
    throw ElementsError("--elements: keys 'raan' and 'ltan' both place the node; keep one");
  }
  // Catch a perigee inside the Earth now, naming the key.
  (void)resolved_semi_major_axis_km(elements);
  if (elements.sun_synchronous) {
    (void)sun_synchronous_inclination_deg(resolved_semi_major_axis_km(elements), elements.eccentricity);
  }
  return elements;
}

std::string format_elements_spec(const OrbitElements& elements) {
  std::string spec;
  if (elements.altitude_km) spec += "alt=" + shortest(*elements.altitude_km) + "km";
  if (elements.semi_major_axis_km) spec += "a=" + shortest(*elements.semi_major_axis_km) + "km";
  spec += ",ecc=" + shortest(elements.eccentricity);
  spec += ",inc=" + (elements.sun_synchronous ? std::string("sso") : shortest(elements.inclination_deg));
  if (elements.raan_deg) spec += ",raan=" + shortest(*elements.raan_deg);
  if (elements.ltan_hours) spec += ",ltan=" + shortest(*elements.ltan_hours);
  spec += ",argp=" + shortest(elements.arg_perigee_deg);
  spec += ",ma=" + shortest(elements.mean_anomaly_deg);
  // Microseconds, with trailing zeros (and a bare point) dropped: "2026-12-01T00:00:00Z".
  constexpr int kEpochDigits = 6;
  std::string epoch = format_iso8601_utc(elements.epoch, kEpochDigits);
  epoch.pop_back();  // 'Z'
  while (epoch.back() == '0') epoch.pop_back();
  if (epoch.back() == '.') epoch.pop_back();
  spec += ",epoch=" + epoch + "Z";
  return spec;
}

}  // namespace ob::profiles::orbit
