#include "drivers/scpi/scpi_dialect.hpp"

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

}  // namespace ob::drivers
