#pragma once
// A blocking loopback client for the GPU agent protocol written with plain POSIX sockets (never
// the controller's driver): frames, the HMAC handshake and helpers to send raw bytes, for the
// agent's and the simulated board's socket tests. Header-only; needs ob_gpu_agent (agent_auth).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "loopback_connect.hpp"
#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent/agent_auth.hpp"
#include "drivers/gpu/agent_frame.hpp"

namespace ob::test {

class AgentTestClient {
 public:
  static constexpr std::chrono::milliseconds kReplyTimeout{3000};

  explicit AgentTestClient(std::uint16_t port) : fd_(ob::test::connect_loopback(port)) {}
  ~AgentTestClient() { ::close(fd_); }
  AgentTestClient(const AgentTestClient&) = delete;
  AgentTestClient& operator=(const AgentTestClient&) = delete;

  bool send_raw(std::string_view data) {
    while (!data.empty()) {
      const auto sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  bool send(ob::agent::pb::Request request) {
    request.set_seq(++seq_);
    return send_raw(ob::drivers::agent::encode_frame(request.SerializeAsString()));
  }

  // The next Response; nullopt when the connection closed or nothing came within the timeout.
  std::optional<ob::agent::pb::Response> receive(std::chrono::milliseconds timeout = kReplyTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string header;
    if (!read_exact(ob::drivers::agent::kFrameHeaderBytes, deadline, header)) return std::nullopt;
    const auto length = ob::drivers::agent::decode_frame_length(reinterpret_cast<const unsigned char*>(header.data()));
    if (!length) return std::nullopt;
    std::string payload;
    if (!read_exact(*length, deadline, payload)) return std::nullopt;
    ob::agent::pb::Response response;
    if (!response.ParseFromString(payload)) return std::nullopt;
    if (response.has_hello()) agent_nonce_ = response.hello().agent_nonce();
    return response;
  }

  std::optional<ob::agent::pb::Response> call(const ob::agent::pb::Request& request) {
    if (!send(request)) return std::nullopt;
    return receive();
  }

  // True when the peer closed the connection (EOF or reset) within the timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout = kReplyTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
      char buffer[4096];
      const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) return true;  // anything else (a reply) is read and ignored
    }
  }

  ob::agent::pb::Request hello(std::uint32_t gpu, std::uint32_t version = ob::drivers::agent::kProtocolVersion) {
    client_nonce_ = ob::drivers::agent::random_nonce();
    ob::agent::pb::Request request;
    auto* hello = request.mutable_hello();
    hello->set_client("test-client");
    hello->set_gpu_index(gpu);
    hello->set_protocol_version(version);
    hello->set_client_nonce(client_nonce_);
    return request;
  }

  // Hello, the agent's proof checked with `secret`, then Authenticate: the AuthReply response
  // (or the Error). nullopt when a reply is missing or the agent's proof is wrong.
  std::optional<ob::agent::pb::Response> handshake(std::string_view secret, std::uint32_t gpu = 0) {
    auto greeted = call(hello(gpu));
    if (!greeted || !greeted->has_hello()) return greeted;
    const auto expected = ob::drivers::agent::agent_proof(secret, client_nonce_, agent_nonce_);
    if (!ob::drivers::agent::proofs_equal(expected, greeted->hello().agent_proof())) return std::nullopt;
    return call(authenticate(secret));
  }

  ob::agent::pb::Request authenticate(std::string_view secret) const {
    ob::agent::pb::Request request;
    request.mutable_authenticate()->set_proof(ob::drivers::agent::controller_proof(secret, agent_nonce_, client_nonce_));
    return request;
  }

  const std::string& agent_nonce() const { return agent_nonce_; }
  const std::string& client_nonce() const { return client_nonce_; }

 private:
  bool read_exact(std::size_t count, std::chrono::steady_clock::time_point deadline, std::string& out) {
    while (pending_.size() < count) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
      char buffer[4096];
      const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) return false;
      pending_.append(buffer, static_cast<std::size_t>(got));
    }
    out = pending_.substr(0, count);
    pending_.erase(0, count);
    return true;
  }

  int fd_;
  std::uint64_t seq_ = 0;
  std::string pending_;
  std::string client_nonce_;
  std::string agent_nonce_;
};

}  // namespace ob::test
