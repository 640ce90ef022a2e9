// orbitbench query --db FILE <analysis>: read-only analyses of a results database.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>

#include "bench/cli/commands.hpp"
#include "bench/cli/result_format.hpp"
#include "bench/cli/results_source.hpp"
#include "db/analyses.hpp"
#include "db/conformance.hpp"
#include "db/database.hpp"
#include "db/read_only_sql.hpp"

namespace ob::bench::cli {
namespace {

struct QueryArgs {
  std::string db_path;
  std::string campaign;
  std::string format = "table";
  std::string sql;
  double sql_timeout_s = 60;
  std::string dut;
  std::string run;
  std::string compare_by = "dut";
  std::string table;  // degradation: figures or bins
};

db::AnalysisFilter filter_of(const QueryArgs& args) {
  db::AnalysisFilter filter;
  if (!args.campaign.empty()) filter.campaign = args.campaign;
  if (!args.dut.empty()) filter.dut = args.dut;
  if (!args.run.empty()) filter.run = args.run;
  return filter;
}

// --format's value, or nullopt having said what is wrong.
std::optional<ResultFormat> chosen_format(const QueryArgs& args) {
  const auto format = parse_result_format(args.format);
  if (!format) std::fprintf(stderr, "orbitbench query: --format %s: expected table, csv or json\n", args.format.c_str());
  return format;
}

// The filters name things that exist: a misspelt campaign, board or run would otherwise read as
// one without results. Empty when they do; else what is wrong, with where to look.
std::string missing_filter(const QueryArgs& args, const db::Connection& connection) {
  const std::string shown = shown_db(args.db_path);
  const std::string list = " (orbitbench query --db " + shown + " ";
  if (!args.campaign.empty() && !db::campaign_exists(connection, args.campaign)) {
    return "no campaign '" + args.campaign + "' in " + shown + list + "campaigns lists them)";
  }
  if (!args.dut.empty() && !db::board_exists(connection, args.campaign, args.dut)) {
    return "no board '" + args.dut + "'" + (args.campaign.empty() ? "" : " in campaign '" + args.campaign + "'") + " in " +
           shown + list + "summary lists them)";
  }
  if (!args.run.empty() && !db::run_exists(connection, args.campaign, args.run)) {
    return "no run '" + args.run + "'" + (args.campaign.empty() ? "" : " in campaign '" + args.campaign + "'") + " in " +
           shown + list + "timing lists them)";
  }
  return {};
}

// A canned analysis, printed in the chosen format.
int print_results(const QueryArgs& args, const std::function<std::vector<db::ResultSet>(const db::Connection&)>& query) {
  const auto format = chosen_format(args);
  if (!format) return kExitUsage;
  std::string text;
  try {
    const auto connection =
        open_for_analyses(args.db_path, args.campaign.empty() ? std::nullopt : std::optional<std::string>(args.campaign));
    if (const auto missing = missing_filter(args, connection); !missing.empty()) {
      std::fprintf(stderr, "orbitbench query: %s\n", missing.c_str());
      return kExitError;
    }
    text = format_results(query(connection), *format);
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench query: %s\n", e.what());
    return kExitError;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "orbitbench query: %s\n", e.what());
    return kExitUsage;
  }
  if (std::fputs(text.c_str(), stdout) == EOF || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "orbitbench query: writing the result: %s\n", std::strerror(errno));
    return kExitError;
  }
  return kExitOk;
}

// `degradation` has two tables: the figures per board, and throughput per temperature bin.
// A table shows both unless one is named; CSV and JSON carry one, so one must be named.
int print_degradation(const QueryArgs& args) {
  const auto format = chosen_format(args);
  if (!format) return kExitUsage;
  if (args.table.empty() && *format != ResultFormat::table) {
    std::fprintf(stderr, "orbitbench query degradation: %s carries one table and degradation has two: "
                         "add --table figures (per board) or --table bins (per temperature bin)\n",
                 args.format.c_str());
    return kExitUsage;
  }
  return print_results(args, [&args](const db::Connection& db) {
    auto sets = db::query_degradation_figures(db, filter_of(args));
    if (args.table == "figures") return std::vector<db::ResultSet>{std::move(sets.at(0))};
    if (args.table == "bins") return std::vector<db::ResultSet>{std::move(sets.at(1))};
    return sets;
  });
}

// `query sql`: rows printed as they come, so a SELECT of any size streams (issue 18 item 9).
int stream_sql(const QueryArgs& args) {
  const auto format = chosen_format(args);
  if (!format) return kExitUsage;
  try {
    db::SqlLimits limits;
    limits.timeout_s = args.sql_timeout_s;
    const auto printer = make_result_printer(*format, stdout);
    stream_user_sql(args.db_path, args.sql, limits, *printer);
  } catch (const db::DbError& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "orbitbench query: %s\n", e.what());
    return kExitError;
  }
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "orbitbench query: writing the result: %s\n", std::strerror(errno));
    return kExitError;
  }
  return kExitOk;
}

int query_campaigns(const QueryArgs& args) {
  return print_results(args, [](const db::Connection& db) { return std::vector<db::ResultSet>{db::query_campaigns(db)}; });
}

}  // namespace

Action add_query_command(CLI::App& app) {
  auto args = std::make_shared<QueryArgs>();
  auto selected = std::make_shared<Action>();
  auto* cmd = app.add_subcommand("query", "Read-only analyses of a results database");
  cmd->add_option("--db", args->db_path, "Results database: a file, or a lab's server (postgresql://USER@HOST/DB)")
      ->required()
      ->check(existing_file_or_server());
  cmd->require_subcommand(1);
  // `query degradation --db F --format csv`: the query's own options also after the analysis.
  cmd->fallthrough();
  auto* degradation = cmd->add_subcommand(
      "degradation", "Per board: reference vs baseline, in-orbit throughput by phase and temperature, efficiency, throttling, "
                     "SDC/ECC, verdict (from the aggregates kept while recording)");
  degradation->add_option("--campaign", args->campaign, "Only this campaign (name, id or STATION/NAME)");
  degradation->add_option("--dut", args->dut, "Only this board");
  degradation->add_option("--run", args->run, "Only this run (id)");
  degradation->add_option("--table", args->table, "figures (per board) or bins (per temperature bin); "
                                                  "both in a table when not given, one required for csv and json")
      ->check(CLI::IsMember({"figures", "bins"}));
  degradation->callback([args, selected] { *selected = [args] { return print_degradation(*args); }; });
  auto* compare = cmd->add_subcommand("compare", "The degradation figures side by side: per board, firmware or campaign");
  compare->add_option("--by", args->compare_by, "dut (default), firmware or campaign")->check(CLI::IsMember({"dut", "firmware", "campaign"}));
  compare->add_option("--campaign", args->campaign, "Only this campaign (name, id or STATION/NAME)");
  compare->add_option("--dut", args->dut, "Only this board");
  compare->callback([args, selected] {
    *selected = [args] {
      const auto by = args->compare_by == "firmware" ? db::CompareBy::firmware
                      : args->compare_by == "campaign" ? db::CompareBy::campaign
                                                       : db::CompareBy::dut;
      return print_results(*args, [args, by](const db::Connection& db) {
        return std::vector<db::ResultSet>{db::query_compare(db, filter_of(*args), by)};
      });
    };
  });
  auto* campaigns = cmd->add_subcommand("campaigns", "List campaigns with their status");
  campaigns->callback([args, selected] { *selected = [args] { return query_campaigns(*args); }; });
  cmd->add_option("--format", args->format, "table (default), csv or json")->check(CLI::IsMember({"table", "csv", "json"}));

  auto* sql = cmd->add_subcommand("sql", "Run SQL on a read-only connection (anything that would write is refused)");
  sql->add_option("statements", args->sql, "One or more SQL statements")->required();
  sql->add_option("--timeout", args->sql_timeout_s, "Stop a query running longer than this many seconds (default 60)")
      ->check(CLI::PositiveNumber);
  sql->callback([args, selected] { *selected = [args] { return stream_sql(*args); }; });
  using Analysis = db::ResultSet (*)(const db::Connection&, const db::AnalysisFilter&);
  auto add_analysis = [&](const char* name, const char* help, Analysis analysis) {
    auto* sub = cmd->add_subcommand(name, help);
    sub->add_option("--campaign", args->campaign, "Only this campaign (name, id or STATION/NAME)");
    sub->add_option("--dut", args->dut, "Only this board");
    sub->add_option("--run", args->run, "Only this run (id)");
    sub->callback([args, selected, analysis] {
      *selected = [args, analysis] {
        return print_results(*args, [args, analysis](const db::Connection& db) {
          return std::vector<db::ResultSet>{analysis(db, filter_of(*args))};
        });
      };
    });
  };
  add_analysis("events", "Every event: faults, reconnects, throttling, interlocks, pauses, resumes, operator actions", db::query_events);
  add_analysis("timing", "Per run: command lateness p50/p99/max, ticks on time and skipped, time paused", db::query_timing);
  add_analysis("summary", "Per campaign and board: status, runs, samples, errors, warnings, verdict and what failed",
               db::query_summary);
  auto* conformance = cmd->add_subcommand(
      "conformance", "Per run: soak time, chamber tracking p95/max (K), supply and board faults, the run's verdict");
  conformance->add_option("--campaign", args->campaign, "Only this campaign (name, id or STATION/NAME)");
  conformance->callback([args, selected] {
    *selected = [args] {
      return print_results(*args, [args](const db::Connection& db) {
        return std::vector<db::ResultSet>{db::query_conformance(db, filter_of(*args))};
      });
    };
  });
  return [selected] { return *selected ? (*selected)() : kExitUsage; };
}

}  // namespace ob::bench::cli
