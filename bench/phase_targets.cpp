#include "bench/phase_targets.hpp"

#include <algorithm>

namespace ob::bench {

PhaseTargets::PhaseTargets(const PhaseConfig& phase, std::vector<DutTargets> full_power)
    : duration_s_(phase.duration_s), chamber_c_(phase.chamber_c), full_power_(std::move(full_power)) {}

PhaseTargets::PhaseTargets(CycleSchedule schedule, double power_fraction, std::vector<DutTargets> full_power)
    : duration_s_(schedule.duration_s), full_power_(std::move(full_power)), cycle_(std::move(schedule)) {
  for (auto& dut : full_power_) dut.power_cap_w = std::max(dut.power_cap_w * power_fraction, dut.min_power_cap_w);
}

PhaseTargets::PhaseTargets(const profiles::pb::Profile& profile, std::vector<DutTargets> full_power, double offset_s)
    : offset_s_(offset_s), full_power_(std::move(full_power)), profile_(&profile) {
  duration_s_ = profile.t_s().empty() ? 0 : profile.t_s(profile.t_s_size() - 1);
  chamber_.emplace(profile, profiles::series::kChamberSetpoint);
  for (const auto& series : profile.series()) {
    if (series.name() == profiles::series::kChamberTarget) chamber_target_.emplace(profile, profiles::series::kChamberTarget);
  }
  illumination_.emplace(profile, profiles::series::kIllumination);
  budget_.emplace(profile, profiles::series::kPowerBudget);
  cap_.emplace(profile, profiles::series::kGpuPowerCap);
  for (const auto& series : profile.series()) {
    if (series.name() != profiles::series::kGpuPowerCap) continue;
    for (double value : series.value()) profile_cap_max_w_ = std::max(profile_cap_max_w_, value);
  }
}

Targets PhaseTargets::at(double t_s) const {
  Targets targets;
  targets.duts = full_power_;
  auto limit_current = [](DutTargets& dut) {
    dut.current_limit_a = std::min(dut.current_limit_a, dut.power_cap_w / dut.voltage_v * kCurrentLimitMargin);
  };
  if (!profile_) {
    targets.chamber_c = cycle_ ? cycle_->setpoint_at(t_s) : chamber_c_;
    targets.chamber_target_c = targets.chamber_c;
    for (auto& dut : targets.duts) limit_current(dut);
    return targets;
  }
  const double profile_t_s = offset_s_ + t_s;
  targets.chamber_c = chamber_->at(profile_t_s);
  targets.chamber_target_c = chamber_target_ ? chamber_target_->at(profile_t_s) : targets.chamber_c;
  targets.illumination = illumination_->at(profile_t_s);
  targets.power_budget_w = budget_->at(profile_t_s);
  // The profile's cap was mapped for the weakest DUT; each DUT follows the same fraction of its own.
  const double fraction = cap_->at(profile_t_s) / profile_cap_max_w_;
  for (auto& dut : targets.duts) {
    dut.power_cap_w = std::max(dut.power_cap_w * fraction, dut.min_power_cap_w);
    limit_current(dut);
  }
  return targets;
}

}  // namespace ob::bench
