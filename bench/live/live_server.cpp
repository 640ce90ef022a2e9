#include "bench/live/live_server.hpp"

#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <thread>

#include "bench/live/http_routes.hpp"

namespace ob::bench::live {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(10);
constexpr auto kWriteTimeout = std::chrono::seconds(10);
constexpr auto kStreamPoll = std::chrono::milliseconds(200);
constexpr auto kStreamUpdateEvery = std::chrono::milliseconds(1000);
constexpr int kMaxRequestsPerConnection = 1000;

std::string json_text(const nlohmann::json& json) {
  // Instruments' replies may hold bytes that are not UTF-8: replaced, never thrown.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string sse_message(const nlohmann::json& json) { return "data: " + json_text(json) + "\n\n"; }

// Counts this connection among the open ones for as long as it lives.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(int& open) : open_(open) { ++open_; }
  ~ConnectionSlot() { --open_; }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

 private:
  int& open_;
};

}  // namespace

ListenAddress parse_listen_address(const std::string& text) {
  ListenAddress address;
  std::string port_text = text;
  if (!text.empty() && text.front() == '[') {  // [v6]:port
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      throw std::invalid_argument("'" + text + "': expected [IPV6]:PORT");
    }
    address.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    if (text.find(':') != colon) throw std::invalid_argument("'" + text + "': an IPv6 address goes in brackets: [::1]:8080");
    address.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  if (address.host.empty()) throw std::invalid_argument("'" + text + "': no host before the ':'");
  unsigned port = 0;
  const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    throw std::invalid_argument("'" + text + "': expected [HOST:]PORT with a port from 0 to 65535");
  }
  address.port = static_cast<std::uint16_t>(port);
  return address;
}

class LiveServer::Impl {
 public:
  Impl(const ListenAddress& address, LiveModel& model, OperatorDesk& desk, std::string token, ViewResolver resolver)
      : model_(model), desk_(desk), token_(std::move(token)), resolver_(std::move(resolver)), acceptor_(io_) {
    error_code ec;
    tcp::resolver names(io_);
    const auto endpoints = names.resolve(address.host, std::to_string(address.port), tcp::resolver::passive, ec);
    if (ec || endpoints.empty()) {
      throw std::runtime_error("live view: cannot resolve " + address.host + ": " + ec.message());
    }
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    const auto fail = [&](const char* what) {
      return std::runtime_error("live view: cannot " + std::string(what) + " " + address.host + ":" +
                                std::to_string(address.port) + ": " + ec.message());
    };
    if (acceptor_.open(endpoint.protocol(), ec)) throw fail("open");
    if (acceptor_.set_option(net::socket_base::reuse_address(true), ec)) throw fail("set up");
    if (acceptor_.bind(endpoint, ec)) throw fail("listen on");
    if (acceptor_.listen(net::socket_base::max_listen_connections, ec)) throw fail("listen on");
    bound_ = acceptor_.local_endpoint();
    net::co_spawn(io_, accept_loop(), net::detached);
    thread_ = std::thread([this] { serve(); });
  }

  ~Impl() {
    net::post(io_, [this] {
      error_code ignored;
      acceptor_.close(ignored);
      io_.stop();
    });
    if (thread_.joinable()) thread_.join();
  }

  std::uint16_t port() const { return bound_.port(); }

  std::string url() const {
    const auto address = bound_.address();
    const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return "http://" + host + ":" + std::to_string(bound_.port()) + "/";
  }

 private:
  void serve() {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {  // a bug in one connection: logged, the server goes on
        spdlog::error("live view: {}", e.what());
      }
    }
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(net::redirect_error(net::use_awaitable, ec));
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) co_return;
      if (ec) continue;  // a connection reset before it was accepted, or out of descriptors for now
      net::co_spawn(io_, session(std::move(socket)), net::detached);
    }
  }

  net::awaitable<void> session(tcp::socket socket) {
    const ConnectionSlot slot(open_connections_);
    beast::tcp_stream stream(std::move(socket));
    try {
      co_await serve_connection(stream);
    } catch (const std::exception& e) {
      spdlog::debug("live view: connection dropped: {}", e.what());
    }
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
  }

  net::awaitable<void> serve_connection(beast::tcp_stream& stream) {
    error_code ec;
    const auto remote = stream.socket().remote_endpoint(ec);
    const std::string peer = ec ? "unknown" : remote.address().to_string() + ":" + std::to_string(remote.port());
    if (open_connections_ > kMaxConnections) {
      co_await write_error(stream, http::status::service_unavailable, "too many connections to the live view; try again");
      co_return;
    }
    beast::flat_buffer buffer;
    for (int served = 0; served < kMaxRequestsPerConnection; ++served) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kMaxRequestHeaderBytes);
      parser.body_limit(kMaxRequestBodyBytes);
      stream.expires_after(kReadTimeout);
      co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::eof ||
          ec == net::error::connection_reset || ec == net::error::operation_aborted) {
        co_return;
      }
      if (ec == http::error::body_limit) {
        co_await write_error(stream, http::status::payload_too_large, "request body over 4 KiB");
        co_return;
      }
      if (ec == http::error::header_limit) {
        co_await write_error(stream, http::status::request_header_fields_too_large, "request headers over 8 KiB");
        co_return;
      }
      if (ec) {
        co_await write_error(stream, http::status::bad_request, "malformed request: " + ec.message());
        co_return;
      }
      HttpRequest request = parser.release();
      LiveModel* model = &model_;
      std::shared_ptr<LiveModel> held;  // a resolved view stays alive while its stream reads it
      std::optional<HttpResponse> own_page;  // the resolver's answer: a 404, or a page of its own
      if (resolver_) {
        const std::string target(request.target());
        const auto query = target.find_first_of("?#");
        auto view = resolver_(target.substr(0, query));
        if (!view) {
          own_page = page(request, http::status::not_found, "text/plain; charset=utf-8",
                          "not found: " + target.substr(0, query) + " (the campaigns in this file: /campaigns)\n");
        } else if (!view->html.empty()) {
          own_page = page(request, http::status::ok, "text/html; charset=utf-8", std::move(view->html));
        } else {
          held = std::move(view->model);
          model = held.get();
          request.target(view->path + (query == std::string::npos ? "" : target.substr(query)));
        }
      }
      if (own_page) {
        stream.expires_after(kWriteTimeout);
        co_await http::async_write(stream, *own_page, net::redirect_error(net::use_awaitable, ec));
        if (ec || !own_page->keep_alive()) co_return;
        continue;
      }
      if (wants_event_stream(request)) {
        co_await stream_events(stream, request, *model);
        co_return;
      }
      RouteContext context{*model, desk_, token_, peer};
      HttpResponse response = answer(request, context);
      stream.expires_after(kWriteTimeout);
      co_await http::async_write(stream, response, net::redirect_error(net::use_awaitable, ec));
      if (ec || !response.keep_alive()) co_return;
    }
  }

  net::awaitable<void> write_error(beast::tcp_stream& stream, http::status status, const std::string& message) {
    HttpResponse response{status, 11};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    add_common_headers(response.base());
    response.keep_alive(false);
    response.body() = message + "\n";
    response.prepare_payload();
    error_code ec;
    stream.expires_after(kWriteTimeout);
    co_await http::async_write(stream, response, net::redirect_error(net::use_awaitable, ec));
  }

  net::awaitable<bool> write_text(beast::tcp_stream& stream, const std::string& text) {
    error_code ec;
    stream.expires_after(kWriteTimeout);  // a reader that stops taking data is dropped, never waited on
    co_await net::async_write(stream, net::buffer(text), net::redirect_error(net::use_awaitable, ec));
    co_return !ec;
  }

  // Server-Sent Events: the snapshot first, then an update at least once a second (sooner when
  // the campaign moved) and each event as its own message, until the reader goes.
  static HttpResponse page(const HttpRequest& request, http::status status, const char* content_type, std::string body) {
    HttpResponse response{status, request.version()};
    response.set(http::field::content_type, content_type);
    add_common_headers(response.base());
    response.keep_alive(request.keep_alive());
    const auto length = body.size();
    if (request.method() != http::verb::head) response.body() = std::move(body);
    response.prepare_payload();
    response.content_length(length);
    return response;
  }

  net::awaitable<void> stream_events(beast::tcp_stream& stream, const HttpRequest& request, LiveModel& model) {
    http::response<http::empty_body> head{http::status::ok, request.version()};
    head.set(http::field::content_type, "text/event-stream; charset=utf-8");
    add_common_headers(head.base());
    head.keep_alive(false);
    http::response_serializer<http::empty_body> serializer{head};
    error_code ec;
    stream.expires_after(kWriteTimeout);
    co_await http::async_write_header(stream, serializer, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    auto snapshot = model.snapshot_json();
    std::uint64_t point_cursor = snapshot["point_cursor"].get<std::uint64_t>();
    std::uint64_t event_cursor = snapshot["event_cursor"].get<std::uint64_t>();
    if (!co_await write_text(stream, "retry: 2000\n\n" + sse_message(snapshot))) co_return;
    net::steady_timer timer(stream.get_executor());
    auto last_update = std::chrono::steady_clock::now();
    for (;;) {
      timer.expires_after(kStreamPoll);
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      // Events as they happen (within a poll); the status and new points once a second.
      std::string batch;
      for (const auto& event : model.events_after(event_cursor)) batch += sse_message(event);
      const auto now = std::chrono::steady_clock::now();
      if (now - last_update >= kStreamUpdateEvery) {
        last_update = now;
        batch += sse_message(model.update_json(point_cursor, event_cursor));
      }
      if (batch.empty()) continue;
      if (!co_await write_text(stream, batch)) co_return;
    }
  }

  LiveModel& model_;
  OperatorDesk& desk_;
  const std::string token_;
  const ViewResolver resolver_;
  int open_connections_ = 0;  // the server's thread only; declared first: sessions' frames die with io_
  net::io_context io_;
  tcp::acceptor acceptor_;
  tcp::endpoint bound_;
  std::thread thread_;
};

LiveServer::LiveServer(const ListenAddress& address, LiveModel& model, OperatorDesk& desk, std::string token,
                       ViewResolver resolver)
    : impl_(std::make_unique<Impl>(address, model, desk, std::move(token), std::move(resolver))) {}

LiveServer::~LiveServer() = default;

std::string LiveServer::url() const { return impl_->url(); }

std::uint16_t LiveServer::port() const { return impl_->port(); }

}  // namespace ob::bench::live
