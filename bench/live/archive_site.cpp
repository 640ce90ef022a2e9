#include "bench/live/archive_site.hpp"

#include <charconv>
#include <ctime>
#include <vector>

#include "bench/report/svg_plot.hpp"
#include "db/statement.hpp"

namespace ob::bench::live {
namespace {

using report::html_escape;

std::string utc_text(std::optional<double> unix_s) {
  if (!unix_s) return "";
  const auto seconds = static_cast<std::time_t>(*unix_s);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

// "/c/12/events" → 12 and "/events"; nullopt when the path is not a campaign's.
std::optional<std::pair<std::int64_t, std::string>> campaign_path(const std::string& path) {
  constexpr std::string_view kPrefix = "/c/";
  if (path.compare(0, kPrefix.size(), kPrefix) != 0) return std::nullopt;
  const auto slash = path.find('/', kPrefix.size());
  const auto digits = path.substr(kPrefix.size(), slash == std::string::npos ? std::string::npos : slash - kPrefix.size());
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return std::make_pair(id, slash == std::string::npos ? std::string("/") : path.substr(slash));
}

}  // namespace

ArchiveSite::ArchiveSite(const std::filesystem::path& database, const std::string& campaign)
    : database_(database),
      default_model_(std::make_shared<LiveModel>()),
      default_feed_(std::make_unique<DatabaseFeed>(database, campaign, *default_model_)) {
  default_model_->set_archive_link("/campaigns");
  default_feed_->poll();
}

std::optional<ResolvedView> ArchiveSite::resolve(const std::string& path) {
  if (path == "/campaigns") return ResolvedView{nullptr, path, campaigns_page()};
  const auto campaign = campaign_path(path);
  if (!campaign) return ResolvedView{default_model_, path, ""};
  if (campaign->second == "/" && path.back() != '/') {
    // "/c/12" → the page's relative links need "/c/12/": send the page there.
    return ResolvedView{nullptr, path,
                        "<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=\"0; url=" +
                            std::to_string(campaign->first) + "/\"><title>orbitbench</title><a href=\"" +
                            std::to_string(campaign->first) + "/\">campaign " + std::to_string(campaign->first) + "</a>"};
  }
  const std::lock_guard lock(mutex_);
  auto found = views_.find(campaign->first);
  if (found == views_.end()) {
    if (views_.size() >= kMaxCampaignViews) return std::nullopt;
    auto view = std::make_shared<View>();
    view->model = std::make_shared<LiveModel>();
    view->model->set_archive_link("/campaigns");
    try {
      view->feed = std::make_unique<DatabaseFeed>(database_, std::to_string(campaign->first), *view->model);
      view->feed->poll();
    } catch (const std::exception&) {
      return std::nullopt;  // no such campaign (or the file is unreadable just now): 404
    }
    found = views_.emplace(campaign->first, std::move(view)).first;
  }
  return ResolvedView{found->second->model, campaign->second, ""};
}

void ArchiveSite::poll_all() {
  default_feed_->poll();
  std::vector<std::shared_ptr<View>> views;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [id, view] : views_) views.push_back(view);
  }
  for (const auto& view : views) view->feed->poll();  // each only here, after its first read
}

std::string ArchiveSite::campaigns_page() const {
  std::string rows;
  try {
    const auto db = db::Connection::open_read_only(database_);
    db::Statement campaigns(db,
                            "SELECT id, name, station, status, started_unix_s, ended_unix_s, coalesce(reason, '') FROM campaigns "
                            "ORDER BY id DESC");
    while (campaigns.step()) {
      const auto id = std::to_string(campaigns.column_int64(0));
      rows += "<tr><td><a href=\"c/" + id + "/\">" + id + "</a></td><td><a href=\"c/" + id + "/\">" +
              html_escape(campaigns.column_text(1)) + "</a></td><td>" + html_escape(campaigns.column_text(2)) + "</td><td>" +
              html_escape(campaigns.column_text(3)) + "</td><td>" + utc_text(campaigns.column_double(4)) + "</td><td>" +
              utc_text(campaigns.column_optional_double(5)) + "</td><td>" + html_escape(campaigns.column_text(6)) + "</td></tr>\n";
    }
  } catch (const std::exception& e) {
    rows = "<tr><td colspan=7>cannot read " + html_escape(database_.string()) + ": " + html_escape(e.what()) + "</td></tr>";
  }
  return "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>orbitbench: campaigns in " + html_escape(database_.string()) +
         "</title>\n<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}"
         "td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;font-size:14px}th{font-size:12px;color:#555}"
         "a{color:#1f5fa8}</style></head>\n<body><h1>Campaigns in " + html_escape(database_.string()) +
         "</h1>\n<p><a href=\"/\">the newest, live</a></p>\n<table id=campaigns><thead><tr><th>id</th><th>campaign</th><th>station</th>"
         "<th>status</th><th>started (UTC)</th><th>ended (UTC)</th><th>reason</th></tr></thead>\n<tbody>\n" + rows +
         "</tbody></table></body></html>\n";
}

}  // namespace ob::bench::live
