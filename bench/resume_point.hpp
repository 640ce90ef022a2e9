#pragma once
// Where a campaign whose controller died (SIGKILL, power loss) goes on: read back from the
// station database by `orbitbench resume`. The campaign's own files, its last checkpoint (the
// runner writes one about every wall second, and at every phase boundary), the profile it was
// replaying, and what the verdicts need from the runs already recorded.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "profiles/profile.pb.h"

namespace ob::bench {

// One tick of a DUT in the interrupted run, before the checkpoint (its run statistics).
struct PartialSample {
  double tflops = 0;
  double temp_c = 0;
  double power_w = 0;
  std::optional<bool> sunlit;
};

struct ResumePoint {
  std::int64_t campaign_id = 0;
  std::string campaign_name;
  // The files as the controller first read them (campaign_files).
  std::string campaign_label, campaign_text, station_label, station_text;
  double speed = 1;  // as the campaign ran (a --speed override included)
  bool was_interrupted = false;  // stopped by the operator (SIGINT/SIGTERM), not died

  std::size_t plan_index = 0;          // the phase to continue
  std::optional<std::int64_t> run_id;  // its run, when it had begun
  double t_s = 0;                      // profile time within that phase to continue from
  int replays_before = 0;              // replay phases begun before this one
  double elapsed_profile_s = 0;        // profile time of the phases before this one
  double checkpoint_unix_s = 0;        // when the checkpoint was written (0: none was)
  std::optional<std::int64_t> profile_id;
  std::optional<profiles::pb::Profile> profile;

  // Per DUT name: the mean throughput of each completed baseline / reference run, in order.
  std::map<std::string, std::vector<double>> baseline_run_means, reference_run_means;
  std::optional<std::int64_t> last_reference_run_id;
  // DUTs isolated before the crash: they stay off.
  std::set<std::string> isolated_duts;
  // The interrupted run's soak (baseline/reference): when it became stable, if it had. A run
  // resumed while still soaking soaks again from its resumed tick.
  std::optional<double> soak_s;
  // Per DUT name: the interrupted run's measured ticks before t_s (none while it soaked).
  std::map<std::string, std::vector<PartialSample>> partial;
};

// The checkpoint's state_json: {"replays_before":N,"elapsed_profile_s":X,"speed":S,"profile_id":P}.
std::string checkpoint_state_json(int replays_before, double elapsed_profile_s, double speed,
                                  std::optional<std::int64_t> profile_id);

// Reads the resume point of campaign `campaign_id`, or of the newest campaign still 'running'
// or interrupted by the operator (status 'aborted', end_cause 'operator_signal').
// Throws std::runtime_error naming the database and the campaign when there is nothing to
// resume (no such campaign, it already ended, its files were not recorded).
ResumePoint load_resume_point(const std::filesystem::path& db_path, std::optional<std::int64_t> campaign_id);

}  // namespace ob::bench
