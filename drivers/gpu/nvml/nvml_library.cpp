// NvmlLibrary::open: dlopen, symbol lookup, nvmlInit_v2; nvmlShutdown with the last reference.
#include <dlfcn.h>

#include <utility>

#include "drivers/gpu/nvml/nvml_loaded_library.hpp"

namespace ob::drivers::nvml {
namespace {

template <class Fn>
Fn find_symbol(void* handle, const char* name) {
  return reinterpret_cast<Fn>(dlsym(handle, name));
}

api::NvmlApi find_symbols(void* handle) {
  using namespace api;
  NvmlApi a;
  a.init = find_symbol<InitFn>(handle, "nvmlInit_v2");
  a.shutdown = find_symbol<ShutdownFn>(handle, "nvmlShutdown");
  a.device_get_count = find_symbol<DeviceGetCountFn>(handle, "nvmlDeviceGetCount_v2");
  a.device_get_handle = find_symbol<DeviceGetHandleByIndexFn>(handle, "nvmlDeviceGetHandleByIndex_v2");
  a.error_string = find_symbol<ErrorStringFn>(handle, "nvmlErrorString");
  a.system_get_driver_version = find_symbol<SystemStringFn>(handle, "nvmlSystemGetDriverVersion");
  a.system_get_nvml_version = find_symbol<SystemStringFn>(handle, "nvmlSystemGetNVMLVersion");
  a.get_name = find_symbol<DeviceStringFn>(handle, "nvmlDeviceGetName");
  a.get_uuid = find_symbol<DeviceStringFn>(handle, "nvmlDeviceGetUUID");
  a.get_serial = find_symbol<DeviceStringFn>(handle, "nvmlDeviceGetSerial");
  a.get_power_usage = find_symbol<DeviceUintFn>(handle, "nvmlDeviceGetPowerUsage");
  a.get_total_energy = find_symbol<DeviceUllFn>(handle, "nvmlDeviceGetTotalEnergyConsumption");
  a.get_temperature = find_symbol<DeviceEnumUintFn>(handle, "nvmlDeviceGetTemperature");
  a.get_temperature_threshold = find_symbol<DeviceEnumUintFn>(handle, "nvmlDeviceGetTemperatureThreshold");
  a.get_clock_info = find_symbol<DeviceEnumUintFn>(handle, "nvmlDeviceGetClockInfo");
  a.get_max_clock_info = find_symbol<DeviceEnumUintFn>(handle, "nvmlDeviceGetMaxClockInfo");
  // "Throttle" was renamed "Event" in driver 535; older drivers have only the old name.
  a.get_clock_event_reasons = find_symbol<DeviceUllFn>(handle, "nvmlDeviceGetCurrentClocksEventReasons");
  if (a.get_clock_event_reasons == nullptr) {
    a.get_clock_event_reasons = find_symbol<DeviceUllFn>(handle, "nvmlDeviceGetCurrentClocksThrottleReasons");
    a.clock_event_reasons_name = "nvmlDeviceGetCurrentClocksThrottleReasons";
  }
  a.get_enforced_power_limit = find_symbol<DeviceUintFn>(handle, "nvmlDeviceGetEnforcedPowerLimit");
  a.get_power_management_limit = find_symbol<DeviceUintFn>(handle, "nvmlDeviceGetPowerManagementLimit");
  a.get_power_management_default_limit = find_symbol<DeviceUintFn>(handle, "nvmlDeviceGetPowerManagementDefaultLimit");
  a.get_power_management_limit_constraints =
      find_symbol<DeviceConstraintsFn>(handle, "nvmlDeviceGetPowerManagementLimitConstraints");
  a.set_power_management_limit = find_symbol<DeviceSetUintFn>(handle, "nvmlDeviceSetPowerManagementLimit");
  a.get_total_ecc_errors = find_symbol<DeviceEccFn>(handle, "nvmlDeviceGetTotalEccErrors");
  a.get_remapped_rows = find_symbol<DeviceRemappedRowsFn>(handle, "nvmlDeviceGetRemappedRows");
  a.get_utilization_rates = find_symbol<DeviceUtilizationFn>(handle, "nvmlDeviceGetUtilizationRates");
  a.get_memory_info = find_symbol<DeviceMemoryFn>(handle, "nvmlDeviceGetMemoryInfo");
  a.get_violation_status = find_symbol<DeviceViolationFn>(handle, "nvmlDeviceGetViolationStatus");
  a.get_performance_state = find_symbol<DevicePstateFn>(handle, "nvmlDeviceGetPerformanceState");
  a.get_field_values = find_symbol<DeviceFieldValuesFn>(handle, "nvmlDeviceGetFieldValues");
  return a;
}

}  // namespace

std::string nvml_error_name(api::nvmlReturn_t code) {
  switch (code) {
    case api::kSuccess: return "Success";
    case api::kErrorUninitialized: return "Uninitialized";
    case api::kErrorInvalidArgument: return "Invalid Argument";
    case api::kErrorNotSupported: return "Not Supported";
    case api::kErrorNoPermission: return "Insufficient Permissions";
    case api::kErrorNotFound: return "Not Found";
    case api::kErrorDriverNotLoaded: return "Driver Not Loaded";
    case api::kErrorLibraryNotFound: return "NVML Shared Library Not Found";
    case api::kErrorFunctionNotFound: return "Function Not Found";
    case api::kErrorGpuIsLost: return "GPU is lost";
    case api::kErrorUnknown: return "Unknown Error";
    default: return concat("NVML error ", code);
  }
}

std::expected<std::shared_ptr<NvmlLibrary>, std::string> NvmlLibrary::open(const std::string& path, Notice notice) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return std::unexpected(concat("cannot load NVML from '", path, "': ", why ? why : "dlopen failed"));
  }
  api::NvmlApi symbols = find_symbols(handle);
  for (auto [pointer, name] : {std::pair{reinterpret_cast<void*>(symbols.init), "nvmlInit_v2"},
                               std::pair{reinterpret_cast<void*>(symbols.shutdown), "nvmlShutdown"}}) {
    if (pointer != nullptr) continue;
    dlclose(handle);  // nothing of it has run yet, so it is safe to unload
    return std::unexpected(concat("'", path, "' does not export ", name, " (not an NVML library, or too old)"));
  }
  api::nvmlReturn_t code = symbols.init();
  if (code != api::kSuccess) {
    // Not unloaded: a failed init may still have left NVML's threads or handlers behind.
    const char* text = symbols.error_string ? symbols.error_string(code) : nullptr;
    return std::unexpected(concat("nvmlInit_v2 failed (", path, "): ", text ? text : nvml_error_name(code)));
  }
  return std::make_shared<NvmlLoadedLibrary>(handle, path, symbols, std::move(notice));
}

NvmlLoadedLibrary::NvmlLoadedLibrary(void* handle, std::string path, api::NvmlApi api, Notice notice)
    : handle_(handle), path_(std::move(path)), api_(api), notice_(std::move(notice)) {}

NvmlLoadedLibrary::~NvmlLoadedLibrary() {
  // NVML counts nvmlInit_v2/nvmlShutdown pairs, so other users in the process are unaffected.
  // The library stays mapped (no dlclose): NVML may leave threads or exit handlers behind.
  api_.shutdown();
  (void)handle_;
}

std::expected<unsigned, std::string> NvmlLoadedLibrary::device_count() {
  if (api_.device_get_count == nullptr) {
    return std::unexpected(concat("'", path_, "' does not export nvmlDeviceGetCount_v2"));
  }
  unsigned count = 0;
  api::nvmlReturn_t code = api_.device_get_count(&count);
  if (code != api::kSuccess) return std::unexpected("nvmlDeviceGetCount_v2: " + error_string(code));
  return count;
}

std::expected<std::unique_ptr<NvmlDevice>, std::string> NvmlLoadedLibrary::device(unsigned index) {
  if (api_.device_get_handle == nullptr) {
    return std::unexpected(concat("'", path_, "' does not export nvmlDeviceGetHandleByIndex_v2"));
  }
  api::nvmlDevice_t device = nullptr;
  api::nvmlReturn_t code = api_.device_get_handle(index, &device);
  if (code != api::kSuccess) {
    return std::unexpected(concat("nvmlDeviceGetHandleByIndex_v2(", index, "): ", error_string(code)));
  }
  auto self = std::static_pointer_cast<NvmlLoadedLibrary>(shared_from_this());
  return make_nvml_device(std::move(self), index, device);
}

std::string NvmlLoadedLibrary::error_string(api::nvmlReturn_t code) const {
  const char* text = api_.error_string ? api_.error_string(code) : nullptr;
  return text ? std::string(text) : nvml_error_name(code);
}

void NvmlLoadedLibrary::notify(const std::string& text) {
  if (!notice_) return;
  std::lock_guard lock(notice_mutex_);
  notice_(text);
}

}  // namespace ob::drivers::nvml
