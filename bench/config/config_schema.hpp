#pragma once
// The station and campaign files' schema, defined once: every section's keys with their
// meaning. The parsers accept exactly these keys (anything else is an error naming the file,
// line and the keys allowed there), `orbitbench schema` prints them, and a unit test checks
// docs/configuration.md mentions every one. The spacecraft and lab-mapping fields are their own
// tables (bench/config/model_config.cpp, docs/spacecraft.md).
#include <string>
#include <string_view>
#include <vector>

namespace ob::bench {

struct SchemaKey {
  std::string_view key;
  std::string_view meaning;
};

struct SchemaSection {
  std::string_view file;  // "station" or "campaign"
  std::string_view path;  // "" (top level), "duts.<name>.supply", "plan[].thermal_cycle", …
  std::vector<SchemaKey> keys;
};

const std::vector<SchemaSection>& config_schema();

// The keys of one section; throws std::logic_error for a section the schema lacks (a
// programming error: parsers name only sections defined here).
const std::vector<std::string_view>& schema_keys(std::string_view file, std::string_view path);

// The schema as Markdown, one table per section.
std::string schema_markdown();

}  // namespace ob::bench
