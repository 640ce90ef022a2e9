#pragma once
// Profile assembly: orbit (SGP4) → Sun and conical shadow → spacecraft power and heat → lab
// setpoints, one row per step, streamed so a year at 10 s steps runs in constant memory.
//
// Three passes over the same deterministic inputs, so no row has to be kept:
//   1. light only: the longest eclipse (the battery policy's design eclipse) and the first
//      orbit's environments (for the thermal spin-up);
//   2. heat and power from the periodic thermal state: the tracked temperature's extremes,
//      which the qualification margin stretches;
//   3. everything, through the lab mapper: the rows.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "profiles/heat/spacecraft.hpp"
#include "profiles/heat/spacecraft_model.hpp"
#include "profiles/lab/lab_mapper.hpp"
#include "profiles/light/shadow.hpp"
#include "profiles/orbit/sgp4.hpp"
#include "profiles/orbit/time_scales.hpp"
#include "profiles/profile.pb.h"

namespace ob::profiles {

struct ProfileRequest {
  std::string name;          // e.g. "iss-2026-12-01"
  std::string source;        // how the orbit was given: "tle iss.tle #25544", "preset starlink-550", …
  orbit::Sgp4 propagator;    // SGP4 initialised from the TLE / elements / preset
  orbit::JulianDate start;   // t_s = 0
  double duration_s = 0;
  double step_s = 10;
  Spacecraft spacecraft;
  LabMapping lab;
  EarthShape earth = EarthShape::sphere;
  // Free-form provenance the caller wants kept with the profile (the inputs as YAML, …).
  pb::ProfileInputs inputs;
};

// One step. Position and velocity in TEME.
struct ProfileRow {
  double t_s = 0;
  orbit::JulianDate utc;
  double r_km[3] = {0, 0, 0};
  double v_km_s[3] = {0, 0, 0};
  double illumination = 1;
  double beta_deg = 0;
  double solar_power_w = 0;
  double battery_soc = 0;
  double bus_voltage_v = 0;
  double gpu_power_budget_w = 0;
  double radiator_temp_c = 0;
  double board_temp_c = 0;
  double chamber_setpoint_c = 0;
  double chamber_target_c = 0;  // the orbit's chamber air (margin applied), before range and ramp limits
  double psu_voltage_v = 0;
  double psu_current_limit_a = 0;
  double gpu_power_cap_w = 0;
};

struct ProfileSummary {
  double period_s = 0;
  double inclination_deg = 0;  // osculating, at t_s = 0
  double altitude_min_km = 0;
  double altitude_max_km = 0;
  double eclipse_fraction = 0;  // time-weighted 1 − illumination
  double longest_eclipse_s = 0; // contiguous steps with illumination < 1
  int eclipses = 0;
  double beta_start_deg = 0;
  double beta_min_deg = 0, beta_max_deg = 0;
  double board_min_c = 0, board_max_c = 0;
  double radiator_min_c = 0, radiator_max_c = 0;
  double budget_min_w = 0, budget_max_w = 0;
  double soc_min = 0;
  int spin_up_orbits = 0;
  LabReport lab;  // chamber/supply segments the bench cannot follow
};

struct ProfileBuildError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ProfileGenerator {
 public:
  // Runs passes 1 and 2. Throws ProfileBuildError (SGP4 error at a time, bad step/duration)
  // or ProfileError (invalid spacecraft / lab fields).
  explicit ProfileGenerator(ProfileRequest request);
  ~ProfileGenerator();
  ProfileGenerator(ProfileGenerator&&) noexcept;

  // Pass 3: the next row, or false at the end (after which summary() is final).
  bool next(ProfileRow& row);
  const ProfileSummary& summary() const { return summary_; }
  const ProfileRequest& request() const { return request_; }
  std::int64_t steps() const { return steps_; }

 private:
  struct Environment;
  Environment environment_at(double t_s) const;

  ProfileRequest request_;
  std::int64_t steps_ = 0;
  std::int64_t next_step_ = 0;
  std::optional<SpacecraftModel> spun_up_;
  std::optional<SpacecraftModel> model_;
  std::optional<LabMapper> mapper_;
  ProfileSummary summary_;
  bool finished_ = false;
};

// Column names of the CSV and of the protobuf series (the same names, without `utc`).
const std::vector<std::string>& profile_columns();
std::string csv_header();
std::string csv_row(const ProfileRow& row);

// Appends rows to a buffer without allocating per row; formats each day's date once.
class CsvWriter {
 public:
  void append_row(std::string& out, const ProfileRow& row);

 private:
  double cached_day_ = -1;  // JulianDate::day whose "YYYY-MM-DDT" prefix is cached
  char date_prefix_[16] = {};
};

// Keeps every row as protobuf series (for `run` and `-o profile.pb`).
class ProfileCollector {
 public:
  explicit ProfileCollector(const ProfileGenerator& generator);
  void add(const ProfileRow& row);
  // Call once the generator is exhausted (its summary is then final).
  pb::Profile finish(const ProfileGenerator& generator);

 private:
  pb::Profile profile_;
  std::vector<pb::Series*> series_;
};

// Runs the generator to the end through a ProfileCollector.
pb::Profile build_profile(ProfileGenerator& generator);

// The multi-line summary printed after a profile is built.
std::string format_summary(const ProfileRequest& request, const ProfileSummary& summary);

}  // namespace ob::profiles
