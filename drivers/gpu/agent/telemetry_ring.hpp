#pragma once
// One GPU's recent samples, bounded: the agent samples at its own rate and each connection
// reads every sample since its previous read, however irregularly it polls. Samples carry an
// increasing sequence number; a reader keeps the next number it wants (its cursor).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "drivers/gpu/agent.pb.h"

namespace ob::drivers::agent {

inline constexpr std::size_t kDefaultRingCapacity = 1024;  // ≈ 100 s at 10 Hz

struct RingRead {
  std::vector<ob::agent::pb::Telemetry> samples;  // oldest first
  std::uint64_t dropped = 0;  // samples the reader wanted that the ring no longer holds
  std::uint64_t next_cursor = 0;
};

class TelemetryRing {
 public:
  explicit TelemetryRing(std::size_t capacity = kDefaultRingCapacity);

  // Stamps the sample's sample_seq and keeps it, evicting the oldest beyond the capacity.
  void push(ob::agent::pb::Telemetry sample);
  // Everything from `cursor` on; the returned next_cursor is where the next read starts.
  RingRead read_since(std::uint64_t cursor) const;
  // The cursor of the next sample to be pushed (a new reader starts here).
  std::uint64_t end_cursor() const { return next_seq_; }
  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return samples_.size(); }

 private:
  std::size_t capacity_;
  std::deque<ob::agent::pb::Telemetry> samples_;
  std::uint64_t next_seq_ = 1;  // sample_seq of the next push; 0 never appears
};

}  // namespace ob::drivers::agent
