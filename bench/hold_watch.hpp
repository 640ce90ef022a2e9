#pragma once
// While the profile clock stands still for a person — an operator's hold from the live view, an
// operator prompt between runs — no loop ticks, yet the boards stay energised and their
// workloads may run. Each step of this watch reads every board's telemetry and the chamber, as
// the runs would, and keeps the bench's limits: a board above its temperature limit, a chamber
// alarm or an instrument that stops answering stops the campaign into its safe state. Nothing
// is recorded as samples (the profile's time does not move); the progress line and the live
// view show the readings. (issue 21)
#include <asio/awaitable.hpp>
#include <vector>

#include "bench/lab_session.hpp"
#include "bench/participants/participant.hpp"

namespace ob::bench {

class HoldWatch {
 public:
  HoldWatch(BenchContext& bench, LabSession& session, int max_consecutive_faults);

  // One round of reads and checks; the campaign is aborted (BenchContext::abort_campaign) when
  // a limit is broken or an instrument failed max_consecutive_faults rounds in a row.
  asio::awaitable<void> step();

 private:
  BenchContext& bench_;
  LabSession& session_;
  const int max_faults_;
  std::vector<int> board_faults_;
  int chamber_faults_ = 0;
};

}  // namespace ob::bench
