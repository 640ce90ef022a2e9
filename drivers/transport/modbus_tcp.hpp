#pragma once
// Modbus TCP client: libmodbus does the protocol (MBAP framing, function codes 3, 6 and 16,
// response checks); its calls block, so each client runs them on its own worker thread and hands
// the outcome back to the caller's executor, which is never blocked (see drivers/README.md).
//
//   - every request has a deadline (options.timeout for the whole request + response), given to
//     libmodbus as its response timeout and raced by an outer timer as a safety net; on a
//     timeout the connection is closed so a late response cannot answer the next request;
//   - a Modbus exception response becomes FaultKind::nak naming the exception code;
//   - a malformed response (libmodbus: invalid data, CRC, unit) is FaultKind::protocol and
//     closes the connection (framing lost);
//   - a lost link reconnects with back-off on the next request; a request that finds a stale
//     connection dead reconnects and is replayed once (reads and register writes are idempotent).
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/common/uri.hpp"
#include "drivers/common/async_mutex.hpp"
#include "drivers/common/fault.hpp"

namespace ob::drivers {

constexpr std::uint16_t kModbusTcpDefaultPort = 502;

class ModbusWorker;  // modbus_tcp.cpp: one client's libmodbus context and the thread its calls run on

enum class ModbusFunction : std::uint8_t {
  read_holding_registers = 3,
  write_single_register = 6,
  write_multiple_registers = 16,
};

// Pure framing, exposed for tests (the client itself frames through libmodbus). A PDU is function code + data; an ADU adds the 7-byte MBAP
// header (transaction id, protocol 0, length = unit id + PDU bytes, unit id). Big-endian.
std::vector<std::uint8_t> modbus_read_holding_pdu(std::uint16_t address, std::uint16_t count);
std::vector<std::uint8_t> modbus_write_single_pdu(std::uint16_t address, std::uint16_t value);
std::vector<std::uint8_t> modbus_write_multiple_pdu(std::uint16_t address, const std::vector<std::uint16_t>& values);
std::vector<std::uint8_t> modbus_adu(std::uint16_t transaction_id, std::uint8_t unit_id, const std::vector<std::uint8_t>& pdu);
// "illegal data address" for 2, ...; "unknown exception" otherwise.
const char* modbus_exception_name(std::uint8_t code);

struct ModbusTcpOptions {
  std::string instrument;  // station name, used in every Fault
  std::uint8_t unit_id = 1;
  std::chrono::milliseconds timeout{1000};
  int reconnect_attempts = 3;
  std::chrono::milliseconds reconnect_backoff{100};  // doubled per attempt
};

class ModbusTcpClient {
 public:
  ModbusTcpClient(asio::any_io_executor executor, std::string host, std::uint16_t port, ModbusTcpOptions options);
  ModbusTcpClient(const ModbusTcpClient&) = delete;
  ModbusTcpClient& operator=(const ModbusTcpClient&) = delete;
  ~ModbusTcpClient();  // waits for a libmodbus call still running on the worker (bounded by its timeout)

  // 0-based register addresses. count 1..125.
  asio::awaitable<Result<std::vector<std::uint16_t>>> read_holding_registers(std::uint16_t address, std::uint16_t count);
  asio::awaitable<Status> write_register(std::uint16_t address, std::uint16_t value);  // FC 6
  asio::awaitable<Status> write_registers(std::uint16_t address, std::vector<std::uint16_t> values);  // FC 16, 1..123

  const std::string& instrument() const { return options_.instrument; }
  std::string endpoint() const { return host_port(host_, port_); }
  std::uint64_t reconnect_count() const { return reconnects_; }
  const std::string& last_reconnect_reason() const { return last_reconnect_reason_; }
  bool is_open() const { return open_; }
  void close();

 private:
  // A blocking libmodbus call, run on the worker; returns its rc (-1 with errno set on failure)
  // and fills the registers a read returns.
  using Call = std::function<int(ModbusWorker&, std::vector<std::uint16_t>&)>;
  asio::awaitable<Result<std::vector<std::uint16_t>>> transact(Call call, std::string what);
  asio::awaitable<Result<std::vector<std::uint16_t>>> transact_once(const Call& call, const std::string& what);
  void trace_response(const Result<std::vector<std::uint16_t>>& response) const;  // drivers/common/trace.hpp
  asio::awaitable<Status> open();
  asio::awaitable<Status> reconnect();
  asio::awaitable<Status> connect_once();
  Fault fault(FaultKind kind, std::string detail) const { return Fault{kind, options_.instrument, std::move(detail)}; }

  asio::any_io_executor executor_;
  ModbusTcpOptions options_;
  AsyncMutex mutex_;
  std::string host_;
  std::uint16_t port_;
  std::unique_ptr<ModbusWorker> worker_;
  bool open_ = false;  // as last reported by the worker; the context itself is touched only there
  bool ever_connected_ = false;
  std::uint64_t reconnects_ = 0;
  std::string last_fault_;
  std::string last_reconnect_reason_;
};

}  // namespace ob::drivers
