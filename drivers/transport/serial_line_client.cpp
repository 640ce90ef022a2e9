#include "drivers/transport/serial_line_client.hpp"

#include <termios.h>

#include <algorithm>
#include <array>
#include <asio/read_until.hpp>
#include <asio/write.hpp>
#include <utility>

#include "drivers/transport/deadline.hpp"

namespace ob::drivers {
namespace {

constexpr std::array<unsigned, 9> kStandardBauds{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400};

}  // namespace

bool is_standard_baud(unsigned baud) { return std::ranges::find(kStandardBauds, baud) != kStandardBauds.end(); }

SerialLineClient::SerialLineClient(asio::any_io_executor executor, LineOptions options, std::string device, unsigned baud)
    : LineTransport(executor, std::move(options)), port_(executor), device_(std::move(device)), baud_(baud) {}

void SerialLineClient::close_endpoint() {
  asio::error_code ignored;
  port_.close(ignored);
}

// Opening a tty with O_NONBLOCK (as asio does) returns at once, so the deadline is not needed
// here; configuring it is a few ioctls.
asio::awaitable<Status> SerialLineClient::open_endpoint(std::chrono::milliseconds) {
  asio::error_code ec;
  port_.open(device_, ec);
  if (ec) co_return std::unexpected(fault(FaultKind::link_lost, "cannot open " + device_ + ": " + ec.message()));
  const auto set = [this, &ec](const auto& option) {
    if (!ec) port_.set_option(option, ec);
  };
  set(asio::serial_port::baud_rate(baud_));
  set(asio::serial_port::character_size(8));
  set(asio::serial_port::parity(asio::serial_port::parity::none));
  set(asio::serial_port::stop_bits(asio::serial_port::stop_bits::one));
  set(asio::serial_port::flow_control(asio::serial_port::flow_control::none));
  if (!ec && ::tcflush(port_.native_handle(), TCIOFLUSH) != 0) ec = asio::error_code(errno, asio::system_category());
  if (ec) {
    close_endpoint();
    co_return std::unexpected(
        fault(FaultKind::link_lost, "cannot configure " + device_ + " (" + std::to_string(baud_) + " 8N1): " + ec.message()));
  }
  co_return Status{};
}

asio::awaitable<LineTransport::IoOutcome> SerialLineClient::write_all(asio::const_buffer bytes) {
  co_return co_await asio::async_write(port_, bytes, kNoThrow);
}

asio::awaitable<LineTransport::IoOutcome> SerialLineClient::read_until_newline(std::string& rx, std::size_t max) {
  co_return co_await asio::async_read_until(port_, asio::dynamic_buffer(rx, max), '\n', kNoThrow);
}

}  // namespace ob::drivers
