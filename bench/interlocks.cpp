#include "bench/interlocks.hpp"

#include <cstdio>

namespace ob::bench {

const char* to_string(InterlockAction action) {
  switch (action) {
    case InterlockAction::isolate: return "isolate";
    case InterlockAction::safe_state: return "safe_state";
  }
  return "unknown";
}

std::string InterlockTrip::describe(const std::string& dut_name) const {
  char text[400];
  const bool is_above = rule->above && value > *rule->above;
  std::snprintf(text, sizeof text, "interlock %s: %s%s%s %.6g %s %.6g (held %.0f s) -> %s", rule->name.c_str(),
                dut_name.c_str(), dut_name.empty() ? "" : " ", rule->channel.c_str(), value, is_above ? "above" : "below",
                is_above ? *rule->above : rule->below.value_or(0), held_s, to_string(rule->action));
  return text;
}

InterlockMonitor::InterlockMonitor(std::vector<InterlockRule> rules, std::size_t dut_count)
    : rules_(std::move(rules)), scopes_(dut_count + 1) {
  for (std::size_t i = 0; i < rules_.size(); ++i) by_channel_[rules_[i].channel].push_back(i);
  states_.resize(rules_.size() * scopes_);
}

std::optional<InterlockTrip> InterlockMonitor::observe(std::optional<std::size_t> dut, std::string_view channel, double value,
                                                       double t_s) {
  const auto found = by_channel_.find(channel);
  if (found == by_channel_.end()) return std::nullopt;
  const std::size_t scope = dut ? *dut : scopes_ - 1;
  if (scope >= scopes_) return std::nullopt;
  std::optional<InterlockTrip> trip;
  for (const std::size_t index : found->second) {
    const auto& rule = rules_[index];
    auto& state = states_[index * scopes_ + scope];
    const bool crossed = (rule.above && value > *rule.above) || (rule.below && value < *rule.below);
    if (!crossed) {
      state.since_t_s.reset();
      continue;
    }
    if (!state.since_t_s) state.since_t_s = t_s;
    const double held_s = t_s - *state.since_t_s;
    if (state.tripped || held_s < rule.for_s) continue;
    state.tripped = true;
    // The first trip of this reading wins; a station-wide action outranks isolating one board.
    if (!trip || (rule.action == InterlockAction::safe_state && trip->rule->action != InterlockAction::safe_state)) {
      trip = InterlockTrip{&rule, dut, value, held_s};
    }
  }
  return trip;
}

}  // namespace ob::bench
