#pragma once
// Runs one campaign on one asio::io_context: connect and identify every instrument, replay the
// plan (baseline → orbit replays → reference) applying setpoints at profile time ÷ speed,
// sample telemetry into the recorder, enforce interlocks, and always end in the safe state.
// A checkpoint about every wall second (and at each phase boundary) lets a campaign whose
// controller died be continued with RunnerOptions::resume.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bench/config/campaign_config.hpp"
#include "bench/progress.hpp"
#include "bench/resume_point.hpp"
#include "bench/runner_events.hpp"
#include "db/recorder.hpp"

namespace ob::bench {

namespace live {
class LiveModel;
class OperatorDesk;
}  // namespace live

struct CampaignOutcome {
  db::CampaignStatus status = db::CampaignStatus::failed;
  std::string reason;           // why it was aborted or failed; empty when completed
  std::int64_t campaign_id = 0;
  bool verdicts_pass = false;   // every DUT's and the campaign's judgements passed
  std::string verdict_summary;  // "PASS" or "FAIL — board-02: isolated, sdc_count"; empty when not judged
  // The campaign was refused before anything was energised and before its row was written (a
  // setpoint beyond a rating, a station range wider than the model's, an orbit the chamber
  // cannot follow): `reason` says where ("file:line: field: what is wrong"); exit 1.
  bool refused = false;
  // Why it stopped before its plan's end (also `campaigns.end_cause`); unset when it completed
  // or was refused. operator_signal: `orbitbench resume` may continue it.
  std::optional<AbortCause> abort_cause;
};

struct RunnerOptions {
  bool show_progress = true;
  int max_consecutive_faults = 3;  // per instrument, before the campaign is aborted
  // Continue this campaign (`orbitbench resume`) instead of starting a new one: from its last
  // checkpoint, in its own run, re-recording the ticks after the checkpoint (no duplicates:
  // samples are keyed by run, channel and t_s). Must outlive run().
  const ResumePoint* resume = nullptr;
  // Where the continuous push to a lab's server stands, for the progress line ("push 12s",
  // "push failing"); unset: no push.
  std::function<std::string()> push_status;
  // The live view (`--serve`, bench/live/): where the campaign stands at every profile tick and
  // each loop's tick lateness go to `live`; the operator's pause, resume-clock and abort come
  // from `desk` while the campaign runs. Both must outlive run(); unset: no live view.
  live::LiveModel* live = nullptr;
  live::OperatorDesk* desk = nullptr;
  // Operator prompts (`prompt:` steps) are shown on stderr and answered on stdin as well as on
  // the live page: the controller was started from a terminal.
  bool prompts_on_terminal = false;
};

class CampaignRunner {
 public:
  CampaignRunner(const CampaignConfig& config, db::Recorder& recorder, RunnerOptions options = {});
  ~CampaignRunner();

  // Blocks until the campaign has ended and every instrument is in its safe state.
  // SIGINT/SIGTERM abort the campaign (safe state, status 'aborted').
  CampaignOutcome run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ob::bench
