#pragma once
// GpuBoard over the agent protocol (agent.proto, length-prefixed frames over TCP).
// URI: agent://host[:port][?gpu=N]  (default port 7600, gpu 0).
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
  std::string token;            // shared secret for the agent, empty when none
  std::chrono::milliseconds timeout{2000};
};

// Throws std::invalid_argument naming the board for an unsupported scheme.
std::unique_ptr<GpuBoard> make_gpu_board(asio::any_io_executor executor, const std::string& name,
                                         const Uri& uri, const GpuBoardOptions& options);

}  // namespace ob::drivers
