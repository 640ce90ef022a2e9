#pragma once
// Length-prefixed framing shared by the agent, its client and the simulated board:
// 4-byte big-endian length + payload. Pure functions; no sockets here.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ob::drivers::agent {

inline constexpr std::size_t kFrameHeaderBytes = 4;
inline constexpr std::uint32_t kMaxFrameBytes = 1u << 20;
inline constexpr std::uint32_t kProtocolVersion = 1;

// Header + payload, ready to write.
std::string encode_frame(std::string_view payload);

// Payload length from a 4-byte header; nullopt when it exceeds kMaxFrameBytes.
std::optional<std::uint32_t> decode_frame_length(const unsigned char* header);

}  // namespace ob::drivers::agent
