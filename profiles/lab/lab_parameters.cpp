#include "profiles/lab/lab_parameters.hpp"

#include <array>

#include "profiles/heat/field_checks.hpp"

namespace ob::profiles {

namespace {

// SMC-S-016 (2014) margins beyond the predicted extremes (physics.md).
constexpr double kQualificationMarginC = 10.0;
constexpr double kProtoqualificationMarginC = 5.0;
constexpr double kAcceptanceMarginC = 0.0;
constexpr double kMinCurrentMargin = 1.0;  // below 1 the PSU would trip under the GPU's cap
constexpr double kMaxSpeed = 1e6;          // profile s per wall s: a year in 30 s
constexpr double kMaxSelfHeatingKPerW = 10.0;

template <typename Enum, std::size_t N>
std::optional<Enum> parse(std::string_view name, const std::array<Enum, N>& values) {
  for (const Enum value : values) {
    if (to_string(value) == name) return value;
  }
  return std::nullopt;
}

}  // namespace

double margin_c(QualificationLevel level) {
  switch (level) {
    case QualificationLevel::acceptance: return kAcceptanceMarginC;
    case QualificationLevel::protoqualification: return kProtoqualificationMarginC;
    case QualificationLevel::qualification: return kQualificationMarginC;
  }
  return kAcceptanceMarginC;
}

std::vector<FieldError> lab_errors(const LabMapping& lab) {
  FieldChecks check("lab");
  check.finite("chamber_min_c", lab.chamber_min_c);
  check.finite("chamber_max_c", lab.chamber_max_c);
  check.ordered("chamber_min_c", lab.chamber_min_c, "chamber_max_c", lab.chamber_max_c);
  check.positive("chamber_max_ramp_c_per_min", lab.chamber_max_ramp_c_per_min);
  check.above_up_to("speed", lab.speed, 0, kMaxSpeed);
  check.within("dut_self_heating_k_per_w", lab.dut_self_heating_k_per_w, 0, kMaxSelfHeatingKPerW);
  check.positive("chamber_tolerance_k", lab.chamber_tolerance_k);
  check.positive("dut_power_max_w", lab.dut_power_max_w);
  check.non_negative("dut_power_min_w", lab.dut_power_min_w);
  check.ordered("dut_power_min_w", lab.dut_power_min_w, "dut_power_max_w", lab.dut_power_max_w);
  check.positive("supply_voltage_v", lab.supply_voltage_v);
  check.positive("supply_voltage_min_v", lab.supply_voltage_min_v);
  check.positive("supply_voltage_max_v", lab.supply_voltage_max_v);
  check.ordered("supply_voltage_min_v", lab.supply_voltage_min_v, "supply_voltage_max_v",
                lab.supply_voltage_max_v);
  check.positive("supply_max_current_a", lab.supply_max_current_a);
  check.require(lab.current_margin >= kMinCurrentMargin, "current_margin", lab.current_margin,
                "must be >= 1");
  return check.take();
}

std::string_view to_string(QualificationLevel level) {
  switch (level) {
    case QualificationLevel::acceptance: return "acceptance";
    case QualificationLevel::protoqualification: return "protoqualification";
    case QualificationLevel::qualification: return "qualification";
  }
  return "?";
}

std::string_view to_string(ChamberTracks tracks) {
  switch (tracks) {
    case ChamberTracks::baseplate: return "baseplate";
    case ChamberTracks::board: return "board";
  }
  return "?";
}

std::string_view to_string(CapScaling scaling) {
  switch (scaling) {
    case CapScaling::proportional: return "proportional";
    case CapScaling::affine: return "affine";
  }
  return "?";
}

std::string_view to_string(PsuVoltageMode mode) {
  switch (mode) {
    case PsuVoltageMode::fixed: return "fixed";
    case PsuVoltageMode::track_bus: return "track_bus";
  }
  return "?";
}

std::optional<QualificationLevel> parse_qualification_level(std::string_view name) {
  return parse(name, std::array{QualificationLevel::acceptance,
                                QualificationLevel::protoqualification,
                                QualificationLevel::qualification});
}

std::optional<ChamberTracks> parse_chamber_tracks(std::string_view name) {
  return parse(name, std::array{ChamberTracks::baseplate, ChamberTracks::board});
}

std::optional<CapScaling> parse_cap_scaling(std::string_view name) {
  return parse(name, std::array{CapScaling::proportional, CapScaling::affine});
}

std::optional<PsuVoltageMode> parse_psu_voltage_mode(std::string_view name) {
  return parse(name, std::array{PsuVoltageMode::fixed, PsuVoltageMode::track_bus});
}

}  // namespace ob::profiles
