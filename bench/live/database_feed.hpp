#pragma once
// The live view of a results database (`orbitbench serve --db F`, issue 21): each poll() reads,
// on a read-only connection, what was committed since the last one — the campaign's state, its
// runs, each board's and the chamber's samples, its events and judgements — into a LiveModel.
// Works on a database another process is recording (WAL readers never block the writer) and on
// finished ones alike.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bench/live/live_model.hpp"
#include "db/database.hpp"

namespace ob::bench::live {

class DatabaseFeed {
 public:
  // `campaign`: an id or a name (the newest of that name); empty: the newest campaign, followed
  // to the next one when another starts in the same file.
  DatabaseFeed(const std::filesystem::path& database, std::string campaign, LiveModel& model);

  // Throws db::DbError (a file that is not a results database) and std::runtime_error (a named
  // campaign it does not hold).
  void poll();

 private:
  struct Channel {
    std::int64_t id = 0;
    std::string series;   // "board-01/tflops"
    std::string device;   // "board-01"
    std::string name;     // "tflops"
  };
  struct Run {
    std::int64_t id = 0;
    std::string label;
    std::string kind;
    std::string status;
    double end_t_s = 0;     // its last profile tick so far
    double offset_s = 0;    // profile time of the campaign before it
  };

  std::optional<std::int64_t> choose_campaign();
  void start_campaign(std::int64_t campaign_id);
  void read_runs();
  void read_samples();
  void read_events();
  void read_verdicts();
  void publish_status();

  db::Connection connection_;
  std::filesystem::path database_;
  std::string selection_;
  LiveModel& model_;
  std::optional<std::int64_t> campaign_id_;
  std::string campaign_status_;
  std::string campaign_reason_;
  std::vector<Channel> channels_;
  std::optional<std::int64_t> clock_channel_;  // the profile's chamber_target_c: ticks with the profile
  std::vector<Run> runs_;
  std::map<std::pair<std::int64_t, std::int64_t>, double> sample_cursor_;  // (run, channel) → last t_s read
  std::map<std::string, double> latest_;  // series → newest value
  std::map<std::string, bool> isolated_;
  std::set<std::int64_t> lit_runs_;  // runs with an illumination series (replays): the others are "ground"
  std::vector<std::string> boards_;
  std::int64_t event_cursor_ = 0;
  std::int64_t verdict_cursor_ = 0;
  std::string last_event_;
};

}  // namespace ob::bench::live
