#pragma once
// One GPU board under test as a participant: it commands the profile's power cap and runs the
// workload; every tick it reads the board's telemetry back and judges it — the enforced cap
// against the commanded one, throughput while the workload should run, error counts, the
// board's temperature limit — and feeds the run's statistics, the soak and the interlocks.
// A lost agent link is reconnected and the workload put back.
#include "bench/lab_session.hpp"
#include "bench/participants/board_state.hpp"
#include "bench/participants/participant.hpp"

namespace ob::bench {

class BoardParticipant final : public Participant {
 public:
  BoardParticipant(BenchContext& bench, BoardHandle& board, std::size_t index);

  const std::string& name() const override { return board_.config->name; }
  asio::awaitable<drivers::Status> configure() override;
  void register_device() override;
  std::optional<double> sample_period_s() const override { return board_.config->sample_period_s; }
  // The first power cap, then the workload.
  asio::awaitable<bool> energise(double power_cap_w);
  asio::awaitable<void> tick(PhaseRun& run, double t_s) override;
  asio::awaitable<drivers::Status> safe_state() override;

  void begin_run() {
    state_.checks = BoardChecks{};
    state_.statistics = RunStatistics{};
  }
  BoardState& state() { return state_; }
  const BoardState& state() const { return state_; }

 private:
  void note_error_counts(const PhaseRun& run, const drivers::GpuTelemetry& t, double t_s);
  void check_readbacks(const PhaseRun& run, const drivers::GpuTelemetry& t, double t_s);
  void readback_fault(const PhaseRun& run, const std::string& what, double t_s);
  asio::awaitable<void> link_fault(const drivers::Fault& fault, const PhaseRun& run, double t_s);

  BoardHandle& board_;
  std::size_t index_;
  BoardState state_;
};

}  // namespace ob::bench
