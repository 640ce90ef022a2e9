#include "drivers/common/trace.hpp"

#include <atomic>
#include <utility>

namespace ob::drivers {
namespace {

std::atomic<bool> g_enabled{false};
TraceSink& sink() {
  static TraceSink instance;
  return instance;
}

}  // namespace

void set_trace_sink(TraceSink new_sink) {
  g_enabled.store(false, std::memory_order_release);
  sink() = std::move(new_sink);
  g_enabled.store(static_cast<bool>(sink()), std::memory_order_release);
}

bool trace_enabled() { return g_enabled.load(std::memory_order_relaxed); }

void trace(std::string_view instrument, TraceDirection direction, std::string_view what) {
  if (!trace_enabled()) return;
  sink()(instrument, direction, what);
}

const char* trace_arrow(TraceDirection direction) {
  switch (direction) {
    case TraceDirection::sent: return "→";
    case TraceDirection::received: return "←";
    case TraceDirection::failed: return "✗";
  }
  return "?";
}

}  // namespace ob::drivers
