#include "bench/perf/live_view_load.hpp"

#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange without including it

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

namespace ob::bench::perf {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// A connection to the view with `GET path` sent on it.
beast::tcp_stream send_get(net::io_context& io, const std::string& host, std::uint16_t port, const char* path) {
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(net::ip::make_address(host), port));
  http::request<http::empty_body> request{http::verb::get, path, 11};
  request.set(http::field::host, host);
  http::write(stream, request);
  return stream;
}

}  // namespace

LiveViewLoad::LiveViewLoad(std::string host, std::uint16_t port) : host_(std::move(host)), port_(port) {
  stream_thread_ = std::thread([this] { read_stream(); });
  scrape_thread_ = std::thread([this] { scrape_metrics(); });
}

LiveViewLoad::~LiveViewLoad() { stop(); }

void LiveViewLoad::stop() {
  stopping_ = true;
  if (stream_thread_.joinable()) stream_thread_.join();
  if (scrape_thread_.joinable()) scrape_thread_.join();
}

void LiveViewLoad::read_stream() {
  try {
    net::io_context io;
    auto stream = send_get(io, host_, port_, "/events");
    char buffer[16384];
    while (!stopping_) {
      // The server writes at least once a second: a read never waits long.
      stream.expires_after(std::chrono::seconds(5));
      beast::error_code ec;
      const auto got = stream.socket().read_some(net::buffer(buffer), ec);
      if (ec) return;
      stream_bytes_ += got;
    }
  } catch (const std::exception&) {
    // The campaign's server went: nothing more to read.
  }
}

void LiveViewLoad::scrape_metrics() {
  while (!stopping_) {
    try {
      net::io_context io;
      auto stream = send_get(io, host_, port_, "/metrics");
      beast::flat_buffer buffer;
      http::response<http::string_body> response;
      http::read(stream, buffer, response);
      if (response.result() == http::status::ok) ++scrapes_;
    } catch (const std::exception&) {
    }
    for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace ob::bench::perf
