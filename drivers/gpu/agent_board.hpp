#pragma once
// GpuBoard over the agent protocol v3 (agent.proto, length-prefixed frames in TLS 1.3 over TCP,
// keyed by the shared secret as an external PSK: drivers/gpu/agent/agent_tls.hpp):
// configure() = connect, TLS handshake (our PSK binder proves us first), Hello (checks the
// agent's HMAC proof), Authenticate (proves ours again inside the tunnel).
// URI: agent://host[:port][?gpu=N][&secret_file=PATH]  (default port 7600, gpu 0; the secret
// file, 0600, overrides GpuBoardOptions::secret).
#include <asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "drivers/common/uri.hpp"
#include "drivers/gpu/gpu_board.hpp"

namespace ob::drivers {

inline constexpr std::uint16_t kDefaultAgentPort = 7600;

struct GpuBoardOptions {
  std::uint32_t gpu_index = 0;  // overridden by the URI's ?gpu=N
  std::string secret;           // the agent's shared secret (TLS PSK and HMAC key; `orbitbench-agent --secret-file`)
  std::chrono::milliseconds timeout{2000};
};

// The agent secret from a file: trailing white space dropped; std::invalid_argument naming the
// board for a missing, empty or world-accessible file.
std::string read_agent_secret_file(const std::string& path, const std::string& name);

// Throws std::invalid_argument naming the board for an unsupported scheme or a bad secret_file.
std::unique_ptr<GpuBoard> make_gpu_board(asio::any_io_executor executor, const std::string& name,
                                         const Uri& uri, const GpuBoardOptions& options);

}  // namespace ob::drivers
