// orbitbench schema [station|campaign]: every key the station and campaign files accept, with
// its meaning (bench/config/config_schema.cpp — the same table the parsers check against).
#include <cstdio>
#include <string>

#include "bench/cli/commands.hpp"
#include "bench/config/config_schema.hpp"

namespace ob::bench::cli {

Action add_schema_command(CLI::App& app) {
  auto* command = app.add_subcommand("schema", "Print every key of the station and campaign files, with its meaning (Markdown)");
  auto file = std::make_shared<std::string>();
  command->add_option("file", *file, "only this file's keys")->check(CLI::IsMember({"station", "campaign"}));
  return [file]() {
    const std::string markdown = schema_markdown();
    if (file->empty()) {
      std::fputs(markdown.c_str(), stdout);
      return kExitOk;
    }
    // The sections of one file: from its heading to the next file's.
    const std::string heading = "## " + *file + " file\n";
    const auto start = markdown.find(heading);
    const auto end = markdown.find("\n## ", start + heading.size());
    std::fputs(markdown.substr(start, end == std::string::npos ? std::string::npos : end + 1 - start).c_str(), stdout);
    return kExitOk;
  };
}

}  // namespace ob::bench::cli
