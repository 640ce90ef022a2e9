#pragma once
// Orbit → sunlight/eclipse → heat and power → what a lab can replay.
// Pure and deterministic: same inputs, same bytes (so profiles can be content-addressed).
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "profiles/profile.pb.h"

namespace ob::profiles {

// Series names every profile carries (units in the Series message).
namespace series {
inline constexpr std::string_view kIllumination = "illumination";            // 0..1
inline constexpr std::string_view kPowerBudget = "power_budget_w";           // GPU budget in orbit
inline constexpr std::string_view kRadiatorTemp = "radiator_temp_c";         // orbit thermal node
inline constexpr std::string_view kBoardTemp = "board_temp_c";               // orbit thermal node
inline constexpr std::string_view kChamberSetpoint = "chamber_setpoint_c";   // lab mapping
inline constexpr std::string_view kGpuPowerCap = "gpu_power_cap_w";          // lab mapping
inline constexpr std::string_view kPsuCurrentLimit = "psu_current_limit_a";  // lab mapping
}  // namespace series

struct ProfileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr std::string_view kGenerator = "orbitbench";        // Profile.generator
inline constexpr std::string_view kShadowModelCylindrical = "cylindrical";  // OrbitSummary

struct CircularOrbit {
  double altitude_km = 550;
  double inclination_deg = 53;
  double beta_deg = 0;  // Sun angle to the orbit plane
};

// Named presets: "leo-400", "leo-550" (starlink-550), "leo-650", "leo-800", "sso-dawn-dusk-650".
// leo-*: inclination 53°, beta 0 (longest eclipse). sso-dawn-dusk-650: inclination 97.98°,
// beta 75° (above β* = 65.2°), eclipse-free in the cylindrical model. Names match exactly.
std::optional<CircularOrbit> find_preset(std::string_view name);
std::vector<std::string> preset_names();  // every accepted name, aliases included

// What the spacecraft gives the GPU and how the heat leaves (a two-node model).
struct Spacecraft {
  double gpu_budget_sunlit_w = 700;
  double gpu_budget_eclipse_w = 350;
  double radiator_area_m2 = 1.7;
  double radiator_emissivity = 0.9;
  double radiator_absorptivity = 0.2;
  double radiator_heat_capacity_j_per_k = 30.0 * 900.0;  // 30 kg aluminium
  double board_heat_capacity_j_per_k = 3.0 * 900.0;
  double board_to_radiator_w_per_k = 25.0;
};

// How the orbit is mapped onto the bench's instruments and this DUT.
struct LabMapping {
  double chamber_min_c = -40;
  double chamber_max_c = 120;
  double chamber_max_ramp_c_per_min = 5;
  double dut_power_max_w = 30;   // the DUT's cap in sunlight; eclipse scales by budget ratio
  double dut_power_min_w = 5;
  double supply_voltage_v = 12;
  double current_margin = 1.15;  // PSU current limit = cap / V × margin
};

struct ProfileOptions {
  double step_s = 10;
  double orbits = 1;  // duration = orbits × period; grid t_k = k·step_s up to it, inclusive
  std::string name;   // defaults to default_profile_name() (or the preset's name)
};

// Throws ProfileError naming the field for out-of-range inputs (altitude ≤ 0, |beta| > 90, ...).
// Cylindrical shadow; t = 0 is the orbit's sub-solar point, so the profile starts in sunlight
// and the eclipse is centred on period/2. Temperatures start on the orbit's periodic steady
// state (see profiles/thermal_nodes.hpp), so orbit n and orbit n+1 look alike.
pb::Profile build_circular_profile(const CircularOrbit& orbit, const Spacecraft& craft,
                                   const LabMapping& lab, const ProfileOptions& options);
// The same for a named preset; name defaults to the preset's name. Unknown names throw.
pb::Profile build_preset_profile(std::string_view preset, const Spacecraft& craft,
                                 const LabMapping& lab, const ProfileOptions& options);
// "circular-550km-i53-b0"
std::string default_profile_name(const CircularOrbit& orbit);

double orbital_period_s(double altitude_km);
// Cylindrical-shadow eclipse duration per orbit, 0 above the critical beta angle.
double eclipse_duration_s(double altitude_km, double beta_deg);

// CSV: header "t_s,<series>[unit],..." then one row per time step.
std::string to_csv(const pb::Profile& profile);

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
