#pragma once
// The spacecraft and lab-mapping parameters of a profile, from YAML: a file of their own
// (`orbitbench profile --spacecraft FILE --lab FILE`) or a mapping inside a campaign. Every
// key is checked; errors name the file, line and field. Fields: docs/spacecraft.md.
#include <string>

#include "bench/config/yaml_reader.hpp"
#include "profiles/heat/spacecraft.hpp"
#include "profiles/lab/lab_parameters.hpp"

namespace ob::bench {

// `map` holds spacecraft fields; `base` supplies the defaults for keys it does not set.
profiles::Spacecraft read_spacecraft(const YamlReader& reader, const YAML::Node& map, const std::string& field,
                                     profiles::Spacecraft base = {});
profiles::LabMapping read_lab_mapping(const YamlReader& reader, const YAML::Node& map, const std::string& field,
                                      profiles::LabMapping base = {});

// Whole files (top-level mapping of fields). Throw ConfigError "file:line: field: reason".
profiles::Spacecraft load_spacecraft_file(const std::string& path);
profiles::LabMapping load_lab_file(const std::string& path);

// Every field as YAML that the loaders above read back to the same values (provenance).
std::string spacecraft_to_yaml(const profiles::Spacecraft& craft);
std::string lab_to_yaml(const profiles::LabMapping& lab);

// Reads a text file or throws ConfigError naming it.
std::string read_text_file(const std::string& path);

}  // namespace ob::bench
