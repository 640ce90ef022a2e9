#pragma once
// `orbitbench serve --db FILE` as a browsable archive (issue 21): `/` follows the newest
// campaign (or the one asked for), `/campaigns` lists every campaign in the file, and
// `/c/ID/` is the same live view of campaign ID — its page, `/c/ID/events`, `/c/ID/metrics`,
// `/c/ID/status.json`. Each campaign's view is read from the file when first asked for and then
// polled with the others (at most kMaxCampaignViews of them).
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bench/live/database_feed.hpp"
#include "bench/live/live_model.hpp"
#include "bench/live/live_server.hpp"

namespace ob::bench::live {

inline constexpr std::size_t kMaxCampaignViews = 64;

class ArchiveSite {
 public:
  // Throws what DatabaseFeed throws for the default view (a file that is not a results database,
  // a campaign it lacks).
  ArchiveSite(const std::filesystem::path& database, const std::string& campaign);

  LiveModel& default_model() { return *default_model_; }
  // The server's thread: which view a path belongs to (LiveServer's resolver).
  std::optional<ResolvedView> resolve(const std::string& path);
  // The caller's thread, about once a second: every open view reads what was committed.
  void poll_all();

 private:
  struct View {
    std::shared_ptr<LiveModel> model;
    std::unique_ptr<DatabaseFeed> feed;
  };
  std::string campaigns_page() const;

  std::filesystem::path database_;
  std::shared_ptr<LiveModel> default_model_;
  std::unique_ptr<DatabaseFeed> default_feed_;
  std::mutex mutex_;  // views_
  std::map<std::int64_t, std::shared_ptr<View>> views_;
};

}  // namespace ob::bench::live
