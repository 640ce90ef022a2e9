#pragma once
// NVML (libnvidia-ml.so.1) loaded with dlopen at run time: nothing from NVIDIA is needed to
// build. One NvmlLibrary per process (nvmlInit_v2 on open, nvmlShutdown when the last
// reference goes); NvmlDevice reads one GPU. A call the board does not support
// (NVML_ERROR_NOT_SUPPORTED, a missing symbol) is reported once through the library's notice
// callback and not tried again; it is never fatal. Facts: ../shared/reference/protocols.md.
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ob::drivers::nvml {

struct NvmlIdentity {
  std::string name;            // "NVIDIA H100 80GB HBM3"
  std::string uuid;            // "GPU-…"
  std::string serial;          // empty where not supported
  std::string driver_version;  // "580.159.04"
  std::string nvml_version;
  double power_limit_min_w = 0;  // nvmlDeviceGetPowerManagementLimitConstraints
  double power_limit_max_w = 0;
  double power_limit_default_w = 0;  // nvmlDeviceGetPowerManagementDefaultLimit (else the current limit)
  std::optional<double> slowdown_temp_c;  // nvmlDeviceGetTemperatureThreshold
  std::optional<double> shutdown_temp_c;
  std::optional<double> sm_clock_max_mhz;
};

// One reading; a field is empty when its call is not supported or failed this time.
struct NvmlSample {
  double unix_time_s = 0;  // when the sample was taken (system clock)
  std::optional<double> power_w;
  std::optional<double> energy_j;  // since driver load
  std::optional<double> gpu_temp_c;
  std::optional<double> mem_temp_c;
  std::optional<double> sm_clock_mhz;
  std::optional<double> mem_clock_mhz;
  std::optional<std::uint64_t> clock_event_reasons;  // NVML bit mask (0x4 SwPowerCap, 0x20/0x40 thermal, …)
  std::optional<double> power_limit_w;               // enforced
  std::optional<double> utilization_gpu_pct;
  std::optional<double> utilization_mem_pct;
  std::optional<double> memory_used_bytes;
  std::optional<double> memory_total_bytes;
  std::optional<std::uint64_t> ecc_corrected;    // volatile counts
  std::optional<std::uint64_t> ecc_uncorrected;
  std::optional<std::uint64_t> remapped_rows_correctable;
  std::optional<std::uint64_t> remapped_rows_uncorrectable;
  std::optional<double> violation_power_s;    // nvmlDeviceGetViolationStatus, cumulative
  std::optional<double> violation_thermal_s;
  std::optional<unsigned> pstate;
};

class NvmlDevice;

class NvmlLibrary : public std::enable_shared_from_this<NvmlLibrary> {
 public:
  using Notice = std::function<void(const std::string&)>;  // "GPU 0: nvmlDeviceGetSerial: Not Supported (reported once)"

  // dlopen(path) + nvmlInit_v2. Errors say which step failed and NVML's own error string.
  static std::expected<std::shared_ptr<NvmlLibrary>, std::string> open(const std::string& path = "libnvidia-ml.so.1",
                                                                       Notice notice = {});
  virtual ~NvmlLibrary() = default;

  virtual std::expected<unsigned, std::string> device_count() = 0;
  virtual std::expected<std::unique_ptr<NvmlDevice>, std::string> device(unsigned index) = 0;
};

// Thread safety: identity(), sample() and set_power_limit_w() may run on one thread at a time per
// device (different devices may be read concurrently: NVML is thread-safe); unsupported() may be
// called from any thread. Notices arrive on the calling thread, serialised per library. A device
// keeps its library (and so NVML's initialisation) alive.
class NvmlDevice {
 public:
  virtual ~NvmlDevice() = default;
  virtual unsigned index() const = 0;
  virtual std::expected<NvmlIdentity, std::string> identity() = 0;
  virtual NvmlSample sample() = 0;
  // Names of the calls found unsupported so far (each reported once through the notice).
  virtual std::vector<std::string> unsupported() const = 0;
  // nvmlDeviceSetPowerManagementLimit (mW). Errors name NVML's reason ("Insufficient Permissions").
  virtual std::expected<void, std::string> set_power_limit_w(double power_w) = 0;
};

}  // namespace ob::drivers::nvml
