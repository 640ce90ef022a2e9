#include "drivers/transport/modbus_tcp.hpp"

#include <array>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <tuple>
#include <utility>

#include "drivers/transport/deadline.hpp"
#include "drivers/transport/tcp_connect.hpp"

namespace ob::drivers {
namespace {

constexpr std::size_t kMbapBytes = 7;
constexpr std::uint16_t kMaxReadCount = 125;
constexpr std::uint16_t kMaxWriteCount = 123;
constexpr std::uint16_t kMaxMbapLength = 254;  // unit id + the largest PDU (253)
constexpr std::uint8_t kExceptionFlag = 0x80;

void put16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

std::uint16_t get16(const std::uint8_t* bytes) {
  return static_cast<std::uint16_t>((static_cast<unsigned>(bytes[0]) << 8) | bytes[1]);
}

std::string range_text(std::uint16_t address, std::size_t count) {
  return std::to_string(address) + (count > 1 ? ".." + std::to_string(address + count - 1) : std::string());
}

}  // namespace

std::vector<std::uint8_t> modbus_read_holding_pdu(std::uint16_t address, std::uint16_t count) {
  std::vector<std::uint8_t> pdu{static_cast<std::uint8_t>(ModbusFunction::read_holding_registers)};
  put16(pdu, address);
  put16(pdu, count);
  return pdu;
}

std::vector<std::uint8_t> modbus_write_single_pdu(std::uint16_t address, std::uint16_t value) {
  std::vector<std::uint8_t> pdu{static_cast<std::uint8_t>(ModbusFunction::write_single_register)};
  put16(pdu, address);
  put16(pdu, value);
  return pdu;
}

std::vector<std::uint8_t> modbus_write_multiple_pdu(std::uint16_t address, const std::vector<std::uint16_t>& values) {
  std::vector<std::uint8_t> pdu{static_cast<std::uint8_t>(ModbusFunction::write_multiple_registers)};
  put16(pdu, address);
  put16(pdu, static_cast<std::uint16_t>(values.size()));
  pdu.push_back(static_cast<std::uint8_t>(values.size() * 2));
  for (auto value : values) put16(pdu, value);
  return pdu;
}

std::vector<std::uint8_t> modbus_adu(std::uint16_t transaction_id, std::uint8_t unit_id, const std::vector<std::uint8_t>& pdu) {
  std::vector<std::uint8_t> adu;
  adu.reserve(kMbapBytes + pdu.size());
  put16(adu, transaction_id);
  put16(adu, 0);  // protocol id: Modbus
  put16(adu, static_cast<std::uint16_t>(pdu.size() + 1));
  adu.push_back(unit_id);
  adu.insert(adu.end(), pdu.begin(), pdu.end());
  return adu;
}

const char* modbus_exception_name(std::uint8_t code) {
  switch (code) {
    case 1:
      return "illegal function";
    case 2:
      return "illegal data address";
    case 3:
      return "illegal data value";
    case 4:
      return "server device failure";
    case 5:
      return "acknowledge";
    case 6:
      return "server device busy";
    case 8:
      return "memory parity error";
    case 10:
      return "gateway path unavailable";
    case 11:
      return "gateway target device failed to respond";
    default:
      return "unknown exception";
  }
}

ModbusTcpClient::ModbusTcpClient(asio::any_io_executor executor, std::string host, std::uint16_t port,
                                 ModbusTcpOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      socket_(executor_),
      mutex_(executor_),
      host_(std::move(host)),
      port_(port) {}

void ModbusTcpClient::close() {
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

asio::awaitable<Status> ModbusTcpClient::open() {
  if (socket_.is_open()) co_return Status{};
  if (!ever_connected_) {
    auto connected = co_await connect_tcp(socket_, host_, port_, options_.timeout, options_.instrument);
    if (connected) ever_connected_ = true;
    co_return connected;
  }
  co_return co_await reconnect();
}

asio::awaitable<Status> ModbusTcpClient::reconnect() {
  close();
  auto backoff = options_.reconnect_backoff;
  Fault last = fault(FaultKind::link_lost, "no reconnect attempt made");
  const int attempts = options_.reconnect_attempts < 1 ? 1 : options_.reconnect_attempts;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    asio::steady_timer pause(executor_, backoff);
    co_await pause.async_wait(kNoThrow);
    backoff *= 2;
    auto connected = co_await connect_tcp(socket_, host_, port_, options_.timeout, options_.instrument);
    if (connected) {
      ++reconnects_;
      last_reconnect_reason_ = last_fault_.empty() ? "connection was closed" : last_fault_;
      co_return Status{};
    }
    last = std::move(connected.error());
  }
  last.detail = "gave up after " + std::to_string(attempts) + " reconnect attempts: " + last.detail;
  co_return std::unexpected(std::move(last));
}

asio::awaitable<Result<std::vector<std::uint8_t>>> ModbusTcpClient::transact_once(const std::vector<std::uint8_t>& pdu,
                                                                                  const std::string& what) {
  const std::uint16_t transaction = next_transaction_++;
  const auto request = modbus_adu(transaction, options_.unit_id, pdu);
  const auto deadline = SteadyClock::now() + options_.timeout;
  const auto within = " within " + std::to_string(options_.timeout.count()) + " ms";
  auto lost = [&](const asio::error_code& ec, const char* while_doing) {
    close();
    const bool by_peer = ec == asio::error::eof || ec == asio::error::connection_reset;
    return fault(FaultKind::link_lost, (by_peer ? "connection closed by " + endpoint() : ec.message() + " (" + endpoint() + ")") +
                                           " " + while_doing + " " + what);
  };

  auto write_op = [this, &request]() -> asio::awaitable<asio::error_code> {
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(request), kNoThrow);
    (void)n;
    co_return ec;
  };
  auto written = co_await before(deadline, write_op());
  if (!written) {
    close();
    co_return fail(FaultKind::timeout, options_.instrument, "could not send " + what + within);
  }
  if (*written) co_return std::unexpected(lost(*written, "while sending"));

  std::array<std::uint8_t, kMbapBytes> header{};
  auto read_header = [this, &header]() -> asio::awaitable<asio::error_code> {
    auto [ec, n] = co_await asio::async_read(socket_, asio::buffer(header), kNoThrow);
    (void)n;
    co_return ec;
  };
  auto got_header = co_await before(deadline, read_header());
  if (!got_header) {
    close();
    co_return fail(FaultKind::timeout, options_.instrument, "no response to " + what + within);
  }
  if (*got_header) co_return std::unexpected(lost(*got_header, "while waiting for the response to"));
  const auto length = get16(&header[4]);
  if (get16(&header[0]) != transaction || get16(&header[2]) != 0 || length < 2 || length > kMaxMbapLength ||
      header[6] != options_.unit_id) {
    close();
    co_return fail(FaultKind::protocol, options_.instrument,
                   "malformed MBAP header in the response to " + what + " (transaction " + std::to_string(get16(&header[0])) +
                       ", expected " + std::to_string(transaction) + "; length " + std::to_string(length) + "; unit " +
                       std::to_string(header[6]) + ")");
  }
  std::vector<std::uint8_t> response(length - 1U);
  auto read_body = [this, &response]() -> asio::awaitable<asio::error_code> {
    auto [ec, n] = co_await asio::async_read(socket_, asio::buffer(response), kNoThrow);
    (void)n;
    co_return ec;
  };
  auto got_body = co_await before(deadline, read_body());
  if (!got_body) {
    close();
    co_return fail(FaultKind::timeout, options_.instrument, "incomplete response to " + what + within);
  }
  if (*got_body) co_return std::unexpected(lost(*got_body, "while reading the response to"));
  if (response[0] == (pdu[0] | kExceptionFlag)) {
    const std::uint8_t code = response.size() >= 2 ? response[1] : 0;
    co_return fail(FaultKind::nak, options_.instrument,
                   what + " -> Modbus exception " + std::to_string(code) + " (" + modbus_exception_name(code) + ")");
  }
  if (response[0] != pdu[0]) {
    close();
    co_return fail(FaultKind::protocol, options_.instrument,
                   "response to " + what + " has function code " + std::to_string(response[0]));
  }
  co_return response;
}

asio::awaitable<Result<std::vector<std::uint8_t>>> ModbusTcpClient::transact(std::vector<std::uint8_t> pdu, std::string what) {
  auto guard = co_await mutex_.lock();
  const bool was_open = socket_.is_open();
  auto opened = co_await open();
  if (!opened) {
    last_fault_ = opened.error().message();
    co_return std::unexpected(std::move(opened.error()));
  }
  auto response = co_await transact_once(pdu, what);
  if (response || response.error().kind != FaultKind::link_lost || !was_open) {
    if (!response && response.error().kind != FaultKind::nak) last_fault_ = response.error().message();
    co_return response;
  }
  last_fault_ = "connection found dead when reused (" + response.error().message() + "); replayed";
  auto reopened = co_await reconnect();
  if (!reopened) {
    last_fault_ = reopened.error().message();
    co_return std::unexpected(std::move(reopened.error()));
  }
  response = co_await transact_once(pdu, what);
  if (!response && response.error().kind != FaultKind::nak) last_fault_ = response.error().message();
  co_return response;
}

asio::awaitable<Result<std::vector<std::uint16_t>>> ModbusTcpClient::read_holding_registers(std::uint16_t address,
                                                                                          std::uint16_t count) {
  const std::string what = "read of register " + range_text(address, count);
  if (count < 1 || count > kMaxReadCount) co_return fail(FaultKind::out_of_range, options_.instrument, what + ": count must be 1..125");
  auto response = co_await transact(modbus_read_holding_pdu(address, count), what);
  if (!response) co_return std::unexpected(std::move(response.error()));
  const auto& bytes = *response;
  if (bytes.size() != 2U + 2U * count || bytes[1] != 2U * count) {
    close();
    co_return fail(FaultKind::protocol, options_.instrument,
                   "response to " + what + " carries " + std::to_string(bytes.size() < 2 ? 0 : bytes[1]) + " bytes, expected " +
                       std::to_string(2 * count));
  }
  std::vector<std::uint16_t> registers;
  registers.reserve(count);
  for (std::size_t i = 0; i < count; ++i) registers.push_back(get16(&bytes[2 + 2 * i]));
  co_return registers;
}

asio::awaitable<Status> ModbusTcpClient::write_register(std::uint16_t address, std::uint16_t value) {
  const std::string what = "write of " + std::to_string(value) + " to register " + std::to_string(address);
  const auto pdu = modbus_write_single_pdu(address, value);
  auto response = co_await transact(pdu, what);
  if (!response) co_return std::unexpected(std::move(response.error()));
  if (*response != pdu) {  // FC 6 echoes the request
    close();
    co_return fail(FaultKind::protocol, options_.instrument, "response to " + what + " is not its echo");
  }
  co_return Status{};
}

asio::awaitable<Status> ModbusTcpClient::write_registers(std::uint16_t address, std::vector<std::uint16_t> values) {
  const std::string what = "write of register " + range_text(address, values.size());
  if (values.empty() || values.size() > kMaxWriteCount) {
    co_return fail(FaultKind::out_of_range, options_.instrument, what + ": count must be 1..123");
  }
  auto response = co_await transact(modbus_write_multiple_pdu(address, values), what);
  if (!response) co_return std::unexpected(std::move(response.error()));
  const auto& bytes = *response;
  if (bytes.size() != 5 || get16(&bytes[1]) != address || get16(&bytes[3]) != values.size()) {
    close();
    co_return fail(FaultKind::protocol, options_.instrument, "response to " + what + " does not confirm address and count");
  }
  co_return Status{};
}

}  // namespace ob::drivers
