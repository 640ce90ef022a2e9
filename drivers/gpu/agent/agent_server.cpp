#include "drivers/gpu/agent/agent_server.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <expected>
#include <system_error>
#include <utility>
#include <variant>

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "drivers/gpu/agent_frame.hpp"
#include "drivers/transport/accept_backoff.hpp"
#include "drivers/transport/deadline.hpp"

namespace ob::drivers::agent {
namespace {

using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using TlsStream = asio::ssl::stream<tcp::socket&>;

constexpr auto kMinWatchdogCheck = std::chrono::milliseconds(10);
constexpr auto kMaxWatchdogCheck = std::chrono::milliseconds(500);
constexpr int kWatchdogChecksPerTimeout = 10;

// One frame's payload; errc::message_size for a frame over `max_bytes` (checked on the header,
// before anything is allocated for the payload).
asio::awaitable<std::expected<std::string, std::error_code>> read_frame(TlsStream& socket, std::uint32_t max_bytes) {
  std::array<unsigned char, kFrameHeaderBytes> header{};
  std::error_code error;
  co_await asio::async_read(socket, asio::buffer(header), asio::redirect_error(asio::use_awaitable, error));
  if (error) co_return std::unexpected(error);
  const auto length = decode_frame_length(header.data());
  if (!length || *length > max_bytes) co_return std::unexpected(std::make_error_code(std::errc::message_size));
  std::string payload(*length, '\0');
  co_await asio::async_read(socket, asio::buffer(payload), asio::redirect_error(asio::use_awaitable, error));
  if (error) co_return std::unexpected(error);
  co_return payload;
}

// One encoded frame out through TLS; false when the connection failed.
asio::awaitable<bool> write_frame(TlsStream& tls, const std::string& bytes) {
  std::error_code error;
  co_await asio::async_write(tls, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, error));
  co_return !error;
}

// The server's side of the TLS handshake, within `deadline`: empty once done, else why not.
asio::awaitable<std::string> accept_tls(TlsStream& tls, asio::steady_timer& deadline) {
  std::error_code error;
  auto handshaking = tls.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, error));
  auto waiting = deadline.async_wait(kNoThrow);
  auto racing = std::move(handshaking) || std::move(waiting);
  const auto outcome = co_await std::move(racing);
  if (outcome.index() == 1) co_return "no TLS handshake within the handshake deadline";
  if (error) co_return "TLS handshake failed: " + describe_tls_failure(error, TlsRole::agent);
  co_return std::string();
}

std::string peer_of(const tcp::socket& socket) {
  std::error_code error;
  const auto endpoint = socket.remote_endpoint(error);
  if (error) return "a client";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

AgentServer::AgentServer(asio::any_io_executor executor, AgentBackend& backend, AgentOptions options)
    : executor_(std::move(executor)),
      service_(backend, std::move(options)),
      tls_(TlsRole::agent, service_.options().secret),
      acceptor_(executor_),
      sample_timer_(executor_),
      watchdog_timer_(executor_) {}

AgentServer::~AgentServer() { *alive_ = false; }

void AgentServer::log(const std::string& line) const {
  if (service_.options().log) service_.options().log(line);
}

void AgentServer::listen(const std::string& address, std::uint16_t port) {
  const tcp::endpoint endpoint(asio::ip::make_address(address), port);
  try {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
  } catch (const std::system_error& error) {
    acceptor_.close();
    throw std::system_error(error.code(), "agent: cannot listen on " + address + ":" + std::to_string(port));
  }
  port_ = acceptor_.local_endpoint().port();
}

void AgentServer::start() {
  asio::co_spawn(executor_, sample_loop(), asio::detached);
  asio::co_spawn(executor_, watchdog_loop(), asio::detached);
  if (acceptor_.is_open()) asio::co_spawn(executor_, accept_loop(), asio::detached);
}

void AgentServer::close() {
  stopping_ = true;
  std::error_code ignored;
  acceptor_.close(ignored);
  sample_timer_.cancel();
  watchdog_timer_.cancel();
  for (auto* socket : sessions_) socket->close(ignored);
}

asio::awaitable<void> AgentServer::accept_loop() {
  const auto alive = alive_;
  AcceptBackoff backoff;
  asio::steady_timer pause(executor_);
  while (!stopping_) {
    std::error_code error;
    tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, error));
    if (!*alive || stopping_ || AcceptBackoff::ends_loop(error)) co_return;
    if (error) {  // EMFILE/ENFILE and the like: wait and retry, never spin, never give up
      const auto wait = backoff.after_failure();
      if (backoff.consecutive_failures() == 1) log("accept failed: " + error.message() + "; retrying with back-off");
      pause.expires_after(wait);
      co_await pause.async_wait(kNoThrow);
      if (!*alive) co_return;
      continue;
    }
    if (backoff.consecutive_failures() > 0) {
      log("accepting again after " + std::to_string(backoff.consecutive_failures()) + " failed accepts");
    }
    backoff.after_success();
    socket.set_option(tcp::no_delay(true), error);
    asio::co_spawn(executor_, run_session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> AgentServer::run_session(tcp::socket socket) {
  const auto alive = alive_;
  sessions_.insert(&socket);
  co_await serve(socket);
  if (!*alive) co_return;  // the server went away while this connection was open
  sessions_.erase(&socket);
  std::error_code ignored;
  socket.close(ignored);
}

// GCC 12 flags this coroutine's frame with -Wmismatched-new-delete once it holds an ssl::stream:
// a false positive (asio's awaitable_frame_base allocates and frees the frame with its own
// matched operator new/delete; GCC loses track across the coroutine split).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<void> AgentServer::serve(tcp::socket& socket, ReplyHook hook) {
  const auto alive = alive_;
  const std::string peer = peer_of(socket);
  // Before authentication a peer is a stranger: a bounded number of them at a time, each with
  // small frames and one deadline for the whole handshake (not one per frame).
  if (unauthenticated_ >= service_.options().max_unauthenticated) {
    log(peer + ": " + std::to_string(unauthenticated_) + " connections still unauthenticated; closing this one");
    co_return;
  }
  ++unauthenticated_;
  struct Stranger {
    std::size_t* count;
    ~Stranger() {
      if (count != nullptr) --*count;
    }
    void authenticated() {
      if (count != nullptr) --*count;
      count = nullptr;
    }
  } stranger{&unauthenticated_};
  AgentConnection connection;
  asio::steady_timer deadline(executor_);
  const auto handshake_ends = std::chrono::steady_clock::now() + service_.options().handshake_timeout;
  // TLS first: the controller proves it holds the key (its PSK binder) before anything of ours
  // derived from the secret is sent, and every frame after is encrypted and authenticated.
  TlsStream tls(socket, tls_.context());
  deadline.expires_at(handshake_ends);
  auto accepting = accept_tls(tls, deadline);
  const std::string refused = co_await std::move(accepting);
  if (!*alive || stopping_) co_return;
  if (!refused.empty()) {
    log(peer + ": " + refused + "; closing the connection");
    co_return;
  }
  for (;;) {
    const bool authenticated = connection.stage == AgentConnection::Stage::authenticated;
    if (authenticated) {
      stranger.authenticated();
      deadline.expires_after(service_.options().read_timeout);
    } else {
      deadline.expires_at(handshake_ends);
    }
    auto reading = read_frame(tls, authenticated ? kMaxFrameBytes : kMaxPreAuthFrameBytes);
    auto waiting = deadline.async_wait(kNoThrow);
    auto racing = std::move(reading) || std::move(waiting);
    auto outcome = co_await std::move(racing);
    if (!*alive || stopping_) co_return;
    if (outcome.index() == 1) {
      log(peer + ": no request within the " + std::string(authenticated ? "read" : "handshake") +
          " deadline; closing the connection");
      co_return;
    }
    auto frame = std::get<0>(std::move(outcome));
    if (!frame) {
      if (frame.error() == std::errc::message_size) {
        log(peer + ": frame over " + std::to_string(authenticated ? kMaxFrameBytes : kMaxPreAuthFrameBytes) +
            " bytes" + (authenticated ? "" : " before authentication") + "; closing the connection");
      } else if (frame.error().category() == asio::error::get_ssl_category()) {
        log(peer + ": " + describe_tls_failure(frame.error(), TlsRole::agent) + "; closing the connection");
      }
      co_return;
    }
    AgentReply reply;
    try {
      reply = service_.handle_frame(*frame, connection);
    } catch (const std::exception& error) {
      log(peer + ": " + error.what() + "; closing the connection");
      co_return;
    }
    std::string bytes = encode_frame(reply.payload);
    if (hook) {
      auto hooked = hook(socket, bytes);
      const bool keep = co_await std::move(hooked);
      if (!*alive || !keep) co_return;
    }
    auto writing = write_frame(tls, bytes);
    const bool written = co_await std::move(writing);
    if (!written || !*alive) co_return;
    if (reply.close) {
      std::error_code error;
      socket.shutdown(tcp::socket::shutdown_both, error);
      co_return;
    }
  }
}
#pragma GCC diagnostic pop

asio::awaitable<void> AgentServer::sample_loop() {
  const auto alive = alive_;
  const auto period = service_.sample_period();
  auto next = std::chrono::steady_clock::now();
  while (*alive && !stopping_) {
    service_.sample_all();
    next += period;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;  // fell behind: skip rather than bunch samples
    sample_timer_.expires_at(next);
    std::error_code error;
    co_await sample_timer_.async_wait(asio::redirect_error(asio::use_awaitable, error));
    if (error || !*alive) co_return;
  }
}

asio::awaitable<void> AgentServer::watchdog_loop() {
  const auto alive = alive_;
  const auto check = std::clamp<std::chrono::steady_clock::duration>(
      service_.options().watchdog_timeout / kWatchdogChecksPerTimeout, kMinWatchdogCheck, kMaxWatchdogCheck);
  while (*alive && !stopping_) {
    watchdog_timer_.expires_after(check);
    std::error_code error;
    co_await watchdog_timer_.async_wait(asio::redirect_error(asio::use_awaitable, error));
    if (error || !*alive || stopping_) co_return;
    service_.check_watchdog();
  }
}

}  // namespace ob::drivers::agent
