#pragma once
// A blocking loopback client for the GPU agent protocol written with plain POSIX sockets and
// OpenSSL's blocking API (never the controller's driver): TLS 1.3 with the secret's PSK (the
// context from agent_tls, shared belief on the key; tests/sim/test_agent_protobuf.py checks that
// with `openssl s_client` and its own derivation), frames, the HMAC handshake and helpers to send
// raw bytes, for the agent's and the simulated board's socket tests. A Plain client speaks no
// TLS: a stranger. Header-only; needs ob_gpu_agent (agent_auth, agent_tls).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "loopback_connect.hpp"
#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent/agent_auth.hpp"
#include "drivers/gpu/agent/agent_tls.hpp"
#include "drivers/gpu/agent_frame.hpp"

namespace ob::test {

class AgentTestClient {
 public:
  static constexpr std::chrono::milliseconds kReplyTimeout{3000};
  struct Plain {};  // no TLS: a stranger, or raw bytes on the wire

  // Connects and makes the TLS handshake keyed by `secret`; tls_established() tells whether it
  // succeeded (tls_error() why not).
  AgentTestClient(std::uint16_t port, std::string_view secret)
      : fd_(ob::test::connect_loopback(port)),
        tls_(std::make_unique<ob::drivers::agent::AgentTls>(ob::drivers::agent::TlsRole::controller, secret)) {
    std::signal(SIGPIPE, SIG_IGN);  // SSL_write to a connection the agent closed: an error, not death
    timeval timeout{3, 0};  // a handshake the agent never answers fails instead of hanging
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    ssl_ = SSL_new(tls_->context().native_handle());
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) throw std::runtime_error("SSL_new/SSL_set_fd failed");
    ERR_clear_error();
    if (SSL_connect(ssl_) != 1) {
      const unsigned long code = ERR_get_error();
      char text[256] = "the agent closed the connection";
      if (code != 0) ERR_error_string_n(code, text, sizeof text);
      tls_error_ = text;
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
  }
  AgentTestClient(std::uint16_t port, Plain) : fd_(ob::test::connect_loopback(port)) {}
  ~AgentTestClient() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    ::close(fd_);
  }
  AgentTestClient(const AgentTestClient&) = delete;
  AgentTestClient& operator=(const AgentTestClient&) = delete;

  bool tls_established() const { return ssl_ != nullptr; }
  const std::string& tls_error() const { return tls_error_; }
  int fd() const { return fd_; }

  // Bytes as they are (inside TLS when there is TLS).
  bool send_raw(std::string_view data) {
    while (!data.empty()) {
      const auto sent = ssl_ != nullptr ? static_cast<long>(SSL_write(ssl_, data.data(), static_cast<int>(data.size())))
                                        : static_cast<long>(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL));
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
      char buffer[4096];
      const auto got = read_some(buffer, sizeof buffer, deadline);
      if (got == kClosed) return true;
      if (got == kTimedOut) return false;  // anything else (a reply) is read and ignored
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
      char buffer[4096];
      const auto got = read_some(buffer, sizeof buffer, deadline);
      if (got <= 0) return false;
      pending_.append(buffer, static_cast<std::size_t>(got));
    }
    out = pending_.substr(0, count);
    pending_.erase(0, count);
    return true;
  }

  static constexpr long kClosed = -1;
  static constexpr long kTimedOut = -2;

  // Up to `size` bytes (plain text when there is TLS); kClosed when the peer closed or reset the
  // connection (or TLS failed), kTimedOut when nothing came by the deadline.
  long read_some(char* buffer, std::size_t size, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      if (ssl_ == nullptr || SSL_pending(ssl_) == 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return kTimedOut;
        pollfd pfd{fd_, POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return kTimedOut;
      }
      if (ssl_ == nullptr) {
        const auto got = ::recv(fd_, buffer, size, 0);
        return got > 0 ? static_cast<long>(got) : kClosed;
      }
      errno = 0;
      const int got = SSL_read(ssl_, buffer, static_cast<int>(size));
      if (got > 0) return got;
      const int error = SSL_get_error(ssl_, got);
      if (error == SSL_ERROR_WANT_READ || (error == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK))) {
        continue;  // a record without application data, or one not complete yet
      }
      return kClosed;
    }
  }

  int fd_;
  std::unique_ptr<ob::drivers::agent::AgentTls> tls_;
  SSL* ssl_ = nullptr;
  std::string tls_error_;
  std::uint64_t seq_ = 0;
  std::string pending_;
  std::string client_nonce_;
  std::string agent_nonce_;
};

}  // namespace ob::test
