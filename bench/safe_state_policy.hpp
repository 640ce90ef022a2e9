#pragma once
// How a bench is taken to its safe state — by the runner (bench/campaign_runner.cpp) and by the
// guardian when the runner died (bench/guardian.cpp) alike (docs/fault-suite.md):
// every workload stopped at once, the supplies waiting for them only kWorkloadStopGrace, then the
// chamber; each step read back and tried kSafeStateAttempts times, kSafeStateRetryPause apart.
#include <chrono>

namespace ob::bench {

inline constexpr auto kWorkloadStopGrace = std::chrono::milliseconds(400);
inline constexpr double kSuppliesOffBoundMs = 1000;
inline constexpr int kSafeStateAttempts = 3;
inline constexpr auto kSafeStateRetryPause = std::chrono::milliseconds(200);

}  // namespace ob::bench
