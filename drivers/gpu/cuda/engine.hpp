#pragma once
// What the workload thread (workload_runner) asks of the GPU: queue a batch of iterations
// between two timing events, optionally followed by the checksum of the result, and wait for
// it. C++17 and no CUDA headers, because the CUDA side (cuda_engine.cu) implements it with nvcc
// while the runner is plain C++ (and is unit-tested with a fake engine). Errors are returned
// as a message naming the failed call; an empty string means success.
#include <cstdint>
#include <memory>
#include <string>

namespace ob::drivers::cuda {

class Engine {
 public:
  static constexpr int kSlots = 3;  // batches in flight at most (the runner keeps two queued)

  virtual ~Engine() = default;
  // Makes the engine's device current on the calling thread (the workload thread).
  virtual std::string bind_thread() = 0;
  // Queues `iterations` GEMMs (or copies) between slot's start/stop events; with `checksum`,
  // then the checksum of the result into slot's host word, after XOR-ing `corrupt_mask` (0: none)
  // into one 32-bit word in the middle of the result first. Returns without waiting.
  virtual std::string enqueue(int slot, std::uint64_t iterations, bool checksum, std::uint32_t corrupt_mask) = 0;
  // Waits for slot's batch: its busy time (between its events) and, if it had one, its checksum.
  virtual std::string wait(int slot, double* busy_s, std::uint64_t* checksum) = 0;
  // Waits until everything queued has finished (the GPU is idle).
  virtual std::string drain() = 0;
  virtual std::uint64_t reference_checksum() const = 0;
  virtual double work_per_iteration() const = 0;    // FLOP (gemm) or bytes read + written (hbm)
  virtual double iteration_estimate_s() const = 0;  // measured at setup
};

}  // namespace ob::drivers::cuda
