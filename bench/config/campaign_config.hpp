#pragma once
// campaign.yaml: what to do to the boards — orbit, plan, workload, limits, speed.
// Schema: docs/configuration.md.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/config/station_config.hpp"
#include "bench/interlocks.hpp"
#include "drivers/gpu/gpu_board.hpp"
#include "bench/profile_request.hpp"
#include "bench/soak_monitor.hpp"
#include "bench/thermal_cycling.hpp"

namespace ob::bench {

enum class PhaseKind { baseline, replay, reference, thermal_cycle, prompt };
const char* to_string(PhaseKind kind);

// An operator prompt step (issue 21): `prompt: { text, expect, timeout, on_timeout }`. The
// campaign holds between runs until a person answers, on the terminal or on the live page.
enum class PromptExpect { confirm, text, number };
const char* to_string(PromptExpect expect);

struct PromptSpec {
  std::string text;
  PromptExpect expect = PromptExpect::confirm;
  double timeout_s = 1800;        // wall seconds (default 30m)
  bool skip_on_timeout = false;   // on_timeout: skip; default abort (into the safe state)
};

// One run of the plan. The file's steps are expanded into these: a `repeat` into its steps
// times over, a replay with `reference_every` into replays with references between them, a
// `thermal_cycle` step into one phase per cycle (so a resumed campaign goes on at the cycle,
// and every cycle is a run with its own judgements).
struct PhaseConfig {
  PhaseKind kind = PhaseKind::baseline;
  double chamber_c = 25;   // baseline/reference: constant chamber air
  double duration_s = 600; // baseline/reference: profile seconds
  double orbits = 1;       // replay: orbits to replay
  double orbit_offset = 0; // replay: orbits of the profile replayed before this part (reference_every)
  // thermal_cycle: the program every cycle of its step shares, this cycle (1-based), and the
  // plan index of the program's first cycle.
  std::shared_ptr<const ThermalProgram> thermal;
  int cycle = 0;
  std::size_t program_first = 0;
  std::string label_prefix;  // "repeat 2/3: " inside a repeat
  std::shared_ptr<const PromptSpec> prompt;  // prompt: what to ask (no run is made for it)
  int line = 0;
};

struct CampaignLimits {
  std::optional<double> max_throughput_degradation_pct;  // reference vs baseline loss, in %
  // The chamber's band: air further than this from its setpoint (two reads in a row) pauses
  // the profile clock until it is back within; unset = never pause.
  std::optional<double> chamber_band_c;
  // Per DUT over the whole campaign, each a verdict at its end: results that failed their
  // checksum, new uncorrected ECC errors, the hottest GPU temperature seen.
  std::optional<double> max_sdc_count;
  std::optional<double> max_ecc_uncorrected;
  std::optional<double> max_board_temp_c;
  // Chamber air against the orbit's target (bench/chamber_tracking.hpp), per run: the 95th
  // percentile must stay at or below p95 (default 2 K); max is judged when given.
  double chamber_tracking_p95_k = 2;
  std::optional<double> chamber_tracking_max_k;
  // on_chamber_alarm: pause — how long the profile clock may wait for an alarm to clear before
  // the campaign fails (default 10 min, wall).
  double chamber_alarm_s = 600;
};

// What a raised chamber alarm does: abort into the safe state (default), or hold the profile
// clock until it clears (failing after limits.chamber_alarm_s).
enum class ChamberAlarmPolicy { abort, pause };

struct CampaignConfig {
  std::string label;
  std::string text;
  std::string name;
  StationConfig station;
  // The replayed orbit's profile. Its lab mapping holds the campaign's choices (qualification
  // level, what the chamber tracks, …); the runner fills in what the station and the
  // instruments say (chamber range and ramp, each board's power range, supply, speed).
  ProfileSpec profile;
  // Instead of an orbit: a profile made earlier with `orbitbench profile -o FILE`, replayed as it is.
  std::string profile_path;
  drivers::WorkloadSpec workload;
  double speed = 1;            // profile seconds per wall second
  double sample_period_s = 0.1; // wall seconds between telemetry samples
  std::vector<PhaseConfig> plan;
  CampaignLimits limits;
  std::vector<InterlockRule> interlocks;
  // Baseline and reference runs measure only once the bench is stable (bench/soak_monitor.hpp).
  SoakRule soak;
  ChamberAlarmPolicy on_chamber_alarm = ChamberAlarmPolicy::abort;
  // Replay an orbit whose chamber profile the bench cannot follow within the tracking
  // tolerance (refused otherwise); tracking is then judged against what the chamber can do.
  bool accept_thermal_infeasibility = false;
  int line_accept_thermal_infeasibility = 0;
};

// Reads a file by name relative to the campaign file (the station); lets the embedded default
// campaign resolve its station without touching the disk.
using FileReader = std::function<std::string(const std::string& relative_name, std::string& label)>;

// Throws ConfigError "label:line: field: reason".
CampaignConfig parse_campaign(const std::string& label, const std::string& text, const FileReader& read_file);

// Reads a campaign from disk (station resolved relative to it).
CampaignConfig load_campaign_file(const std::string& path);
// The campaign compiled into the binary (examples/quick-campaign.yaml and its station).
CampaignConfig load_embedded_campaign();

}  // namespace ob::bench
