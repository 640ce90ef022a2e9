#pragma once
// What the live view shows of one campaign (issue 21): where it stands now, each board's and the
// chamber's recent history, its events and its verdicts so far, and the controller's tick
// lateness. Written by the campaign's thread (the runner, the recorder's observer) or by a
// database poller (`orbitbench serve`); read by the HTTP server's thread. Every method is
// thread-safe and quick: writers only ever wait for a reader's copy, never for a socket.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ob::bench::live {

struct BoardNow {
  std::string name;
  bool seen = false;  // false until its first telemetry
  double tflops = 0;
  double power_w = 0;
  double temp_c = 0;
  double sm_clock_mhz = 0;
  std::string throttle;  // decoded clock event reasons ("SwPowerCap")
  bool isolated = false;
};

struct LiveStatus {
  std::string state = "starting";  // starting | running | paused | completed | aborted | failed
  std::string phase;               // "replay 1/1", "baseline (soaking)"
  int orbit = 0;                   // 1-based orbit of a replay; 0: not a replay
  int orbits = 0;
  double t_s = 0;                  // profile time in the phase
  double phase_duration_s = 0;
  double campaign_t_s = 0;         // profile time since the campaign began: the history's x axis
  std::optional<double> eta_s;     // wall seconds to the campaign's end (unknown to `serve`)
  std::string condition;           // sunlit | eclipse | ground
  std::optional<double> chamber_air_c;
  std::optional<double> chamber_setpoint_c;
  std::optional<double> chamber_target_c;
  std::vector<BoardNow> boards;
  std::string last_event;
  std::string reason;  // why it ended, when it did not complete
};

struct LiveEvent {
  double wall_unix_s = 0;
  std::optional<double> t_s;
  std::string kind;
  std::string severity;
  std::string device;  // "" for the campaign's own
  std::string message;
};

struct LiveVerdict {
  std::string run;     // the run's label
  std::string device;  // "" for the run's or campaign's own
  std::string name;
  double value = 0;
  std::string unit;
  std::string verdict;  // pass | fail
};

struct LivePrompt {
  std::string id;
  std::string text;
  std::string expect;  // confirm | text | number
  double asked_unix_s = 0;
  double timeout_s = 0;
};

class LiveModel {
 public:
  // Keeps the last `window_profile_s` of history, at most `max_points` per series.
  explicit LiveModel(double window_profile_s = 6 * 3600.0, std::size_t max_points = 720);

  // A link the page shows to the file's other campaigns (`orbitbench serve`: "/campaigns").
  void set_archive_link(const std::string& url);
  // Forgets everything (`serve` following a newer campaign in the same file).
  void clear();
  double window_s() const { return window_profile_s_; }
  void set_identity(const std::string& campaign, const std::string& station, const std::string& source);
  // Where the campaign stands; appends each board's and the chamber's values to their history.
  void update(LiveStatus status);
  // Where it stands, without history (a database poller appends what it read with append()).
  void set_status(const LiveStatus& status);
  // History points of one series ("board-01/tflops", "chamber/air_c", "eclipse"), x ascending:
  // campaign profile seconds.
  void append(const std::string& series, const std::vector<std::pair<double, double>>& points);
  void set_state(const std::string& state, const std::string& reason = "");
  void add_event(LiveEvent event);
  void add_verdict(LiveVerdict verdict);  // pass/fail judgements only; a re-judged name replaces its row
  void add_tick_lateness_s(double lateness_s);
  // An operator's action or the prompt (issue 21): shown on the page.
  void set_clock_held(bool held);
  // The operator prompt the campaign waits on; nullopt: none.
  void set_prompt(std::optional<LivePrompt> prompt);

  // Everything, for a page that has just connected (`/status.json`, the stream's first message).
  nlohmann::json snapshot_json() const;
  // What changed since the cursors (points and events after them), which it advances.
  nlohmann::json update_json(std::uint64_t& point_cursor, std::uint64_t& event_cursor) const;
  // Events after `event_cursor`, one object each (the stream sends one message per event).
  std::vector<nlohmann::json> events_after(std::uint64_t& event_cursor) const;
  // Prometheus' text exposition (version 0.0.4).
  std::string metrics_text() const;

 private:
  struct Point {
    std::uint64_t seq;
    double x;
    double y;
  };
  struct StoredEvent {
    std::uint64_t seq;
    LiveEvent event;
  };
  // What the page's status is built from, copied under the lock and turned into JSON after it:
  // the campaign's thread never waits for a reader's JSON.
  struct StatusCopy {
    std::string campaign, station, source;
    LiveStatus status;
    bool clock_held = false;
    std::optional<LivePrompt> prompt;
    std::vector<LiveVerdict> verdicts;
    double window_s = 0;
    std::string archive;
  };
  void append_point(const std::string& series, double x, double y);
  void append_point(std::deque<Point>& points, double x, double y);
  StatusCopy status_copy() const;
  static nlohmann::json status_json(const StatusCopy& copy);
  nlohmann::json series_json(std::uint64_t after) const;
  nlohmann::json event_json(const StoredEvent& stored) const;

  mutable std::mutex mutex_;
  const double window_profile_s_;
  const std::size_t max_points_;
  std::string campaign_, station_, source_, archive_;
  LiveStatus status_;
  bool clock_held_ = false;
  std::optional<LivePrompt> prompt_;
  std::uint64_t point_seq_ = 0;
  std::uint64_t event_seq_ = 0;
  std::map<std::string, std::deque<Point>> series_;  // node-based: the pointers below stay valid
  struct BoardSeries {
    std::deque<Point>* tflops;
    std::deque<Point>* power_w;
    std::deque<Point>* temp_c;
    std::deque<Point>* sm_clock_mhz;
  };
  std::map<std::string, BoardSeries> board_series_;
  std::deque<StoredEvent> events_;
  std::map<std::string, std::uint64_t> events_by_kind_;
  std::map<std::string, std::uint64_t> events_by_severity_;
  std::vector<LiveVerdict> verdicts_;
  // Tick lateness, Prometheus histogram buckets (seconds, cumulative when written).
  std::vector<std::uint64_t> lateness_buckets_;
  std::uint64_t lateness_count_ = 0;
  double lateness_sum_s_ = 0;
};

// The histogram's upper bounds, seconds.
const std::vector<double>& tick_lateness_bounds_s();

}  // namespace ob::bench::live
