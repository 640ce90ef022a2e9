#include "bench/live/live_model.hpp"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "db/wall_clock.hpp"

namespace ob::bench::live {
namespace {

constexpr std::size_t kEventsKept = 500;

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

const std::vector<double>& tick_lateness_bounds_s() {
  static const std::vector<double> bounds{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0};
  return bounds;
}

LiveModel::LiveModel(double window_profile_s, std::size_t max_points)
    : window_profile_s_(window_profile_s),
      max_points_(std::max<std::size_t>(max_points, 2)),
      lateness_buckets_(tick_lateness_bounds_s().size(), 0) {}

void LiveModel::set_archive_link(const std::string& url) {
  const std::lock_guard lock(mutex_);
  archive_ = url;
}

void LiveModel::clear() {
  const std::lock_guard lock(mutex_);
  status_ = LiveStatus{};
  clock_held_ = false;
  prompt_.reset();
  series_.clear();
  events_.clear();
  events_by_kind_.clear();
  events_by_severity_.clear();
  verdicts_.clear();
  board_series_.clear();
  std::fill(lateness_buckets_.begin(), lateness_buckets_.end(), 0);
  lateness_count_ = 0;
  lateness_sum_s_ = 0;
}

void LiveModel::set_identity(const std::string& campaign, const std::string& station, const std::string& source) {
  const std::lock_guard lock(mutex_);
  campaign_ = campaign;
  station_ = station;
  source_ = source;
}

void LiveModel::append_point(const std::string& series, double x, double y) { append_point(series_[series], x, y); }

void LiveModel::append_point(std::deque<Point>& points, double x, double y) {
  // At most max_points_ over the window: a point closer than that to the last one replaces it
  // (the newest value shows), so a fast campaign does not flood the page.
  const double spacing = window_profile_s_ / static_cast<double>(max_points_);
  if (!points.empty() && x < points.back().x) points.clear();  // a new campaign's time (serve follows the newest)
  if (points.size() >= 2 && x - points[points.size() - 2].x < spacing) {
    points.back() = Point{++point_seq_, x, y};
  } else {
    points.push_back(Point{++point_seq_, x, y});
  }
  while (!points.empty() && points.front().x < x - window_profile_s_) points.pop_front();
}

void LiveModel::update(LiveStatus status) {
  const std::lock_guard lock(mutex_);
  const double x = status.campaign_t_s;
  for (const auto& board : status.boards) {
    if (!board.seen) continue;
    // The board's four series, found once: no names built on the campaign's every tick.
    auto found = board_series_.find(board.name);
    if (found == board_series_.end()) {
      found = board_series_.emplace(board.name, BoardSeries{&series_[board.name + "/tflops"], &series_[board.name + "/power_w"],
                                                            &series_[board.name + "/temp_c"],
                                                            &series_[board.name + "/sm_clock_mhz"]}).first;
    }
    const auto& series = found->second;
    append_point(*series.tflops, x, board.tflops);
    append_point(*series.power_w, x, board.power_w);
    append_point(*series.temp_c, x, board.temp_c);
    append_point(*series.sm_clock_mhz, x, board.sm_clock_mhz);
  }
  if (status.chamber_air_c) append_point("chamber/air_c", x, *status.chamber_air_c);
  if (status.chamber_target_c) append_point("chamber/target_c", x, *status.chamber_target_c);
  if (status.chamber_setpoint_c) append_point("chamber/setpoint_c", x, *status.chamber_setpoint_c);
  if (!status.condition.empty()) append_point("eclipse", x, status.condition == "eclipse" ? 1.0 : 0.0);
  status_ = std::move(status);
}

void LiveModel::set_status(const LiveStatus& status) {
  const std::lock_guard lock(mutex_);
  status_ = status;
}

void LiveModel::append(const std::string& series, const std::vector<std::pair<double, double>>& points) {
  if (points.empty()) return;
  const std::lock_guard lock(mutex_);
  for (const auto& [x, y] : points) append_point(series, x, y);
}

void LiveModel::set_state(const std::string& state, const std::string& reason) {
  const std::lock_guard lock(mutex_);
  status_.state = state;
  status_.reason = reason;
}

void LiveModel::set_clock_held(bool held) {
  const std::lock_guard lock(mutex_);
  clock_held_ = held;
}

void LiveModel::set_prompt(std::optional<LivePrompt> prompt) {
  const std::lock_guard lock(mutex_);
  prompt_ = std::move(prompt);
}

void LiveModel::add_event(LiveEvent event) {
  const std::lock_guard lock(mutex_);
  ++events_by_kind_[event.kind];
  ++events_by_severity_[event.severity];
  events_.push_back(StoredEvent{++event_seq_, std::move(event)});
  while (events_.size() > kEventsKept) events_.pop_front();
}

void LiveModel::add_verdict(LiveVerdict verdict) {
  if (verdict.verdict != "pass" && verdict.verdict != "fail") return;
  const std::lock_guard lock(mutex_);
  const auto same = std::find_if(verdicts_.begin(), verdicts_.end(), [&](const LiveVerdict& v) {
    return v.run == verdict.run && v.device == verdict.device && v.name == verdict.name;
  });
  if (same != verdicts_.end()) {
    *same = std::move(verdict);
  } else {
    verdicts_.push_back(std::move(verdict));
  }
}

void LiveModel::add_tick_lateness_s(double lateness_s) {
  const auto& bounds = tick_lateness_bounds_s();
  const std::lock_guard lock(mutex_);
  const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), lateness_s);
  if (bucket != bounds.end()) ++lateness_buckets_[static_cast<std::size_t>(bucket - bounds.begin())];
  ++lateness_count_;
  lateness_sum_s_ += lateness_s;
  // Not a page change: the stream's updates go out on status, not on every tick.
}

LiveModel::StatusCopy LiveModel::status_copy() const {
  return StatusCopy{campaign_, station_, source_, status_, clock_held_, prompt_, verdicts_, window_profile_s_, archive_};
}

nlohmann::json LiveModel::status_json(const StatusCopy& copy) {
  const auto& status_ = copy.status;
  const auto& verdicts_ = copy.verdicts;
  const auto& prompt_ = copy.prompt;
  nlohmann::json boards = nlohmann::json::array();
  for (const auto& b : status_.boards) {
    boards.push_back({{"name", b.name},
                      {"seen", b.seen},
                      {"tflops", b.tflops},
                      {"power_w", b.power_w},
                      {"temp_c", b.temp_c},
                      {"sm_clock_mhz", b.sm_clock_mhz},
                      {"throttle", b.throttle},
                      {"isolated", b.isolated}});
  }
  nlohmann::json verdicts = nlohmann::json::array();
  for (const auto& v : verdicts_) {
    verdicts.push_back({{"run", v.run}, {"device", v.device}, {"name", v.name}, {"value", v.value}, {"unit", v.unit},
                        {"verdict", v.verdict}});
  }
  nlohmann::json prompt = nullptr;
  if (prompt_) {
    prompt = {{"id", prompt_->id}, {"text", prompt_->text}, {"expect", prompt_->expect}, {"asked_unix_s", prompt_->asked_unix_s},
              {"timeout_s", prompt_->timeout_s}};
  }
  return {{"campaign", copy.campaign},
          {"station", copy.station},
          {"source", copy.source},
          {"state", status_.state},
          {"reason", status_.reason},
          {"clock_held", copy.clock_held},
          {"phase", status_.phase},
          {"orbit", status_.orbit},
          {"orbits", status_.orbits},
          {"t_s", status_.t_s},
          {"phase_duration_s", status_.phase_duration_s},
          {"campaign_t_s", status_.campaign_t_s},
          {"eta_s", optional_number(status_.eta_s)},
          {"condition", status_.condition},
          {"chamber", {{"air_c", optional_number(status_.chamber_air_c)},
                       {"setpoint_c", optional_number(status_.chamber_setpoint_c)},
                       {"target_c", optional_number(status_.chamber_target_c)}}},
          {"boards", std::move(boards)},
          {"last_event", status_.last_event},
          {"verdicts", std::move(verdicts)},
          {"prompt", std::move(prompt)},
          {"window_s", copy.window_s},
          {"archive", copy.archive.empty() ? nlohmann::json(nullptr) : nlohmann::json(copy.archive)},
          {"wall_unix_s", db::now_unix_s()}};
}

nlohmann::json LiveModel::series_json(std::uint64_t after) const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, points] : series_) {
    // Points are in the order they were written (seq ascending): the new ones are at the back.
    auto first_new = points.end();
    while (first_new != points.begin() && std::prev(first_new)->seq > after) --first_new;
    if (first_new == points.end()) continue;
    nlohmann::json list = nlohmann::json::array();
    for (auto point = first_new; point != points.end(); ++point) list.push_back({point->x, point->y});
    out[name] = std::move(list);
  }
  return out;
}

nlohmann::json LiveModel::event_json(const StoredEvent& stored) const {
  const auto& e = stored.event;
  return {{"type", "event"},
          {"seq", stored.seq},
          {"wall_unix_s", e.wall_unix_s},
          {"t_s", optional_number(e.t_s)},
          {"kind", e.kind},
          {"severity", e.severity},
          {"device", e.device},
          {"message", e.message}};
}

nlohmann::json LiveModel::snapshot_json() const {
  std::unique_lock lock(mutex_);
  const auto copy = status_copy();
  nlohmann::json events = nlohmann::json::array();
  for (const auto& stored : events_) events.push_back(event_json(stored));
  auto series = series_json(0);
  const auto point_cursor = point_seq_;
  const auto event_cursor = event_seq_;
  lock.unlock();
  return {{"type", "snapshot"}, {"status", status_json(copy)}, {"series", std::move(series)}, {"events", std::move(events)},
          {"point_cursor", point_cursor}, {"event_cursor", event_cursor}};
}

nlohmann::json LiveModel::update_json(std::uint64_t& point_cursor, std::uint64_t& event_cursor) const {
  std::unique_lock lock(mutex_);
  const auto copy = status_copy();
  // Points a window trimmed away meanwhile are simply gone; the rest arrive in order.
  auto points = series_json(point_cursor);
  point_cursor = point_seq_;
  lock.unlock();
  (void)event_cursor;  // events go as their own messages (events_after)
  return nlohmann::json{{"type", "update"}, {"status", status_json(copy)}, {"points", std::move(points)}};
}

std::vector<nlohmann::json> LiveModel::events_after(std::uint64_t& event_cursor) const {
  const std::lock_guard lock(mutex_);
  std::vector<nlohmann::json> out;
  for (const auto& stored : events_) {
    if (stored.seq > event_cursor) out.push_back(event_json(stored));
  }
  event_cursor = event_seq_;
  return out;
}

}  // namespace ob::bench::live
