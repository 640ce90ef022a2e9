#include "bench/cli/live_view.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "bench/live/access_token.hpp"

namespace ob::bench::cli {

void add_serve_options(CLI::App& command, ServeOptions& serve) {
  command.add_option("--serve", serve.listen,
                     "Serve a live view while the campaign runs: page, /events stream, /metrics for Prometheus, operator "
                     "actions with the printed token ([HOST:]PORT; HOST defaults to 127.0.0.1)");
}

LiveView::LiveView(const ServeOptions& serve, const CampaignConfig& config, const std::filesystem::path& database) {
  const auto address = live::parse_listen_address(serve.listen);
  model_.set_identity(config.name, config.station.name, database.string());
  const std::string token = live::make_access_token();
  token_path_ = live::access_token_path(database);
  live::write_access_token(token_path_, token);
  server_ = std::make_unique<live::LiveServer>(address, model_, desk_, token);
  std::fprintf(stderr, "live view: %s  (operator: %s#token=%s; the token is also in %s)\n", server_->url().c_str(),
               server_->url().c_str(), token.c_str(), token_path_.c_str());
  spdlog::info("live view on {} (operator token in {})", server_->url(), token_path_.string());
}

LiveView::~LiveView() {
  server_.reset();  // the server's thread ends first: nothing reads the model after this
  std::error_code ignored;
  std::filesystem::remove(token_path_, ignored);  // a token for a server that is gone opens nothing
}

void LiveView::finished(const CampaignOutcome& outcome) {
  if (outcome.refused) {
    model_.set_state("failed", "refused, nothing energised: " + outcome.reason);
    return;
  }
  model_.set_state(db::to_string(outcome.status), outcome.reason);
}

}  // namespace ob::bench::cli
