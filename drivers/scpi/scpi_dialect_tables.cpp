// The SCPI power-supply families orbitbench knows. Channel limits are the front-panel ratings
// (programming guides); a negative-output channel (DP831 CH3, E36311A CH3) is programmed with
// the magnitude, so its limit is the magnitude too.
#include "drivers/scpi/scpi_dialect.hpp"

namespace ob::drivers {
namespace {

ScpiDialect rigol_dp800() {
  return ScpiDialect{
      .family = "Rigol DP800",
      .models =
          {
              {"DP832", "DP832A?", {{30, 3}, {30, 3}, {5, 3}}},
              {"DP831", "DP831A?", {{8, 5}, {30, 2}, {30, 2}}},
              {"DP821", "DP821A?", {{60, 1}, {8, 10}}},
              {"DP811", "DP811A?", {{20, 10}}},  // low range; the 40 V / 5 A range is not used
          },
      .commands =
          {
              .select_channel = ":INST:NSEL {ch}",
              .set_voltage = ":SOUR:VOLT {v}",
              .set_current = ":SOUR:CURR {a}",
              .output_on = ":OUTP CH{ch},ON",
              .output_off = ":OUTP CH{ch},OFF",
              .query_output = ":OUTP? CH{ch}",
              .measure_voltage = ":MEAS:VOLT? CH{ch}",
              .measure_current = ":MEAS:CURR? CH{ch}",
              .measure_power = ":MEAS:POWE? CH{ch}",
              .error_query = ":SYST:ERR?",
          },
      .voltage_decimals = 3,
      .current_decimals = 3,
  };
}

ScpiDialect keysight_e36300() {
  return ScpiDialect{
      .family = "Keysight E36300",
      .models =
          {
              {"E36312A", "E36312A", {{6, 5}, {25, 1}, {25, 1}}},
              {"E36313A", "E36313A", {{6, 10}, {25, 2}, {25, 2}}},
              {"E36311A", "E36311A", {{6, 5}, {25, 1}, {25, 1}}},
          },
      .commands =
          {
              .select_channel = "",
              .set_voltage = "VOLT {v},(@{ch})",
              .set_current = "CURR {a},(@{ch})",
              .output_on = "OUTP ON,(@{ch})",
              .output_off = "OUTP OFF,(@{ch})",
              .query_output = "OUTP? (@{ch})",
              .measure_voltage = "MEAS:VOLT? (@{ch})",
              .measure_current = "MEAS:CURR? (@{ch})",
              .measure_power = "",
              .error_query = "SYST:ERR?",
          },
      .voltage_decimals = 3,
      .current_decimals = 4,
  };
}

}  // namespace

const std::vector<ScpiDialect>& scpi_dialects() {
  static const std::vector<ScpiDialect> dialects{rigol_dp800(), keysight_e36300()};
  return dialects;
}

}  // namespace ob::drivers
