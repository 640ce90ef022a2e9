#pragma once
// Resolve + connect with one deadline, shared by the TCP transports (line client, Modbus TCP).
// Numeric addresses skip the resolver; the system resolver cannot be cancelled, so it runs
// detached and the caller stops waiting at the deadline.
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "drivers/common/fault.hpp"

namespace ob::drivers {

// On failure the socket is closed and the Fault (timeout / link_lost) names `instrument`.
asio::awaitable<Status> connect_tcp(asio::ip::tcp::socket& socket, const std::string& host, std::uint16_t port,
                                    std::chrono::milliseconds timeout, const std::string& instrument);

}  // namespace ob::drivers
