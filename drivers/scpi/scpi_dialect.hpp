#pragma once
// SCPI power-supply dialects as data, in the manner of libsigrok's scpi-pps profiles: one
// table per model family with the models it covers (matched on the *IDN? model field), each
// model's channel specs, and the command templates. Adding a family = adding a table entry in
// scpi_dialect_tables.cpp; the driver (psu/scpi_power_supply) has no per-vendor code.
//
// Template placeholders: {ch} channel number (1-based), {v} volts, {a} amperes.
// A command template without {ch} acts on the selected channel: the driver sends
// `select_channel` before it (when the family has one).
#include <initializer_list>
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

struct ScpiCommands {
  std::string select_channel;  // empty: every command names its channel
  std::string set_voltage;
  std::string set_current;
  std::string output_on;
  std::string output_off;
  std::string query_output;  // reply ON/OFF or 1/0
  std::string measure_voltage;
  std::string measure_current;
  std::string measure_power;  // empty: P = V x I
  std::string error_query = "SYST:ERR?";
};

struct ScpiDialect {
  std::string family;  // "Rigol DP800"
  std::vector<ScpiModel> models;
  ScpiCommands commands;
  int voltage_decimals = 3;  // digits after the point in {v}
  int current_decimals = 3;  // digits after the point in {a}
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

}  // namespace ob::drivers
