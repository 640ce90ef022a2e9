#pragma once
// How an orbit is mapped onto a bench: the chamber, the replay speed, the qualification
// margin, the DUT's power range and its supply. A plain struct with documented defaults
// (parsing belongs to bench/config); lab_errors() says what is valid. See lab_mapper.hpp for
// what each field does and profiles/heat/README.md ("Lab mapping") for the reasoning.
#include <optional>
#include <string_view>
#include <vector>

#include "profiles/heat/field_error.hpp"

namespace ob::profiles {

// Margin beyond the predicted temperature extremes (SMC-S-016, 2014).
enum class QualificationLevel {
  acceptance,          // 0 °C: the predicted extremes
  protoqualification,  // ±5 °C
  qualification,       // ±10 °C
};
double margin_c(QualificationLevel level);

// Which predicted temperature the chamber air reproduces.
enum class ChamberTracks {
  baseplate,  // the radiator/baseplate, the board's heat sink: the air is the DUT's sink, and
              // the DUT's own (capped) power heats its board above it, as the GPU does in orbit
  board,      // the board: air = margin-applied board − dut_self_heating_k_per_w × GPU cap
};

// How the orbit's GPU budget becomes the DUT's power cap (ratio r = budget / reference budget).
enum class CapScaling {
  proportional,  // cap = r·dut_power_max_w, floored at dut_power_min_w (keeps power ratios)
  affine,        // cap = dut_power_min_w + r·(dut_power_max_w − dut_power_min_w)
};

enum class PsuVoltageMode {
  fixed,      // supply_voltage_v throughout
  track_bus,  // the bus voltage's place in its range, mapped onto the supply's range
};

struct LabMapping {
  // --- Chamber -------------------------------------------------------------------------
  double chamber_min_c = -40;
  double chamber_max_c = 120;
  double chamber_max_ramp_c_per_min = 5;  // of wall time (SMC-S-016 asks 3–5 °C/min)
  // Replay time compression: profile seconds per wall second (the campaign's speed). A ramp
  // limit of r °C per wall minute allows r / speed °C per profile minute.
  double speed = 1;
  QualificationLevel qualification = QualificationLevel::acceptance;
  // Baseplate by default: the board's fast edges (τ = C_b/G ≈ 100 s, ~8 °C/min at eclipse
  // entry for the default spacecraft) come from its own power, which the cap reproduces; a
  // chamber chasing them would exceed its ramp limit and count the DUT's self-heating twice.
  ChamberTracks chamber_tracks = ChamberTracks::baseplate;
  // Board tracking: the DUT's board-over-air rise per W of its cap (K/W), measured on the
  // bench; 0 until measured (the air then follows the board, and the DUT runs hotter by its own
  // rise — conservative for qualification).
  double dut_self_heating_k_per_w = 0;
  // The chamber "cannot follow" where its setpoint misses the wanted air temperature by more
  // than this (its control accuracy); such stretches are reported, never clipped silently.
  double chamber_tolerance_k = 0.5;

  // --- DUT power -----------------------------------------------------------------------
  double dut_power_max_w = 30;  // the DUT's cap at the orbit's reference (sunlit) budget
  double dut_power_min_w = 5;   // the lowest cap the DUT accepts
  CapScaling cap_scaling = CapScaling::proportional;

  // --- Supply --------------------------------------------------------------------------
  PsuVoltageMode psu_voltage_mode = PsuVoltageMode::fixed;
  double supply_voltage_v = 12;       // fixed mode; also when the bus is regulated
  double supply_voltage_min_v = 11.4;  // track_bus: at the bus minimum (12 V − 5 %, ATX)
  double supply_voltage_max_v = 12.6;  // track_bus: at the bus maximum (12 V + 5 %)
  double supply_max_current_a = 10;    // the supply channel's limit
  double current_margin = 1.15;        // current limit = cap / voltage × margin (≥ 1)
};

// Every problem, each naming its field ("lab.<member>"); empty when valid.
std::vector<FieldError> lab_errors(const LabMapping& lab);

std::string_view to_string(QualificationLevel level);
std::string_view to_string(ChamberTracks tracks);
std::string_view to_string(CapScaling scaling);
std::string_view to_string(PsuVoltageMode mode);
std::optional<QualificationLevel> parse_qualification_level(std::string_view name);
std::optional<ChamberTracks> parse_chamber_tracks(std::string_view name);
std::optional<CapScaling> parse_cap_scaling(std::string_view name);
std::optional<PsuVoltageMode> parse_psu_voltage_mode(std::string_view name);

}  // namespace ob::profiles
