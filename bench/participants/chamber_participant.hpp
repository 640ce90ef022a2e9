#pragma once
// The thermal chamber as a participant: it commands the plan's setpoint, reads the air, its
// alarms and its control mode back, and judges each run's tracking of the orbit's target
// (bench/chamber_tracking). Its failures count against every board in it (ChamberFailures).
// The air leaving its band, or an alarm under `on_chamber_alarm: pause`, holds the profile
// clock until the chamber recovers.
#include <asio/steady_timer.hpp>

#include "bench/chamber_failures.hpp"
#include "bench/chamber_tracking.hpp"
#include "bench/lab_session.hpp"
#include "bench/participants/participant.hpp"

namespace ob::bench {

class ChamberParticipant final : public Participant {
 public:
  // chamber_speed: the chamber's physics speed relative to profile time (1 for the in-process
  // simulated lab, the campaign's speed for a real chamber, which ramps per wall minute).
  ChamberParticipant(BenchContext& bench, ChamberHandle& chamber, double chamber_speed);

  const std::string& name() const override { return chamber_.name; }
  asio::awaitable<drivers::Status> configure() override;
  void register_device() override;
  std::optional<double> sample_period_s() const override { return chamber_.sample_period_s; }
  // The first setpoint, then the controller into closed loop.
  asio::awaitable<bool> energise(double setpoint_c);
  asio::awaitable<void> tick(PhaseRun& run, double t_s) override;
  asio::awaitable<drivers::Status> safe_state() override;

  // A fresh tracking record (its ideal chamber starts at the run's first reading).
  void begin_run();
  // The run's judgements, before its verdict is counted: tracking against the orbit's target
  // (p95, max) and closed-loop control throughout.
  void judge_run(const PhaseRun& run);

  const DeviceState& device() const { return device_; }
  ChamberFailures& failures() { return failures_; }

 private:
  void note_alarms(const PhaseRun& run, const drivers::ChamberReading& reading, double t_s);
  bool handle_alarm(const PhaseRun& run, const drivers::ChamberReading& reading, double t_s);
  void check_closed_loop(const PhaseRun& run, const drivers::ChamberReading& reading, double t_s);
  void check_band(const PhaseRun& run, const drivers::ChamberReading& reading, double t_s);
  // True when it holds the clock: the reading is not recorded (the air is still coming back).
  bool check_resumed(const PhaseRun& run, const drivers::ChamberReading& reading, double t_s);
  asio::awaitable<void> watch_resumed(std::int64_t run_id, double t_s, double period_s);
  asio::awaitable<std::optional<drivers::ChamberReading>> read_after(asio::steady_timer& timer, std::int64_t run_id, double t_s,
                                                                     double period_s);
  asio::awaitable<void> watch_band(std::int64_t run_id, double t_s, double period_s, double band_c);
  asio::awaitable<void> watch_alarm(std::int64_t run_id, double t_s, double period_s, std::string what);

  ChamberHandle& chamber_;
  double chamber_speed_;
  DeviceState device_;
  double commanded_c_ = 0;  // the setpoint last sent
  int alarms_seen_ = 0;
  int out_of_band_reads_ = 0;
  std::int64_t resume_checked_run_ = 0;  // the resumed run whose first reading was looked at
  ChamberTracking tracking_;
  double orbit_gap_max_k_ = 0;  // the run's largest |air − the orbit's target|, whatever was judged
  bool open_loop_ = false;
  ChamberFailures failures_;
};

}  // namespace ob::bench
