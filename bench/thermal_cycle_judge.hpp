#pragma once
// Judges one thermal cycle from what was recorded (so a cycle interrupted by a crash and
// resumed is judged on all its samples): per plateau the chamber air's stability (least-squares
// rate over the second half of the soak, < 3 °C/h) and per board the functional test (over the
// last part of the soak: the workload produced results in every sample, no result failed its
// checksum, no new uncorrected ECC error); per board whether the whole cycle was failure-free.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/thermal_cycling.hpp"
#include "db/database.hpp"

namespace ob::bench {

struct CycleChannels {
  std::int64_t chamber_air = 0;
  struct Board {
    std::int64_t tflops = 0;
    std::int64_t gpu_temp = 0;
    std::int64_t sdc = 0;
    std::int64_t ecc_uncorrected = 0;
    bool isolated = false;  // isolated during (or before) the cycle
  };
  std::vector<Board> boards;
};

struct PlateauJudgement {
  bool hot = true;
  int air_samples = 0;
  double air_mean_c = 0;
  std::optional<double> air_rate_c_per_h;  // unset with fewer than 3 samples
  bool stable = false;
};

struct BoardPlateauJudgement {
  int samples = 0;
  double tflops_mean = 0;
  double tflops_min = 0;
  double gpu_temp_mean_c = 0;
  double sdc_new = 0;
  double ecc_uncorrected_new = 0;
  bool functional = false;
};

struct BoardCycleJudgement {
  std::vector<BoardPlateauJudgement> plateaus;  // as CycleSchedule::plateaus
  double sdc_new = 0;                           // over the whole cycle
  double ecc_uncorrected_new = 0;
  // Functional at every stable plateau, nothing new in SDC or uncorrected ECC, not isolated.
  bool failure_free = false;
};

struct CycleJudgement {
  std::vector<PlateauJudgement> plateaus;
  std::vector<BoardCycleJudgement> boards;
};

CycleJudgement judge_cycle(const db::Connection& db, std::int64_t run_id, const CycleSchedule& schedule,
                           const CycleChannels& channels, double stable_c_per_h = kStableCPerH);

// How many of the last `count` cycles (runs of the campaign with ordinals first_ordinal …
// last_ordinal, newest first) recorded `cycle_failure_free` as pass for this device.
int failure_free_cycles(const db::Connection& db, std::int64_t campaign_id, std::int64_t device_id, int first_ordinal,
                        int last_ordinal, int count);

// The campaign's failed programme verdicts (last_cycles_failure_free per DUT, conforms_to_<level>
// for the station): the device (unset for the station) and the measurement's name.
std::vector<std::pair<std::optional<std::int64_t>, std::string>> failed_thermal_verdicts(const db::Connection& db,
                                                                                         std::int64_t campaign_id);

// Least-squares slope of (t, y), in y per unit of t; unset with fewer than 3 points or no spread in t.
std::optional<double> least_squares_slope(const std::vector<std::pair<double, double>>& points);

}  // namespace ob::bench
