// libFuzzer target: the SCPI message parser of the simulated instruments (program message units,
// headers, numbers with units and suffixes, booleans, channel lists).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fixtures/scpi_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  for (const auto& unit : ob::fixtures::parse_scpi_message(line)) (void)unit;
  ob::fixtures::parse_scpi_number(line, "V", ob::fixtures::ScpiNumericRange{0, 30, 0});
  ob::fixtures::parse_scpi_bool(line);
  ob::fixtures::parse_scpi_channel_list(line, 3);
  ob::fixtures::scpi_keyword_matches(line, "VOLTage");
  return 0;
}
