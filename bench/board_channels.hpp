#pragma once
// The channels a GPU board's own telemetry is recorded under (device kind "gpu"), with units,
// and the values of one telemetry sample in that order. Station sensors recorded under the
// same DUT must pick other names.
#include <array>
#include <string_view>

#include "drivers/gpu/gpu_board.hpp"

namespace ob::bench {

struct ChannelSpec {
  std::string_view name;
  std::string_view unit;
};

inline constexpr ChannelSpec kBoardChannels[] = {
    {"tflops", "TFLOP/s"},       {"power_w", "W"},          {"gpu_temp_c", "degC"},
    {"mem_temp_c", "degC"},      {"sm_clock_mhz", "MHz"},   {"mem_clock_mhz", "MHz"},
    {"power_limit_w", "W"},      {"clock_event_reasons", "bitmask"}, {"utilization_pct", "%"},
    {"energy_j", "J"},           {"ecc_corrected", "count"}, {"ecc_uncorrected", "count"},
    {"sdc_count", "count"},      {"hbm_gbps", "GB/s"},
};
inline constexpr std::size_t kBoardChannelCount = std::size(kBoardChannels);

// One sample's values, in kBoardChannels' order.
inline std::array<double, kBoardChannelCount> board_channel_values(const drivers::GpuTelemetry& t) {
  return {t.tflops,
          t.power_w,
          t.gpu_temp_c,
          t.mem_temp_c,
          t.sm_clock_mhz,
          t.mem_clock_mhz,
          t.power_limit_w,
          static_cast<double>(t.clock_event_reasons),
          t.utilization_pct,
          t.energy_j,
          static_cast<double>(t.ecc_corrected),
          static_cast<double>(t.ecc_uncorrected),
          static_cast<double>(t.sdc_count),
          t.hbm_gbps};
}

}  // namespace ob::bench
