// NvmlDevice over the dlopen'ed NVML: identity, one telemetry sample, the power cap.
//
// Thread safety: sample() and identity() may run on one thread at a time per device (NVML
// itself is thread-safe, so different devices may be read concurrently); unsupported() may be
// called from any thread. Notices are delivered on the calling thread, serialised per library.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <set>
#include <string_view>
#include <tuple>


#include "drivers/gpu/nvml/nvml_loaded_library.hpp"

namespace ob::drivers::nvml {
namespace {

constexpr double kMilliPerUnit = 1000.0;       // mW per W, mJ per J
constexpr double kNanoPerUnit = 1'000'000'000.0;  // ns per s

double unix_now_s() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::optional<double> field_value_as_double(const api::nvmlFieldValue_t& field) {
  switch (field.valueType) {
    case api::kValueTypeDouble: return field.value.dVal;
    case api::kValueTypeUnsignedInt: return static_cast<double>(field.value.uiVal);
    case api::kValueTypeUnsignedLong: return static_cast<double>(field.value.ulVal);
    case api::kValueTypeUnsignedLongLong: return static_cast<double>(field.value.ullVal);
    case api::kValueTypeSignedLongLong: return static_cast<double>(field.value.sllVal);
    case api::kValueTypeSignedInt: return static_cast<double>(field.value.siVal);
    case api::kValueTypeUnsignedShort: return static_cast<double>(field.value.usVal);
    default: return std::nullopt;
  }
}

class NvmlDeviceImpl final : public NvmlDevice {
 public:
  NvmlDeviceImpl(std::shared_ptr<NvmlLoadedLibrary> library, unsigned index, api::nvmlDevice_t handle)
      : library_(std::move(library)), api_(library_->api()), index_(index), handle_(handle) {}

  unsigned index() const override { return index_; }
  std::expected<NvmlIdentity, std::string> identity() override;
  NvmlSample sample() override;
  std::vector<std::string> unsupported() const override;
  std::expected<void, std::string> set_power_limit_w(double power_w) override;

 private:
  // Runs one NVML call. `symbol` is the exported name (`exported` says whether it was found),
  // `argument` tells variants apart ("SM" for nvmlDeviceGetClockInfo(SM)). A missing symbol or
  // NVML_ERROR_NOT_SUPPORTED marks the call unsupported: noticed once, never made again. Any
  // other error is noticed once until the call succeeds again. Returns the call's code.
  template <class Call>
  api::nvmlReturn_t attempt(bool exported, std::string_view symbol, std::string_view argument, Call&& call);
  std::optional<std::string> read_string(api::DeviceStringFn fn, std::string_view symbol, unsigned buffer_size);
  std::optional<std::string> read_system_string(api::SystemStringFn fn, std::string_view symbol);
  std::optional<double> read_uint(api::DeviceUintFn fn, std::string_view symbol, double scale = 1.0);
  std::optional<double> read_enum_uint(api::DeviceEnumUintFn fn, std::string_view symbol, int which,
                                       std::string_view argument);
  std::optional<double> read_violation_s(int policy, std::string_view argument);
  bool is_unsupported(const std::string& key) const;
  void mark_unsupported(const std::string& key, const std::string& why);

  std::shared_ptr<NvmlLoadedLibrary> library_;  // keeps NVML initialised while this device lives
  const api::NvmlApi& api_;
  unsigned index_;
  api::nvmlDevice_t handle_;
  mutable std::mutex mutex_;  // guards the two lists below
  std::vector<std::string> unsupported_;  // in the order found
  std::set<std::string> failing_;         // calls whose last try failed (already noticed)
};

std::string call_key(std::string_view symbol, std::string_view argument) {
  if (argument.empty()) return std::string(symbol);
  return concat(symbol, "(", argument, ")");
}

template <class Call>
api::nvmlReturn_t NvmlDeviceImpl::attempt(bool exported, std::string_view symbol, std::string_view argument,
                                          Call&& call) {
  const std::string symbol_key(symbol);
  if (!exported) {
    if (!is_unsupported(symbol_key)) mark_unsupported(symbol_key, "not exported by " + library_->path());
    return api::kErrorFunctionNotFound;
  }
  const std::string key = call_key(symbol, argument);
  if (is_unsupported(key)) return api::kErrorNotSupported;
  const api::nvmlReturn_t code = call();
  if (code == api::kSuccess) {
    std::lock_guard lock(mutex_);
    failing_.erase(key);
    return code;
  }
  if (code == api::kErrorNotSupported) {
    mark_unsupported(key, library_->error_string(code));
    return code;
  }
  bool first_failure = false;
  {
    std::lock_guard lock(mutex_);
    first_failure = failing_.insert(key).second;
  }
  if (first_failure) {
    library_->notify(concat("GPU ", index_, ": ", key, ": ", library_->error_string(code), " (empty until it succeeds again)"));
  }
  return code;
}

bool NvmlDeviceImpl::is_unsupported(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return std::find(unsupported_.begin(), unsupported_.end(), key) != unsupported_.end();
}

void NvmlDeviceImpl::mark_unsupported(const std::string& key, const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    unsupported_.push_back(key);
    failing_.erase(key);
  }
  library_->notify(concat("GPU ", index_, ": ", key, ": ", why, " (reported once)"));
}

std::vector<std::string> NvmlDeviceImpl::unsupported() const {
  std::lock_guard lock(mutex_);
  return unsupported_;
}

std::optional<std::string> NvmlDeviceImpl::read_string(api::DeviceStringFn fn, std::string_view symbol,
                                                       unsigned buffer_size) {
  std::string buffer(buffer_size, '\0');
  if (attempt(fn != nullptr, symbol, {}, [&] { return fn(handle_, buffer.data(), buffer_size); }) != api::kSuccess) {
    return std::nullopt;
  }
  buffer.resize(buffer.find('\0') == std::string::npos ? buffer.size() : buffer.find('\0'));
  return buffer;
}

std::optional<std::string> NvmlDeviceImpl::read_system_string(api::SystemStringFn fn, std::string_view symbol) {
  std::string buffer(api::kSystemVersionBufferSize, '\0');
  if (attempt(fn != nullptr, symbol, {}, [&] { return fn(buffer.data(), api::kSystemVersionBufferSize); }) !=
      api::kSuccess) {
    return std::nullopt;
  }
  buffer.resize(buffer.find('\0') == std::string::npos ? buffer.size() : buffer.find('\0'));
  return buffer;
}

std::optional<double> NvmlDeviceImpl::read_uint(api::DeviceUintFn fn, std::string_view symbol, double scale) {
  unsigned value = 0;
  if (attempt(fn != nullptr, symbol, {}, [&] { return fn(handle_, &value); }) != api::kSuccess) return std::nullopt;
  return value / scale;
}

std::optional<double> NvmlDeviceImpl::read_enum_uint(api::DeviceEnumUintFn fn, std::string_view symbol, int which,
                                                     std::string_view argument) {
  unsigned value = 0;
  if (attempt(fn != nullptr, symbol, argument, [&] { return fn(handle_, which, &value); }) != api::kSuccess) {
    return std::nullopt;
  }
  return static_cast<double>(value);
}

std::optional<double> NvmlDeviceImpl::read_violation_s(int policy, std::string_view argument) {
  api::nvmlViolationTime_t time{};
  auto fn = api_.get_violation_status;
  if (attempt(fn != nullptr, "nvmlDeviceGetViolationStatus", argument, [&] { return fn(handle_, policy, &time); }) !=
      api::kSuccess) {
    return std::nullopt;
  }
  return time.violationTime / kNanoPerUnit;
}

std::expected<NvmlIdentity, std::string> NvmlDeviceImpl::identity() {
  NvmlIdentity id;
  // The name is the one call every NVML board answers; its failure means the board is gone.
  std::string name_buffer(api::kDeviceNameBufferSize, '\0');
  auto get_name = api_.get_name;
  const api::nvmlReturn_t name_code = attempt(get_name != nullptr, "nvmlDeviceGetName", {}, [&] {
    return get_name(handle_, name_buffer.data(), api::kDeviceNameBufferSize);
  });
  if (name_code != api::kSuccess && name_code != api::kErrorNotSupported && name_code != api::kErrorFunctionNotFound) {
    return std::unexpected(concat("GPU ", index_, ": nvmlDeviceGetName: ", library_->error_string(name_code)));
  }
  if (name_code == api::kSuccess) id.name = name_buffer.c_str();
  id.uuid = read_string(api_.get_uuid, "nvmlDeviceGetUUID", api::kDeviceUuidBufferSize).value_or("");
  id.serial = read_string(api_.get_serial, "nvmlDeviceGetSerial", api::kDeviceSerialBufferSize).value_or("");
  id.driver_version =
      read_system_string(api_.system_get_driver_version, "nvmlSystemGetDriverVersion").value_or("");
  id.nvml_version = read_system_string(api_.system_get_nvml_version, "nvmlSystemGetNVMLVersion").value_or("");

  unsigned min_mw = 0;
  unsigned max_mw = 0;
  auto constraints = api_.get_power_management_limit_constraints;
  if (attempt(constraints != nullptr, "nvmlDeviceGetPowerManagementLimitConstraints", {},
              [&] { return constraints(handle_, &min_mw, &max_mw); }) == api::kSuccess) {
    id.power_limit_min_w = min_mw / kMilliPerUnit;
    id.power_limit_max_w = max_mw / kMilliPerUnit;
  }
  auto default_w = read_uint(api_.get_power_management_default_limit, "nvmlDeviceGetPowerManagementDefaultLimit",
                             kMilliPerUnit);
  if (!default_w) {
    default_w = read_uint(api_.get_power_management_limit, "nvmlDeviceGetPowerManagementLimit", kMilliPerUnit);
  }
  id.power_limit_default_w = default_w.value_or(0);
  id.shutdown_temp_c = read_enum_uint(api_.get_temperature_threshold, "nvmlDeviceGetTemperatureThreshold",
                                      api::kTemperatureThresholdShutdown, "SHUTDOWN");
  id.slowdown_temp_c = read_enum_uint(api_.get_temperature_threshold, "nvmlDeviceGetTemperatureThreshold",
                                      api::kTemperatureThresholdSlowdown, "SLOWDOWN");
  id.sm_clock_max_mhz = read_enum_uint(api_.get_max_clock_info, "nvmlDeviceGetMaxClockInfo", api::kClockSm, "SM");
  return id;
}

NvmlSample NvmlDeviceImpl::sample() {
  NvmlSample s;
  s.unix_time_s = unix_now_s();
  s.power_w = read_uint(api_.get_power_usage, "nvmlDeviceGetPowerUsage", kMilliPerUnit);

  unsigned long long energy_mj = 0;
  auto energy = api_.get_total_energy;
  if (attempt(energy != nullptr, "nvmlDeviceGetTotalEnergyConsumption", {},
              [&] { return energy(handle_, &energy_mj); }) == api::kSuccess) {
    s.energy_j = energy_mj / kMilliPerUnit;
  }
  s.gpu_temp_c = read_enum_uint(api_.get_temperature, "nvmlDeviceGetTemperature", api::kTemperatureGpu, "GPU");

  // HBM temperature has no nvmlTemperatureSensors_t value; NVML exposes it as a field.
  api::nvmlFieldValue_t field{};
  field.fieldId = api::kFieldMemoryTemp;
  auto fields = api_.get_field_values;
  if (attempt(fields != nullptr, "nvmlDeviceGetFieldValues", "MEMORY_TEMP", [&] {
        const api::nvmlReturn_t code = fields(handle_, 1, &field);
        return code != api::kSuccess ? code : field.nvmlReturn;
      }) == api::kSuccess) {
    s.mem_temp_c = field_value_as_double(field);
  }

  s.sm_clock_mhz = read_enum_uint(api_.get_clock_info, "nvmlDeviceGetClockInfo", api::kClockSm, "SM");
  s.mem_clock_mhz = read_enum_uint(api_.get_clock_info, "nvmlDeviceGetClockInfo", api::kClockMem, "MEM");

  unsigned long long reasons = 0;
  auto get_reasons = api_.get_clock_event_reasons;
  if (attempt(get_reasons != nullptr, api_.clock_event_reasons_name, {},
              [&] { return get_reasons(handle_, &reasons); }) == api::kSuccess) {
    s.clock_event_reasons = reasons;
  }
  s.power_limit_w = read_uint(api_.get_enforced_power_limit, "nvmlDeviceGetEnforcedPowerLimit", kMilliPerUnit);

  api::nvmlUtilization_t utilization{};
  auto get_utilization = api_.get_utilization_rates;
  if (attempt(get_utilization != nullptr, "nvmlDeviceGetUtilizationRates", {},
              [&] { return get_utilization(handle_, &utilization); }) == api::kSuccess) {
    s.utilization_gpu_pct = utilization.gpu;
    s.utilization_mem_pct = utilization.memory;
  }

  api::nvmlMemory_t memory{};
  auto get_memory = api_.get_memory_info;
  if (attempt(get_memory != nullptr, "nvmlDeviceGetMemoryInfo", {}, [&] { return get_memory(handle_, &memory); }) ==
      api::kSuccess) {
    s.memory_used_bytes = static_cast<double>(memory.used);
    s.memory_total_bytes = static_cast<double>(memory.total);
  }

  auto ecc = api_.get_total_ecc_errors;
  for (auto [type, argument, out] : {std::tuple{api::kMemoryErrorCorrected, "CORRECTED,VOLATILE", &s.ecc_corrected},
                                     std::tuple{api::kMemoryErrorUncorrected, "UNCORRECTED,VOLATILE", &s.ecc_uncorrected}}) {
    unsigned long long count = 0;
    if (attempt(ecc != nullptr, "nvmlDeviceGetTotalEccErrors", argument,
                [&] { return ecc(handle_, type, api::kVolatileEcc, &count); }) == api::kSuccess) {
      *out = count;
    }
  }

  unsigned correctable = 0;
  unsigned uncorrectable = 0;
  unsigned pending = 0;
  unsigned failure = 0;
  auto remapped = api_.get_remapped_rows;
  if (attempt(remapped != nullptr, "nvmlDeviceGetRemappedRows", {},
              [&] { return remapped(handle_, &correctable, &uncorrectable, &pending, &failure); }) == api::kSuccess) {
    s.remapped_rows_correctable = correctable;
    s.remapped_rows_uncorrectable = uncorrectable;
  }

  s.violation_power_s = read_violation_s(api::kPerfPolicyPower, "POWER");
  s.violation_thermal_s = read_violation_s(api::kPerfPolicyThermal, "THERMAL");

  int pstate = api::kPstateUnknown;
  auto get_pstate = api_.get_performance_state;
  if (attempt(get_pstate != nullptr, "nvmlDeviceGetPerformanceState", {},
              [&] { return get_pstate(handle_, &pstate); }) == api::kSuccess &&
      pstate >= 0 && pstate != api::kPstateUnknown) {
    s.pstate = static_cast<unsigned>(pstate);
  }
  return s;
}

std::expected<void, std::string> NvmlDeviceImpl::set_power_limit_w(double power_w) {
  if (!std::isfinite(power_w) || power_w <= 0) {
    return std::unexpected(concat("GPU ", index_, ": power limit ", power_w, " W is not a positive number"));
  }
  auto set = api_.set_power_management_limit;
  if (set == nullptr) {
    return std::unexpected(
        concat("GPU ", index_, ": nvmlDeviceSetPowerManagementLimit is not exported by ", library_->path()));
  }
  const auto limit_mw = static_cast<unsigned>(std::lround(power_w * kMilliPerUnit));
  // Refused before anything is sent when the board's own range says no.
  unsigned min_mw = 0;
  unsigned max_mw = 0;
  auto constraints = api_.get_power_management_limit_constraints;
  if (attempt(constraints != nullptr, "nvmlDeviceGetPowerManagementLimitConstraints", {},
              [&] { return constraints(handle_, &min_mw, &max_mw); }) == api::kSuccess &&
      (limit_mw < min_mw || limit_mw > max_mw)) {
    return std::unexpected(concat("GPU ", index_, ": power limit ", power_w, " W is outside the board's range ",
                                  min_mw / kMilliPerUnit, "–", max_mw / kMilliPerUnit, " W"));
  }
  const api::nvmlReturn_t code = set(handle_, limit_mw);
  if (code != api::kSuccess) {
    return std::unexpected(concat("GPU ", index_, ": nvmlDeviceSetPowerManagementLimit(", limit_mw,
                                  " mW): ", library_->error_string(code)));
  }
  return {};
}

}  // namespace

std::unique_ptr<NvmlDevice> make_nvml_device(std::shared_ptr<NvmlLoadedLibrary> library, unsigned index,
                                             api::nvmlDevice_t handle) {
  return std::make_unique<NvmlDeviceImpl>(std::move(library), index, handle);
}

}  // namespace ob::drivers::nvml
