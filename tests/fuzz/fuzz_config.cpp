// libFuzzer target: the YAML station and campaign readers (bench/config), from text. The input
// is read as a station file and as a campaign file; the campaign's station file is what follows
// the first NUL byte, or examples/quick-station.yaml (compiled in) when there is none. Every
// problem must come out as a ConfigError "file:line: …" naming one of the two files: a crash,
// a sanitizer report, another exception type (YAML::Exception, std::logic_error, …) or a
// ConfigError without file:line is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "bench/config/campaign_config.hpp"
#include "bench/config/config_error.hpp"
#include "bench/config/station_config.hpp"
#include "bench/embedded_examples.hpp"

namespace {

// Labels with no directory: relative file names in the input (tle, spacecraft, profile) resolve
// against the fuzzer's working directory, where no such files are.
constexpr const char* kCampaignLabel = "fuzz-campaign.yaml";
constexpr const char* kStationLabel = "fuzz-station.yaml";

[[noreturn]] void finding(const char* what, const char* detail) {
  std::fprintf(stderr, "fuzz_config: %s: %s\n", what, detail);
  std::abort();
}

// "LABEL:LINE: …" with LINE ≥ 1.
bool names_file_and_line(std::string_view message, std::string_view label) {
  if (!message.starts_with(label) || message.size() <= label.size() || message[label.size()] != ':') return false;
  std::size_t at = label.size() + 1;
  const std::size_t digits = at;
  while (at < message.size() && message[at] >= '0' && message[at] <= '9') ++at;
  return at > digits && message[digits] != '0' && message.substr(at).starts_with(": ");
}

template <class Parse>
void expect_config_errors_only(Parse parse) {
  try {
    parse();
  } catch (const ob::bench::ConfigError& e) {
    if (!names_file_and_line(e.what(), kCampaignLabel) && !names_file_and_line(e.what(), kStationLabel)) {
      finding("ConfigError without file:line", e.what());
    }
  } catch (const std::exception& e) {
    finding("not a ConfigError", e.what());
  } catch (...) {
    finding("not a ConfigError", "(not a std::exception)");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string text(input.substr(0, nul));
  const std::string station = nul == std::string_view::npos ? std::string(ob::bench::kQuickStationYaml)
                                                             : std::string(input.substr(nul + 1));
  expect_config_errors_only([&] { (void)ob::bench::parse_station(kStationLabel, text); });
  expect_config_errors_only([&] {
    (void)ob::bench::parse_campaign(kCampaignLabel, text, [&](const std::string&, std::string& label) {
      label = kStationLabel;
      return station;
    });
  });
  return 0;
}
