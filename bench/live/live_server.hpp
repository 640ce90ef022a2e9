#pragma once
// The live view's HTTP server (issue 21): Boost.Beast on its own thread and io_context, so a
// slow or hostile browser never delays the campaign's loops; it reads LiveModel's snapshots and
// hands operator actions to the OperatorDesk. Bounded: at most kMaxConnections at once (more are
// answered 503 and closed), requests of at most 8 KiB of headers and 4 KiB of body, read within
// 10 s, and a stream whose reader stops taking data for 10 s is dropped.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bench/live/live_model.hpp"
#include "bench/live/operator_desk.hpp"

namespace ob::bench::live {

inline constexpr int kMaxConnections = 32;

struct ListenAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (the bound one is in LiveServer::url())
};

// "8080", "0.0.0.0:8080", "[::1]:8080", "localhost:8080"; std::nullopt-like failure as an
// exception with the reason (std::invalid_argument).
ListenAddress parse_listen_address(const std::string& text);

// Which view a request's path belongs to, when a server serves several (`orbitbench serve`'s
// archive): the view's model and the path within it, or a page of its own (`html`).
struct ResolvedView {
  std::shared_ptr<LiveModel> model;  // kept alive while a stream reads it
  std::string path;
  std::string html;
};
using ViewResolver = std::function<std::optional<ResolvedView>(const std::string& path)>;

class LiveServer {
 public:
  // Binds at once (throws std::runtime_error naming the address and the OS's reason when it
  // cannot) and serves on its own thread until destroyed. `token` empty: read-only. With a
  // resolver, each request's path picks its view (nullopt: 404); else every path is `model`'s.
  LiveServer(const ListenAddress& address, LiveModel& model, OperatorDesk& desk, std::string token,
             ViewResolver resolver = nullptr);
  ~LiveServer();
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:8080/"
  std::uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ob::bench::live
