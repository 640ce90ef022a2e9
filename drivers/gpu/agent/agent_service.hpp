#pragma once
// The agent protocol's logic (agent.proto), without sockets: the handshake and authentication
// per connection, the requests, the telemetry rings and the silent-controller watchdog, over an
// AgentBackend. AgentServer feeds it frames from TCP; unit tests call it directly with their own
// clock. One thread only (the server's io_context).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent/agent_backend.hpp"
#include "drivers/gpu/agent/telemetry_ring.hpp"
#include "drivers/gpu/agent_frame.hpp"

namespace ob::drivers::agent {

inline constexpr std::chrono::seconds kDefaultWatchdogTimeout{10};
inline constexpr double kDefaultSampleHz = 10;
inline constexpr std::chrono::seconds kDefaultHandshakeTimeout{10};
inline constexpr std::chrono::seconds kDefaultReadTimeout{60};
inline constexpr double kDefaultDutyPeriodS = 10;

struct AgentOptions {
  std::string secret;  // the shared secret (required, non-empty)
  bool read_only = false;  // refuse SetPowerCap (and every other change of board settings)
  std::chrono::steady_clock::duration watchdog_timeout = kDefaultWatchdogTimeout;
  double sample_hz = kDefaultSampleHz;
  std::size_t ring_capacity = kDefaultRingCapacity;
  // A connection that has not authenticated within handshake_timeout, or that sends no complete
  // frame for read_timeout afterwards, is closed.
  std::chrono::steady_clock::duration handshake_timeout = kDefaultHandshakeTimeout;
  std::chrono::steady_clock::duration read_timeout = kDefaultReadTimeout;
  std::size_t max_unauthenticated = kMaxUnauthenticatedConnections;  // strangers in their handshake at once
  std::string agent_name = "orbitbench-agent";  // HelloReply.agent
  std::function<void(const std::string&)> log;  // one line per notable event; may be empty
};

// One connection's state.
struct AgentConnection {
  enum class Stage { fresh, greeted, authenticated };
  Stage stage = Stage::fresh;
  std::string client;
  std::string client_nonce;
  std::string agent_nonce;
  unsigned gpu = 0;
  std::uint64_t cursor = 0;  // the next telemetry sample this connection reads
};

struct AgentReply {
  std::string payload;  // a serialized Response
  bool close = false;   // close the connection after sending it
};

class AgentService {
 public:
  using Clock = std::chrono::steady_clock;
  // Throws std::invalid_argument for an empty secret or a non-positive sample rate.
  AgentService(AgentBackend& backend, AgentOptions options);

  // One frame's payload → the reply payload (malformed input: Error BAD_REQUEST, seq 0, close).
  AgentReply handle_frame(std::string_view payload, AgentConnection& connection, Clock::time_point now = Clock::now());
  ob::agent::pb::Response handle(const ob::agent::pb::Request& request, AgentConnection& connection, bool& close,
                                 Clock::time_point now = Clock::now());

  // Takes one sample of every GPU into its ring (the server calls it at sample_hz).
  void sample_all();
  // Stops the workloads whose controller has been silent for the watchdog timeout.
  void check_watchdog(Clock::time_point now = Clock::now());

  const AgentOptions& options() const { return options_; }
  AgentBackend& backend() { return backend_; }
  Clock::duration sample_period() const;

 private:
  struct Watchdog {
    bool armed = false;  // a workload was started and not stopped by a controller
    Clock::time_point last_request{};
  };

  ob::agent::pb::Response on_hello(const ob::agent::pb::Request& request, AgentConnection& connection, bool& close);
  ob::agent::pb::Response on_authenticate(const ob::agent::pb::Request& request, AgentConnection& connection,
                                          bool& close, Clock::time_point now);
  ob::agent::pb::Response on_request(const ob::agent::pb::Request& request, AgentConnection& connection, bool& close,
                                     Clock::time_point now);
  void log(const std::string& line) const;

  AgentBackend& backend_;
  AgentOptions options_;
  std::vector<TelemetryRing> rings_;  // per GPU
  std::vector<Watchdog> watchdogs_;   // per GPU
};

}  // namespace ob::drivers::agent
