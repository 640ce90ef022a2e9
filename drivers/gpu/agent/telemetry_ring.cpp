#include "drivers/gpu/agent/telemetry_ring.hpp"

#include <algorithm>
#include <utility>

namespace ob::drivers::agent {

TelemetryRing::TelemetryRing(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

void TelemetryRing::push(ob::agent::pb::Telemetry sample) {
  sample.set_sample_seq(next_seq_++);
  samples_.push_back(std::move(sample));
  while (samples_.size() > capacity_) samples_.pop_front();
}

RingRead TelemetryRing::read_since(std::uint64_t cursor) const {
  RingRead out;
  out.next_cursor = next_seq_;
  if (cursor >= next_seq_) return out;
  const std::uint64_t oldest = samples_.empty() ? next_seq_ : samples_.front().sample_seq();
  if (cursor < oldest) {
    out.dropped = oldest - cursor;
    cursor = oldest;
  }
  const auto first = static_cast<std::size_t>(cursor - oldest);
  out.samples.assign(samples_.begin() + static_cast<std::ptrdiff_t>(first), samples_.end());
  return out;
}

}  // namespace ob::drivers::agent
