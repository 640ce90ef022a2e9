// The SCPI power-supply families orbitbench knows. Channel limits are the front-panel ratings
// (vendors' data sheets and programming guides); a negative-output channel (DP831 CH3,
// E36311A CH3) is programmed with the magnitude, so its limit is the magnitude too.
// max_power_w is recorded where a channel cannot deliver V_max x I_max at once (autoranging
// R&S outputs); the driver does not enforce it (the instrument limits itself).
// "unconfirmed" marks a command or rating taken from a manual but not yet tried on hardware.
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
              .query_regulation = ":OUTP:MODE? CH{ch}",  // CV | CC | UR
              .regulation_reply = RegulationReply::mode_text,
              .set_ovp_level = ":OUTP:OVP:VAL CH{ch},{v}",
              .ovp_on = ":OUTP:OVP CH{ch},ON",
              .ovp_off = ":OUTP:OVP CH{ch},OFF",
              .query_ovp_tripped = ":OUTP:OVP:QUES? CH{ch}",  // YES | NO
              .clear_ovp = ":OUTP:OVP:CLEAR CH{ch}",
              .set_ocp_level = ":OUTP:OCP:VAL CH{ch},{a}",
              .ocp_on = ":OUTP:OCP CH{ch},ON",
              .ocp_off = ":OUTP:OCP CH{ch},OFF",
              .query_ocp_tripped = ":OUTP:OCP:QUES? CH{ch}",
              .clear_ocp = ":OUTP:OCP:CLEAR CH{ch}",
              // No output watchdog on the DP800.
          },
      .voltage_decimals = 3,
      .current_decimals = 3,
      // Not batched: no DP800 source found shows compound queries (drivers/README.md).
      .compound_queries = false,
      // Rigol listens on 5555, not 5025 (drivers/README.md, "Default ports").
      .tcp_port = 5555,
  };
}

ScpiDialect keysight_e36300() {
  return ScpiDialect{
      .family = "Keysight E36300",
      .models =
          {
              {"E36312A", "E36312A", {{6, 5}, {25, 1}, {25, 1}}},
              {"E36313A", "E36313A", {{6, 10}, {25, 2}, {25, 2}}},
              {"E36311A", "E36311A", {{6, 5}, {25, 1}, {25, 1}}},  // CH3 is -25 V
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
              // Questionable instrument summary of channel n: bit 0 = CC (voltage unregulated),
              // bit 1 = CV (current unregulated), as on the E3631A. Unconfirmed on the E36300.
              .query_regulation = "STAT:QUES:INST:ISUM{ch}:COND?",
              .regulation_reply = RegulationReply::status_bits,
              .cc_bit = 0,
              .cv_bit = 1,
              .status_bit_stride = 0,
              // OVP is always armed (no state command); OCP trips at the current setting.
              .set_ovp_level = "VOLT:PROT {v},(@{ch})",
              .ovp_on = "",
              .ovp_off = "",
              .query_ovp_tripped = "VOLT:PROT:TRIP? (@{ch})",  // unconfirmed on hardware
              .clear_ovp = "OUTP:PROT:CLE (@{ch})",  // clears OVP and OCP together
              .set_ocp_level = "",
              .ocp_on = "CURR:PROT:STAT ON,(@{ch})",
              .ocp_off = "CURR:PROT:STAT OFF,(@{ch})",
              .query_ocp_tripped = "CURR:PROT:TRIP? (@{ch})",  // unconfirmed on hardware
              .clear_ocp = "",
              // Output watchdog as on the N6700 (E36300 programming guide; unconfirmed on hardware).
              .watchdog_on = "OUTP:PROT:WDOG ON",
              .watchdog_off = "OUTP:PROT:WDOG OFF",
              .set_watchdog_delay = "OUTP:PROT:WDOG:DEL {s}",
              .watchdog_min_delay_s = 1,
              .watchdog_max_delay_s = 3600,
          },
      .voltage_decimals = 3,
      .current_decimals = 4,
      // Not batched yet: Keysight documents `;`-compound messages for its other supplies, but no
      // E36300 source found shows compound queries (drivers/README.md).
      .compound_queries = false,
  };
}

// Keysight (Agilent) N5700: single-output 750 W / 1500 W system supplies, the kind that feeds a
// GPU board at real power (12.5 V x 120 A, 60 V x 25 A). N5700 User's Guide ("Output commands",
// "Status Commands") and libsigrok's scpi-pps N5700A profile (agilent_n5700a_cmd): VOLT / CURR /
// OUTP, MEAS:VOLT? / MEAS:CURR?, VOLT:PROT[:LEV] (OVP, a hardware circuit that is always armed),
// CURR:PROT:STAT (OCP: the output trips off when it would go into constant current, at the
// current setting), OUTP:PROT:CLE. Trips and regulation come from the status registers:
// STAT:QUES:COND? bit 0 OV, bit 1 OC; STAT:OPER:COND? bit 8 CV, bit 10 CC. Ratings from the
// data sheet (the N5763A's and N5767A's also in libsigrok's profiles).
ScpiDialect keysight_n5700() {
  const auto model = [](const char* name, double volts, double amps) {
    return ScpiModel{name, name, {{volts, amps, 1500}}};
  };
  return ScpiDialect{
      .family = "Keysight N5700",
      .models =
          {
              model("N5761A", 6, 180), model("N5762A", 8, 165), model("N5763A", 12.5, 120),
              model("N5764A", 20, 76), model("N5765A", 30, 50), model("N5766A", 40, 38),
              model("N5767A", 60, 25), model("N5768A", 80, 19), model("N5769A", 100, 15),
              model("N5770A", 150, 10), model("N5771A", 300, 5), model("N5772A", 600, 2.6),
          },
      .commands =
          {
              .select_channel = "",
              .set_voltage = ":SOUR:VOLT {v}",
              .set_current = ":SOUR:CURR {a}",
              .output_on = ":OUTP ON",
              .output_off = ":OUTP OFF",
              .query_output = ":OUTP?",  // 1 | 0
              .measure_voltage = ":MEAS:VOLT?",
              .measure_current = ":MEAS:CURR?",
              .measure_power = "",
              .error_query = "SYST:ERR?",
              .query_regulation = "STAT:OPER:COND?",
              .regulation_reply = RegulationReply::status_bits,
              .cc_bit = 10,
              .cv_bit = 8,
              .status_bit_stride = 0,
              .set_ovp_level = ":VOLT:PROT:LEV {v}",
              .ovp_on = "",
              .ovp_off = "",
              .query_ovp_tripped = "STAT:QUES:COND?",
              .clear_ovp = "OUTP:PROT:CLE",
              .set_ocp_level = "",
              .ocp_on = ":CURR:PROT:STAT ON",
              .ocp_off = ":CURR:PROT:STAT OFF",
              .query_ocp_tripped = "STAT:QUES:COND?",
              .clear_ocp = "",  // OUTP:PROT:CLE clears both
              .ovp_trip_bit = 0,
              .ocp_trip_bit = 1,
              // No output watchdog on the N5700.
          },
      .voltage_decimals = 3,
      .current_decimals = 3,
      .compound_queries = false,  // not shown by the guide's examples nor libsigrok
      .tcp_port = 5025,
  };
}

// Elektro-Automatik PSI 9000 (and PSI 10000, the same SCPI): single-output 80 V supplies of
// 3..15 kW, enough for a 700 W SXM board at 48..54 V. EA's "Programming Guide ModBus & SCPI"
// (Rev 24, 2023: §5.3.2 / §5.4.5.1 remote control, §5.4.3 set values, §5.4.4 measurements,
// §5.4.6 protections, §5.4.2 status registers, §5.4.10 ratings) and public clients
// (PythonEquipmentDrivers' Intepro PSI 9000, ETH's hvl_ccb ea_psi9000, nominal-io/instro's EA
// PSB): settings are obeyed only under remote control, taken with SYST:LOCK ON and confirmed by
// SYST:LOCK:OWN? -> REMOTE; readings carry their unit ("43.50V", older firmware "43.50 V");
// OUTP? answers ON/OFF; OVP/OCP (VOLT:PROT, CURR:PROT, 0..110 % of the rating) are always
// armed; STAT:QUES:COND? bit 0 OVP, bit 1 OCP; STAT:OPER:COND? bit 8 CV, bit 9 CC. No
// protection-clear command: an alarm is acknowledged by reading SYST:ERR? once it has gone.
// The model name is volts-amps (PSI 9080-510 3U: 80 V, 510 A); the power rating is read from
// SYST:NOM:POW? at configure (the table's is the data sheet's, from single sources).
ScpiDialect ea_psi9000() {
  const auto model = [](const char* name, const char* regex, double volts, double amps, double watts) {
    return ScpiModel{name, regex, {{volts, amps, watts}}};
  };
  return ScpiDialect{
      .family = "EA PSI 9000",
      .models =
          {
              model("PSI 9080-120 2U", "PSI ?9080-120( 2U)?", 80, 120, 3000),
              model("PSI 9080-170 3U", "PSI ?9080-170( 3U)?", 80, 170, 5000),
              model("PSI 9080-510 3U", "PSI ?9080-510( 3U)?", 80, 510, 15000),
          },
      .commands =
          {
              .select_channel = "",
              .set_voltage = "VOLT {v}",
              .set_current = "CURR {a}",
              .output_on = "OUTP ON",
              .output_off = "OUTP OFF",
              .query_output = "OUTP?",  // ON | OFF
              .measure_voltage = "MEAS:VOLT?",
              .measure_current = "MEAS:CURR?",
              .measure_power = "MEAS:POW?",
              .error_query = "SYST:ERR?",
              .query_regulation = "STAT:OPER:COND?",
              .regulation_reply = RegulationReply::status_bits,
              .cc_bit = 9,
              .cv_bit = 8,
              .status_bit_stride = 0,
              .set_ovp_level = "VOLT:PROT {v}",
              .ovp_on = "",
              .ovp_off = "",
              .query_ovp_tripped = "STAT:QUES:COND?",
              .clear_ovp = "",
              .set_ocp_level = "CURR:PROT {a}",
              .ocp_on = "",
              .ocp_off = "",
              .query_ocp_tripped = "STAT:QUES:COND?",
              .clear_ocp = "",
              .ovp_trip_bit = 0,
              .ocp_trip_bit = 1,
              .take_remote = "SYST:LOCK ON",
              .query_remote = "SYST:LOCK:OWN?",
              .remote_reply = "REMOTE",
              .error_query_acknowledges_alarms = true,
              .readings_have_units = true,
              .query_rated_voltage = "SYST:NOM:VOLT?",
              .query_rated_current = "SYST:NOM:CURR?",
              .query_rated_power = "SYST:NOM:POW?",
              // The interface watchdog (SYST:COMM:MON) is documented for newer firmware only.
          },
      .voltage_decimals = 3,
      .current_decimals = 3,
      .compound_queries = false,  // the guide allows `;` chains, but no client shows them for queries
      .tcp_port = 5025,
  };
}

// R&S NGP800 and NGE100 share the command set: INST:NSEL selects, OUTP:SEL arms the selected
// channel, OUTP:GEN is the master switch; booleans are answered 1/0. OCP is the electronic
// fuse: it trips at the current limit (no level). Every command acts on the selected channel.
ScpiCommands rohde_schwarz_commands() {
  return ScpiCommands{
      .select_channel = "INST:NSEL {ch}",
      .set_voltage = "VOLT {v}",
      .set_current = "CURR {a}",
      .output_on = "OUTP:SEL ON",
      .output_off = "OUTP:SEL OFF",
      .query_output = "OUTP?",  // 1 | 0: the selected channel's real state (selected and master on)
      .measure_voltage = "MEAS:VOLT?",
      .measure_current = "MEAS:CURR?",
      .measure_power = "MEAS:POW?",
      .error_query = "SYST:ERR?",
      .output_master_on = "OUTP:GEN ON",
      .output_master_off = "OUTP:GEN OFF",
      // Questionable instrument summary of channel n: 1 = CC, 2 = CV. (protocols.md writes
      // STAT:QUES:ISUM1:COND?; the NGE100 manual has the INSTrument node. Unconfirmed on the NGP800.)
      .query_regulation = "STAT:QUES:INST:ISUM{ch}:COND?",
      .regulation_reply = RegulationReply::status_bits,
      .cc_bit = 0,
      .cv_bit = 1,
      .status_bit_stride = 0,
      .set_ovp_level = "VOLT:PROT:LEV {v}",
      .ovp_on = "VOLT:PROT:STAT ON",
      .ovp_off = "VOLT:PROT:STAT OFF",
      .query_ovp_tripped = "VOLT:PROT:TRIP?",  // unconfirmed on hardware
      .clear_ovp = "VOLT:PROT:CLE",
      .set_ocp_level = "",
      .ocp_on = "FUSE:STAT ON",
      .ocp_off = "FUSE:STAT OFF",
      .query_ocp_tripped = "FUSE:TRIP?",  // unconfirmed on hardware
      .clear_ocp = "FUSE:TRIP:CLE",  // unconfirmed: switching the output on again also clears it
      // No output watchdog documented for either family.
  };
}

ScpiDialect rohde_schwarz_ngp800() {
  // 200 W per channel (800 W total on the 4-channel models); autoranging, so 32 V x 20 A is
  // not available at once.
  constexpr PsuChannelSpec k32v{32, 20, 200};
  constexpr PsuChannelSpec k64v{64, 10, 200};
  return ScpiDialect{
      .family = "Rohde & Schwarz NGP800",
      .models =
          {
              {"NGP814", "NGP814", {k32v, k32v, k32v, k32v}},
              {"NGP824", "NGP824", {k64v, k64v, k64v, k64v}},
              {"NGP802", "NGP802", {k32v, k32v}},
              {"NGP822", "NGP822", {k64v, k64v}},
          },
      .commands = rohde_schwarz_commands(),
      .voltage_decimals = 3,
      .current_decimals = 4,
      // Not batched: no NGP800/NGE100 source found shows compound queries (drivers/README.md).
      .compound_queries = false,
  };
}

ScpiDialect rohde_schwarz_nge100() {
  constexpr PsuChannelSpec kChannel{32, 3, 33.6};  // 33.6 W per channel (data sheet)
  return ScpiDialect{
      .family = "Rohde & Schwarz NGE100",
      .models =
          {
              {"NGE102B", "NGE102B?", {kChannel, kChannel}},
              {"NGE103B", "NGE103B?", {kChannel, kChannel, kChannel}},
          },
      .commands = rohde_schwarz_commands(),
      .voltage_decimals = 3,
      .current_decimals = 3,
      .compound_queries = false,  // as the NGP800
  };
}

// Siglent SPD3303X / SPD3303X-E: *IDN? has five fields; SYST:ERR? answers `0 No Error`
// (older firmware) or `+0, No Error`; commands name their channel (`CH1:VOLT 5.000`).
// CH3 is a fixed 2.5 / 3.3 / 5 V, 3.2 A output chosen on the front panel: not programmable,
// so it is not modelled (channels 1 and 2 only). There is no output-state query: SYST:STAT?
// bit 0/1 = CH1/CH2 CC (clear = CV), bit 4/5 = CH1/CH2 output on. No OVP/OCP, no watchdog.
ScpiDialect siglent_spd3303x() {
  constexpr PsuChannelSpec kChannel{32, 3.2};
  return ScpiDialect{
      .family = "Siglent SPD3303X",
      .models =
          {
              {"SPD3303X", "SPD3303X(-E)?", {kChannel, kChannel}},
          },
      .commands =
          {
              .select_channel = "INST CH{ch}",
              .set_voltage = "CH{ch}:VOLT {v}",
              .set_current = "CH{ch}:CURR {a}",
              .output_on = "OUTP CH{ch},ON",
              .output_off = "OUTP CH{ch},OFF",
              .query_output = "SYST:STAT?",
              .measure_voltage = "MEAS:VOLT? CH{ch}",
              .measure_current = "MEAS:CURR? CH{ch}",
              .measure_power = "MEAS:POWE? CH{ch}",
              .error_query = "SYST:ERR?",
              .output_state_bit = 4,
              .query_regulation = "SYST:STAT?",
              .regulation_reply = RegulationReply::status_bits,
              .cc_bit = 0,
              .cv_bit = -1,
              .status_bit_stride = 1,
          },
      .voltage_decimals = 3,
      .current_decimals = 3,
      .compound_queries = false,  // not batched: no source found (drivers/README.md)
  };
}

}  // namespace

const std::vector<ScpiDialect>& scpi_dialects() {
  static const std::vector<ScpiDialect> dialects{rigol_dp800(), keysight_e36300(), keysight_n5700(), ea_psi9000(),
                                                 rohde_schwarz_ngp800(), rohde_schwarz_nge100(), siglent_spd3303x()};
  return dialects;
}

}  // namespace ob::drivers
