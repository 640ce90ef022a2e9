// orbitbench report --db FILE [--campaign NAME|ID] -o report.html: one self-contained HTML file
// of a campaign's plots, verdicts and events (bench/report/html_report.hpp).
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "bench/cli/commands.hpp"
#include "bench/cli/results_source.hpp"
#include "bench/report/html_report.hpp"

namespace ob::bench::cli {
namespace {

struct ReportArgs {
  std::string db_path;
  std::string campaign;
  std::string output = "report.html";
};

int write_report(const ReportArgs& args) {
  std::string html;
  try {
    const auto db = open_for_report(args.db_path, args.campaign.empty() ? std::nullopt : std::optional<std::string>(args.campaign));
    report::ReportOptions options;
    if (!args.campaign.empty()) options.campaign = args.campaign;
    html = report::build_html_report(db, options);
  } catch (const std::exception& e) {  // DbError, no such campaign
    std::fprintf(stderr, "orbitbench report: %s\n", e.what());
    return kExitError;
  }
  std::ofstream out(args.output, std::ios::binary | std::ios::trunc);
  out << html;
  out.close();
  if (!out) {
    std::fprintf(stderr, "orbitbench report: %s: cannot write\n", args.output.c_str());
    return kExitError;
  }
  std::printf("report: %s (%zu kB)\n", args.output.c_str(), html.size() / 1024);
  return kExitOk;
}

}  // namespace

Action add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand("report", "Write one self-contained HTML report of a campaign: plots, verdicts, events");
  cmd->add_option("--db", args->db_path, "Results database: a file, or a lab's server (postgresql://USER@HOST/DB)")
      ->required()
      ->check(existing_file_or_server());
  cmd->add_option("--campaign", args->campaign, "Campaign name or id (default: the newest)");
  cmd->add_option("-o,--output", args->output, "The HTML file to write (default report.html)");
  return [args] { return write_report(*args); };
}

}  // namespace ob::bench::cli
