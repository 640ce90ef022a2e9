#pragma once
// A trace of every exchange with an instrument (`orbitbench run --trace FILE`): what was sent,
// what came back, or what went wrong, with the instrument's station name. Drivers call trace()
// where a command or a reply crosses the wire (SCPI and Espec lines, Modbus requests and
// replies, agent frames by type, IIO attribute reads); the controller installs a sink — an
// spdlog logger writing on its own thread — for the campaign's life. With no sink a call costs
// one relaxed atomic load.
#include <functional>
#include <string_view>

namespace ob::drivers {

enum class TraceDirection { sent, received, failed };

using TraceSink = std::function<void(std::string_view instrument, TraceDirection direction, std::string_view what)>;

// Installs (or, empty, removes) the process's sink. Call it while no driver runs on another thread.
void set_trace_sink(TraceSink sink);
bool trace_enabled();
void trace(std::string_view instrument, TraceDirection direction, std::string_view what);

// "→", "←", "✗": how a trace line shows its direction.
const char* trace_arrow(TraceDirection direction);

}  // namespace ob::drivers
