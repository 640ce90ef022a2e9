#include "bench/participants/supply_participant.hpp"

#include <cmath>
#include <cstdio>

#include "bench/participants/board_state.hpp"

namespace ob::bench {
namespace {

// Current-limit changes smaller than this are not worth a command.
constexpr double kCurrentLimitDeadbandA = 0.001;
// The output watchdog's delay: far above a tick, far below what an unattended board should
// spend powered after its controller died.
constexpr double kWatchdogS = 5.0;

// Why a channel the plan has on is not delivering: a tripped protection, or the output off.
const char* supply_fault_cause(const drivers::PsuReading& reading) {
  if (reading.ovp_tripped.value_or(false)) return "OVP tripped";
  if (reading.ocp_tripped.value_or(false)) return "OCP tripped";
  if (!reading.output_on) return "output off";
  return nullptr;
}

}  // namespace

SupplyParticipant::SupplyParticipant(BenchContext& bench, PsuHandle& supply, std::vector<Feed> feeds)
    : Participant(bench), supply_(supply), feeds_(std::move(feeds)) {}

asio::awaitable<drivers::Status> SupplyParticipant::configure() {
  co_return co_await identify(supply_);
}

void SupplyParticipant::register_device() {
  device_ = add_device(supply_.name, "psu", supply_.uri, supply_.identity);
  for (const auto& feed : feeds_) {
    const std::string prefix = "ch" + std::to_string(feed.dut->supply.channel) + ".";
    add_channel(device_, prefix + "voltage_v", "V");
    add_channel(device_, prefix + "current_a", "A");
    add_channel(device_, prefix + "power_w", "W");
    add_channel(device_, prefix + "regulation", "enum");  // drivers::PsuRegulation: 1 CV, 2 CC, 3 unregulated
  }
}

asio::awaitable<bool> SupplyParticipant::energise(const Targets& targets) {
  auto& psu = *supply_.driver;
  for (auto& feed : feeds_) {
    feed.commanded_current_a = 0;
    if (bench_.board_state(feed.board).isolated) continue;  // isolated before a resume: it stays off
    const auto& supply = feed.dut->supply;
    const double current_a = targets.duts[feed.board].current_limit_a;
    if (auto status = co_await psu.set_voltage(supply.channel, supply.voltage_v); !bench_.expect(status)) co_return false;
    if (auto status = co_await psu.set_current_limit(supply.channel, current_a); !bench_.expect(status)) co_return false;
    if (auto status = co_await arm_protection(supply); !bench_.expect(status)) co_return false;
    if (auto status = co_await psu.set_output(supply.channel, true); !bench_.expect(status)) co_return false;
    feed.commanded_current_a = current_a;
  }
  co_return true;
}

// Hardware guards beside our own limits, where the model has them: over-voltage protection at
// the DUT's max_voltage_v, over-current protection at its max_current_a (where the level is
// programmable: a model whose OCP trips at the current setting would trip on every CC episode
// the profile's current limit allows), and the output watchdog that switches the outputs off
// by itself if this controller goes silent (a crash, a hung host).
asio::awaitable<drivers::Status> SupplyParticipant::arm_protection(const SupplyConfig& supply) {
  auto& psu = *supply_.driver;
  const auto capabilities = psu.capabilities();
  if (capabilities.ovp && capabilities.ovp_level) {
    auto status = co_await psu.configure_ovp(supply.channel, supply.max_voltage_v, true);
    if (!status) co_return status;
  }
  if (capabilities.ocp && capabilities.ocp_level) {
    auto status = co_await psu.configure_ocp(supply.channel, supply.max_current_a, true);
    if (!status) co_return status;
  }
  if (capabilities.watchdog && !supply_.watchdog_armed) {
    auto status = co_await psu.configure_watchdog(true, kWatchdogS);
    if (!status) co_return status;
    supply_.watchdog_armed = true;
    bench_.event(std::nullopt, std::nullopt, std::nullopt, EventKind::safe_state, Severity::info,
                 supply_.name + ": output watchdog armed (" + std::to_string(static_cast<int>(kWatchdogS)) + " s)");
  }
  co_return drivers::Status{};
}

asio::awaitable<drivers::Status> SupplyParticipant::safe_state() { co_return co_await supply_.driver->safe_state(); }

asio::awaitable<void> SupplyParticipant::tick(PhaseRun& run, double t_s) {
  auto& psu = *supply_.driver;
  const Targets targets = run.targets->at(t_s);
  for (auto& feed : feeds_) {
    if (bench_.board_state(feed.board).isolated) continue;
    const int channel = feed.dut->supply.channel;
    const double current_a = targets.duts[feed.board].current_limit_a;
    if (std::abs(current_a - feed.commanded_current_a) > kCurrentLimitDeadbandA) {
      auto status = co_await psu.set_current_limit(channel, current_a);
      if (!status) {
        note_reconnects(device_, psu.reconnect_count(), psu.last_reconnect_reason(), run.run_id, t_s);
        co_return note_fault(device_, status.error(), run.run_id, t_s);
      }
      feed.commanded_current_a = current_a;
    }
    auto reading = co_await psu.measure(channel);
    note_reconnects(device_, psu.reconnect_count(), psu.last_reconnect_reason(), run.run_id, t_s);
    if (!reading) co_return note_fault(device_, reading.error(), run.run_id, t_s);
    note_regulation(feed, reading->regulation, run, t_s);
    const double wall = unix_now_s();
    const std::string prefix = "ch" + std::to_string(channel) + ".";
    sample(run, device_, prefix + "voltage_v", t_s, wall, reading->voltage_v);
    sample(run, device_, prefix + "current_a", t_s, wall, reading->current_a);
    sample(run, device_, prefix + "power_w", t_s, wall, reading->power_w);
    if (reading->regulation != drivers::PsuRegulation::unknown) {
      sample(run, device_, prefix + "regulation", t_s, wall, static_cast<double>(reading->regulation));
    }
    if (const char* cause = supply_fault_cause(*reading)) {
      supply_fault(run, feed, cause, *reading, t_s);
      continue;
    }
    bench_.check_interlock(run, feed.board, "supply_voltage_v", reading->voltage_v, t_s);
    bench_.check_interlock(run, feed.board, "supply_current_a", reading->current_a, t_s);
    bench_.check_interlock(run, feed.board, "supply_power_w", reading->power_w, t_s);
  }
  device_.consecutive_faults = 0;
}

// CV → CC means the supply, not the GPU's cap, is limiting the board: worth an event.
void SupplyParticipant::note_regulation(Feed& feed, drivers::PsuRegulation regulation, const PhaseRun& run, double t_s) {
  if (regulation == drivers::PsuRegulation::unknown || regulation == feed.regulation) return;
  if (feed.regulation != drivers::PsuRegulation::unknown || regulation != drivers::PsuRegulation::constant_voltage) {
    bench_.event(run.run_id, device_.device_id, t_s, EventKind::regulation,
                 regulation == drivers::PsuRegulation::constant_voltage ? Severity::info : Severity::warning,
                 device_.name + " ch" + std::to_string(feed.dut->supply.channel) + " now " + drivers::to_string(regulation));
  }
  feed.regulation = regulation;
}

// The board loses its supply: an error naming the channel and the cause, its verdict fails
// with it, and it is isolated (workload stopped) while the others go on.
void SupplyParticipant::supply_fault(const PhaseRun& run, const Feed& feed, const char* cause, const drivers::PsuReading& reading,
                                     double t_s) {
  auto& board = bench_.board_state(feed.board);
  board.checks.supply_off = true;
  char what[256];
  std::snprintf(what, sizeof what, "%s CH%d %s at t=%.0f s (%s)", supply_.name.c_str(), feed.dut->supply.channel, cause, t_s,
                run.label.c_str());
  char message[400];
  std::snprintf(message, sizeof message, "%s: %s: output %s, %.3f V, %.3f A; the board is isolated", feed.dut->name.c_str(), what,
                reading.output_on ? "on" : "off", reading.voltage_v, reading.current_a);
  bench_.event(run.run_id, board.device.device_id, t_s, EventKind::supply_fault, Severity::error, message);
  bench_.recorder().add_measurement(
      db::MeasurementRow{run.run_id, board.device.device_id, "supply_fault", 1.0, "count", std::nullopt, 0.0, "fail"});
  board.failure_causes.push_back(what);
  bench_.isolate(feed.board, message, run, t_s);
}

}  // namespace ob::bench
