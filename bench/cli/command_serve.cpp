// orbitbench serve --db FILE [--listen [HOST:]PORT] [--campaign ID|NAME]: the live view of a
// results database (issue 21), read-only, until SIGINT/SIGTERM — a campaign another process is
// recording (started without --serve), and every campaign in the file (/campaigns, /c/ID/).
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "bench/cli/commands.hpp"
#include "bench/live/archive_site.hpp"
#include "bench/live/live_server.hpp"
#include "db/database.hpp"

namespace ob::bench::cli {
namespace {

constexpr auto kPollPeriod = std::chrono::seconds(1);

struct ServeArgs {
  std::string db_path;
  std::string listen = "127.0.0.1:8080";
  std::string campaign;
};

int serve(const ServeArgs& args) {
  live::ListenAddress address;
  try {
    address = live::parse_listen_address(args.listen);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "orbitbench serve: --listen %s\n", e.what());
    return kExitUsage;
  }
  live::OperatorDesk desk;  // never attached: this view changes nothing
  std::unique_ptr<live::ArchiveSite> site;
  try {
    // A file that is not a results database, or a campaign it lacks: said now, exit 1.
    site = std::make_unique<live::ArchiveSite>(args.db_path, args.campaign);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orbitbench serve: %s\n", e.what());
    return kExitError;
  }
  std::unique_ptr<live::LiveServer> server;
  try {
    server = std::make_unique<live::LiveServer>(address, site->default_model(), desk, "",
                                                [&site](const std::string& path) { return site->resolve(path); });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orbitbench serve: %s\n", e.what());
    return kExitError;
  }
  std::fprintf(stderr, "serving %s read-only on %s (every campaign: %scampaigns; Ctrl-C stops)\n", args.db_path.c_str(),
               server->url().c_str(), server->url().c_str());
  std::fflush(stderr);

  asio::io_context io;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer timer(io);
  std::string failing;  // the last poll's error, said once
  std::function<void()> schedule = [&] {
    timer.expires_after(kPollPeriod);
    timer.async_wait([&](const std::error_code& ec) {
      if (ec) return;
      try {
        site->poll_all();
        if (!failing.empty()) std::fprintf(stderr, "orbitbench serve: reading %s again\n", args.db_path.c_str());
        failing.clear();
      } catch (const std::exception& e) {  // a busy or briefly unreadable file: said once, tried again
        if (failing != e.what()) std::fprintf(stderr, "orbitbench serve: %s (retrying)\n", e.what());
        failing = e.what();
      }
      schedule();
    });
  };
  schedule();
  signals.async_wait([&](const std::error_code&, int) { timer.cancel(); });
  io.run();
  return kExitOk;
}

}  // namespace

Action add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Serve the live view of a results database, read-only: a campaign being recorded, "
                                          "or finished ones (page, /events, /metrics)");
  cmd->add_option("--db", args->db_path, "Results database")->required()->check(CLI::ExistingFile);
  cmd->add_option("--listen", args->listen, "[HOST:]PORT to serve on (default 127.0.0.1:8080)");
  cmd->add_option("--campaign", args->campaign, "A campaign's id or name (default: the newest, followed as new ones start)");
  return [args] { return serve(*args); };
}

}  // namespace ob::bench::cli
