#pragma once
// Reading YAML with errors that name the file, line and field, and refusing unknown keys
// (a misspelt safety limit must never be silently ignored).
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/config/config_error.hpp"

namespace ob::bench {

class YamlReader {
 public:
  // label: the file name shown in errors (e.g. "examples/quick-campaign.yaml").
  YamlReader(std::string label, const std::string& text);  // throws ConfigError on YAML syntax errors

  const YAML::Node& root() const { return root_; }
  const std::string& label() const { return label_; }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& field, const std::string& reason) const;
  void require_map(const YAML::Node& node, const std::string& field) const;
  // A mapping key as text; a mapping or list used as a key (YAML's "? …") is an error at `field`.
  std::string key(const YAML::Node& key, const std::string& field) const;
  void allow_only(const YAML::Node& map, const std::string& field, std::initializer_list<const char*> keys) const;
  void allow_only(const YAML::Node& map, const std::string& field, const std::vector<std::string_view>& keys) const;

  std::string string(const YAML::Node& map, const std::string& field, const char* key) const;
  std::optional<std::string> optional_string(const YAML::Node& map, const std::string& field, const char* key) const;
  // The node itself as text (a scalar); `field` names it in the error.
  std::string scalar_string(const YAML::Node& node, const std::string& field) const;
  double number(const YAML::Node& map, const std::string& field, const char* key) const;
  // The node itself as a number (finite: never .nan or .inf); `field` names it in the error.
  double scalar_number(const YAML::Node& node, const std::string& field) const;
  std::optional<double> optional_number(const YAML::Node& map, const std::string& field, const char* key) const;
  // Numbers within [min, max]; the error quotes the range.
  double number_in(const YAML::Node& map, const std::string& field, const char* key, double min, double max) const;
  std::optional<bool> optional_bool(const YAML::Node& map, const std::string& field, const char* key) const;
  // "90s", "10m", "1.5h", "1d" or a compound "1h30m".
  std::optional<double> optional_duration_s(const YAML::Node& map, const std::string& field, const char* key) const;

 private:
  std::string label_;
  YAML::Node root_;
};

// "90s" → 90, "10m" → 600, "1.5h" → 5400, "1d" → 86400, "1h30m" → 5400, "2d12h" → 216000:
// numbers each with its unit (d, h, m, s), largest first, each unit once. nullopt when
// malformed — a bare number too: "5" could mean seconds or minutes, so it has no meaning here.
std::optional<double> parse_duration_s(const std::string& text);
// How durations are written, for messages.
inline constexpr const char* kDurationForms = "a number with its unit, s, m, h or d (90s, 10m, 2h, 1d), or several largest first (1h30m, 2d12h)";

}  // namespace ob::bench
