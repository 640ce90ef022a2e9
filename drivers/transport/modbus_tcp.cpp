#include "drivers/transport/modbus_tcp.hpp"

#include <modbus/modbus.h>

#include <algorithm>
#include <asio/execution/outstanding_work.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <cerrno>
#include <utility>

#include "drivers/common/trace.hpp"
#include "drivers/transport/deadline.hpp"

namespace ob::drivers {
namespace {

constexpr std::size_t kMbapBytes = 7;
constexpr std::uint16_t kMaxReadCount = 125;
constexpr std::uint16_t kMaxWriteCount = 123;
// The outer timer fires this long after the deadline handed to libmodbus: a safety net for a
// call that overruns its own timeout, never the normal way a request times out.
constexpr std::chrono::milliseconds kSafetyMargin{250};

void put16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
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

// One client's libmodbus context and the one thread that touches it: calls are queued, so they
// run one at a time and in order, even after the caller gave up on one through the safety net.
class ModbusWorker {
 public:
  ModbusWorker(std::string host, std::uint16_t port) : host_(std::move(host)), service_(std::to_string(port)) {}
  ModbusWorker(const ModbusWorker&) = delete;
  ModbusWorker& operator=(const ModbusWorker&) = delete;
  ~ModbusWorker() {
    pool_.stop();  // drops queued calls; the running one (bounded by its timeout) completes
    pool_.join();
    drop();
  }

  asio::thread_pool& pool() { return pool_; }
  modbus_t* context() const { return context_; }

  // On the worker: a fresh context connected to the endpoint; -1 with errno set on failure.
  int connect(std::uint8_t unit, std::chrono::milliseconds timeout) {
    drop();
    context_ = modbus_new_tcp_pi(host_.c_str(), service_.c_str());  // resolves host names too
    if (context_ == nullptr) return -1;
    modbus_set_slave(context_, unit);
    set_timeout(timeout);
    if (modbus_connect(context_) == -1) {
      const int error = errno;
      drop();
      errno = error;
      return -1;
    }
    return 0;
  }

  void set_timeout(std::chrono::milliseconds timeout) {
    const auto ms = static_cast<std::uint32_t>(std::max<std::chrono::milliseconds::rep>(timeout.count(), 1));
    modbus_set_response_timeout(context_, ms / 1000, (ms % 1000) * 1000);
    modbus_set_byte_timeout(context_, ms / 1000, (ms % 1000) * 1000);
  }

  void drop() {
    if (context_ == nullptr) return;
    modbus_close(context_);
    modbus_free(context_);
    context_ = nullptr;
  }

 private:
  std::string host_;
  std::string service_;
  modbus_t* context_ = nullptr;
  asio::thread_pool pool_{1};
};

namespace {

struct Outcome {
  int rc = -1;
  int error = 0;  // errno when rc == -1
  std::vector<std::uint16_t> registers;
};

using OutcomeChannel = asio::experimental::channel<void(asio::error_code, Outcome)>;

// Runs `work` on the worker and waits (suspended, never blocking `caller`) for its outcome,
// which is handed back through a channel on the caller's executor; nullopt when the safety-net
// deadline came first (the call still completes on the worker, and its outcome is dropped).
template <class F>
asio::awaitable<std::optional<Outcome>> on_worker(const asio::any_io_executor& caller, ModbusWorker& worker,
                                                  SteadyClock::time_point deadline, F work) {
  auto channel = std::make_shared<OutcomeChannel>(caller, 1);
  auto home = asio::prefer(caller, asio::execution::outstanding_work.tracked);  // keeps the caller's io_context running
  asio::post(worker.pool(), [&worker, channel, home, work = std::move(work)]() mutable {
    Outcome outcome = work(worker);
    asio::post(home, [channel, outcome = std::move(outcome)]() mutable {
      channel->try_send(asio::error_code{}, std::move(outcome));
    });
  });
  auto receive = [](std::shared_ptr<OutcomeChannel> from) -> asio::awaitable<Outcome> {
    auto [ec, outcome] = co_await from->async_receive(kNoThrow);
    (void)ec;
    co_return std::move(outcome);
  };
  co_return co_await before(deadline, receive(channel));
}

bool is_exception(int error) { return error > MODBUS_ENOBASE && error < MODBUS_ENOBASE + MODBUS_EXCEPTION_MAX; }

bool is_malformed(int error) {
  return error == EMBBADCRC || error == EMBBADDATA || error == EMBBADEXC || error == EMBUNKEXC || error == EMBMDATA ||
         error == EMBBADSLAVE;
}

}  // namespace

ModbusTcpClient::ModbusTcpClient(asio::any_io_executor executor, std::string host, std::uint16_t port,
                                 ModbusTcpOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      mutex_(executor_),
      host_(std::move(host)),
      port_(port),
      worker_(std::make_unique<ModbusWorker>(host_, port_)) {}

ModbusTcpClient::~ModbusTcpClient() = default;

void ModbusTcpClient::close() {
  open_ = false;
  asio::post(worker_->pool(), [worker = worker_.get()] { worker->drop(); });
}

asio::awaitable<Status> ModbusTcpClient::connect_once() {
  const auto timeout = options_.timeout;
  const auto unit = options_.unit_id;
  // (Lambdas are named locals, never temporaries inside a co_await: GCC 12 destroys such
  // temporaries twice.)
  auto work = [timeout, unit](ModbusWorker& worker) {
    Outcome result;
    result.rc = worker.connect(unit, timeout);
    if (result.rc == -1) result.error = errno;
    return result;
  };
  auto outcome = co_await on_worker(executor_, *worker_, SteadyClock::now() + timeout + kSafetyMargin, std::move(work));
  const auto within = " within " + std::to_string(timeout.count()) + " ms";
  if (!outcome) {
    close();
    co_return fail(FaultKind::timeout, options_.instrument, "no connection to " + endpoint() + within);
  }
  if (outcome->rc == -1) {
    if (outcome->error == ETIMEDOUT || outcome->error == EINPROGRESS) {
      co_return fail(FaultKind::timeout, options_.instrument, "no connection to " + endpoint() + within);
    }
    co_return fail(FaultKind::link_lost, options_.instrument,
                   "cannot connect to " + endpoint() + ": " + modbus_strerror(outcome->error));
  }
  open_ = true;
  co_return Status{};
}

asio::awaitable<Status> ModbusTcpClient::open() {
  if (open_) co_return Status{};
  if (!ever_connected_) {
    auto connected = co_await connect_once();
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
    auto connected = co_await connect_once();
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

asio::awaitable<Result<std::vector<std::uint16_t>>> ModbusTcpClient::transact_once(const Call& call,
                                                                                   const std::string& what) {
  const auto deadline = SteadyClock::now() + options_.timeout;
  const auto within = " within " + std::to_string(options_.timeout.count()) + " ms";
  auto work = [call, deadline](ModbusWorker& worker) {
    Outcome result;
    if (worker.context() == nullptr) {  // closed since the caller last saw it open
      result.error = ENOTCONN;
      return result;
    }
    worker.set_timeout(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()));
    result.rc = call(worker, result.registers);
    if (result.rc == -1) result.error = errno;
    return result;
  };
  auto outcome = co_await on_worker(executor_, *worker_, deadline + kSafetyMargin, std::move(work));
  if (!outcome) {
    close();
    co_return fail(FaultKind::timeout, options_.instrument, "no response to " + what + within);
  }
  if (outcome->rc != -1) co_return std::move(outcome->registers);
  const int error = outcome->error;
  if (is_exception(error)) {
    const auto code = static_cast<std::uint8_t>(error - MODBUS_ENOBASE);
    co_return fail(FaultKind::nak, options_.instrument,
                   what + " -> Modbus exception " + std::to_string(code) + " (" + modbus_exception_name(code) + ")");
  }
  close();
  if (error == ETIMEDOUT) co_return fail(FaultKind::timeout, options_.instrument, "no response to " + what + within);
  if (is_malformed(error)) {
    co_return fail(FaultKind::protocol, options_.instrument,
                   "malformed response to " + what + ": " + modbus_strerror(error));
  }
  co_return fail(FaultKind::link_lost, options_.instrument,
                 std::string(modbus_strerror(error)) + " (" + endpoint() + ") during " + what);
}

void ModbusTcpClient::trace_response(const Result<std::vector<std::uint16_t>>& response) const {
  if (!trace_enabled()) return;
  if (!response) {
    trace(options_.instrument, TraceDirection::failed, response.error().message());
    return;
  }
  std::string words = "registers [";
  for (std::size_t i = 0; i < response->size(); ++i) words += (i ? " " : "") + std::to_string((*response)[i]);
  trace(options_.instrument, TraceDirection::received, words + "]");
}

asio::awaitable<Result<std::vector<std::uint16_t>>> ModbusTcpClient::transact(Call call, std::string what) {
  auto guard = co_await mutex_.lock();
  const bool was_open = open_;
  auto opened = co_await open();
  if (!opened) {
    last_fault_ = opened.error().message();
    co_return std::unexpected(std::move(opened.error()));
  }
  trace(options_.instrument, TraceDirection::sent, what);
  auto response = co_await transact_once(call, what);
  trace_response(response);
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
  trace(options_.instrument, TraceDirection::sent, what + " (replayed)");
  response = co_await transact_once(call, what);
  trace_response(response);
  if (!response && response.error().kind != FaultKind::nak) last_fault_ = response.error().message();
  co_return response;
}

asio::awaitable<Result<std::vector<std::uint16_t>>> ModbusTcpClient::read_holding_registers(std::uint16_t address,
                                                                                          std::uint16_t count) {
  const std::string what = "read of register " + range_text(address, count);
  if (count < 1 || count > kMaxReadCount) co_return fail(FaultKind::out_of_range, options_.instrument, what + ": count must be 1..125");
  Call call = [address, count](ModbusWorker& worker, std::vector<std::uint16_t>& registers) {
    registers.assign(count, 0);
    const int rc = modbus_read_registers(worker.context(), address, count, registers.data());
    if (rc != -1 && rc != count) {  // libmodbus checks the count; belt and braces
      errno = EMBBADDATA;
      return -1;
    }
    return rc;
  };
  auto response = co_await transact(std::move(call), what);
  if (!response) co_return std::unexpected(std::move(response.error()));
  co_return std::move(*response);
}

asio::awaitable<Status> ModbusTcpClient::write_register(std::uint16_t address, std::uint16_t value) {
  const std::string what = "write of " + std::to_string(value) + " to register " + std::to_string(address);
  Call call = [address, value](ModbusWorker& worker, std::vector<std::uint16_t>&) {
    return modbus_write_register(worker.context(), address, value);
  };
  auto response = co_await transact(std::move(call), what);
  if (!response) co_return std::unexpected(std::move(response.error()));
  co_return Status{};
}

asio::awaitable<Status> ModbusTcpClient::write_registers(std::uint16_t address, std::vector<std::uint16_t> values) {
  std::string what = "write of register " + range_text(address, values.size());
  if (!values.empty() && values.size() <= kMaxWriteCount) {
    what += " [";
    for (std::size_t i = 0; i < values.size(); ++i) what += (i ? " " : "") + std::to_string(values[i]);
    what += "]";
  }
  if (values.empty() || values.size() > kMaxWriteCount) {
    co_return fail(FaultKind::out_of_range, options_.instrument, what + ": count must be 1..123");
  }
  Call call = [address, values = std::move(values)](ModbusWorker& worker, std::vector<std::uint16_t>&) {
    return modbus_write_registers(worker.context(), address, static_cast<int>(values.size()), values.data());
  };
  auto response = co_await transact(std::move(call), what);
  if (!response) co_return std::unexpected(std::move(response.error()));
  co_return Status{};
}

}  // namespace ob::drivers
