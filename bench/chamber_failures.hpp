#pragma once
// The chamber's failures over a campaign, for the verdict line: they count against every board
// in the chamber, and the same failure in many runs is said once ("chamber tracking p95 up to
// 4.9 K > 2 K (14 runs, cycle 1/14 … cycle 14/14)"), not once per run.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace ob::bench {

class ChamberFailures {
 public:
  // A judged figure over its limit in one run: "chamber tracking p95" 7.8 K > 2 K.
  void add_figure(const std::string& what, double value, double limit, const std::string& unit, const std::string& run) {
    auto& entry = find(what);
    entry.figure = true;
    entry.worst = entry.runs.empty() ? value : std::max(entry.worst, value);
    entry.limit = limit;
    entry.unit = unit;
    entry.runs.push_back(run);
  }
  // A failure without a figure in one run: "chamber not regulating".
  void add(const std::string& what, const std::string& run) { find(what).runs.push_back(run); }

  bool empty() const { return entries_.empty(); }

  std::vector<std::string> summaries() const {
    std::vector<std::string> out;
    char text[320];
    for (const auto& e : entries_) {
      const bool many = e.runs.size() > 1;
      std::string runs = e.runs.front();
      if (many) runs = std::to_string(e.runs.size()) + " runs, " + e.runs.front() + " … " + e.runs.back();
      if (e.figure) {
        std::snprintf(text, sizeof text, "%s %s%.1f %s > %g %s (%s)", e.what.c_str(), many ? "up to " : "", e.worst, e.unit.c_str(),
                      e.limit, e.unit.c_str(), runs.c_str());
      } else {
        std::snprintf(text, sizeof text, "%s (%s)", e.what.c_str(), runs.c_str());
      }
      out.emplace_back(text);
    }
    return out;
  }

 private:
  struct Entry {
    std::string what;
    bool figure = false;
    double worst = 0;
    double limit = 0;
    std::string unit;
    std::vector<std::string> runs;
  };
  Entry& find(const std::string& what) {
    for (auto& entry : entries_) {
      if (entry.what == what) return entry;
    }
    entries_.push_back(Entry{what, false, 0, 0, "", {}});
    return entries_.back();
  }
  std::vector<Entry> entries_;
};

}  // namespace ob::bench
