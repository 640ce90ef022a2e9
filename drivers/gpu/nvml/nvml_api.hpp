#pragma once
// The small subset of NVML's C ABI that orbitbench uses, written from NVML's public API
// documentation (no NVIDIA header is needed or copied). Enums are passed as int, the ABI of a
// C enum on every platform NVML supports. Private to drivers/gpu/nvml/.
#include <cstdint>

namespace ob::drivers::nvml::api {

struct nvmlDevice_st;
using nvmlDevice_t = nvmlDevice_st*;
using nvmlReturn_t = int;

// nvmlReturn_t values we act on.
inline constexpr nvmlReturn_t kSuccess = 0;
inline constexpr nvmlReturn_t kErrorUninitialized = 1;
inline constexpr nvmlReturn_t kErrorInvalidArgument = 2;
inline constexpr nvmlReturn_t kErrorNotSupported = 3;
inline constexpr nvmlReturn_t kErrorNoPermission = 4;
inline constexpr nvmlReturn_t kErrorNotFound = 6;
inline constexpr nvmlReturn_t kErrorDriverNotLoaded = 9;
inline constexpr nvmlReturn_t kErrorLibraryNotFound = 12;
inline constexpr nvmlReturn_t kErrorFunctionNotFound = 13;
inline constexpr nvmlReturn_t kErrorGpuIsLost = 15;
inline constexpr nvmlReturn_t kErrorUnknown = 999;

// nvmlTemperatureSensors_t
inline constexpr int kTemperatureGpu = 0;
// nvmlTemperatureThresholds_t
inline constexpr int kTemperatureThresholdShutdown = 0;
inline constexpr int kTemperatureThresholdSlowdown = 1;
// nvmlClockType_t
inline constexpr int kClockGraphics = 0;
inline constexpr int kClockSm = 1;
inline constexpr int kClockMem = 2;
// nvmlMemoryErrorType_t
inline constexpr int kMemoryErrorCorrected = 0;
inline constexpr int kMemoryErrorUncorrected = 1;
// nvmlEccCounterType_t
inline constexpr int kVolatileEcc = 0;
// nvmlPerfPolicyType_t
inline constexpr int kPerfPolicyPower = 0;
inline constexpr int kPerfPolicyThermal = 1;
// nvmlPstates_t: 0..15, 32 = unknown
inline constexpr int kPstateUnknown = 32;
// nvmlFieldValue_t field id of the memory (HBM) temperature, °C.
inline constexpr unsigned kFieldMemoryTemp = 82;

// Buffer sizes NVML documents for its string getters.
inline constexpr unsigned kDeviceNameBufferSize = 96;  // NVML_DEVICE_NAME_V2_BUFFER_SIZE
inline constexpr unsigned kDeviceUuidBufferSize = 96;  // NVML_DEVICE_UUID_V2_BUFFER_SIZE
inline constexpr unsigned kDeviceSerialBufferSize = 30;
inline constexpr unsigned kSystemVersionBufferSize = 80;  // driver and NVML versions

struct nvmlUtilization_t {
  unsigned int gpu;     // %
  unsigned int memory;  // %
};

struct nvmlMemory_t {  // bytes
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

struct nvmlViolationTime_t {
  unsigned long long referenceTime;  // CPU timestamp, µs
  unsigned long long violationTime;  // cumulative, ns
};

// nvmlValueType_t
inline constexpr int kValueTypeDouble = 0;
inline constexpr int kValueTypeUnsignedInt = 1;
inline constexpr int kValueTypeUnsignedLong = 2;
inline constexpr int kValueTypeUnsignedLongLong = 3;
inline constexpr int kValueTypeSignedLongLong = 4;
inline constexpr int kValueTypeSignedInt = 5;
inline constexpr int kValueTypeUnsignedShort = 6;

union nvmlValue_t {
  double dVal;
  int siVal;
  unsigned int uiVal;
  unsigned long ulVal;
  unsigned long long ullVal;
  signed long long sllVal;
  unsigned short usVal;
};

struct nvmlFieldValue_t {
  unsigned int fieldId;
  unsigned int scopeId;
  long long timestamp;    // µs
  long long latencyUsec;
  int valueType;          // nvmlValueType_t
  nvmlReturn_t nvmlReturn;
  nvmlValue_t value;
};
static_assert(sizeof(nvmlFieldValue_t) == 40, "nvmlFieldValue_t layout");

// Function pointer types, one per symbol (names as NVML exports them).
using InitFn = nvmlReturn_t (*)();
using ShutdownFn = nvmlReturn_t (*)();
using ErrorStringFn = const char* (*)(nvmlReturn_t);
using SystemStringFn = nvmlReturn_t (*)(char*, unsigned int);
using DeviceGetCountFn = nvmlReturn_t (*)(unsigned int*);
using DeviceGetHandleByIndexFn = nvmlReturn_t (*)(unsigned int, nvmlDevice_t*);
using DeviceStringFn = nvmlReturn_t (*)(nvmlDevice_t, char*, unsigned int);
using DeviceUintFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*);
using DeviceUllFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned long long*);
using DeviceEnumUintFn = nvmlReturn_t (*)(nvmlDevice_t, int, unsigned int*);
using DeviceConstraintsFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*, unsigned int*);
using DeviceSetUintFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int);
using DeviceEccFn = nvmlReturn_t (*)(nvmlDevice_t, int, int, unsigned long long*);
using DeviceRemappedRowsFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*, unsigned int*, unsigned int*, unsigned int*);
using DeviceUtilizationFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlUtilization_t*);
using DeviceMemoryFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlMemory_t*);
using DeviceViolationFn = nvmlReturn_t (*)(nvmlDevice_t, int, nvmlViolationTime_t*);
using DevicePstateFn = nvmlReturn_t (*)(nvmlDevice_t, int*);
using DeviceFieldValuesFn = nvmlReturn_t (*)(nvmlDevice_t, int, nvmlFieldValue_t*);

// One pointer per symbol; null when the library does not export it. `*_name` members say which
// symbol a pointer with a fallback came from, so messages name the call really made.
struct NvmlApi {
  // Required.
  InitFn init = nullptr;                                // nvmlInit_v2
  ShutdownFn shutdown = nullptr;                        // nvmlShutdown
  DeviceGetCountFn device_get_count = nullptr;          // nvmlDeviceGetCount_v2 (checked by device_count())
  DeviceGetHandleByIndexFn device_get_handle = nullptr;  // nvmlDeviceGetHandleByIndex_v2 (checked by device())
  // Optional: a missing one marks its call unsupported.
  ErrorStringFn error_string = nullptr;
  SystemStringFn system_get_driver_version = nullptr;
  SystemStringFn system_get_nvml_version = nullptr;
  DeviceStringFn get_name = nullptr;
  DeviceStringFn get_uuid = nullptr;
  DeviceStringFn get_serial = nullptr;
  DeviceUintFn get_power_usage = nullptr;  // mW
  DeviceUllFn get_total_energy = nullptr;  // mJ
  DeviceEnumUintFn get_temperature = nullptr;
  DeviceEnumUintFn get_temperature_threshold = nullptr;
  DeviceEnumUintFn get_clock_info = nullptr;      // MHz
  DeviceEnumUintFn get_max_clock_info = nullptr;  // MHz
  DeviceUllFn get_clock_event_reasons = nullptr;  // ...EventReasons, else ...ThrottleReasons
  const char* clock_event_reasons_name = "nvmlDeviceGetCurrentClocksEventReasons";
  DeviceUintFn get_enforced_power_limit = nullptr;  // mW
  DeviceUintFn get_power_management_limit = nullptr;
  DeviceUintFn get_power_management_default_limit = nullptr;
  DeviceConstraintsFn get_power_management_limit_constraints = nullptr;
  DeviceSetUintFn set_power_management_limit = nullptr;
  DeviceEccFn get_total_ecc_errors = nullptr;
  DeviceRemappedRowsFn get_remapped_rows = nullptr;
  DeviceUtilizationFn get_utilization_rates = nullptr;
  DeviceMemoryFn get_memory_info = nullptr;
  DeviceViolationFn get_violation_status = nullptr;
  DevicePstateFn get_performance_state = nullptr;
  DeviceFieldValuesFn get_field_values = nullptr;
};

}  // namespace ob::drivers::nvml::api
