#pragma once
// LineTransport over a serial port (asio::serial_port): RS-232 SCPI supplies, Espec
// controllers on RS-232/485. Opening sets 8N1, no flow control, the given baud rate (raw mode)
// and discards whatever the device sent while nobody listened, so a reply that arrived after
// a timeout is never read as the answer to the next command. "Reconnect" = close + reopen the
// device with LineTransport's back-off (a USB adapter unplugged and plugged back in).
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/serial_port.hpp>
#include <string>

#include "drivers/transport/line_transport.hpp"

namespace ob::drivers {

constexpr unsigned kSerialDefaultBaud = 9600;

// Baud rates accepted by open() (the POSIX termios set from 1200 up).
bool is_standard_baud(unsigned baud);

class SerialLineClient final : public LineTransport {
 public:
  SerialLineClient(asio::any_io_executor executor, LineOptions options, std::string device,
                   unsigned baud = kSerialDefaultBaud);

  bool is_open() const override { return port_.is_open(); }
  bool has_endpoint() const override { return !device_.empty(); }
  std::string endpoint() const override { return device_; }
  unsigned baud() const { return baud_; }

 protected:
  asio::awaitable<Status> open_endpoint(std::chrono::milliseconds timeout) override;
  void close_endpoint() override;
  asio::awaitable<IoOutcome> write_all(asio::const_buffer bytes) override;
  asio::awaitable<IoOutcome> read_until_newline(std::string& rx, std::size_t max) override;

 private:
  asio::serial_port port_;
  std::string device_;
  unsigned baud_;
};

}  // namespace ob::drivers
