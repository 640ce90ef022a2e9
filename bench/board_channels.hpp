#pragma once
// The channels a GPU board's own telemetry is recorded under (device kind "gpu"), with units.
// Station sensors recorded under the same DUT must pick other names.
#include <string_view>

namespace ob::bench {

struct ChannelSpec {
  std::string_view name;
  std::string_view unit;
};

inline constexpr ChannelSpec kBoardChannels[] = {
    {"tflops", "TFLOP/s"},   {"power_w", "W"},         {"gpu_temp_c", "degC"},
    {"sm_clock_mhz", "MHz"}, {"power_limit_w", "W"},   {"clock_event_reasons", "bitmask"},
    {"energy_j", "J"},
};

}  // namespace ob::bench
