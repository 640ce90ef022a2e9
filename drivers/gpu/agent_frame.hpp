#pragma once
// Length-prefixed framing shared by the agent, its client and the simulated board:
// 4-byte big-endian length + payload. Header-only pure functions (the agent links no
// controller code); no sockets here.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ob::drivers::agent {

inline constexpr std::size_t kFrameHeaderBytes = 4;
inline constexpr std::uint32_t kMaxFrameBytes = 1u << 20;
// Before the peer has authenticated: Hello and Auth are well under 200 bytes, so a stranger
// announcing more is closed before anything is allocated for it.
inline constexpr std::uint32_t kMaxPreAuthFrameBytes = 4096;
// Connections the agent keeps in their handshake at once by default; more are closed as they
// arrive. Above the most boards one controller connects at once (384, each logging in in
// parallel), and bounded in memory by the pre-auth frame cap: 1024 × 4 KiB.
inline constexpr std::size_t kMaxUnauthenticatedConnections = 1024;
// 3: frames inside TLS 1.3 keyed by the shared secret (issue 18); 2 sent them in the clear.
inline constexpr std::uint32_t kProtocolVersion = 3;
inline constexpr std::size_t kNonceBytes = 32;

// Header + payload, ready to write.
inline std::string encode_frame(std::string_view payload) {
  const auto length = static_cast<std::uint32_t>(payload.size());
  std::string frame;
  frame.reserve(kFrameHeaderBytes + payload.size());
  frame.push_back(static_cast<char>((length >> 24) & 0xff));
  frame.push_back(static_cast<char>((length >> 16) & 0xff));
  frame.push_back(static_cast<char>((length >> 8) & 0xff));
  frame.push_back(static_cast<char>(length & 0xff));
  frame.append(payload);
  return frame;
}

// Payload length from a 4-byte header; nullopt when it exceeds kMaxFrameBytes.
inline std::optional<std::uint32_t> decode_frame_length(const unsigned char* header) {
  const std::uint32_t length = (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
                               (std::uint32_t{header[2]} << 8) | std::uint32_t{header[3]};
  if (length > kMaxFrameBytes) return std::nullopt;
  return length;
}

}  // namespace ob::drivers::agent
