#include "bench/config/yaml_reader.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace ob::bench {
namespace {

std::string where(const std::string& label, const YAML::Mark& mark) {
  if (mark.line < 0) return label;
  return label + ":" + std::to_string(mark.line + 1);
}

std::optional<double> to_double(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::optional<double> parse_duration_s(const std::string& text) {
  struct Unit {
    char letter;
    double seconds;
  };
  static constexpr std::array<Unit, 4> kUnits{{{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};
  double total_s = 0;
  std::size_t next_unit = 0;  // units come largest first, each once: 2d12h, 1h30m, 90s
  std::size_t at = 0;
  if (text.empty()) return std::nullopt;
  while (at < text.size()) {
    const std::size_t letter = text.find_first_of("dhms", at);
    if (letter == std::string::npos || letter == at) return std::nullopt;  // a number without its unit
    const auto value = to_double(text.substr(at, letter - at));
    if (!value || *value < 0) return std::nullopt;
    std::size_t unit = next_unit;
    while (unit < kUnits.size() && kUnits[unit].letter != text[letter]) ++unit;
    if (unit == kUnits.size()) return std::nullopt;  // out of order, or repeated
    total_s += *value * kUnits[unit].seconds;
    next_unit = unit + 1;
    at = letter + 1;
  }
  return total_s;
}

namespace {

// The first line indented with a tab (1-based), if any: YAML indents with spaces only, and
// yaml-cpp's own message for it ("illegal block entry", …) never says "tab".
std::optional<std::size_t> first_tab_indented_line(const std::string& text) {
  std::size_t line = 1;
  bool in_indent = true;
  for (const char c : text) {
    if (c == '\n') {
      ++line;
      in_indent = true;
    } else if (in_indent && c == '\t') {
      return line;
    } else if (c != ' ') {
      in_indent = false;
    }
  }
  return std::nullopt;
}

// yaml-cpp keeps both entries of a repeated key and its lookups see only one, so a duplicated
// key — a safety limit given twice, say — would be silently half-ignored. Refused, naming both
// lines, at every depth. Each mapping or list is walked once: an alias (*a) is the node its
// anchor made, at the anchor's place, so a file of nested aliases costs its size, not 10^9 visits.
void refuse_duplicate_keys(const std::string& label, const YAML::Node& node, std::set<int>& walked) {
  if (!node.IsMap() && !node.IsSequence()) return;
  if (!walked.insert(node.Mark().pos).second) return;
  if (node.IsSequence()) {
    for (const auto& item : node) refuse_duplicate_keys(label, item, walked);
    return;
  }
  std::map<std::string, YAML::Mark> seen;
  for (const auto& pair : node) {
    if (pair.first.IsScalar()) {
      const auto key = pair.first.Scalar();
      const auto [at, fresh] = seen.emplace(key, pair.first.Mark());
      if (!fresh) {
        throw ConfigError(where(label, pair.first.Mark()) + ": key '" + key + "' is given twice (first at line " +
                          std::to_string(at->second.line + 1) + "); give each key once");
      }
    }
    refuse_duplicate_keys(label, pair.second, walked);
  }
}

}  // namespace

YamlReader::YamlReader(std::string label, const std::string& text) : label_(std::move(label)) {
  try {
    root_ = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    if (const auto line = first_tab_indented_line(text)) {
      throw ConfigError(label_ + ":" + std::to_string(*line) + ": YAML syntax: a tab in the indentation (YAML indents with spaces only)");
    }
    throw ConfigError(where(label_, e.mark) + ": YAML syntax: " + e.msg);
  }
  std::set<int> walked;
  refuse_duplicate_keys(label_, root_, walked);
  if (!root_.IsMap()) throw ConfigError(label_ + ":1: expected a mapping at the top level");
}

void YamlReader::fail(const YAML::Node& at, const std::string& field, const std::string& reason) const {
  throw ConfigError(where(label_, at.Mark()) + ": " + field + ": " + reason);
}

void YamlReader::require_map(const YAML::Node& node, const std::string& field) const {
  if (!node.IsMap()) fail(node, field, "expected a mapping of key: value");
}

std::string YamlReader::key(const YAML::Node& key, const std::string& field) const {
  if (key.IsMap() || key.IsSequence()) fail(key, field.empty() ? "(top level)" : field, "a key must be text, not a mapping or list");
  return key.as<std::string>();
}

void YamlReader::allow_only(const YAML::Node& map, const std::string& field,
                            std::initializer_list<const char*> keys) const {
  allow_only(map, field, std::vector<std::string_view>(keys.begin(), keys.end()));
}

void YamlReader::allow_only(const YAML::Node& map, const std::string& field,
                            const std::vector<std::string_view>& keys) const {
  require_map(map, field);
  for (const auto& item : map) {
    const auto key = this->key(item.first, field);
    bool known = false;
    for (const auto allowed : keys) known = known || key == allowed;
    if (known) continue;
    std::string list;
    for (const auto allowed : keys) list += (list.empty() ? "" : ", ") + std::string(allowed);
    const std::string path = field.empty() ? key : field + "." + key;
    fail(item.first, path, "unknown key (expected one of: " + list + ")");
  }
}

std::optional<std::string> YamlReader::optional_string(const YAML::Node& map, const std::string& field,
                                                       const char* key) const {
  const auto node = map[key];
  if (!node) return std::nullopt;
  if (!node.IsScalar()) fail(node, field + "." + key, "expected a string");
  return node.as<std::string>();
}

std::string YamlReader::string(const YAML::Node& map, const std::string& field, const char* key) const {
  auto value = optional_string(map, field, key);
  if (!value) fail(map, field.empty() ? key : field + "." + key, "missing (required)");
  return *value;
}

std::string YamlReader::scalar_string(const YAML::Node& node, const std::string& field) const {
  if (!node.IsScalar()) fail(node, field, "expected text");
  return node.as<std::string>();
}

std::optional<double> YamlReader::optional_number(const YAML::Node& map, const std::string& field,
                                                  const char* key) const {
  const auto node = map[key];
  if (!node) return std::nullopt;
  return scalar_number(node, field.empty() ? key : field + "." + key);
}

double YamlReader::scalar_number(const YAML::Node& node, const std::string& field) const {
  if (!node.IsScalar()) fail(node, field, "expected a number");
  auto value = to_double(node.as<std::string>());
  if (!value) fail(node, field, "'" + node.as<std::string>() + "' is not a number");
  return *value;
}

double YamlReader::number(const YAML::Node& map, const std::string& field, const char* key) const {
  auto value = optional_number(map, field, key);
  if (!value) fail(map, field.empty() ? key : field + "." + key, "missing (required)");
  return *value;
}

double YamlReader::number_in(const YAML::Node& map, const std::string& field, const char* key, double min,
                             double max) const {
  const double value = number(map, field, key);
  if (value < min || value > max) {
    std::ostringstream reason;
    reason << value << " is outside " << min << " … " << max;
    fail(map[key], field.empty() ? key : field + "." + key, reason.str());
  }
  return value;
}

std::optional<bool> YamlReader::optional_bool(const YAML::Node& map, const std::string& field, const char* key) const {
  const auto node = map[key];
  if (!node) return std::nullopt;
  const auto text = node.IsScalar() ? node.as<std::string>() : std::string();
  if (text == "true" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "no" || text == "off") return false;
  fail(node, field.empty() ? key : field + "." + key, "expected true or false");
}

std::optional<double> YamlReader::optional_duration_s(const YAML::Node& map, const std::string& field,
                                                      const char* key) const {
  const auto node = map[key];
  if (!node) return std::nullopt;
  const std::string path = field.empty() ? key : field + "." + key;
  if (!node.IsScalar()) fail(node, path, "expected a duration such as 90s, 10m, 2h or 1h30m");
  auto value = parse_duration_s(node.as<std::string>());
  if (!value || *value <= 0) fail(node, path, "'" + node.as<std::string>() + "' is not a positive duration: " + kDurationForms);
  return value;
}

}  // namespace ob::bench
