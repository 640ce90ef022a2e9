#include "drivers/gpu/agent/host_backend.hpp"

#include <chrono>
#include <cmath>
#include <utility>

namespace ob::drivers::agent {
namespace {

namespace pb = ob::agent::pb;

// Readings kept for the server between its sampling periods (a stalled server loses the oldest
// beyond this, and its ring reports what it dropped).
constexpr std::size_t kMaxFreshSamples = 1024;

AgentError error(pb::Error::Code code, std::string message) { return AgentError{code, std::move(message)}; }

}  // namespace

std::expected<std::unique_ptr<HostBackend>, std::string> HostBackend::open(HostBackendOptions options) {
  if (!(options.sample_hz > 0)) return std::unexpected("the sample rate must be > 0 Hz");
  std::unique_ptr<HostBackend> backend(new HostBackend(std::move(options)));
  auto notice = backend->options_.log;
  auto library = nvml::NvmlLibrary::open(backend->options_.nvml_path, notice);
  if (!library) return std::unexpected(library.error());
  backend->library_ = *library;
  auto count = backend->library_->device_count();
  if (!count) return std::unexpected("NVML device count: " + count.error());
  if (*count == 0) return std::unexpected("NVML found no GPU on this host");
  for (unsigned index = 0; index < *count; ++index) {
    auto device = backend->library_->device(index);
    if (!device) return std::unexpected("GPU " + std::to_string(index) + ": " + device.error());
    auto identity = (*device)->identity();
    if (!identity) return std::unexpected("GPU " + std::to_string(index) + ": " + identity.error());
    Gpu gpu;
    gpu.device = std::move(*device);
    gpu.identity = std::move(*identity);
    backend->gpus_.push_back(std::move(gpu));
  }
  backend->sampler_ = std::thread([raw = backend.get()] { raw->sampling_loop(); });
  return backend;
}

HostBackend::~HostBackend() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (sampler_.joinable()) sampler_.join();
  for (auto& gpu : gpus_) {
    if (gpu.workload) gpu.workload->stop();
  }
}

void HostBackend::log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

BackendCapabilities HostBackend::capabilities() const {
  BackendCapabilities out;
  out.workload_kinds = {"gemm", "hbm"};
  out.dtypes = {"bf16", "fp16", "tf32", "fp32"};
  out.workload_available = cuda::GpuWorkload::available();
  out.sdc_check = out.workload_available;
  return out;
}

AgentResult<GpuDescription> HostBackend::describe(unsigned gpu) {
  const auto& identity = gpus_.at(gpu).identity;
  GpuDescription out;
  out.vendor = "NVIDIA";
  out.name = identity.name;
  out.uuid = identity.uuid;
  out.serial = identity.serial;
  out.driver_version = identity.driver_version;
  out.power_limit_min_w = identity.power_limit_min_w;
  out.power_limit_max_w = identity.power_limit_max_w;
  out.power_limit_default_w = identity.power_limit_default_w;
  return out;
}

pb::Telemetry HostBackend::read(Gpu& gpu) {
  const nvml::NvmlSample s = gpu.device->sample();
  pb::Telemetry out;
  out.set_board_time_s(s.unix_time_s);
  out.set_power_w(s.power_w.value_or(0));
  out.set_gpu_temp_c(s.gpu_temp_c.value_or(0));
  out.set_mem_temp_c(s.mem_temp_c.value_or(0));
  out.set_sm_clock_mhz(s.sm_clock_mhz.value_or(0));
  out.set_mem_clock_mhz(s.mem_clock_mhz.value_or(0));
  out.set_clock_event_reasons(s.clock_event_reasons.value_or(0));
  out.set_power_limit_w(s.power_limit_w.value_or(0));
  out.set_utilization_pct(s.utilization_gpu_pct.value_or(0));
  out.set_utilization_mem_pct(s.utilization_mem_pct.value_or(0));
  out.set_memory_used_bytes(s.memory_used_bytes.value_or(0));
  out.set_memory_total_bytes(s.memory_total_bytes.value_or(0));
  if (s.energy_j) {
    if (!gpu.energy_offset_j) gpu.energy_offset_j = *s.energy_j;
    out.set_energy_j(*s.energy_j - *gpu.energy_offset_j);
  }
  out.set_ecc_corrected(s.ecc_corrected.value_or(0));
  out.set_ecc_uncorrected(s.ecc_uncorrected.value_or(0));
  out.set_remapped_rows_correctable(s.remapped_rows_correctable.value_or(0));
  out.set_remapped_rows_uncorrectable(s.remapped_rows_uncorrectable.value_or(0));
  out.set_violation_power_s(s.violation_power_s.value_or(0));
  out.set_violation_thermal_s(s.violation_thermal_s.value_or(0));
  if (s.pstate) out.set_pstate(*s.pstate);

  std::uint64_t sdc = gpu.sdc_before;
  if (gpu.workload) {
    for (const auto& window : gpu.workload->take_windows()) {
      (gpu.workload_is_gemm ? gpu.last_tflops : gpu.last_gbps) = window.throughput;
    }
    const cuda::WorkloadStats stats = gpu.workload->stats();
    sdc += stats.sdc_count;
    out.set_workload_running(stats.running);
    if (!stats.running) gpu.last_tflops = gpu.last_gbps = 0;
    if (!stats.error.empty() && !stats.running && !gpu.error_logged) {
      log("GPU " + std::to_string(gpu.device->index()) + ": workload stopped: " + stats.error);
      gpu.error_logged = true;
    }
  }
  out.set_sdc_count(sdc);
  out.set_tflops(gpu.last_tflops);
  out.set_hbm_gbps(gpu.last_gbps);
  return out;
}

void HostBackend::sampling_loop() {
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / options_.sample_hz));
  auto next = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    for (auto& gpu : gpus_) {
      gpu.latest = read(gpu);
      gpu.sampled = true;
      if (gpu.fresh.size() < kMaxFreshSamples) gpu.fresh.push_back(gpu.latest);
    }
    next += period;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;
    wake_.wait_until(lock, next, [this] { return stopping_; });
  }
}

pb::Telemetry HostBackend::sample(unsigned gpu) {
  std::lock_guard lock(mutex_);
  auto& state = gpus_.at(gpu);
  if (!state.sampled) {
    state.latest = read(state);
    state.sampled = true;
  }
  return state.latest;
}

std::vector<pb::Telemetry> HostBackend::take_samples(unsigned gpu) {
  std::lock_guard lock(mutex_);
  std::vector<pb::Telemetry> out;
  out.swap(gpus_.at(gpu).fresh);
  return out;
}

AgentStatus HostBackend::set_power_cap(unsigned gpu, double power_w) {
  std::lock_guard lock(mutex_);
  auto applied = gpus_.at(gpu).device->set_power_limit_w(power_w);
  if (!applied) return std::unexpected(error(pb::Error::NOT_ALLOWED, "NVML refused the power limit: " + applied.error()));
  return {};
}

AgentStatus HostBackend::start_workload(unsigned gpu, const WorkloadRequest& workload) {
  auto kind = cuda::parse_workload_kind(workload.kind);
  if (!kind) return std::unexpected(error(pb::Error::NOT_SUPPORTED, kind.error()));
  auto dtype = cuda::parse_dtype(workload.dtype);
  if (!dtype) return std::unexpected(error(pb::Error::NOT_SUPPORTED, dtype.error()));
  cuda::WorkloadConfig config;
  config.kind = *kind;
  config.dtype = *dtype;
  auto data = cuda::parse_input_data(workload.data);
  if (!data) return std::unexpected(error(pb::Error::NOT_SUPPORTED, data.error()));
  config.data = *data;
  if (workload.size != 0) config.size = workload.size;
  if (*kind == cuda::WorkloadKind::hbm && workload.size == 0) config.size = 0;  // the kernel's default buffer
  config.duty_cycle = workload.duty_cycle;
  config.period_s = workload.period_s;
  config.device = static_cast<int>(gpu);

  std::unique_ptr<cuda::GpuWorkload> previous;
  {
    std::lock_guard lock(mutex_);
    auto& state = gpus_.at(gpu);
    if (state.workload) {  // a new StartWorkload replaces the running one
      state.sdc_before += state.workload->stats().sdc_count;
      previous = std::move(state.workload);
      state.last_tflops = state.last_gbps = 0;
    }
  }
  if (previous) previous->stop();
  previous.reset();
  // Allocation, inputs and the reference checksum take a while: NVML sampling goes on meanwhile.
  auto started = cuda::GpuWorkload::start(config);
  if (!started) {
    const auto code = cuda::GpuWorkload::available() ? pb::Error::INTERNAL : pb::Error::NOT_SUPPORTED;
    return std::unexpected(error(code, "workload: " + started.error()));
  }
  std::lock_guard lock(mutex_);
  auto& state = gpus_.at(gpu);
  if (state.workload) {
    state.sdc_before += state.workload->stats().sdc_count;
    state.workload->stop();
  }
  state.workload = std::move(*started);
  state.workload_is_gemm = *kind == cuda::WorkloadKind::gemm;
  state.error_logged = false;
  state.last_tflops = state.last_gbps = 0;
  return {};
}

AgentStatus HostBackend::stop_workload(unsigned gpu) {
  std::lock_guard lock(mutex_);
  auto& state = gpus_.at(gpu);
  if (!state.workload) return {};
  state.sdc_before += state.workload->stats().sdc_count;
  state.workload->stop();
  state.workload.reset();
  state.last_tflops = state.last_gbps = 0;
  return {};
}

}  // namespace ob::drivers::agent
