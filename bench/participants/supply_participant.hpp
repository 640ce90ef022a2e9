#pragma once
// One programmable supply as a participant: per board it feeds, the voltage, the current limit
// the profile asks for, its protections and the output; every tick it reads the channel back
// (voltage, current, power, CV/CC, output, OVP/OCP trip) and judges it. A channel the plan has
// on that is found off or tripped isolates its board and fails its verdict, naming the cause.
#include <vector>

#include "bench/lab_session.hpp"
#include "bench/participants/participant.hpp"
#include "bench/phase_targets.hpp"

namespace ob::bench {

class SupplyParticipant final : public Participant {
 public:
  // One channel this supply feeds: the board (index into the session's boards) and its DUT.
  struct Feed {
    std::size_t board = 0;
    const DutConfig* dut = nullptr;
    double commanded_current_a = 0;  // the current limit last commanded
    drivers::PsuRegulation regulation = drivers::PsuRegulation::unknown;  // last seen
  };

  SupplyParticipant(BenchContext& bench, PsuHandle& supply, std::vector<Feed> feeds);

  const std::string& name() const override { return supply_.name; }
  asio::awaitable<drivers::Status> configure() override;
  void register_device() override;
  std::optional<double> sample_period_s() const override { return supply_.sample_period_s; }
  // Every channel of a board still in the campaign: voltage, current limit, protections, on.
  asio::awaitable<bool> energise(const Targets& targets);
  asio::awaitable<void> tick(PhaseRun& run, double t_s) override;
  asio::awaitable<drivers::Status> safe_state() override;

  const DeviceState& device() const { return device_; }

 private:
  asio::awaitable<drivers::Status> arm_protection(const SupplyConfig& supply);
  void note_regulation(Feed& feed, drivers::PsuRegulation regulation, const PhaseRun& run, double t_s);
  void supply_fault(const PhaseRun& run, const Feed& feed, const char* cause, const drivers::PsuReading& reading, double t_s);

  PsuHandle& supply_;
  std::vector<Feed> feeds_;
  DeviceState device_;
};

}  // namespace ob::bench
