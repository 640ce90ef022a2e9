#pragma once
// One interface for a GPU board under test, driven through its agent (drivers/gpu/agent.proto).
// configure() connects, authenticates and identifies; start_workload() loads the board;
// safe_state() stops the workload and restores the default power cap.
#include <asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drivers/common/fault.hpp"
#include "drivers/common/identity.hpp"

namespace ob::drivers {

struct GpuSpec {
  std::string name;
  std::string uuid;
  double power_limit_min_w = 0;
  double power_limit_max_w = 0;
  double power_limit_default_w = 0;
};

struct WorkloadSpec {
  std::string kind = "gemm";  // gemm | hbm
  std::string dtype = "bf16";
  std::string data = "randn";  // GEMM inputs: randn (real work's power draw) | integer (exact)
  std::uint32_t size = 8192;
  double duty_cycle = 1.0;  // fraction of each period under load, (0, 1]
  double period_s = 10.0;   // duty-cycle period
};

struct GpuTelemetry {
  double board_time_s = 0;  // agent's own clock (unix seconds)
  double power_w = 0;
  double gpu_temp_c = 0;
  double mem_temp_c = 0;
  double sm_clock_mhz = 0;
  double mem_clock_mhz = 0;
  std::uint64_t clock_event_reasons = 0;  // NVML bit mask
  double power_limit_w = 0;
  double utilization_pct = 0;
  double tflops = 0;       // GEMM workload throughput over the last window
  double hbm_gbps = 0;     // HBM workload bandwidth over the last window (read + written)
  double energy_j = 0;     // since agent start
  std::uint64_t ecc_corrected = 0;
  std::uint64_t ecc_uncorrected = 0;
  std::uint64_t sdc_count = 0;  // results that failed the reference checksum
  bool workload_running = false;
  std::uint64_t sample_seq = 0;  // the agent's per-GPU sample number (0 = not from its ring)
  double utilization_mem_pct = 0;
  double memory_used_bytes = 0;
  double memory_total_bytes = 0;
  std::uint64_t remapped_rows_correctable = 0;
  std::uint64_t remapped_rows_uncorrectable = 0;
  double violation_power_s = 0;    // cumulative time held back by the power limit
  double violation_thermal_s = 0;
  std::optional<unsigned> pstate;  // 0 = P0; empty when the agent does not know
};

// Every sample the agent took since the previous batch read, oldest first.
struct GpuTelemetryBatch {
  std::vector<GpuTelemetry> samples;
  std::uint64_t dropped = 0;  // samples lost (the agent's ring or the client's buffer overflowed)
};

class GpuBoard {
 public:
  virtual ~GpuBoard() = default;

  virtual asio::awaitable<Result<Identity>> configure() = 0;
  virtual GpuSpec spec() const = 0;  // valid after configure()
  // Refused with FaultKind::out_of_range before sending when outside the board's constraints.
  virtual asio::awaitable<Status> set_power_cap(double power_w) = 0;
  virtual asio::awaitable<Status> start_workload(const WorkloadSpec& workload) = 0;
  virtual asio::awaitable<Status> stop_workload() = 0;
  // The board's values now.
  virtual asio::awaitable<Result<GpuTelemetry>> read_telemetry() = 0;
  // Every sample the agent took (at its own rate) since the previous call, whatever the
  // caller's polling jitter; read_telemetry() calls in between lose none of them. Samples are
  // kept from the first call on (a caller that never reads batches keeps none in memory).
  virtual asio::awaitable<Result<GpuTelemetryBatch>> read_telemetry_batch() = 0;
  virtual asio::awaitable<Status> safe_state() = 0;
};

}  // namespace ob::drivers
