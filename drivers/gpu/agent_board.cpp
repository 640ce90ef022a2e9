#include "drivers/gpu/agent_board.hpp"

#include <asio/connect.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <stdexcept>

#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent_frame.hpp"
#include "ob/version.hpp"

namespace ob::drivers {
namespace {

using asio::ip::tcp;
namespace apb = ob::agent::pb;
using namespace asio::experimental::awaitable_operators;

class AgentGpuBoard final : public GpuBoard {
 public:
  AgentGpuBoard(asio::any_io_executor executor, std::string name, std::string host, std::uint16_t port,
                GpuBoardOptions options)
      : executor_(std::move(executor)),
        name_(std::move(name)),
        host_(std::move(host)),
        port_(port),
        options_(std::move(options)),
        socket_(executor_) {}

  asio::awaitable<Result<Identity>> configure() override {
    if (auto status = co_await connect(); !status) co_return std::unexpected(status.error());
    apb::Request request;
    auto* hello = request.mutable_hello();
    hello->set_client(std::string("orbitbench/") + kVersion);
    hello->set_gpu_index(options_.gpu_index);
    hello->set_token(options_.token);
    hello->set_protocol_version(agent::kProtocolVersion);
    auto response = co_await exchange(request, "hello");
    if (!response) co_return std::unexpected(response.error());
    if (!response->has_hello()) co_return fail(FaultKind::protocol, name_, "hello answered without HelloReply");
    const auto& reply = response->hello();
    spec_.name = reply.name();
    spec_.uuid = reply.uuid();
    spec_.power_limit_min_w = reply.power_limit_min_w();
    spec_.power_limit_max_w = reply.power_limit_max_w();
    spec_.power_limit_default_w = reply.power_limit_default_w();
    if (spec_.power_limit_min_w <= 0 || spec_.power_limit_max_w < spec_.power_limit_min_w) {
      co_return fail(FaultKind::protocol, name_, "agent reported an invalid power limit range");
    }
    configured_ = true;
    co_return Identity{reply.vendor(), reply.name(), reply.serial().empty() ? reply.uuid() : reply.serial(),
                       reply.driver_version()};
  }

  GpuSpec spec() const override { return spec_; }

  asio::awaitable<Status> set_power_cap(double power_w) override {
    if (!configured_) co_return fail(FaultKind::protocol, name_, "set_power_cap before configure");
    if (power_w < spec_.power_limit_min_w || power_w > spec_.power_limit_max_w) {
      co_return fail(FaultKind::out_of_range, name_,
                     "power cap " + std::to_string(power_w) + " W outside the board's " +
                         std::to_string(spec_.power_limit_min_w) + "–" + std::to_string(spec_.power_limit_max_w) + " W");
    }
    apb::Request request;
    request.mutable_set_power_cap()->set_power_w(power_w);
    co_return expect_ack(co_await exchange(request, "set_power_cap"), "set_power_cap");
  }

  asio::awaitable<Status> start_workload(const WorkloadSpec& workload) override {
    apb::Request request;
    auto* body = request.mutable_start_workload()->mutable_workload();
    body->set_kind(workload.kind);
    body->set_dtype(workload.dtype);
    body->set_size(workload.size);
    co_return expect_ack(co_await exchange(request, "start_workload"), "start_workload");
  }

  asio::awaitable<Status> stop_workload() override {
    apb::Request request;
    request.mutable_stop_workload();
    co_return expect_ack(co_await exchange(request, "stop_workload"), "stop_workload");
  }

  asio::awaitable<Result<GpuTelemetry>> read_telemetry() override {
    apb::Request request;
    request.mutable_read_telemetry();
    auto response = co_await exchange(request, "read_telemetry");
    if (!response) co_return std::unexpected(response.error());
    if (!response->has_telemetry()) co_return fail(FaultKind::protocol, name_, "read_telemetry answered without Telemetry");
    const auto& t = response->telemetry();
    GpuTelemetry out;
    out.board_time_s = t.board_time_s();
    out.power_w = t.power_w();
    out.gpu_temp_c = t.gpu_temp_c();
    out.mem_temp_c = t.mem_temp_c();
    out.sm_clock_mhz = t.sm_clock_mhz();
    out.mem_clock_mhz = t.mem_clock_mhz();
    out.clock_event_reasons = t.clock_event_reasons();
    out.power_limit_w = t.power_limit_w();
    out.utilization_pct = t.utilization_pct();
    out.tflops = t.tflops();
    out.energy_j = t.energy_j();
    out.ecc_corrected = t.ecc_corrected();
    out.ecc_uncorrected = t.ecc_uncorrected();
    out.sdc_count = t.sdc_count();
    out.workload_running = t.workload_running();
    co_return out;
  }

  asio::awaitable<Status> safe_state() override {
    if (!socket_.is_open()) {
      // A lost link: reconnect and identify again so the stop reaches the board.
      if (auto identity = co_await configure(); !identity) co_return std::unexpected(identity.error());
    }
    auto stopped = co_await stop_workload();
    if (!stopped) co_return stopped;
    if (spec_.power_limit_default_w > 0) {
      co_return co_await set_power_cap(spec_.power_limit_default_w);
    }
    co_return Status{};
  }

 private:
  asio::awaitable<Status> connect() {
    socket_.close();
    asio::steady_timer deadline(executor_, options_.timeout);
    tcp::resolver resolver(executor_);
    std::error_code ec;
    auto endpoints = co_await resolver.async_resolve(host_, std::to_string(port_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return fail(FaultKind::link_lost, name_, "cannot resolve " + host_ + ": " + ec.message());
    auto outcome = co_await (asio::async_connect(socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec)) ||
                             deadline.async_wait(asio::use_awaitable));
    if (outcome.index() == 1) {
      socket_.close();
      co_return fail(FaultKind::timeout, name_, "connect to " + host_ + ":" + std::to_string(port_) + " timed out");
    }
    if (ec) {
      socket_.close();
      co_return fail(FaultKind::link_lost, name_, "connect to " + host_ + ":" + std::to_string(port_) + ": " + ec.message());
    }
    socket_.set_option(tcp::no_delay(true));
    co_return Status{};
  }

  // Sends one request and waits for the response with the same seq, within the deadline.
  asio::awaitable<Result<apb::Response>> exchange(apb::Request& request, const char* what) {
    if (!socket_.is_open()) co_return fail(FaultKind::link_lost, name_, std::string(what) + ": not connected");
    request.set_seq(++seq_);
    const std::string frame = agent::encode_frame(request.SerializeAsString());
    asio::steady_timer deadline(executor_, options_.timeout);
    auto outcome = co_await (transfer(frame) || deadline.async_wait(asio::use_awaitable));
    if (outcome.index() == 1) {
      socket_.close();
      co_return fail(FaultKind::timeout, name_, std::string("no reply to ") + what + " within " +
                                                    std::to_string(options_.timeout.count()) + " ms");
    }
    auto reply = std::get<0>(std::move(outcome));
    if (!reply) {
      socket_.close();
      co_return fail(FaultKind::link_lost, name_, std::string(what) + ": " + reply.error().message());
    }
    apb::Response response;
    if (!response.ParseFromString(*reply)) {
      socket_.close();
      co_return fail(FaultKind::protocol, name_, std::string(what) + ": reply is not a Response message");
    }
    if (response.seq() != request.seq()) {
      socket_.close();
      co_return fail(FaultKind::protocol, name_, std::string(what) + ": reply seq " + std::to_string(response.seq()) +
                                                    " does not match request seq " + std::to_string(request.seq()));
    }
    if (response.has_error()) {
      const auto kind = response.error().code() == apb::Error::OUT_OF_RANGE ? FaultKind::out_of_range : FaultKind::nak;
      co_return fail(kind, name_, std::string(what) + ": " + response.error().message());
    }
    co_return response;
  }

  // Write a frame, read one back. Errors come back as error codes, never exceptions.
  asio::awaitable<std::expected<std::string, std::error_code>> transfer(const std::string& frame) {
    std::error_code ec;
    co_await asio::async_write(socket_, asio::buffer(frame), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return std::unexpected(ec);
    unsigned char header[agent::kFrameHeaderBytes];
    co_await asio::async_read(socket_, asio::buffer(header), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return std::unexpected(ec);
    auto length = agent::decode_frame_length(header);
    if (!length) co_return std::unexpected(std::make_error_code(std::errc::message_size));
    std::string payload(*length, '\0');
    co_await asio::async_read(socket_, asio::buffer(payload), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return std::unexpected(ec);
    co_return payload;
  }

  Status expect_ack(const Result<apb::Response>& response, const char* what) const {
    if (!response) return std::unexpected(response.error());
    if (!response->has_ack()) return fail(FaultKind::protocol, name_, std::string(what) + " answered without Ack");
    return {};
  }

  asio::any_io_executor executor_;
  std::string name_;
  std::string host_;
  std::uint16_t port_;
  GpuBoardOptions options_;
  tcp::socket socket_;
  GpuSpec spec_;
  std::uint64_t seq_ = 0;
  bool configured_ = false;
};

}  // namespace

std::unique_ptr<GpuBoard> make_gpu_board(asio::any_io_executor executor, const std::string& name, const Uri& uri,
                                         const GpuBoardOptions& options) {
  if (uri.scheme != "agent") {
    throw std::invalid_argument(name + ": unsupported GPU board URI scheme '" + uri.scheme +
                                "' (supported: agent://host[:port][?gpu=N])");
  }
  GpuBoardOptions effective = options;
  if (auto it = uri.query.find("gpu"); it != uri.query.end()) {
    try {
      effective.gpu_index = static_cast<std::uint32_t>(std::stoul(it->second));
    } catch (const std::exception&) {
      throw std::invalid_argument(name + ": '" + it->second + "' in ?gpu= is not a GPU index");
    }
  }
  return std::make_unique<AgentGpuBoard>(std::move(executor), name, uri.host, uri.port.value_or(kDefaultAgentPort),
                                         std::move(effective));
}

}  // namespace ob::drivers
