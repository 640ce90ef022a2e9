#include "drivers/scpi/scpi_dialect.hpp"

#include <charconv>
#include <regex>
#include <stdexcept>

#include "drivers/common/number_text.hpp"

namespace ob::drivers {
namespace {

constexpr std::size_t kIdnFields = 4;
constexpr std::string_view kChannelPlaceholder = "{ch}";

std::string_view unquote(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') return text.substr(1, text.size() - 2);
  return text;
}

}  // namespace

std::optional<ScpiMatch> find_scpi_dialect(std::string_view idn_model) {
  const std::string model(trim(idn_model));
  for (const auto& dialect : scpi_dialects()) {
    for (const auto& entry : dialect.models) {
      const std::regex pattern(entry.idn_model_regex, std::regex::ECMAScript | std::regex::icase);
      if (std::regex_match(model, pattern)) return ScpiMatch{&dialect, &entry};
    }
  }
  return std::nullopt;
}

std::string supported_scpi_models() {
  std::string names;
  for (const auto& dialect : scpi_dialects()) {
    for (const auto& entry : dialect.models) names += (names.empty() ? "" : ", ") + entry.name;
  }
  return names;
}

std::string render_command(std::string_view command_template, TemplateArgs args) {
  std::string out;
  std::size_t pos = 0;
  while (pos < command_template.size()) {
    const auto open = command_template.find('{', pos);
    if (open == std::string_view::npos) {
      out.append(command_template.substr(pos));
      break;
    }
    out.append(command_template.substr(pos, open - pos));
    const auto close = command_template.find('}', open);
    if (close == std::string_view::npos) {
      throw std::invalid_argument("command template '" + std::string(command_template) + "': unterminated '{'");
    }
    const auto name = command_template.substr(open + 1, close - open - 1);
    bool found = false;
    for (const auto& [key, value] : args) {
      if (key != name) continue;
      out.append(value);
      found = true;
      break;
    }
    if (!found) {
      throw std::invalid_argument("command template '" + std::string(command_template) + "': no value for {" +
                                  std::string(name) + "}");
    }
    pos = close + 1;
  }
  return out;
}

std::string join_compound_queries(const std::vector<std::string>& queries) {
  std::string line;
  for (const auto& query : queries) {
    if (!line.empty()) {
      line += ';';
      if (!query.empty() && query.front() != ':' && query.front() != '*') line += ':';
    }
    line += query;
  }
  return line;
}

std::vector<std::string> split_compound_reply(std::string_view reply) {
  std::vector<std::string> units;
  std::string unit;
  char quote = 0;
  for (const char c : trim(reply)) {
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ';') {
      units.emplace_back(trim(unit));
      unit.clear();
      continue;
    }
    unit.push_back(c);
  }
  units.emplace_back(trim(unit));
  return units;
}

bool needs_channel_select(std::string_view command_template) {
  return command_template.find(kChannelPlaceholder) == std::string_view::npos;
}

std::optional<Identity> parse_idn_reply(std::string_view reply) {
  auto fields = split_fields(trim(reply), ',');
  if (fields.size() < kIdnFields || fields[1].empty()) return std::nullopt;
  Identity identity{std::string(fields[0]), std::string(fields[1]), std::string(fields[2]), std::string(fields[3])};
  for (std::size_t i = kIdnFields; i < fields.size(); ++i) identity.firmware += "," + std::string(fields[i]);
  return identity;
}

std::optional<ScpiErrorEntry> parse_error_reply(std::string_view reply) {
  reply = trim(reply);
  // The code runs up to the first ',' or blank: `+0,"No error"`, `0 No Error`, `-222, "..."`.
  const auto end = reply.find_first_of(", \t");
  auto code = parse_integer(reply.substr(0, end));
  if (!code) return std::nullopt;
  std::string_view text = end == std::string_view::npos ? std::string_view{} : trim(reply.substr(end));
  if (!text.empty() && text.front() == ',') text = trim(text.substr(1));
  return ScpiErrorEntry{*code, std::string(unquote(text))};
}

std::optional<bool> parse_on_off(std::string_view reply) {
  reply = trim(reply);
  if (iequals(reply, "ON") || reply == "1") return true;
  if (iequals(reply, "OFF") || reply == "0") return false;
  return std::nullopt;
}

std::optional<bool> parse_flag(std::string_view reply) {
  reply = trim(reply);
  if (iequals(reply, "YES")) return true;
  if (iequals(reply, "NO")) return false;
  return parse_on_off(reply);
}

std::optional<unsigned long> parse_status_word(std::string_view reply) {
  reply = trim(reply);
  if (reply.size() > 2 && reply[0] == '0' && (reply[1] == 'x' || reply[1] == 'X')) {
    unsigned long value = 0;
    const auto* first = reply.data() + 2;
    const auto* last = reply.data() + reply.size();
    auto [ptr, ec] = std::from_chars(first, last, value, 16);
    if (ec != std::errc{} || ptr != last) return std::nullopt;
    return value;
  }
  auto value = parse_integer(reply);
  if (!value || *value < 0) {
    // Some firmware answers a status register as a float ("+2.00000E+00").
    auto number = parse_number(reply);
    if (!number || *number < 0 || *number != static_cast<double>(static_cast<unsigned long>(*number))) return std::nullopt;
    return static_cast<unsigned long>(*number);
  }
  return static_cast<unsigned long>(*value);
}

namespace {

bool bit_set(unsigned long word, int bit) { return bit >= 0 && bit < 64 && ((word >> bit) & 1UL) != 0; }

}  // namespace

std::optional<double> decode_quantity(const ScpiCommands& commands, std::string_view reply, std::string_view unit) {
  return commands.readings_have_units ? parse_quantity(reply, unit) : parse_number(reply);
}

std::optional<bool> decode_output_state(const ScpiCommands& commands, int channel, std::string_view reply) {
  if (commands.output_state_bit < 0) return parse_on_off(reply);
  auto word = parse_status_word(reply);
  if (!word) return std::nullopt;
  return bit_set(*word, commands.output_state_bit + channel - 1);
}

std::optional<PsuRegulation> decode_regulation(const ScpiCommands& commands, int channel, std::string_view reply) {
  if (commands.regulation_reply == RegulationReply::mode_text) {
    reply = trim(reply);
    if (iequals(reply, "CV")) return PsuRegulation::constant_voltage;
    if (iequals(reply, "CC")) return PsuRegulation::constant_current;
    if (iequals(reply, "UR") || iequals(reply, "UNR")) return PsuRegulation::unregulated;
    return std::nullopt;
  }
  auto word = parse_status_word(reply);
  if (!word) return std::nullopt;
  const int shift = commands.status_bit_stride * (channel - 1);
  if (bit_set(*word, commands.cc_bit + shift)) return PsuRegulation::constant_current;
  if (commands.cv_bit < 0) return PsuRegulation::constant_voltage;
  if (bit_set(*word, commands.cv_bit + shift)) return PsuRegulation::constant_voltage;
  return PsuRegulation::unknown;  // neither: typically an output that is off
}

std::optional<bool> decode_trip(const ScpiCommands& commands, bool over_voltage, int channel, std::string_view reply) {
  const int bit = over_voltage ? commands.ovp_trip_bit : commands.ocp_trip_bit;
  if (bit < 0) return parse_flag(reply);
  auto word = parse_status_word(reply);
  if (!word) return std::nullopt;
  return bit_set(*word, bit + commands.status_bit_stride * (channel - 1));
}

PsuCapabilities scpi_capabilities(const ScpiCommands& c) {
  PsuCapabilities caps;
  caps.regulation = !c.query_regulation.empty();
  caps.ovp_level = !c.set_ovp_level.empty();
  caps.ovp = caps.ovp_level || !c.ovp_on.empty();
  caps.ocp_level = !c.set_ocp_level.empty();
  caps.ocp = caps.ocp_level || !c.ocp_on.empty();
  caps.protection_status = !c.query_ovp_tripped.empty() || !c.query_ocp_tripped.empty();
  caps.watchdog = !c.watchdog_on.empty();
  return caps;
}

}  // namespace ob::drivers
