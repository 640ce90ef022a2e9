#pragma once
// The GPU agent's TCP server (agent.proto over length-prefixed frames inside TLS 1.3 keyed by the
// shared secret: agent_tls.hpp), in the Asio examples' shape: one acceptor, one coroutine per
// connection, a sampler and a watchdog timer, all on one executor (single-threaded: the
// AgentService needs no locks). A failed TLS handshake, a frame over 1 MiB, a malformed frame, a
// failed authentication or a connection silent past its read deadline closes that connection
// only. The simulated lab serves its boards through serve() from its own listener.
// Standard headers first: asio 1.22 picks aligned_alloc or operator new from a libstdc++ macro.
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "drivers/gpu/agent/agent_service.hpp"
#include "drivers/gpu/agent/agent_tls.hpp"

namespace ob::drivers::agent {

inline constexpr const char* kDefaultListenAddress = "127.0.0.1";
inline constexpr std::uint16_t kDefaultListenPort = 7600;

class AgentServer {
 public:
  // Called with each reply frame (plain text) before it is encrypted and written: false drops
  // the connection instead. The simulated lab injects its link faults here.
  using ReplyHook = std::function<asio::awaitable<bool>(asio::ip::tcp::socket&, std::string& frame)>;

  // Throws std::invalid_argument as AgentService does, std::runtime_error when OpenSSL cannot
  // make the TLS context.
  AgentServer(asio::any_io_executor executor, AgentBackend& backend, AgentOptions options);
  ~AgentServer();
  AgentServer(const AgentServer&) = delete;
  AgentServer& operator=(const AgentServer&) = delete;

  // Binds and listens (port 0 = ephemeral); throws std::system_error naming the endpoint.
  void listen(const std::string& address, std::uint16_t port);
  // Spawns the sampler and watchdog timers, and the accept loop when listen() was called.
  void start();
  // Closes the acceptor, every connection this server accepted, and the timers. On the
  // executor's thread.
  void close();
  std::uint16_t port() const { return port_; }

  // Serves one connection until the peer leaves, the protocol closes it or close() is called.
  asio::awaitable<void> serve(asio::ip::tcp::socket& socket, ReplyHook hook = {});

  AgentService& service() { return service_; }

 private:
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> run_session(asio::ip::tcp::socket socket);
  asio::awaitable<void> sample_loop();
  asio::awaitable<void> watchdog_loop();
  void log(const std::string& line) const;

  asio::any_io_executor executor_;
  AgentService service_;
  AgentTls tls_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer sample_timer_;
  asio::steady_timer watchdog_timer_;
  std::uint16_t port_ = 0;
  bool stopping_ = false;
  std::size_t unauthenticated_ = 0;  // connections still in their handshake
  std::set<asio::ip::tcp::socket*> sessions_;  // owned by their coroutines
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ob::drivers::agent
