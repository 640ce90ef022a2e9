// A stand-in libnvidia-ml.so.1 for tests: the NVML C symbols orbitbench loads, answering with
// what a real H100 SXM reported at idle (/work/shared/reference/h100/nvml-idle.txt), plus
// fake_nvml_* control functions. Its structs are written here again on purpose, independently
// of drivers/gpu/nvml/nvml_api.hpp, so a layout slip there shows up as wrong values in tests.
// Built twice: ob_fake_nvml (everything) and, with OB_FAKE_NVML_SPARSE, ob_fake_nvml_sparse, an
// old-driver shape without nvmlDeviceGetCount_v2, nvmlDeviceGetCurrentClocksEventReasons (only
// the ...ThrottleReasons name) and nvmlDeviceGetTotalEnergyConsumption.
#include <cstring>
#include <map>
#include <mutex>
#include <string>

namespace {

constexpr int kSuccess = 0;
constexpr int kUninitialized = 1;
constexpr int kInvalidArgument = 2;
constexpr int kNotSupported = 3;
constexpr int kNoPermission = 4;
constexpr int kInsufficientSize = 7;

struct State {
  std::map<std::string, unsigned> calls;
  std::map<std::string, int> forced_errors;
  int init_depth = 0;
  bool permission_denied = false;
  unsigned power_mw = 80081;
  unsigned long long energy_mj = 2421774;
  unsigned gpu_temp_c = 45;
  unsigned mem_temp_c = 45;
  unsigned power_limit_mw = 700000;
  unsigned last_set_power_limit_mw = 0;
};

std::mutex state_mutex;
State state;

// The one device: its handle is the address of this object.
struct FakeDevice {
  int unused = 0;
} device0;

// Counts the call and says what it should return before doing its work.
int enter(const char* name) {
  ++state.calls[name];
  if (auto forced = state.forced_errors.find(name); forced != state.forced_errors.end()) return forced->second;
  if (state.init_depth == 0) return kUninitialized;
  return kSuccess;
}

int copy_string(const char* text, char* out, unsigned length) {
  if (out == nullptr) return kInvalidArgument;
  if (std::strlen(text) + 1 > length) return kInsufficientSize;
  std::strcpy(out, text);
  return kSuccess;
}

bool is_device(const void* device) { return device == &device0; }

}  // namespace

struct nvmlDevice_st;
using nvmlDevice_t = nvmlDevice_st*;

struct FakeUtilization {
  unsigned gpu;
  unsigned memory;
};
struct FakeMemory {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
struct FakeViolationTime {
  unsigned long long reference_time_us;
  unsigned long long violation_time_ns;
};
struct FakeFieldValue {
  unsigned field_id;
  unsigned scope_id;
  long long timestamp_us;
  long long latency_us;
  int value_type;
  int nvml_return;
  union {
    double d;
    unsigned ui;
    unsigned long long ull;
  } value;
};

#define FAKE_ENTER(name)                                  \
  std::lock_guard lock(state_mutex);                      \
  if (int code = enter(name); code != kSuccess) return code

#define FAKE_DEVICE_ENTER(name)   \
  FAKE_ENTER(name);               \
  if (!is_device(device)) return kInvalidArgument

extern "C" {

// ---- control functions for tests ----

void fake_nvml_reset() {
  std::lock_guard lock(state_mutex);
  state = State{};
}

void fake_nvml_set_error(const char* function_name, int code) {
  std::lock_guard lock(state_mutex);
  if (code == kSuccess) {
    state.forced_errors.erase(function_name);
    return;
  }
  state.forced_errors[function_name] = code;
}

void fake_nvml_set_unsupported(const char* function_name) { fake_nvml_set_error(function_name, kNotSupported); }

void fake_nvml_set_power_mw(unsigned power_mw) {
  std::lock_guard lock(state_mutex);
  state.power_mw = power_mw;
}

void fake_nvml_set_permission_denied(int denied) {
  std::lock_guard lock(state_mutex);
  state.permission_denied = denied != 0;
}

unsigned fake_nvml_calls(const char* function_name) {
  std::lock_guard lock(state_mutex);
  auto found = state.calls.find(function_name);
  return found == state.calls.end() ? 0 : found->second;
}

// nvmlInit_v2 calls not yet balanced by nvmlShutdown.
int fake_nvml_init_depth() {
  std::lock_guard lock(state_mutex);
  return state.init_depth;
}

unsigned fake_nvml_last_power_limit_mw() {
  std::lock_guard lock(state_mutex);
  return state.last_set_power_limit_mw;
}

// ---- NVML ----

int nvmlInit_v2() {
  std::lock_guard lock(state_mutex);
  ++state.calls["nvmlInit_v2"];
  if (auto forced = state.forced_errors.find("nvmlInit_v2"); forced != state.forced_errors.end()) return forced->second;
  ++state.init_depth;
  return kSuccess;
}

int nvmlShutdown() {
  FAKE_ENTER("nvmlShutdown");
  --state.init_depth;
  return kSuccess;
}

const char* nvmlErrorString(int code) {
  switch (code) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 4: return "Insufficient Permissions";
    case 6: return "Not Found";
    case 7: return "Insufficient Size";
    case 9: return "Driver Not Loaded";
    case 15: return "GPU is lost";
    default: return "Unknown Error";
  }
}

int nvmlSystemGetDriverVersion(char* out, unsigned length) {
  FAKE_ENTER("nvmlSystemGetDriverVersion");
  return copy_string("580.159.04", out, length);
}

int nvmlSystemGetNVMLVersion(char* out, unsigned length) {
  FAKE_ENTER("nvmlSystemGetNVMLVersion");
  return copy_string("13.580.159.04", out, length);
}

#ifndef OB_FAKE_NVML_SPARSE
int nvmlDeviceGetCount_v2(unsigned* count) {
  FAKE_ENTER("nvmlDeviceGetCount_v2");
  *count = 1;
  return kSuccess;
}
#endif

int nvmlDeviceGetHandleByIndex_v2(unsigned index, nvmlDevice_t* device) {
  FAKE_ENTER("nvmlDeviceGetHandleByIndex_v2");
  if (index != 0) return kInvalidArgument;
  *device = reinterpret_cast<nvmlDevice_t>(&device0);
  return kSuccess;
}

int nvmlDeviceGetName(nvmlDevice_t device, char* out, unsigned length) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetName");
  return copy_string("NVIDIA H100 80GB HBM3", out, length);
}

int nvmlDeviceGetUUID(nvmlDevice_t device, char* out, unsigned length) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetUUID");
  return copy_string("GPU-0b3e5a9c-7d41-4f2e-9c1a-fa4e00000001", out, length);
}

int nvmlDeviceGetSerial(nvmlDevice_t device, char* out, unsigned length) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetSerial");
  return copy_string("1650123456789", out, length);
}

int nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned* power_mw) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetPowerUsage");
  *power_mw = state.power_mw;
  return kSuccess;
}

#ifndef OB_FAKE_NVML_SPARSE
int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long* energy_mj) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetTotalEnergyConsumption");
  *energy_mj = state.energy_mj;
  return kSuccess;
}
#endif

int nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned* temp_c) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetTemperature");
  if (sensor != 0) return kInvalidArgument;
  *temp_c = state.gpu_temp_c;
  return kSuccess;
}

int nvmlDeviceGetTemperatureThreshold(nvmlDevice_t device, int threshold, unsigned* temp_c) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetTemperatureThreshold");
  constexpr unsigned kThresholdsC[] = {95, 89, 95, 87};  // shutdown, slowdown, mem max, gpu max
  if (threshold < 0 || threshold > 7) return kInvalidArgument;
  if (threshold > 3) return kNotSupported;
  *temp_c = kThresholdsC[threshold];
  return kSuccess;
}

int nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned* clock_mhz) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetClockInfo");
  constexpr unsigned kClocksMhz[] = {345, 345, 2619, 765};  // graphics, SM, mem, video
  if (type < 0 || type > 3) return kInvalidArgument;
  *clock_mhz = kClocksMhz[type];
  return kSuccess;
}

int nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, int type, unsigned* clock_mhz) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetMaxClockInfo");
  constexpr unsigned kMaxClocksMhz[] = {1980, 1980, 2619, 1545};
  if (type < 0 || type > 3) return kInvalidArgument;
  *clock_mhz = kMaxClocksMhz[type];
  return kSuccess;
}

#ifndef OB_FAKE_NVML_SPARSE
int nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long* reasons) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetCurrentClocksEventReasons");
  *reasons = 0x1;  // GpuIdle
  return kSuccess;
}
#endif

int nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, unsigned long long* reasons) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetCurrentClocksThrottleReasons");
  *reasons = 0x1;
  return kSuccess;
}

int nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned* limit_mw) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetEnforcedPowerLimit");
  *limit_mw = state.power_limit_mw;
  return kSuccess;
}

int nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned* limit_mw) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetPowerManagementLimit");
  *limit_mw = state.power_limit_mw;
  return kSuccess;
}

int nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t device, unsigned* limit_mw) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetPowerManagementDefaultLimit");
  *limit_mw = 700000;
  return kSuccess;
}

int nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, unsigned* min_mw, unsigned* max_mw) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetPowerManagementLimitConstraints");
  *min_mw = 200000;
  *max_mw = 700000;
  return kSuccess;
}

int nvmlDeviceSetPowerManagementLimit(nvmlDevice_t device, unsigned limit_mw) {
  FAKE_DEVICE_ENTER("nvmlDeviceSetPowerManagementLimit");
  if (state.permission_denied) return kNoPermission;
  if (limit_mw < 200000 || limit_mw > 700000) return kInvalidArgument;
  state.power_limit_mw = limit_mw;
  state.last_set_power_limit_mw = limit_mw;
  return kSuccess;
}

int nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, int error_type, int counter_type, unsigned long long* count) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetTotalEccErrors");
  if (error_type < 0 || error_type > 1 || counter_type < 0 || counter_type > 1) return kInvalidArgument;
  *count = error_type == 0 ? 3 : 0;  // a few corrected, none uncorrected: tells the two apart
  return kSuccess;
}

int nvmlDeviceGetRemappedRows(nvmlDevice_t device, unsigned* correctable, unsigned* uncorrectable, unsigned* pending,
                              unsigned* failure) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetRemappedRows");
  *correctable = 1;
  *uncorrectable = 0;
  *pending = 0;
  *failure = 0;
  return kSuccess;
}

int nvmlDeviceGetUtilizationRates(nvmlDevice_t device, FakeUtilization* utilization) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetUtilizationRates");
  *utilization = {7, 2};
  return kSuccess;
}

int nvmlDeviceGetMemoryInfo(nvmlDevice_t device, FakeMemory* memory) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetMemoryInfo");
  constexpr unsigned long long kTotal = 85520809984ULL;
  constexpr unsigned long long kUsed = 503316480ULL;
  *memory = {kTotal, kTotal - kUsed, kUsed};
  return kSuccess;
}

int nvmlDeviceGetViolationStatus(nvmlDevice_t device, int policy, FakeViolationTime* time) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetViolationStatus");
  if (policy < 0 || policy > 2) return kInvalidArgument;
  // As after 75 s of GEMM at the power cap (nvml-after-75s-gemm.txt).
  *time = {1795690718005103ULL, policy == 0 ? 75428490912ULL : 0ULL};
  return kSuccess;
}

int nvmlDeviceGetPerformanceState(nvmlDevice_t device, int* pstate) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetPerformanceState");
  *pstate = 0;
  return kSuccess;
}

int nvmlDeviceGetFieldValues(nvmlDevice_t device, int count, FakeFieldValue* values) {
  FAKE_DEVICE_ENTER("nvmlDeviceGetFieldValues");
  constexpr unsigned kFieldMemoryTemp = 82;
  constexpr int kValueTypeUnsignedInt = 1;
  for (int i = 0; i < count; ++i) {
    FakeFieldValue& value = values[i];
    if (value.field_id != kFieldMemoryTemp) {
      value.nvml_return = kNotSupported;
      continue;
    }
    value.value_type = kValueTypeUnsignedInt;
    value.value.ui = state.mem_temp_c;
    value.nvml_return = kSuccess;
  }
  return kSuccess;
}

}  // extern "C"
