#include "drivers/transport/tcp_line_client.hpp"

#include <asio/read_until.hpp>
#include <asio/write.hpp>
#include <utility>

#include "drivers/transport/deadline.hpp"
#include "drivers/transport/tcp_connect.hpp"

namespace ob::drivers {

using asio::ip::tcp;

TcpLineClient::TcpLineClient(asio::any_io_executor executor, LineOptions options)
    : LineTransport(executor, std::move(options)), socket_(executor) {}

TcpLineClient::TcpLineClient(asio::any_io_executor executor, LineOptions options, std::string host, std::uint16_t port)
    : LineTransport(executor, std::move(options)), socket_(executor), host_(std::move(host)), port_(port) {}

void TcpLineClient::close_endpoint() {
  asio::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

asio::awaitable<Status> TcpLineClient::connect(std::string host, std::uint16_t port) {
  close();
  host_ = std::move(host);
  port_ = port;
  co_return co_await open();
}

asio::awaitable<Status> TcpLineClient::open_endpoint(std::chrono::milliseconds timeout) {
  if (!has_endpoint()) co_return std::unexpected(fault(FaultKind::link_lost, "no host to connect to"));
  co_return co_await connect_tcp(socket_, host_, port_, timeout, options().instrument);
}

asio::awaitable<LineTransport::IoOutcome> TcpLineClient::write_all(asio::const_buffer bytes) {
  co_return co_await asio::async_write(socket_, bytes, kNoThrow);
}

asio::awaitable<LineTransport::IoOutcome> TcpLineClient::read_until_newline(std::string& rx, std::size_t max) {
  co_return co_await asio::async_read_until(socket_, asio::dynamic_buffer(rx, max), '\n', kNoThrow);
}

}  // namespace ob::drivers
