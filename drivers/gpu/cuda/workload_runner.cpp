#include "drivers/gpu/cuda/workload_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <utility>

#include "drivers/gpu/cuda/sdc_reference.hpp"

namespace ob::drivers::cuda {

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kMaxBatchS = 0.1;     // bounds stop() latency and duty-cycle overshoot
constexpr double kMinBatchS = 0.001;
constexpr std::size_t kQueuedBatches = 2;     // the GPU never waits for the host between batches
static_assert(kQueuedBatches < static_cast<std::size_t>(Engine::kSlots));
constexpr std::uint64_t kMaxBatchIterations = 1'000'000;
constexpr double kMinIterationS = 1e-7;
constexpr std::uint64_t kBytesPerMib = 1024 * 1024;

double unix_time_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::uint32_t gemm_n(const WorkloadConfig& config) { return config.size == 0 ? kDefaultGemmN : config.size; }

std::uint64_t hbm_buffer_bytes(const WorkloadConfig& config) {
  return std::uint64_t{config.size == 0 ? kDefaultHbmBufferMib : config.size} * kBytesPerMib;
}

std::string validate_config(const WorkloadConfig& config) {
  if (!std::isfinite(config.window_s) || config.window_s <= 0) return "window_s must be > 0";
  if (!std::isfinite(config.duty_cycle) || config.duty_cycle < 0 || config.duty_cycle > 1) {
    return "duty_cycle must be within [0, 1]";
  }
  if (config.duty_cycle < 1 && (!std::isfinite(config.period_s) || config.period_s <= 0)) {
    return "period_s must be > 0 when duty_cycle < 1";
  }
  if (config.device < 0) return "device must be >= 0";
  if (config.kind == WorkloadKind::gemm && gemm_n(config) > sdc::kMaxGemmN) {
    return "gemm size " + std::to_string(gemm_n(config)) + " is too large for exact checksums (max " +
           std::to_string(sdc::kMaxGemmN) + ")";
  }
  return {};
}

WorkloadRunner::WorkloadRunner(const WorkloadConfig& config, std::unique_ptr<Engine> engine, std::string unit,
                               double work_per_unit)
    : config_(config),
      engine_(std::move(engine)),
      work_per_unit_(work_per_unit),
      batch_target_s_(std::clamp(config.window_s / 4, kMinBatchS, kMaxBatchS)) {
  stats_.running = true;
  stats_.unit = std::move(unit);
  thread_ = std::thread([this] { run(); });
}

WorkloadRunner::~WorkloadRunner() { stop(); }

void WorkloadRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  wake_.notify_all();
  std::lock_guard join_lock(join_mutex_);
  if (thread_.joinable()) thread_.join();
}

WorkloadStats WorkloadRunner::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::vector<WorkloadWindow> WorkloadRunner::take_windows() {
  std::lock_guard lock(mutex_);
  return std::exchange(windows_, {});
}

void WorkloadRunner::inject_corruption(std::uint32_t bit_mask) { corruption_mask_ = bit_mask == 0 ? 1U : bit_mask; }

void WorkloadRunner::fail(const std::string& error) {
  (void)engine_->drain();  // best effort: a failed context may not drain either
  std::lock_guard lock(mutex_);
  stats_.error = error;
  stats_.running = false;
}

void WorkloadRunner::close_window(double busy_s, std::uint64_t iterations, bool checksum_ok) {
  WorkloadWindow window;
  window.end_unix_time_s = unix_time_s();
  window.duration_s = busy_s;
  window.iterations = iterations;
  window.throughput = busy_s > 0 ? engine_->work_per_iteration() * static_cast<double>(iterations) / busy_s / work_per_unit_ : 0;
  window.checksum_ok = checksum_ok;
  std::lock_guard lock(mutex_);
  ++stats_.windows;
  if (!checksum_ok) ++stats_.sdc_count;
  stats_.last_throughput = window.throughput;
  windows_.push_back(window);
}

void WorkloadRunner::run() {
  if (auto error = engine_->bind_thread(); !error.empty()) return fail(error);
  const bool continuous = config_.duty_cycle >= 1;
  const double load_s = config_.duty_cycle * config_.period_s;
  double iteration_s = std::max(engine_->iteration_estimate_s(), kMinIterationS);
  std::deque<InFlight> in_flight;
  int next_slot = 0;
  std::uint64_t open_window = 0;  // the window new batches join
  double open_window_planned_s = 0;  // its busy time: measured where done, estimated where queued
  double window_busy_s = 0;          // completed batches of the window being measured
  std::uint64_t window_iterations = 0;
  const auto start = Clock::now();

  while (!stop_requested_) {
    const double t_s = std::chrono::duration<double>(Clock::now() - start).count();
    const double phase_s = continuous ? 0 : std::fmod(t_s, config_.period_s);
    const bool loaded = continuous || phase_s < load_s;
    if (loaded && in_flight.size() < kQueuedBatches) {
      const double remaining_load_s = continuous ? kMaxBatchS : load_s - phase_s;
      const double batch_s = std::min(batch_target_s_, remaining_load_s);
      const auto iterations = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::llround(batch_s / iteration_s)), 1,
                                                        kMaxBatchIterations);
      const double estimate_s = static_cast<double>(iterations) * iteration_s;
      const bool closes_window = open_window_planned_s + estimate_s >= config_.window_s;
      const std::uint32_t corrupt = closes_window ? corruption_mask_.exchange(0) : 0;
      if (auto error = engine_->enqueue(next_slot, iterations, closes_window, corrupt); !error.empty()) return fail(error);
      in_flight.push_back({next_slot, iterations, estimate_s, open_window, closes_window});
      next_slot = (next_slot + 1) % Engine::kSlots;
      if (closes_window) {
        ++open_window;
        open_window_planned_s = 0;
      } else {
        open_window_planned_s += estimate_s;
      }
      continue;
    }
    if (!in_flight.empty()) {
      const InFlight batch = in_flight.front();
      in_flight.pop_front();
      double busy_s = 0;
      std::uint64_t checksum = 0;
      if (auto error = engine_->wait(batch.slot, &busy_s, &checksum); !error.empty()) return fail(error);
      if (busy_s > 0) iteration_s = std::max(0.5 * iteration_s + 0.5 * busy_s / static_cast<double>(batch.iterations), kMinIterationS);
      if (batch.window_id == open_window) open_window_planned_s += busy_s - batch.estimate_s;
      window_busy_s += busy_s;
      window_iterations += batch.iterations;
      {
        std::lock_guard lock(mutex_);
        stats_.iterations += batch.iterations;
      }
      if (batch.closes_window) {
        close_window(window_busy_s, window_iterations, checksum == engine_->reference_checksum());
        window_busy_s = 0;
        window_iterations = 0;
      }
      continue;
    }
    // Idle part of the period with nothing queued: sleep until the next load phase (or stop).
    const double sleep_s = config_.period_s - phase_s;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::duration<double>(sleep_s), [this] { return stop_requested_.load(); });
  }
  if (auto error = engine_->drain(); !error.empty()) return fail(error);
  std::lock_guard lock(mutex_);
  stats_.running = false;
}

}  // namespace ob::drivers::cuda
