// The station and campaign schema is defined once (bench/config/config_schema.cpp): the parsers
// accept exactly its keys, and docs/configuration.md explains every one of them.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "bench/config/config_schema.hpp"

using namespace ob::bench;

BOOST_AUTO_TEST_CASE(every_key_is_documented_in_configuration_md) {
  std::ifstream in(std::string(OB_SOURCE_DIR) + "/docs/configuration.md");
  BOOST_REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  for (const auto& section : config_schema()) {
    for (const auto& key : section.keys) {
      // The key as a word inside a code span: `key`, `limits.key.max`, `- key: { … }`, …
      const std::regex in_code("`[^`\\n]*\\b" + std::string(key.key) + "\\b[^`\\n]*`");
      BOOST_TEST(std::regex_search(doc, in_code),
                 section.file << " file, " << (section.path.empty() ? "top level" : section.path) << ": key '" << key.key
                              << "' is not explained in docs/configuration.md");
    }
  }
}

BOOST_AUTO_TEST_CASE(sections_are_looked_up_by_file_and_path) {
  const auto& supply = schema_keys("station", "duts.<name>.supply");
  BOOST_TEST(supply.size() == 5u);
  BOOST_TEST(supply.front() == "instrument");
  BOOST_CHECK_THROW(schema_keys("station", "duts.<name>.psu"), std::logic_error);
  BOOST_CHECK_THROW(schema_keys("campaign", "duts.<name>"), std::logic_error);
  for (const auto& section : config_schema()) {
    BOOST_TEST((section.file == "station" || section.file == "campaign"));
    BOOST_TEST(!section.keys.empty());
  }
}

BOOST_AUTO_TEST_CASE(the_printed_schema_has_a_table_per_section) {
  const auto markdown = schema_markdown();
  BOOST_TEST(markdown.find("## station file\n") == 0u);
  BOOST_TEST(markdown.find("## campaign file\n") != std::string::npos);
  BOOST_TEST(markdown.find("### plan[].thermal_cycle\n") != std::string::npos);
  BOOST_TEST(markdown.find("| `max_ramp_c_per_min` | chamber: fastest ramp it may be driven at |") != std::string::npos);
}
