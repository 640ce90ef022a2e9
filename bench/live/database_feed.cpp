#include "bench/live/database_feed.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "bench/phase_targets.hpp"
#include "bench/progress.hpp"
#include "db/statement.hpp"
#include "db/transaction.hpp"
#include "db/wall_clock.hpp"

namespace ob::bench::live {
namespace {

constexpr std::size_t kFirstEvents = 500;  // the newest, on the first read of a campaign

// The series the page draws, by device kind and channel name (docs/schema.md).
std::string series_of(const std::string& kind, const std::string& device, const std::string& channel) {
  if (kind == "gpu") {
    if (channel == "tflops" || channel == "power_w" || channel == "sm_clock_mhz" || channel == "clock_event_reasons") {
      return device + "/" + channel;
    }
    if (channel == "gpu_temp_c") return device + "/temp_c";
    return {};
  }
  if (kind == "chamber") {
    if (channel == "air_temp_c") return "chamber/air_c";
    if (channel == "setpoint_c") return "chamber/setpoint_c";
    return {};
  }
  if (kind == "profile") {
    if (channel == "chamber_target_c") return "chamber/target_c";
    if (channel == "illumination") return "eclipse";
  }
  return {};
}

std::optional<std::int64_t> as_id(const std::string& text) {
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return id;
}

}  // namespace

DatabaseFeed::DatabaseFeed(const std::filesystem::path& database, std::string campaign, LiveModel& model)
    : connection_(db::Connection::open_read_only(database)), database_(database), selection_(std::move(campaign)), model_(model) {}

std::optional<std::int64_t> DatabaseFeed::choose_campaign() {
  if (selection_.empty()) {
    db::Statement newest(connection_, "SELECT max(id) FROM campaigns");
    newest.step();
    return newest.column_optional_int64(0);
  }
  db::Statement named(connection_, "SELECT id FROM campaigns WHERE id = ?1 OR name = ?2 ORDER BY (id = ?1) DESC, id DESC LIMIT 1");
  named.bind(1, as_id(selection_).value_or(-1));
  named.bind(2, selection_);
  if (!named.step()) {
    throw std::runtime_error(database_.string() + ": no campaign '" + selection_ + "' (orbitbench query --db " +
                             database_.string() + " campaigns lists them)");
  }
  return named.column_int64(0);
}

void DatabaseFeed::start_campaign(std::int64_t campaign_id) {
  campaign_id_ = campaign_id;
  channels_.clear();
  clock_channel_.reset();
  runs_.clear();
  sample_cursor_.clear();
  latest_.clear();
  lit_runs_.clear();
  isolated_.clear();
  boards_.clear();
  event_cursor_ = 0;
  verdict_cursor_ = 0;
  last_event_.clear();
  model_.clear();
  db::Statement campaign(connection_, "SELECT name, station FROM campaigns WHERE id = ?1");
  campaign.bind(1, campaign_id);
  campaign.step();
  model_.set_identity(campaign.column_text(0), campaign.column_text(1), database_.string());
}

void DatabaseFeed::poll() {
  db::run_in_transaction(connection_, "BEGIN", [&] {  // one snapshot of the file for the whole read
    const auto chosen = choose_campaign();
    if (!chosen) {
      LiveStatus waiting;
      waiting.state = "starting";
      waiting.last_event = "no campaign in " + database_.string() + " yet";
      model_.set_status(waiting);
      return;
    }
    if (chosen != campaign_id_) start_campaign(*chosen);
    db::Statement campaign(connection_, "SELECT status, coalesce(reason, '') FROM campaigns WHERE id = ?1");
    campaign.bind(1, *campaign_id_);
    campaign.step();
    campaign_status_ = campaign.column_text(0);
    campaign_reason_ = campaign.column_text(1);
    read_runs();
    read_samples();
    read_events();
    read_verdicts();
    publish_status();
  });
}

void DatabaseFeed::read_runs() {
  // Devices and their channels appear once, at the campaign's start (again after a resume).
  db::Statement channels(connection_,
                         "SELECT c.id, d.kind, d.name, c.name FROM channels c JOIN devices d ON d.id = c.device_id "
                         "WHERE d.campaign_id = ?1 ORDER BY c.id");
  channels.bind(1, *campaign_id_);
  channels_.clear();
  boards_.clear();
  while (channels.step()) {
    const auto kind = channels.column_text(1);
    const auto device = channels.column_text(2);
    const auto name = channels.column_text(3);
    if (kind == "gpu" && std::find(boards_.begin(), boards_.end(), device) == boards_.end()) boards_.push_back(device);
    if (kind == "profile" && name == "chamber_target_c") clock_channel_ = channels.column_int64(0);
    auto series = series_of(kind, device, name);
    if (!series.empty()) channels_.push_back(Channel{channels.column_int64(0), std::move(series), device, name});
  }
  db::Statement runs(connection_, "SELECT id, label, kind, status FROM runs WHERE campaign_id = ?1 ORDER BY id");
  runs.bind(1, *campaign_id_);
  db::Statement last_tick(connection_, "SELECT max(t_s) FROM samples WHERE run_id = ?1 AND channel_id = ?2");
  std::vector<Run> read;
  double offset_s = 0;
  while (runs.step()) {
    Run run{runs.column_int64(0), runs.column_text(1), runs.column_text(2), runs.column_text(3), 0, offset_s};
    const auto known = std::find_if(runs_.begin(), runs_.end(), [&](const Run& r) { return r.id == run.id; });
    if (known != runs_.end() && known->status != "running") {
      run.end_t_s = known->end_t_s;  // finished: its length no longer changes
    } else if (clock_channel_) {
      const db::Statement::Use use(last_tick);
      last_tick.bind_all(run.id, *clock_channel_);
      last_tick.step();
      run.end_t_s = last_tick.column_optional_double(0).value_or(0);
    }
    offset_s += run.end_t_s;
    read.push_back(std::move(run));
  }
  runs_ = std::move(read);
}

void DatabaseFeed::read_samples() {
  if (runs_.empty()) return;
  const double newest_x = runs_.back().offset_s + runs_.back().end_t_s;
  const double window_start = newest_x - model_.window_s();
  db::Statement samples(connection_,
                        "SELECT t_s, value FROM samples WHERE run_id = ?1 AND channel_id = ?2 AND t_s > ?3 ORDER BY t_s");
  for (const auto& run : runs_) {
    if (run.offset_s + run.end_t_s < window_start && sample_cursor_.empty()) continue;  // before the window
    for (const auto& channel : channels_) {
      const auto key = std::make_pair(run.id, channel.id);
      const auto cursor = sample_cursor_.find(key);
      const double after = cursor != sample_cursor_.end() ? cursor->second : std::max(-1.0, window_start - run.offset_s);
      const db::Statement::Use use(samples);
      samples.bind_all(run.id, channel.id, after);
      std::vector<std::pair<double, double>> points;
      double last_t = after;
      while (samples.step()) {
        last_t = samples.column_double(0);
        double value = samples.column_double(1);
        if (channel.series == "eclipse") value = value >= kSunlitThreshold ? 0.0 : 1.0;
        points.emplace_back(run.offset_s + last_t, value);
      }
      if (points.empty()) continue;
      sample_cursor_[key] = last_t;
      latest_[channel.series] = points.back().second;
      if (channel.series == "eclipse") lit_runs_.insert(run.id);
      if (channel.name != "clock_event_reasons") model_.append(channel.series, points);
    }
  }
}

void DatabaseFeed::read_events() {
  db::Statement events(connection_,
                       "SELECT * FROM (SELECT e.id, e.wall_unix_s, e.t_s, e.kind, e.severity, coalesce(d.name, ''), e.message "
                       "FROM events e LEFT JOIN devices d ON d.id = e.device_id WHERE e.campaign_id = ?1 AND e.id > ?2 "
                       "ORDER BY e.id DESC LIMIT ?3) ORDER BY id");
  events.bind_all(*campaign_id_, event_cursor_, static_cast<std::int64_t>(event_cursor_ == 0 ? kFirstEvents : 100000));
  while (events.step()) {
    event_cursor_ = events.column_int64(0);
    LiveEvent event{events.column_double(1), events.column_optional_double(2), events.column_text(3), events.column_text(4),
                    events.column_text(5), events.column_text(6)};
    last_event_ = event.message;
    model_.add_event(std::move(event));
  }
}

void DatabaseFeed::read_verdicts() {
  db::Statement verdicts(connection_,
                         "SELECT m.id, r.label, coalesce(d.name, ''), m.name, m.value, m.unit, m.verdict FROM measurements m "
                         "JOIN runs r ON r.id = m.run_id LEFT JOIN devices d ON d.id = m.device_id "
                         "WHERE r.campaign_id = ?1 AND m.id > ?2 ORDER BY m.id");
  verdicts.bind_all(*campaign_id_, verdict_cursor_);
  while (verdicts.step()) {
    verdict_cursor_ = verdicts.column_int64(0);
    const auto name = verdicts.column_text(3);
    const auto device = verdicts.column_text(2);
    if (name == "isolated") isolated_[device] = true;
    model_.add_verdict(LiveVerdict{verdicts.column_text(1), device, name, verdicts.column_double(4), verdicts.column_text(5),
                                   verdicts.column_text(6)});
  }
}

void DatabaseFeed::publish_status() {
  LiveStatus status;
  status.state = campaign_status_;
  status.reason = campaign_reason_;
  status.last_event = last_event_;
  const auto latest = [&](const std::string& series) -> std::optional<double> {
    const auto found = latest_.find(series);
    return found != latest_.end() ? std::optional<double>(found->second) : std::nullopt;
  };
  if (!runs_.empty()) {
    const auto& run = runs_.back();
    status.phase = run.label;
    status.t_s = run.end_t_s;
    status.campaign_t_s = run.offset_s + run.end_t_s;
    const auto eclipse = latest("eclipse");
    status.condition = lit_runs_.count(run.id) == 0 ? "ground" : eclipse.value_or(0) > 0.5 ? "eclipse" : "sunlit";
  }
  status.chamber_air_c = latest("chamber/air_c");
  status.chamber_setpoint_c = latest("chamber/setpoint_c");
  status.chamber_target_c = latest("chamber/target_c");
  for (const auto& name : boards_) {
    BoardNow board;
    board.name = name;
    const auto tflops = latest(name + "/tflops");
    board.seen = tflops.has_value();
    board.tflops = tflops.value_or(0);
    board.power_w = latest(name + "/power_w").value_or(0);
    board.temp_c = latest(name + "/temp_c").value_or(0);
    board.sm_clock_mhz = latest(name + "/sm_clock_mhz").value_or(0);
    board.throttle = decode_clock_event_reasons(static_cast<unsigned long long>(latest(name + "/clock_event_reasons").value_or(0)));
    board.isolated = isolated_.count(name) > 0;
    status.boards.push_back(std::move(board));
  }
  model_.set_status(status);
}

}  // namespace ob::bench::live
