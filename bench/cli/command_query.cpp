// orbitbench query --db FILE <analysis>: read-only analyses of a results database.
#include <sqlite3.h>

#include <cstdio>
#include <memory>

#include "bench/cli/commands.hpp"
#include "db/database.hpp"
#include "db/degradation.hpp"

namespace ob::bench::cli {
namespace {

struct QueryArgs {
  std::string db_path;
  std::string campaign;
};

int query_degradation(const QueryArgs& args) {
  try {
    auto connection = db::Connection::open_read_only(args.db_path);
    auto rows = db::query_degradation(connection, args.campaign);
    if (rows.empty()) {
      std::fprintf(stderr, "orbitbench query: %s: no campaign%s%s with GPU boards\n", args.db_path.c_str(),
                   args.campaign.empty() ? "" : " named ", args.campaign.c_str());
      return kExitError;
    }
    std::fputs(db::format_degradation(rows).c_str(), stdout);
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench query: %s\n", e.what());
    return kExitError;
  }
  return kExitOk;
}

int query_campaigns(const QueryArgs& args) {
  try {
    auto connection = db::Connection::open_read_only(args.db_path);
    sqlite3_stmt* statement = nullptr;
    const char* sql =
        "SELECT id, name, station, status, datetime(started_unix_s, 'unixepoch'), "
        "COALESCE(printf('%.1f', ended_unix_s - started_unix_s), '—'), COALESCE(reason, '') FROM campaigns ORDER BY id";
    if (sqlite3_prepare_v2(connection.handle(), sql, -1, &statement, nullptr) != SQLITE_OK) {
      throw db::DbError(args.db_path + ": " + sqlite3_errmsg(connection.handle()));
    }
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(statement, sqlite3_finalize);
    std::printf("%-4s %-28s %-16s %-10s %-20s %8s  %s\n", "id", "campaign", "station", "status", "started (UTC)",
                "wall_s", "reason");
    while (sqlite3_step(statement) == SQLITE_ROW) {
      auto text = [&](int column) {
        const auto* value = sqlite3_column_text(statement, column);
        return value ? reinterpret_cast<const char*>(value) : "";
      };
      std::printf("%-4s %-28s %-16s %-10s %-20s %8s  %s\n", text(0), text(1), text(2), text(3), text(4), text(5), text(6));
    }
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench query: %s\n", e.what());
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

Action add_query_command(CLI::App& app) {
  auto args = std::make_shared<QueryArgs>();
  auto selected = std::make_shared<Action>();
  auto* cmd = app.add_subcommand("query", "Read-only analyses of a results database");
  cmd->add_option("--db", args->db_path, "Results database")->required()->check(CLI::ExistingFile);
  cmd->require_subcommand(1);
  auto* degradation = cmd->add_subcommand("degradation", "Per board: sunlit vs eclipse and reference vs baseline throughput, in %");
  degradation->add_option("--campaign", args->campaign, "Only this campaign");
  degradation->callback([args, selected] { *selected = [args] { return query_degradation(*args); }; });
  auto* campaigns = cmd->add_subcommand("campaigns", "List campaigns with their status");
  campaigns->callback([args, selected] { *selected = [args] { return query_campaigns(*args); }; });
  return [selected] { return *selected ? (*selected)() : kExitUsage; };
}

}  // namespace ob::bench::cli
