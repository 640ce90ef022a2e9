#pragma once
// What a spacecraft gives a GPU board and how the heat leaves it: the parameters of the heat
// model (profiles/heat/thermal_model.hpp) and the power model (profiles/power/power_model.hpp).
// A plain struct with documented defaults; units are in the names. Parsing (YAML) belongs to
// bench/config; spacecraft_errors() is the one place that says what is valid.
// The defaults describe a 700 W GPU payload on a 550 km LEO bus; see profiles/heat/README.md.
#include <optional>
#include <string_view>
#include <vector>

#include "profiles/heat/field_error.hpp"

namespace ob::profiles {

// Which way the radiator (one-sided, back insulated) faces; the bus is nadir-pointing.
enum class RadiatorFacing {
  orbit_normal,  // normal along ±orbit normal, on the side away from the Sun (yaw flip when β
                 // changes sign): never sunlit, sees Earth edge-on. The usual radiator face.
  zenith,        // normal away from Earth: sees no Earth, gets the Sun around orbit noon.
  anti_sun,      // normal always away from the Sun (a gimballed panel): never sunlit, sees
                 // Earth when the Sun is overhead, deep space at orbit midnight.
  isotropic,     // orientation-averaged (a sphere of the same total area): 1/4 of the area
                 // projected to the Sun, sphere view factor to Earth. The old skeleton's model.
};

// How the solar array is pointed.
enum class ArrayPointing {
  sun_tracking,       // two-axis: incidence 0° whenever lit
  single_axis,        // rotates about the orbit normal: cos(incidence) = cos β
  body_fixed_zenith,  // fixed on the zenith face: cos(incidence) = max(0, ŝ·r̂)
};

enum class BusRegulation {
  unregulated,  // bus voltage follows the battery: linear from min (SOC 0) to max (SOC 1)
  regulated,    // bus held at the nominal voltage
};

// What the GPU is granted while the Sun is not fully visible (penumbra and umbra).
enum class EclipsePolicy {
  fixed_budget,    // gpu_budget_eclipse_w, lowered if the battery could not sustain it down to
                   // the depth-of-discharge floor until the design eclipse ends
  battery_allows,  // everything the battery holds above the floor, spread evenly over what is
                   // left of the design eclipse (never above gpu_budget_sunlit_w)
};

struct Spacecraft {
  // --- GPU policy and loads ------------------------------------------------------------
  double gpu_budget_sunlit_w = 700;   // GPU power granted in full sunlight (an H100-class board)
  double gpu_budget_eclipse_w = 350;  // fixed_budget: GPU power granted in eclipse
  EclipsePolicy gpu_eclipse_policy = EclipsePolicy::fixed_budget;
  double housekeeping_w = 150;        // bus load besides the GPU (avionics, comms, heaters)
  // The eclipse the battery policy budgets for: the longest eclipse of the orbit. 2160 s =
  // 36 min, the β = 0 eclipse at 400 km (physics.md table); the assembly may set the orbit's own.
  double design_eclipse_s = 2160;

  // --- Thermal: radiator/baseplate node and board node ------------------------------------
  // 700 W at 300 K with ε 0.9 to deep space needs ≈1.7 m² (physics.md).
  double radiator_area_m2 = 1.7;
  double radiator_emissivity = 0.9;    // white paint / OSR, infrared
  double radiator_absorptivity = 0.2;  // white paint, solar (begin of life)
  RadiatorFacing radiator_facing = RadiatorFacing::orbit_normal;
  double radiator_heat_capacity_j_per_k = 30.0 * 900.0;  // 30 kg aluminium, c = 900 J/(kg·K)
  double board_heat_capacity_j_per_k = 3.0 * 900.0;      // board + cold plate, ~3 kg Al-equivalent
  double board_to_radiator_w_per_k = 25.0;  // cold plate + heat pipes: 700 W → board 28 K above
  // Share of housekeeping_w dissipated in the radiator/baseplate node (0: the bus's avionics
  // have their own radiators, the payload radiator carries the GPU alone).
  double housekeeping_heat_fraction = 0.0;
  double earth_albedo = 0.30;         // fraction of sunlight Earth reflects (design value)
  double earth_olr_w_per_m2 = 237.0;  // Earth's outgoing long-wave radiation (design value)

  // --- Solar array ---------------------------------------------------------------------
  double array_area_m2 = 4.0;
  double array_efficiency = 0.30;         // triple-junction GaAs, begin of life, at 28 °C
  double array_degradation = 0.05;        // fraction lost at t_s = 0 (radiation, UV, cycling)
  double array_degradation_per_year = 0;  // further loss per year of profile time
  ArrayPointing array_pointing = ArrayPointing::sun_tracking;

  // --- Battery -------------------------------------------------------------------------
  double battery_capacity_wh = 1500;
  double battery_charge_efficiency = 0.95;     // energy stored / energy put in
  double battery_discharge_efficiency = 0.95;  // energy delivered / energy taken out
  double battery_max_depth_of_discharge = 0.4;  // the GPU never takes SOC below 1 − this
  double battery_initial_soc = 1.0;             // at t_s = 0
  double battery_max_charge_w = 750;            // charger limit (0.5 C for 1500 Wh)

  // --- Bus -----------------------------------------------------------------------------
  BusRegulation bus_regulation = BusRegulation::unregulated;
  double bus_voltage_nominal_v = 28;  // regulated: the bus voltage
  double bus_voltage_min_v = 22;      // unregulated: at SOC 0 (28 V class, 8s Li-ion)
  double bus_voltage_max_v = 34;      // unregulated: at SOC 1
};

// Every problem, each naming its field ("spacecraft.<member>"); empty when valid.
std::vector<FieldError> spacecraft_errors(const Spacecraft& craft);

// Names as the configuration spells them ("orbit_normal", "sun_tracking", ...).
std::string_view to_string(RadiatorFacing facing);
std::string_view to_string(ArrayPointing pointing);
std::string_view to_string(BusRegulation regulation);
std::string_view to_string(EclipsePolicy policy);
std::optional<RadiatorFacing> parse_radiator_facing(std::string_view name);
std::optional<ArrayPointing> parse_array_pointing(std::string_view name);
std::optional<BusRegulation> parse_bus_regulation(std::string_view name);
std::optional<EclipsePolicy> parse_eclipse_policy(std::string_view name);

}  // namespace ob::profiles
