#include "drivers/gpu/agent_board.hpp"

#include <asio/connect.hpp>
#include <type_traits>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include "drivers/common/uri.hpp"
#include "drivers/common/async_mutex.hpp"
#include "drivers/common/trace.hpp"
#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent/agent_auth.hpp"
#include "drivers/gpu/agent/agent_tls.hpp"
#include "drivers/gpu/agent_frame.hpp"
#include "drivers/transport/deadline.hpp"
#include "ob/version.hpp"

namespace ob::drivers {
namespace {

using asio::ip::tcp;
using TlsStream = asio::ssl::stream<tcp::socket>;
namespace apb = ob::agent::pb;
using namespace asio::experimental::awaitable_operators;

constexpr std::size_t kMaxPendingSamples = 36000;  // 1 h at 10 Hz between two batch reads
constexpr std::size_t kReadChunkBytes = 4096;       // a TelemetryBatch of ~10 samples in one read

class AgentGpuBoard final : public GpuBoard {
 public:
  AgentGpuBoard(asio::any_io_executor executor, std::string name, std::string host, std::uint16_t port,
                GpuBoardOptions options)
      : executor_(std::move(executor)),
        name_(std::move(name)),
        host_(std::move(host)),
        port_(port),
        options_(std::move(options)),
        tls_(agent::TlsRole::controller, options_.secret),
        mutex_(executor_) {}

  // Every operation holds the board's mutex: a safe state or an isolation begun beside the
  // telemetry loop waits for its exchange instead of interleaving frames on the socket (or
  // reconnecting under it).
  asio::awaitable<Result<Identity>> configure() override {
    auto guard = co_await mutex_.lock();
    co_return co_await configure_locked();
  }

  GpuSpec spec() const override { return spec_; }

  asio::awaitable<Status> set_power_cap(double power_w) override {
    auto guard = co_await mutex_.lock();
    co_return co_await set_power_cap_locked(power_w);
  }

  asio::awaitable<Status> start_workload(const WorkloadSpec& workload) override {
    auto guard = co_await mutex_.lock();
    apb::Request request;
    auto* body = request.mutable_start_workload()->mutable_workload();
    body->set_kind(workload.kind);
    body->set_dtype(workload.dtype);
    if (workload.kind == "gemm") {
      // An agent from before randn data multiplies integers whatever it is asked: refuse rather
      // than record integer results as randn ones.
      const bool listed = std::find(workload_data_.begin(), workload_data_.end(), workload.data) != workload_data_.end();
      if (!listed) {
        std::string offered;
        for (const auto& data : workload_data_) offered += (offered.empty() ? "" : ", ") + data;
        co_return fail(FaultKind::nak, name_,
                       "start_workload: the agent does not run GEMMs on " + workload.data + " data (it offers " + offered +
                           "; an agent without randn is older than this controller)");
      }
      body->set_data(workload.data);
    }
    body->set_size(workload.size);
    body->set_duty_cycle(workload.duty_cycle);
    body->set_period_s(workload.period_s);
    co_return expect_ack(co_await exchange(request, "start_workload"), "start_workload");
  }

  asio::awaitable<Status> stop_workload() override {
    auto guard = co_await mutex_.lock();
    co_return co_await stop_workload_locked();
  }

  asio::awaitable<Result<GpuTelemetry>> read_telemetry() override {
    auto guard = co_await mutex_.lock();
    auto batch = co_await fetch_batch();
    if (!batch) co_return std::unexpected(batch.error());
    co_return *batch;
  }

  asio::awaitable<Result<GpuTelemetryBatch>> read_telemetry_batch() override {
    auto guard = co_await mutex_.lock();
    keeps_samples_ = true;
    auto fetched = co_await fetch_batch();
    if (!fetched) co_return std::unexpected(fetched.error());
    GpuTelemetryBatch out;
    out.samples.assign(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
    out.dropped = pending_dropped_;
    pending_.clear();
    pending_dropped_ = 0;
    co_return out;
  }

  asio::awaitable<Status> safe_state() override {
    auto guard = co_await mutex_.lock();
    if (!link_open()) {
      // A lost link: reconnect and identify again so the stop reaches the board.
      if (auto identity = co_await configure_locked(); !identity) co_return std::unexpected(identity.error());
    }
    auto stopped = co_await stop_workload_locked();
    if (!stopped) co_return stopped;
    if (spec_.power_limit_default_w > 0 && settings_allowed_) {
      co_return co_await set_power_cap_locked(spec_.power_limit_default_w);
    }
    co_return Status{};
  }

 private:
  asio::awaitable<Result<Identity>> configure_locked() {
    configured_ = false;
    if (auto status = co_await connect(); !status) co_return std::unexpected(status.error());
    const std::string client_nonce = agent::random_nonce();
    apb::Request request;
    auto* hello = request.mutable_hello();
    hello->set_client(std::string("orbitbench/") + kVersion);
    hello->set_gpu_index(options_.gpu_index);
    hello->set_protocol_version(agent::kProtocolVersion);
    hello->set_client_nonce(client_nonce);
    auto greeted = co_await exchange(request, "hello");
    if (!greeted) co_return std::unexpected(greeted.error());
    if (!greeted->has_hello()) co_return drop(FaultKind::protocol, "hello answered without HelloReply");
    const auto& hello_reply = greeted->hello();
    if (hello_reply.protocol_version() != agent::kProtocolVersion) {
      co_return drop(FaultKind::protocol, "agent speaks protocol " + std::to_string(hello_reply.protocol_version()) +
                                               ", we speak " + std::to_string(agent::kProtocolVersion));
    }
    // Mutual authentication: the agent proves it knows the secret before we send anything else.
    const std::string expected = agent::agent_proof(options_.secret, client_nonce, hello_reply.agent_nonce());
    if (hello_reply.agent_nonce().size() != agent::kNonceBytes ||
        !agent::proofs_equal(expected, hello_reply.agent_proof())) {
      co_return drop(FaultKind::nak, "the agent's authentication proof is wrong (its secret is not ours)");
    }
    apb::Request authenticate;
    authenticate.mutable_authenticate()->set_proof(
        agent::controller_proof(options_.secret, hello_reply.agent_nonce(), client_nonce));
    auto authenticated = co_await exchange(authenticate, "authenticate");
    if (!authenticated) co_return std::unexpected(authenticated.error());
    if (!authenticated->has_auth()) co_return drop(FaultKind::protocol, "authenticate answered without AuthReply");
    const auto& reply = authenticated->auth();
    spec_.name = reply.name();
    spec_.uuid = reply.uuid();
    spec_.power_limit_min_w = reply.power_limit_min_w();
    spec_.power_limit_max_w = reply.power_limit_max_w();
    spec_.power_limit_default_w = reply.power_limit_default_w();
    settings_allowed_ = reply.settings_allowed();
    workload_data_.assign(reply.capabilities().workload_data().begin(), reply.capabilities().workload_data().end());
    if (workload_data_.empty()) workload_data_ = {"integer"};  // an agent from before randn data
    if (spec_.power_limit_min_w <= 0 || spec_.power_limit_max_w < spec_.power_limit_min_w) {
      co_return fail(FaultKind::protocol, name_, "agent reported an invalid power limit range");
    }
    configured_ = true;
    co_return Identity{reply.vendor(), reply.name(), reply.serial().empty() ? reply.uuid() : reply.serial(),
                       reply.driver_version()};
  }

  asio::awaitable<Status> set_power_cap_locked(double power_w) {
    if (!configured_) co_return fail(FaultKind::protocol, name_, "set_power_cap before configure");
    if (!settings_allowed_) co_return fail(FaultKind::nak, name_, "set_power_cap: the agent was started --read-only");
    if (power_w < spec_.power_limit_min_w || power_w > spec_.power_limit_max_w) {
      co_return fail(FaultKind::out_of_range, name_,
                     "power cap " + std::to_string(power_w) + " W outside the board's " +
                         std::to_string(spec_.power_limit_min_w) + "–" + std::to_string(spec_.power_limit_max_w) + " W");
    }
    apb::Request request;
    request.mutable_set_power_cap()->set_power_w(power_w);
    co_return expect_ack(co_await exchange(request, "set_power_cap"), "set_power_cap");
  }

  asio::awaitable<Status> stop_workload_locked() {
    apb::Request request;
    request.mutable_stop_workload();
    co_return expect_ack(co_await exchange(request, "stop_workload"), "stop_workload");
  }

  // One ReadTelemetry: its samples join pending_ once someone reads batches (a caller that only
  // ever reads current values keeps nothing: 256 boards would otherwise hold ~2 GiB), its
  // current values come back.
  asio::awaitable<Result<GpuTelemetry>> fetch_batch() {
    apb::Request request;
    request.mutable_read_telemetry();
    auto response = co_await exchange(request, "read_telemetry");
    if (!response) co_return std::unexpected(response.error());
    if (!response->has_telemetry_batch()) {
      co_return fail(FaultKind::protocol, name_, "read_telemetry answered without TelemetryBatch");
    }
    const auto& batch = response->telemetry_batch();
    if (!keeps_samples_) co_return from_pb(batch.current());
    pending_dropped_ += batch.dropped();
    for (const auto& sample : batch.samples()) {
      if (pending_.size() >= kMaxPendingSamples) {
        pending_.pop_front();
        ++pending_dropped_;
      }
      pending_.push_back(from_pb(sample));
    }
    co_return from_pb(batch.current());
  }

  // "ReadTelemetry seq 41, 38 bytes", "TelemetryBatch seq 41, 3 samples, 1.2 KiB": a frame by
  // its message type, for the trace (drivers/common/trace.hpp).
  template <class Message>
  static std::string frame_summary(const Message& message, std::size_t bytes) {
    const auto* descriptor = message.GetDescriptor();
    const auto* oneof = descriptor->FindOneofByName("body");
    const auto* field = oneof ? message.GetReflection()->GetOneofFieldDescriptor(message, oneof) : nullptr;
    std::string out = (field ? field->message_type() ? field->message_type()->name() : field->name() : std::string("(empty)")) +
                      " seq " + std::to_string(message.seq());
    if constexpr (std::is_same_v<Message, apb::Response>) {
      if (message.has_telemetry_batch()) out += ", " + std::to_string(message.telemetry_batch().samples_size()) + " samples";
      if (message.has_error()) out += ": " + message.error().message();
    }
    return out + ", " + std::to_string(bytes) + " bytes";
  }

  static GpuTelemetry from_pb(const apb::Telemetry& t) {
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
    out.hbm_gbps = t.hbm_gbps();
    out.energy_j = t.energy_j();
    out.ecc_corrected = t.ecc_corrected();
    out.ecc_uncorrected = t.ecc_uncorrected();
    out.sdc_count = t.sdc_count();
    out.workload_running = t.workload_running();
    out.sample_seq = t.sample_seq();
    out.utilization_mem_pct = t.utilization_mem_pct();
    out.memory_used_bytes = t.memory_used_bytes();
    out.memory_total_bytes = t.memory_total_bytes();
    out.remapped_rows_correctable = t.remapped_rows_correctable();
    out.remapped_rows_uncorrectable = t.remapped_rows_uncorrectable();
    out.violation_power_s = t.violation_power_s();
    out.violation_thermal_s = t.violation_thermal_s();
    if (t.has_pstate()) out.pstate = t.pstate();
    return out;
  }

  // A handshake that went wrong leaves the connection useless: close it, report why.
  std::unexpected<Fault> drop(FaultKind kind, const std::string& why) {
    close_link();
    return fail(kind, name_, why);
  }

  bool link_open() const { return stream_ && stream_->lowest_layer().is_open(); }
  void close_link() {
    std::error_code ignored;
    if (stream_) stream_->lowest_layer().close(ignored);
  }

  // Awaits `operation` unless `deadline` comes first (then cancels it): whether it finished.
  template <typename Operation>
  static asio::awaitable<bool> finished_before(asio::steady_timer& deadline, Operation operation) {
    auto waiting = deadline.async_wait(kNoThrow);
    auto racing = std::move(operation) || std::move(waiting);
    auto outcome = co_await std::move(racing);
    co_return outcome.index() == 0;
  }

  // TCP, then the TLS 1.3 handshake keyed by the shared secret (agent_tls.hpp), within one
  // deadline. A fresh TLS stream each time: one that failed or closed cannot be used again.
  asio::awaitable<Status> connect() {
    close_link();
    stream_ = std::make_unique<TlsStream>(executor_, tls_.context());
    rx_.clear();
    asio::steady_timer deadline(executor_, options_.timeout);
    tcp::resolver resolver(executor_);
    std::error_code ec;
    auto endpoints = co_await resolver.async_resolve(host_, std::to_string(port_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return fail(FaultKind::link_lost, name_, "cannot resolve " + host_ + ": " + ec.message());
    const std::string where = host_port(host_, port_);
    auto connected = finished_before(deadline, asio::async_connect(stream_->lowest_layer(), endpoints,
                                                                   asio::redirect_error(asio::use_awaitable, ec)));
    if (!co_await std::move(connected)) {
      close_link();
      co_return fail(FaultKind::timeout, name_, "connect to " + where + " timed out");
    }
    if (ec) {
      close_link();
      co_return fail(FaultKind::link_lost, name_, "connect to " + where + ": " + ec.message());
    }
    stream_->lowest_layer().set_option(tcp::no_delay(true), ec);
    auto shaken = finished_before(
        deadline, stream_->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec)));
    if (!co_await std::move(shaken)) {
      close_link();
      co_return fail(FaultKind::timeout, name_, "TLS handshake with the agent at " + where + " timed out");
    }
    if (ec) {
      close_link();
      const bool refused = ec.category() == asio::error::get_ssl_category();
      co_return fail(refused ? FaultKind::nak : FaultKind::link_lost, name_,
                     "TLS handshake with the agent at " + where + ": " + agent::describe_tls_failure(ec, agent::TlsRole::controller));
    }
    co_return Status{};
  }

  // Sends one request and waits for the response with the same seq, within the deadline.
  asio::awaitable<Result<apb::Response>> exchange(apb::Request& request, const char* what) {
    if (!link_open()) co_return fail(FaultKind::link_lost, name_, std::string(what) + ": not connected");
    request.set_seq(++seq_);
    const std::string frame = agent::encode_frame(request.SerializeAsString());
    if (trace_enabled()) trace(name_, TraceDirection::sent, frame_summary(request, frame.size()));
    asio::steady_timer deadline(executor_, options_.timeout);
    auto transferring = transfer(frame);
    auto waiting = deadline.async_wait(kNoThrow);
    auto racing = std::move(transferring) || std::move(waiting);
    auto outcome = co_await std::move(racing);
    if (outcome.index() == 1) {
      trace(name_, TraceDirection::failed, std::string("no reply to ") + what);
      close_link();
      co_return fail(FaultKind::timeout, name_, std::string("no reply to ") + what + " within " +
                                                    std::to_string(options_.timeout.count()) + " ms");
    }
    auto reply = std::get<0>(std::move(outcome));
    if (!reply) {
      trace(name_, TraceDirection::failed, std::string(what) + ": " + reply.error().message());
      close_link();
      co_return fail(FaultKind::link_lost, name_, std::string(what) + ": " + reply.error().message());
    }
    apb::Response response;
    if (!response.ParseFromString(*reply)) {
      close_link();
      co_return fail(FaultKind::protocol, name_, std::string(what) + ": reply is not a Response message");
    }
    if (trace_enabled()) trace(name_, TraceDirection::received, frame_summary(response, reply->size()));
    if (response.seq() != request.seq()) {
      close_link();
      co_return fail(FaultKind::protocol, name_, std::string(what) + ": reply seq " + std::to_string(response.seq()) +
                                                    " does not match request seq " + std::to_string(request.seq()));
    }
    if (response.has_error()) {
      // The agent closes the connection after refusing the handshake; so do we.
      if (!configured_) close_link();
      const auto kind = response.error().code() == apb::Error::OUT_OF_RANGE ? FaultKind::out_of_range : FaultKind::nak;
      co_return fail(kind, name_, std::string(what) + ": " + response.error().message());
    }
    co_return response;
  }

  // Write a frame, read one back. Errors come back as error codes, never exceptions. Reads go
  // through rx_: one TLS read usually brings the whole reply (header and payload), so each
  // exchange costs one decryption pass and one socket read.
  asio::awaitable<std::expected<std::string, std::error_code>> transfer(const std::string& frame) {
    std::error_code ec;
    co_await asio::async_write(*stream_, asio::buffer(frame), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return std::unexpected(ec);
    std::optional<std::uint32_t> length;
    for (;;) {
      if (!length && rx_.size() >= agent::kFrameHeaderBytes) {
        length = agent::decode_frame_length(reinterpret_cast<const unsigned char*>(rx_.data()));
        if (!length) co_return std::unexpected(std::make_error_code(std::errc::message_size));
      }
      if (length && rx_.size() >= agent::kFrameHeaderBytes + *length) break;
      const std::size_t got = co_await stream_->async_read_some(asio::buffer(chunk_),
                                                                 asio::redirect_error(asio::use_awaitable, ec));
      rx_.append(chunk_.data(), got);
      if (ec) co_return std::unexpected(ec);
    }
    std::string payload = rx_.substr(agent::kFrameHeaderBytes, *length);
    rx_.erase(0, agent::kFrameHeaderBytes + *length);
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
  agent::AgentTls tls_;                 // this board's TLS 1.3 context, keyed by its secret
  std::unique_ptr<TlsStream> stream_;  // the current connection; null before the first
  std::string rx_;                     // plain text read from stream_ and not yet a whole frame
  std::array<char, kReadChunkBytes> chunk_{};  // one read's worth, appended to rx_
  AsyncMutex mutex_;                   // one operation at a time on stream_
  GpuSpec spec_;
  std::vector<std::string> workload_data_;  // GEMM input data the agent offers (capabilities)
  std::uint64_t seq_ = 0;
  bool configured_ = false;
  bool settings_allowed_ = true;
  std::deque<GpuTelemetry> pending_;  // samples read but not yet returned by read_telemetry_batch()
  bool keeps_samples_ = false;        // read_telemetry_batch() has been called: keep every sample
  std::uint64_t pending_dropped_ = 0;
};

}  // namespace

std::string read_agent_secret_file(const std::string& path, const std::string& name) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw std::invalid_argument(name + ": agent secret file " + path + ": " + std::strerror(errno));
  }
  if ((info.st_mode & (S_IROTH | S_IWOTH)) != 0) {
    throw std::invalid_argument(name + ": agent secret file " + path + " is readable or writable by every user; chmod 600 it");
  }
  std::ifstream in(path, std::ios::binary);
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) secret.pop_back();
  if (!in.good() && !in.eof()) throw std::invalid_argument(name + ": cannot read agent secret file " + path);
  if (secret.empty()) throw std::invalid_argument(name + ": agent secret file " + path + " is empty");
  if (auto weak = agent::weak_secret_reason(secret, path); !weak.empty()) throw std::invalid_argument(name + ": " + weak);
  return secret;
}

std::unique_ptr<GpuBoard> make_gpu_board(asio::any_io_executor executor, const std::string& name, const Uri& uri,
                                         const GpuBoardOptions& options) {
  if (uri.scheme != "agent") {
    throw std::invalid_argument(name + ": unsupported GPU board URI scheme '" + uri.scheme +
                                "' (supported: agent://host[:port][?gpu=N][&secret_file=PATH])");
  }
  GpuBoardOptions effective = options;
  if (auto it = uri.query.find("gpu"); it != uri.query.end()) {
    try {
      effective.gpu_index = static_cast<std::uint32_t>(std::stoul(it->second));
    } catch (const std::exception&) {
      throw std::invalid_argument(name + ": '" + it->second + "' in ?gpu= is not a GPU index");
    }
  }
  if (auto it = uri.query.find("secret_file"); it != uri.query.end()) {
    effective.secret = read_agent_secret_file(it->second, name);
  }
  return std::make_unique<AgentGpuBoard>(std::move(executor), name, uri.host, uri.port.value_or(kDefaultAgentPort),
                                         std::move(effective));
}

}  // namespace ob::drivers
