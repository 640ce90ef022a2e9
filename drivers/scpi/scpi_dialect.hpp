#pragma once
// SCPI power-supply dialects as data, in the manner of libsigrok's scpi-pps profiles: one
// table per model family with the models it covers (matched on the *IDN? model field), each
// model's channel specs, and the command templates. Adding a family = adding a table entry in
// scpi_dialect_tables.cpp; the driver (psu/scpi_power_supply) has no per-vendor code.
//
// Template placeholders: {ch} channel number (1-based), {v} volts, {a} amperes, {s} seconds.
// A command template without {ch} acts on the selected channel: the driver sends
// `select_channel` before it (when the family has one).
#include <initializer_list>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drivers/common/identity.hpp"
#include "drivers/psu/power_supply.hpp"

namespace ob::drivers {

struct ScpiModel {
  std::string name;                      // canonical name, e.g. "DP832"
  std::string idn_model_regex;           // ECMAScript, whole-field, case-insensitive
  std::vector<PsuChannelSpec> channels;  // index 0 = CH1
};

// How a regulation query's reply reads.
enum class RegulationReply {
  mode_text,    // "CV" | "CC" | "UR" (Rigol :OUTP:MODE?)
  status_bits,  // a status word (decimal or 0x-hex): see ScpiCommands::cc_bit
};

struct ScpiCommands {
  std::string select_channel{};  // empty: every command names its channel
  std::string set_voltage{};
  std::string set_current{};
  std::string output_on{};
  std::string output_off{};
  std::string query_output{};  // reply ON/OFF or 1/0 (or a status word: output_state_bit)
  std::string measure_voltage{};
  std::string measure_current{};
  std::string measure_power{};  // empty: P = V x I
  std::string error_query = "SYST:ERR?";

  // Master output switch (R&S OUTP:GEN): sent after output_on; after every channel's
  // output_off in safe_state(). Empty: channels switch on their own.
  std::string output_master_on{};
  std::string output_master_off{};
  // query_output's reply is a status word; the channel is on when bit
  // (output_state_bit + ch - 1) is set (Siglent SYST:STAT?: CH1 bit 4, CH2 bit 5). -1: ON/OFF/1/0.
  int output_state_bit = -1;

  // Regulation (CV/CC). Empty: PsuRegulation::unknown.
  std::string query_regulation{};
  RegulationReply regulation_reply = RegulationReply::mode_text;
  // status_bits: CC when bit (cc_bit + status_bit_stride * (ch - 1)) is set; CV when cv_bit
  // (same shift) is set, or, with cv_bit = -1, whenever the CC bit is clear.
  int cc_bit = -1;
  int cv_bit = -1;
  int status_bit_stride = 0;

  // Protection. {v} / {a} level. Empty template: the model lacks that command (an empty
  // ovp_on with a level command = OVP always armed; an empty set_ocp_level = OCP trips at the
  // current limit, as an electronic fuse). Trip queries answer YES/NO, ON/OFF or 1/0.
  std::string set_ovp_level{};
  std::string ovp_on{};
  std::string ovp_off{};
  std::string query_ovp_tripped{};
  std::string clear_ovp{};
  std::string set_ocp_level{};
  std::string ocp_on{};
  std::string ocp_off{};
  std::string query_ocp_tripped{};
  std::string clear_ocp{};
  // A trip query that answers a status word (Keysight N5700/N8900 STAT:QUES:COND?): the
  // protection has tripped when this bit (shifted by status_bit_stride per channel) is set.
  // -1: the reply is a flag (YES/NO, ON/OFF, 1/0).
  int ovp_trip_bit = -1;
  int ocp_trip_bit = -1;

  // Remote control that must be taken before settings are obeyed (EA SYST:LOCK ON: a setting
  // sent without it is ignored, -201 "Invalid while in local"). Taking it is idempotent, and a
  // reconnect or the front panel's Local loses it, so it leads every setting exchange and the
  // safe state. At configure, query_remote must then answer remote_reply (EA SYST:LOCK:OWN? ->
  // REMOTE; LOCAL: the front panel holds the supply). Empty: settings need nothing first.
  std::string take_remote{};
  std::string query_remote{};
  std::string remote_reply{};
  // Reading the error queue acknowledges a protection alarm whose condition has gone (EA
  // §5.4.15.2: an OVP trip switches the output off, so the next SYST:ERR? clears its bit). The
  // driver then reads the trip queries before every error query and keeps what they showed
  // until clear_protection(), which acknowledges with the error query alone.
  bool error_query_acknowledges_alarms = false;
  // Readings, setpoints and ratings answered with their unit ("48.00V", "48.00 V", "3kW": EA).
  bool readings_have_units = false;
  // The ratings the instrument reports (EA SYST:NOM:VOLT? / CURR? / POW?). At configure its
  // voltage and current ratings must be the table's (else the model is not what it claims);
  // its power rating is the channel's from then on. Empty: the table's alone.
  std::string query_rated_voltage{};
  std::string query_rated_current{};
  std::string query_rated_power{};

  // Output watchdog (Keysight OUTP:PROT:WDOG): outputs off after {s} seconds without a command.
  std::string watchdog_on{};
  std::string watchdog_off{};
  std::string set_watchdog_delay{};  // {s}
  double watchdog_min_delay_s = 1;
  double watchdog_max_delay_s = 3600;
};

struct ScpiDialect {
  std::string family;  // "Rigol DP800"
  std::vector<ScpiModel> models;
  ScpiCommands commands;
  int voltage_decimals = 3;  // digits after the point in {v}
  int current_decimals = 3;  // digits after the point in {a}
  // The instrument takes several queries in one program message, `;`-separated (IEEE 488.2
  // §7.4, SCPI-99 §6.2.4: `MEAS:VOLT? (@1);:MEAS:CURR? (@1)`), and answers them in ONE response
  // message, the responses `;`-separated (488.2 §8.4.1: `+5.0E+00;+1.2E-01`). Then measure() reads
  // a channel's readbacks in one line. Set only where the vendor's programming guide and a public
  // client both show it (drivers/README.md cites them); false = one query per line.
  bool compound_queries = false;
  // The raw SCPI socket's TCP port: 5025 where the maker standardised on it (Keysight, R&S,
  // Siglent); Rigol's instruments listen on 5555. A `scpi+tcp` URI without a port uses it.
  std::uint16_t tcp_port = 5025;
};

// Every family orbitbench knows, in lookup order.
const std::vector<ScpiDialect>& scpi_dialects();

struct ScpiMatch {
  const ScpiDialect* dialect = nullptr;
  const ScpiModel* model = nullptr;
};

// The family and model whose regex matches an *IDN? model field ("DP832", "E36312A").
std::optional<ScpiMatch> find_scpi_dialect(std::string_view idn_model);
// "DP832, DP832A, ..., E36312A": for "unsupported model" messages.
std::string supported_scpi_models();

// Replaces each {name} with its value. A placeholder without a value, or an unterminated '{',
// is a bug in a table: throws std::invalid_argument naming the template.
using TemplateArgs = std::initializer_list<std::pair<std::string_view, std::string_view>>;
std::string render_command(std::string_view command_template, TemplateArgs args);

// True when the template acts on the selected channel (has no {ch}).
bool needs_channel_select(std::string_view command_template);

// Queries as one `;`-compound program message: every unit after the first gets the root
// specifier `:` (after `;` a header without it continues the previous header's path, so
// `MEAS:VOLT? (@1);MEAS:CURR? (@1)` would mean MEAS:MEAS:CURR?); common commands (`*...`) and
// units that already start with `:` are left as they are.
std::string join_compound_queries(const std::vector<std::string>& queries);
// A compound query's response message split into its response message units at `;` (outside
// quoted strings). A unit keeps its own commas: `1,0;+5.0E+00` -> {"1,0", "+5.0E+00"}.
std::vector<std::string> split_compound_reply(std::string_view reply);

// *IDN? reply: maker,model,serial,firmware (Siglent adds a fifth field, kept in firmware as
// "fw,hw"). nullopt when fewer than four fields or an empty model.
std::optional<Identity> parse_idn_reply(std::string_view reply);

// SYST:ERR? reply: `+0,"No error"`, `-222,"Data out of range"`, `0 No Error`, `+0, No Error`.
struct ScpiErrorEntry {
  long code = 0;
  std::string text;
  bool is_error() const { return code != 0; }
};
std::optional<ScpiErrorEntry> parse_error_reply(std::string_view reply);

// Output state reply: ON/OFF/1/0 (any case). nullopt for anything else.
std::optional<bool> parse_on_off(std::string_view reply);
// A flag reply: ON/OFF/1/0/YES/NO (any case), as protection trip queries answer.
std::optional<bool> parse_flag(std::string_view reply);
// A status word: decimal ("+3") or hexadecimal ("0x0224"); nullopt otherwise.
std::optional<unsigned long> parse_status_word(std::string_view reply);

// The dialect's reading of a query_output / query_regulation reply for `channel`.
std::optional<bool> decode_output_state(const ScpiCommands& commands, int channel, std::string_view reply);
// A reading, setpoint or rating in `unit` ("V", "A", "W"), with its unit where the dialect's
// replies carry one (readings_have_units), else a bare number.
std::optional<double> decode_quantity(const ScpiCommands& commands, std::string_view reply, std::string_view unit);
std::optional<PsuRegulation> decode_regulation(const ScpiCommands& commands, int channel, std::string_view reply);
// The dialect's reading of a query_ovp_tripped / query_ocp_tripped reply for `channel`.
std::optional<bool> decode_trip(const ScpiCommands& commands, bool over_voltage, int channel, std::string_view reply);

// What the dialect's templates allow (PowerSupply::capabilities()).
PsuCapabilities scpi_capabilities(const ScpiCommands& commands);

}  // namespace ob::drivers
