#pragma once
// LineTransport over TCP (SCPI raw socket, Espec): resolve (numeric addresses skip the
// resolver) + connect within the deadline via connect_tcp. Framing, deadlines, faults and the
// reconnect back-off are LineTransport's (line_transport.hpp).
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <string>

#include "drivers/common/uri.hpp"
#include "drivers/transport/line_transport.hpp"

namespace ob::drivers {

using TcpLineOptions = LineOptions;

class TcpLineClient final : public LineTransport {
 public:
  TcpLineClient(asio::any_io_executor executor, LineOptions options);
  // With the endpoint known up front: open() connects to it.
  TcpLineClient(asio::any_io_executor executor, LineOptions options, std::string host, std::uint16_t port);

  // Connects within options().timeout and remembers host and port for open() / reconnect().
  asio::awaitable<Status> connect(std::string host, std::uint16_t port);

  bool is_open() const override { return socket_.is_open(); }
  bool has_endpoint() const override { return !host_.empty(); }
  std::string endpoint() const override { return host_port(host_, port_); }

 protected:
  asio::awaitable<Status> open_endpoint(std::chrono::milliseconds timeout) override;
  void close_endpoint() override;
  asio::awaitable<IoOutcome> write_all(asio::const_buffer bytes) override;
  asio::awaitable<IoOutcome> read_until_newline(std::string& rx, std::size_t max) override;

 private:
  asio::ip::tcp::socket socket_;
  std::string host_;
  std::uint16_t port_ = 0;
};

}  // namespace ob::drivers
