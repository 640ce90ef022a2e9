#pragma once
// `run|resume|replay … --serve [HOST:]PORT` (issue 21): the live view of the campaign being run,
// served while it runs — the page, its event stream, Prometheus metrics and the operator's
// actions behind a token (bench/live/).
#include <filesystem>
#include <memory>
#include <string>

#include "bench/campaign_runner.hpp"
#include "bench/live/live_model.hpp"
#include "bench/live/live_server.hpp"
#include "bench/live/operator_desk.hpp"
#include "bench/live/recorder_tap.hpp"

namespace CLI {
class App;
}

namespace ob::bench::cli {

struct ServeOptions {
  std::string listen;  // [HOST:]PORT; empty: no live view
};

void add_serve_options(CLI::App& command, ServeOptions& serve);

class LiveView {
 public:
  // Binds the port and writes the token file (0600, beside the database) before anything is
  // energised. Throws std::invalid_argument for a malformed address (a usage error) and
  // std::runtime_error for an address it cannot bind or a token file it cannot write.
  LiveView(const ServeOptions& serve, const CampaignConfig& config, const std::filesystem::path& database);
  ~LiveView();

  db::RecorderObserver& observer() { return tap_; }
  live::LiveModel& model() { return model_; }
  live::OperatorDesk& desk() { return desk_; }
  // The campaign's end, as the page and the metrics show it from now on.
  void finished(const CampaignOutcome& outcome);

 private:
  live::LiveModel model_;
  live::OperatorDesk desk_;
  live::RecorderTap tap_{model_};
  std::filesystem::path token_path_;
  std::unique_ptr<live::LiveServer> server_;
};

}  // namespace ob::bench::cli
