#include "bench/report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <stdexcept>
#include <vector>

#include "bench/board_channels.hpp"
#include "bench/report/svg_plot.hpp"
#include "db/statement.hpp"
#include "profiles/profile.pb.h"

namespace ob::bench::report {
namespace {

constexpr double kSecondsPerHour = 3600;
constexpr double kSunlitThreshold = 0.5;

struct CampaignInfo {
  std::int64_t id = 0;
  std::string name, station, status, reason;
  double started_unix_s = 0;
  std::optional<double> ended_unix_s;
};

struct Device {
  std::int64_t id = 0;
  std::string name, kind;
};

struct Context {
  const db::Connection& db;
  const ReportOptions& options;
  CampaignInfo campaign;
  std::vector<Device> devices;
  std::map<std::int64_t, double> run_offset_s;  // campaign profile time at each run's start
};

// Runs end to end in plan order: each starts where the previous ended (its length: the profile
// time of its last event, the "… completed" one).
std::map<std::int64_t, double> run_offsets(const db::Connection& db, std::int64_t campaign) {
  db::Statement query(db,
                      "SELECT r.id, COALESCE((SELECT max(e.t_s) FROM events e WHERE e.run_id = r.id), 0) "
                      "FROM runs r WHERE r.campaign_id = ?1 ORDER BY r.ordinal, r.id");
  query.bind(1, campaign);
  std::map<std::int64_t, double> offsets;
  double at = 0;
  while (query.step()) {
    offsets[query.column_int64(0)] = at;
    at += query.column_double(1);
  }
  return offsets;
}

CampaignInfo find_campaign(const db::Connection& db, const std::optional<std::string>& wanted) {
  db::Statement query(db, wanted ? "SELECT id, name, station, status, COALESCE(reason, ''), started_unix_s, ended_unix_s "
                                   "FROM campaigns WHERE name = ?1 OR CAST(id AS TEXT) = ?1 OR station || '/' || name = ?1 "
                                   "ORDER BY id DESC LIMIT 1"
                                 : "SELECT id, name, station, status, COALESCE(reason, ''), started_unix_s, ended_unix_s "
                                   "FROM campaigns ORDER BY id DESC LIMIT 1");
  if (wanted) query.bind(1, *wanted);
  if (!query.step()) {
    throw std::runtime_error(db.path().string() + ": " + (wanted ? "no campaign " + *wanted : std::string("no campaign recorded")));
  }
  CampaignInfo info;
  info.id = query.column_int64(0);
  info.name = query.column_text(1);
  info.station = query.column_text(2);
  info.status = query.column_text(3);
  info.reason = query.column_text(4);
  info.started_unix_s = query.column_double(5);
  info.ended_unix_s = query.column_optional_double(6);
  return info;
}

std::vector<Device> devices_of(const db::Connection& db, std::int64_t campaign) {
  db::Statement query(db, "SELECT id, name, kind FROM devices WHERE campaign_id = ?1 ORDER BY id");
  query.bind(1, campaign);
  std::vector<Device> out;
  while (query.step()) out.push_back({query.column_int64(0), query.column_text(1), query.column_text(2)});
  return out;
}

// A device channel's samples over the whole campaign, x in hours of campaign profile time;
// averaged into at most max_points buckets of equal time.
PlotSeries series(const Context& c, const std::string& device, const std::string& channel, const std::string& name) {
  db::Statement query(c.db,
                      "SELECT s.run_id, s.t_s, s.value FROM devices d JOIN channels ch ON ch.device_id = d.id "
                      "JOIN runs r ON r.campaign_id = d.campaign_id "
                      "JOIN samples s ON s.run_id = r.id AND s.channel_id = ch.id "
                      "WHERE d.campaign_id = ?1 AND d.name = ?2 AND ch.name = ?3 AND s.value IS NOT NULL "
                      "ORDER BY r.ordinal, r.id, s.t_s");
  query.bind_all(c.campaign.id, device, channel);
  std::vector<std::pair<double, double>> raw;
  while (query.step()) {
    const auto offset = c.run_offset_s.find(query.column_int64(0));
    const double at_s = (offset == c.run_offset_s.end() ? 0 : offset->second) + query.column_double(1);
    raw.emplace_back(at_s / kSecondsPerHour, query.column_double(2));
  }
  PlotSeries out;
  out.name = name;
  if (raw.size() <= c.options.max_points) {
    for (const auto& [x, y] : raw) {
      out.x.push_back(x);
      out.y.push_back(y);
    }
    return out;
  }
  const double low = raw.front().first;
  const double span = std::max(raw.back().first - low, 1e-12);
  std::vector<double> sum_x(c.options.max_points), sum_y(c.options.max_points), count(c.options.max_points);
  for (const auto& [x, y] : raw) {
    const auto bucket = std::min(c.options.max_points - 1, static_cast<std::size_t>((x - low) / span * c.options.max_points));
    sum_x[bucket] += x;
    sum_y[bucket] += y;
    count[bucket] += 1;
  }
  for (std::size_t i = 0; i < c.options.max_points; ++i) {
    if (count[i] == 0) continue;
    out.x.push_back(sum_x[i] / count[i]);
    out.y.push_back(sum_y[i] / count[i]);
  }
  return out;
}

// Eclipses as the profile's illumination says, in the same hours.
std::vector<PlotSpan> eclipses(const Context& c) {
  const auto light = series(c, "profile", "illumination", "illumination");
  std::vector<PlotSpan> spans;
  bool in_eclipse = false;
  double start = 0;
  for (std::size_t i = 0; i < light.x.size(); ++i) {
    const bool dark = light.y[i] < kSunlitThreshold;
    if (dark && !in_eclipse) {
      start = light.x[i];
      in_eclipse = true;
    }
    if (!dark && in_eclipse) {
      spans.push_back({start, light.x[i]});
      in_eclipse = false;
    }
  }
  if (in_eclipse && !light.x.empty()) spans.push_back({start, light.x.back()});
  return spans;
}

std::vector<std::string> names_of_kind(const Context& c, const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& device : c.devices) {
    if (device.kind == kind) out.push_back(device.name);
  }
  return out;
}

Plot time_plot(const Context& c, std::string id, std::string title, std::string y_label, const std::vector<PlotSpan>& shaded) {
  Plot plot;
  plot.id = std::move(id);
  plot.title = std::move(title);
  plot.x_label = "campaign time (profile hours)";
  plot.y_label = std::move(y_label);
  plot.shaded = shaded;
  plot.shaded_label = "eclipse";
  (void)c;
  return plot;
}

void add_if_any(Plot& plot, PlotSeries series) {
  if (!series.x.empty()) plot.series.push_back(std::move(series));
}

// Each run's soak (its measurement soak_s, > 0) from the run's start, in the same hours.
std::vector<PlotSpan> soaks(const Context& c) {
  db::Statement query(c.db,
                      "SELECT r.id, (SELECT m.value FROM measurements m WHERE m.run_id = r.id AND m.name = 'soak_s' "
                      "ORDER BY m.id DESC LIMIT 1) FROM runs r WHERE r.campaign_id = ?1 ORDER BY r.ordinal, r.id");
  query.bind(1, c.campaign.id);
  std::vector<PlotSpan> spans;
  while (query.step()) {
    const auto soak_s = query.column_optional_double(1);
    if (!soak_s || !(*soak_s > 0)) continue;
    const auto offset = c.run_offset_s.find(query.column_int64(0));
    const double start_s = offset == c.run_offset_s.end() ? 0 : offset->second;
    spans.push_back({start_s / kSecondsPerHour, (start_s + *soak_s) / kSecondsPerHour});
  }
  return spans;
}

// The chamber three ways: the orbit's target (before any range or ramp limit), the setpoint
// sent, the air measured; then the boards. Databases from before the target was recorded have
// only the profile's mapped setpoint, labelled as such.
std::string temperatures(const Context& c, const std::vector<PlotSpan>& shaded) {
  auto plot = time_plot(c, "plot-temperatures", "Chamber: orbit target, setpoint sent, air measured; boards", "°C", shaded);
  plot.caption = "The target is what the orbit asks of the chamber before its range and ramp limits; the setpoint is "
                 "what was sent; the air is what the chamber measured. Grey: eclipse. Hatched: soak (not measured).";
  plot.hatched = soaks(c);
  plot.hatched_label = "soak";
  auto target = series(c, "profile", "chamber_target_c", "target (orbit)");
  if (target.x.empty()) target = series(c, "profile", "chamber_setpoint_c", "profile setpoint (no orbit target recorded)");
  add_if_any(plot, std::move(target));
  const auto chambers = names_of_kind(c, "chamber");
  for (const auto& chamber : chambers) {
    const std::string prefix = chambers.size() > 1 ? chamber + " " : "";
    add_if_any(plot, series(c, chamber, "setpoint_c", prefix + "setpoint (sent)"));
    add_if_any(plot, series(c, chamber, "air_temp_c", prefix + "air (measured)"));
  }
  for (const auto& board : names_of_kind(c, "gpu")) add_if_any(plot, series(c, board, "gpu_temp_c", board + " GPU"));
  return render_plot(plot);
}

std::string supplies(const Context& c, const std::vector<PlotSpan>& shaded, const char* quantity, const char* title,
                     const char* unit) {
  auto plot = time_plot(c, std::string("plot-psu-") + quantity, title, unit, shaded);
  plot.caption = "Read back from each supply channel every tick (not the value commanded). Grey: eclipse, when the "
                 "orbit's power budget caps the boards.";
  for (const auto& psu : names_of_kind(c, "psu")) {
    db::Statement channels(c.db,
                           "SELECT ch.name FROM channels ch JOIN devices d ON d.id = ch.device_id WHERE d.campaign_id = ?1 "
                           "AND d.name = ?2 AND ch.name LIKE ?3 ORDER BY ch.name");
    channels.bind_all(c.campaign.id, psu, std::string("%.") + quantity + "%");
    std::vector<std::string> names;
    while (channels.step()) names.push_back(channels.column_text(0));
    for (const auto& channel : names) add_if_any(plot, series(c, psu, channel, psu + " " + channel));
  }
  return render_plot(plot);
}

std::string board_plot(const Context& c, const std::vector<PlotSpan>& shaded, const char* id, const char* title,
                       const char* channel, const char* unit, const char* caption) {
  auto plot = time_plot(c, id, title, unit, shaded);
  plot.caption = caption;
  for (const auto& board : names_of_kind(c, "gpu")) add_if_any(plot, series(c, board, channel, board));
  return render_plot(plot);
}

// The station's sensors recorded under each board (IIO: thermocouples, rail monitors): every
// channel of a board that is not its own telemetry, one plot per unit (name suffix).
std::string sensor_plots(const Context& c, const std::vector<PlotSpan>& shaded) {
  struct Unit {
    const char* suffix;
    const char* title;
    const char* label;
  };
  constexpr Unit kUnits[] = {{"_c", "Sensors: temperatures", "°C"}, {"_v", "Sensors: voltages", "V"},
                             {"_a", "Sensors: currents", "A"}, {"_w", "Sensors: power", "W"}};
  std::string out;
  for (const auto& unit : kUnits) {
    auto plot = time_plot(c, std::string("plot-sensors") + unit.suffix, unit.title, unit.label, shaded);
    plot.caption = "The station's own sensors (IIO) next to each board, read every tick: they measure what the board's "
                   "telemetry cannot, and their limits are interlocks.";
    for (const auto& board : names_of_kind(c, "gpu")) {
      db::Statement channels(c.db, "SELECT ch.name FROM channels ch JOIN devices d ON d.id = ch.device_id "
                                   "WHERE d.campaign_id = ?1 AND d.name = ?2 ORDER BY ch.name");
      channels.bind_all(c.campaign.id, board);
      while (channels.step()) {
        const std::string name = channels.column_text(0);
        const bool own = std::any_of(std::begin(kBoardChannels), std::end(kBoardChannels),
                                     [&](const ChannelSpec& spec) { return spec.name == name; });
        if (own || !name.ends_with(unit.suffix)) continue;
        add_if_any(plot, series(c, board, name, board + " " + name));
      }
    }
    if (!plot.series.empty()) out += render_plot(plot);
  }
  return out.empty() ? "<p id=\"sensors\" class=\"empty\">No station sensors recorded.</p>\n" : out;
}

// Each sample's throughput against its board's temperature at the same tick.
std::string throughput_vs_temperature(const Context& c) {
  Plot plot;
  plot.id = "plot-throughput-vs-temperature";
  plot.title = "Throughput vs GPU temperature";
  plot.caption = "Each sample's throughput against its board's GPU temperature at the same tick: a board that throttles "
                 "with heat bends down on the right.";
  plot.x_label = "GPU temperature (°C)";
  plot.y_label = "TFLOP/s";
  for (const auto& board : names_of_kind(c, "gpu")) {
    db::Statement query(c.db,
                        "SELECT b.value, a.value FROM devices d JOIN channels ta ON ta.device_id = d.id AND ta.name = 'tflops' "
                        "JOIN channels tb ON tb.device_id = d.id AND tb.name = 'gpu_temp_c' "
                        "JOIN runs r ON r.campaign_id = d.campaign_id "
                        "JOIN samples a ON a.run_id = r.id AND a.channel_id = ta.id "
                        "JOIN samples b ON b.run_id = r.id AND b.channel_id = tb.id AND b.t_s = a.t_s "
                        "WHERE d.campaign_id = ?1 AND d.name = ?2");
    query.bind_all(c.campaign.id, board);
    PlotSeries points;
    points.name = board;
    points.points = true;
    std::vector<std::pair<double, double>> all;
    while (query.step()) all.emplace_back(query.column_double(0), query.column_double(1));
    const std::size_t stride = std::max<std::size_t>(1, all.size() / c.options.max_points);
    for (std::size_t i = 0; i < all.size(); i += stride) {
      points.x.push_back(all[i].first);
      points.y.push_back(all[i].second);
    }
    add_if_any(plot, std::move(points));
  }
  return render_plot(plot);
}

// Mean throughput per replayed orbit, numbered on across the campaign's replay runs.
std::string orbit_trend(const Context& c) {
  Plot plot;
  plot.id = "plot-orbit-trend";
  plot.title = "Throughput per orbit (replays)";
  plot.caption = "Each board's mean throughput over each replayed orbit, numbered across the campaign's replays: a "
                 "board that degrades slopes down from orbit to orbit.";
  plot.x_integers = true;
  plot.x_label = "orbit";
  plot.y_label = "mean TFLOP/s";
  db::Statement runs(c.db,
                     "SELECT r.id, p.proto FROM runs r JOIN profiles p ON p.id = r.profile_id "
                     "WHERE r.campaign_id = ?1 AND r.kind = 'replay' ORDER BY r.ordinal");
  runs.bind(1, c.campaign.id);
  std::vector<std::pair<std::int64_t, double>> replay_runs;  // run, orbital period
  while (runs.step()) {
    profiles::pb::Profile profile;
    if (!profile.ParseFromString(runs.column_blob(1)) || profile.orbit().period_s() <= 0) continue;
    replay_runs.emplace_back(runs.column_int64(0), profile.orbit().period_s());
  }
  for (const auto& board : names_of_kind(c, "gpu")) {
    PlotSeries trend;
    trend.name = board;
    double orbit_base = 0;
    for (const auto& [run, period_s] : replay_runs) {
      db::Statement orbits(c.db,
                           "SELECT CAST(s.t_s / ?3 AS INTEGER) AS orbit, avg(s.value) FROM devices d "
                           "JOIN channels ch ON ch.device_id = d.id AND ch.name = 'tflops' "
                           "JOIN samples s ON s.run_id = ?1 AND s.channel_id = ch.id "
                           "WHERE d.campaign_id = ?4 AND d.name = ?2 GROUP BY orbit ORDER BY orbit");
      orbits.bind_all(run, board, period_s, c.campaign.id);
      double last = 0;
      while (orbits.step()) {
        last = static_cast<double>(orbits.column_int64(0));
        trend.x.push_back(orbit_base + last + 1);
        trend.y.push_back(orbits.column_double(1));
      }
      orbit_base += last + 1;
    }
    add_if_any(plot, std::move(trend));
  }
  return render_plot(plot);
}

std::string verdict_table(const Context& c) {
  db::Statement query(c.db,
                      "SELECT r.label, COALESCE(d.name, ''), m.name, m.value, m.unit, m.low_limit, m.high_limit, m.verdict "
                      "FROM measurements m JOIN runs r ON r.id = m.run_id LEFT JOIN devices d ON d.id = m.device_id "
                      "WHERE r.campaign_id = ?1 AND m.verdict IN ('pass', 'fail') "
                      "ORDER BY m.name = 'campaign_verdict' DESC, m.name = 'verdict' DESC, m.verdict = 'fail' DESC, r.ordinal, d.name");
  query.bind(1, c.campaign.id);
  std::string rows;
  int count = 0;
  auto value_text = [](std::optional<double> value) {
    if (!value) return std::string();
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", *value);
    return std::string(text);
  };
  while (query.step()) {
    ++count;
    const std::string verdict = query.column_text(7);
    const auto value = query.column_optional_double(3);
    const auto low = query.column_optional_double(5);
    const auto high = query.column_optional_double(6);
    // "pass", or "FAIL: 81.2 above 80" — what the reader looks for, not a bare word.
    std::string said = verdict;
    if (verdict == "fail") {
      said = "FAIL";
      if (value && high && *value > *high) said += ": " + value_text(value) + " above " + value_text(high);
      else if (value && low && *value < *low) said += ": " + value_text(value) + " below " + value_text(low);
    }
    const std::string name = query.column_text(2);
    std::string unit = query.column_text(4);
    // The roll-ups read as what they judge ("campaign", "board", "run"), without their 0/1 value.
    const bool rollup = name == "campaign_verdict" || name == "verdict" || name == "run_verdict";
    const std::string measurement = name == "campaign_verdict" ? "campaign" : name == "verdict" ? "board" : name == "run_verdict" ? "run" : name;
    std::string shown = rollup ? std::string() : value_text(value);
    if (rollup) unit.clear();
    if (unit == "bool" && !rollup) {
      shown = value && *value != 0 ? "yes" : "no";
      unit.clear();
    }
    rows += "<tr class=\"" + verdict + "\"><td>" + html_escape(query.column_text(0)) + "</td><td>" +
            html_escape(query.column_text(1)) + "</td><td>" + html_escape(measurement) + "</td><td class=\"num\">" + shown +
            "</td><td>" + html_escape(unit) + "</td><td class=\"num\">" + (rollup ? std::string() : value_text(low)) +
            "</td><td class=\"num\">" + (rollup ? std::string() : value_text(high)) + "</td><td class=\"verdict\">" +
            html_escape(said) + "</td></tr>\n";
  }
  if (count == 0) return "<p id=\"verdicts\" class=\"empty\">No judged measurements recorded.</p>\n";
  return "<table id=\"verdicts\"><thead><tr><th>run</th><th>device</th><th>measurement</th><th>value</th><th>unit</th>"
         "<th>low</th><th>high</th><th>verdict</th></tr></thead><tbody>\n" +
         rows + "</tbody></table>\n";
}

std::string event_log(const Context& c) {
  db::Statement query(c.db,
                      "SELECT strftime('%Y-%m-%d %H:%M:%S', e.wall_unix_s, 'unixepoch'), COALESCE(r.label, ''), "
                      "COALESCE(d.name, ''), e.kind, e.severity, e.message FROM events e LEFT JOIN runs r ON r.id = e.run_id "
                      "LEFT JOIN devices d ON d.id = e.device_id WHERE e.campaign_id = ?1 ORDER BY e.id LIMIT ?2");
  query.bind_all(c.campaign.id, static_cast<std::int64_t>(c.options.max_events));
  std::string rows;
  while (query.step()) {
    rows += "<tr class=\"" + html_escape(query.column_text(4)) + "\"><td>" + query.column_text(0) + "</td><td>" +
            html_escape(query.column_text(1)) + "</td><td>" + html_escape(query.column_text(2)) + "</td><td>" +
            html_escape(query.column_text(3)) + "</td><td>" + html_escape(query.column_text(4)) + "</td><td>" +
            html_escape(query.column_text(5)) + "</td></tr>\n";
  }
  return "<table id=\"events\"><thead><tr><th>UTC</th><th>run</th><th>device</th><th>kind</th><th>severity</th><th>message</th>"
         "</tr></thead><tbody>\n" + rows + "</tbody></table>\n";
}

std::string utc(double unix_s) {
  const std::time_t seconds = static_cast<std::time_t>(unix_s);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &parts);
  return text;
}

constexpr const char* kStyle = R"css(
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1000px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
.meta { color: #555; } .verdict-pass { color: #1a7f37; font-weight: bold; } .verdict-fail { color: #c62828; font-weight: bold; }
figure { margin: 12px 0; } figcaption { font-size: 12px; color: #666; } svg text.title, text.title { font-size: 13px; font-weight: bold; }
table { border-collapse: collapse; font-size: 12px; width: 100%; } th, td { border-bottom: 1px solid #eee; padding: 3px 6px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } tr.fail td, tr.error td { background: #fdecea; } tr.warning td { background: #fff8e1; }
p.empty { color: #888; font-style: italic; }
)css";

}  // namespace

std::string build_html_report(const db::Connection& db, const ReportOptions& options) {
  Context c{db, options, find_campaign(db, options.campaign), {}, {}};
  c.devices = devices_of(db, c.campaign.id);
  c.run_offset_s = run_offsets(db, c.campaign.id);
  const auto shaded = eclipses(c);

  std::optional<bool> verdict;
  {
    db::Statement query(db, "SELECT m.verdict FROM measurements m JOIN runs r ON r.id = m.run_id "
                            "WHERE r.campaign_id = ?1 AND m.name = 'campaign_verdict' ORDER BY m.id DESC LIMIT 1");
    query.bind(1, c.campaign.id);
    if (query.step()) verdict = query.column_text(0) == "pass";
  }
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>orbitbench report: " +
                     html_escape(c.campaign.name) + "</title>\n<style>" + kStyle + "</style></head>\n<body>\n";
  html += "<h1>" + html_escape(c.campaign.name) + "</h1>\n<p class=\"meta\">station " + html_escape(c.campaign.station) +
          " · started " + utc(c.campaign.started_unix_s) +
          (c.campaign.ended_unix_s ? " · ended " + utc(*c.campaign.ended_unix_s) : std::string()) + " · status <b id=\"status\">" +
          html_escape(c.campaign.status) + "</b>" + (c.campaign.reason.empty() ? "" : " — " + html_escape(c.campaign.reason)) +
          "</p>\n";
  if (verdict) {
    html += std::string("<p id=\"verdict\" class=\"") + (*verdict ? "verdict-pass\">verdict: PASS" : "verdict-fail\">verdict: FAIL") +
            "</p>\n";
  }
  html += "<h2>Temperatures</h2>\n" + temperatures(c, shaded);
  html += "<h2>Supplies</h2>\n" + supplies(c, shaded, "voltage_v", "Supply voltage per channel", "V") +
          supplies(c, shaded, "current_a", "Supply current per channel", "A");
  html += "<h2>GPU boards</h2>\n" +
          board_plot(c, shaded, "plot-gpu-power", "GPU power", "power_w", "W",
                     "Each board's own power reading (NVML through its agent); in eclipse the orbit's budget caps it.") +
          board_plot(c, shaded, "plot-gpu-clocks", "SM clock", "sm_clock_mhz", "MHz",
                     "The streaming multiprocessors' clock: it drops when the board throttles for power or heat.") +
          board_plot(c, shaded, "plot-throughput", "Throughput", "tflops", "TFLOP/s",
                     "Work done per second by each board's workload, as the agent measured it.");
  html += "<h2>Sensors</h2>\n" + sensor_plots(c, shaded);
  html += "<h2>Throughput vs temperature</h2>\n" + throughput_vs_temperature(c);
  html += "<h2>Degradation trend</h2>\n" + orbit_trend(c);
  html += "<h2>Verdicts</h2>\n" + verdict_table(c);
  html += "<h2>Events</h2>\n" + event_log(c);
  html += "<p class=\"meta\">Made by orbitbench from " + html_escape(db.path().filename().string()) + ".</p>\n</body></html>\n";
  return html;
}

}  // namespace ob::bench::report
