#pragma once
// A built profile (profile.proto) as the bench reads it: series names, lookup by profile
// time, and its content address. Building one: profiles/profile_generator.hpp.
#include <stdexcept>
#include <string>
#include <string_view>

#include "profiles/profile.pb.h"

namespace ob::profiles {

// Series every profile carries (the CSV's column names; units in the Series message).
namespace series {
inline constexpr std::string_view kIllumination = "illumination";              // 0..1
inline constexpr std::string_view kBeta = "beta_deg";                          // deg
inline constexpr std::string_view kPowerBudget = "gpu_power_budget_w";         // GPU budget in orbit
inline constexpr std::string_view kBatterySoc = "battery_soc";                 // 0..1
inline constexpr std::string_view kRadiatorTemp = "radiator_temp_c";           // orbit thermal node
inline constexpr std::string_view kBoardTemp = "board_temp_c";                 // orbit thermal node
inline constexpr std::string_view kChamberSetpoint = "chamber_setpoint_c";     // lab mapping
inline constexpr std::string_view kGpuPowerCap = "gpu_power_cap_w";            // lab mapping
inline constexpr std::string_view kChamberTarget = "chamber_target_c";         // lab mapping, before range and ramp limits
inline constexpr std::string_view kPsuVoltage = "psu_voltage_v";               // lab mapping
inline constexpr std::string_view kPsuCurrentLimit = "psu_current_limit_a";    // lab mapping
}  // namespace series

struct ProfileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// SHA-256 of the deterministic serialization, lowercase hex: the profile's identity in the DB.
std::string profile_digest(const pb::Profile& profile);

// Fast lookup of a series at profile time: step-hold (value at the last grid point ≤ t_s).
class SeriesCursor {
 public:
  SeriesCursor(const pb::Profile& profile, std::string_view series_name);  // throws ProfileError
  double at(double t_s) const;
  const std::string& unit() const { return unit_; }

 private:
  const pb::Profile* profile_;
  const pb::Series* series_;
  std::string unit_;
};

}  // namespace ob::profiles
