#pragma once
// What the runner checks before a campaign row exists and before anything is energised, as
// functions of the campaign and its station's identified instruments: each answers nullopt, or
// what is wrong and where ("file:line: field: what is wrong").
#include <optional>
#include <string>
#include <vector>

#include "bench/config/campaign_config.hpp"
#include "bench/lab_session.hpp"
#include "profiles/lab/lab_mapper.hpp"

namespace ob::bench {

// The station's chamber range against what its controller reports; each DUT's supply channel,
// voltage, current limit and OVP level against the channel's rating; each baseline's and
// reference's chamber_c and each thermal programme against the chamber's range and ramp.
std::optional<std::string> check_configuration(const CampaignConfig& config, LabSession& session);

// "chamber_ramp from t+12m30s to t+20m00s (off by 3.20 K)"
std::string describe_segment(const profiles::InfeasibleSegment& segment);
bool is_chamber_segment(const profiles::InfeasibleSegment& segment);
// The chamber segments the orbit's target leaves by more than `tolerance_k`.
std::vector<const profiles::InfeasibleSegment*> untrackable_segments(const std::vector<profiles::InfeasibleSegment>& segments,
                                                                    double tolerance_k);
// An orbit the chamber cannot follow within limits.chamber_tracking_k.p95: the segments and the
// speed that would work — unless the campaign accepts it (accept_thermal_infeasibility).
std::optional<std::string> check_feasibility(const CampaignConfig& config, LabSession& session,
                                             const std::vector<profiles::InfeasibleSegment>& infeasible);

}  // namespace ob::bench
