#include "drivers/gpu/agent/agent_service.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "drivers/gpu/agent/agent_auth.hpp"
#include "drivers/gpu/agent_frame.hpp"

namespace ob::drivers::agent {
namespace {

namespace pb = ob::agent::pb;

pb::Response error_response(std::uint64_t seq, pb::Error::Code code, std::string message) {
  pb::Response response;
  response.set_seq(seq);
  auto* error = response.mutable_error();
  error->set_code(code);
  error->set_message(std::move(message));
  return response;
}

std::string watts(double power_w) {
  if (!std::isfinite(power_w)) return "non-finite";
  std::string text = std::to_string(power_w);
  while (text.size() > 1 && text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

bool listed(const std::vector<std::string>& allowed, const std::string& value) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "|") + item;
  return out;
}

}  // namespace

AgentService::AgentService(AgentBackend& backend, AgentOptions options)
    : backend_(backend), options_(std::move(options)) {
  if (options_.secret.empty()) throw std::invalid_argument("the agent needs a non-empty shared secret");
  if (!(options_.sample_hz > 0) || !std::isfinite(options_.sample_hz)) {
    throw std::invalid_argument("the agent's sample rate must be > 0 Hz");
  }
  for (unsigned gpu = 0; gpu < backend_.gpu_count(); ++gpu) rings_.emplace_back(options_.ring_capacity);
  watchdogs_.resize(backend_.gpu_count());
}

AgentService::Clock::duration AgentService::sample_period() const {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / options_.sample_hz));
}

void AgentService::log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

AgentReply AgentService::handle_frame(std::string_view payload, AgentConnection& connection, Clock::time_point now) {
  pb::Request request;
  if (!request.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return {error_response(0, pb::Error::BAD_REQUEST, "malformed frame: not a Request message; closing the connection")
                .SerializeAsString(),
            true};
  }
  bool close = false;
  pb::Response response = handle(request, connection, close, now);
  return {response.SerializeAsString(), close};
}

pb::Response AgentService::handle(const pb::Request& request, AgentConnection& connection, bool& close,
                                  Clock::time_point now) {
  close = false;
  if (request.body_case() == pb::Request::BODY_NOT_SET) {
    close = true;
    return error_response(request.seq(), pb::Error::BAD_REQUEST, "request without a body; closing the connection");
  }
  if (request.has_hello()) {
    if (connection.stage != AgentConnection::Stage::fresh) {
      close = true;
      return error_response(request.seq(), pb::Error::BAD_REQUEST, "second Hello on one connection; closing it");
    }
    return on_hello(request, connection, close);
  }
  if (request.has_authenticate()) {
    if (connection.stage != AgentConnection::Stage::greeted) {
      close = true;
      return error_response(request.seq(), pb::Error::BAD_REQUEST,
                            connection.stage == AgentConnection::Stage::fresh
                                ? "Authenticate before Hello; closing the connection"
                                : "already authenticated; closing the connection");
    }
    return on_authenticate(request, connection, close, now);
  }
  if (connection.stage != AgentConnection::Stage::authenticated) {
    close = true;
    return error_response(request.seq(), pb::Error::NOT_ALLOWED,
                          "not authenticated: Hello and Authenticate come first; closing the connection");
  }
  return on_request(request, connection, close, now);
}

pb::Response AgentService::on_hello(const pb::Request& request, AgentConnection& connection, bool& close) {
  const auto& hello = request.hello();
  if (hello.protocol_version() != kProtocolVersion) {
    close = true;
    return error_response(request.seq(), pb::Error::BAD_REQUEST,
                          "protocol version " + std::to_string(hello.protocol_version()) +
                              " unsupported, the agent speaks " + std::to_string(kProtocolVersion));
  }
  if (hello.client_nonce().size() != kNonceBytes) {
    close = true;
    return error_response(request.seq(), pb::Error::BAD_REQUEST,
                          "client_nonce must be " + std::to_string(kNonceBytes) + " random bytes, got " +
                              std::to_string(hello.client_nonce().size()));
  }
  connection.client = hello.client();
  connection.client_nonce = hello.client_nonce();
  connection.agent_nonce = random_nonce();
  connection.gpu = hello.gpu_index();
  connection.stage = AgentConnection::Stage::greeted;
  pb::Response response;
  response.set_seq(request.seq());
  auto* reply = response.mutable_hello();
  reply->set_protocol_version(kProtocolVersion);
  reply->set_agent_nonce(connection.agent_nonce);
  reply->set_agent_proof(agent_proof(options_.secret, connection.client_nonce, connection.agent_nonce));
  reply->set_agent(options_.agent_name);
  return response;
}

pb::Response AgentService::on_authenticate(const pb::Request& request, AgentConnection& connection, bool& close,
                                           Clock::time_point now) {
  const std::string expected = controller_proof(options_.secret, connection.agent_nonce, connection.client_nonce);
  if (!proofs_equal(expected, request.authenticate().proof())) {
    close = true;
    log("refused " + (connection.client.empty() ? std::string("a client") : connection.client) +
        ": wrong authentication proof");
    return error_response(request.seq(), pb::Error::NOT_ALLOWED,
                          "authentication failed: wrong proof (the controller's secret is not the agent's); "
                          "closing the connection");
  }
  if (connection.gpu >= backend_.gpu_count()) {
    close = true;
    return error_response(request.seq(), pb::Error::OUT_OF_RANGE,
                          "gpu_index " + std::to_string(connection.gpu) + " but the agent has " +
                              std::to_string(backend_.gpu_count()) + " GPU(s); closing the connection");
  }
  auto description = backend_.describe(connection.gpu);
  if (!description) {
    close = true;
    return error_response(request.seq(), description.error().code, description.error().message);
  }
  connection.stage = AgentConnection::Stage::authenticated;
  connection.cursor = rings_[connection.gpu].end_cursor();
  watchdogs_[connection.gpu].last_request = now;

  pb::Response response;
  response.set_seq(request.seq());
  auto* reply = response.mutable_auth();
  reply->set_vendor(description->vendor);
  reply->set_name(description->name);
  reply->set_uuid(description->uuid);
  reply->set_serial(description->serial);
  reply->set_driver_version(description->driver_version);
  reply->set_power_limit_min_w(description->power_limit_min_w);
  reply->set_power_limit_max_w(description->power_limit_max_w);
  reply->set_power_limit_default_w(description->power_limit_default_w);
  reply->set_settings_allowed(!options_.read_only);
  const BackendCapabilities capabilities = backend_.capabilities();
  auto* caps = reply->mutable_capabilities();
  for (const auto& kind : capabilities.workload_kinds) caps->add_workload_kinds(kind);
  for (const auto& dtype : capabilities.dtypes) caps->add_dtypes(dtype);
  caps->set_workload_available(capabilities.workload_available);
  caps->set_sample_hz(options_.sample_hz);
  caps->set_ring_capacity(static_cast<std::uint32_t>(options_.ring_capacity));
  caps->set_watchdog_timeout_s(std::chrono::duration<double>(options_.watchdog_timeout).count());
  caps->set_gpu_count(backend_.gpu_count());
  caps->set_sdc_check(capabilities.sdc_check);
  for (const auto& data : capabilities.workload_data) caps->add_workload_data(data);
  return response;
}

pb::Response AgentService::on_request(const pb::Request& request, AgentConnection& connection, bool& /*close*/,
                                      Clock::time_point now) {
  const unsigned gpu = connection.gpu;
  auto& watchdog = watchdogs_[gpu];
  watchdog.last_request = now;
  pb::Response response;
  response.set_seq(request.seq());
  const auto fail = [&](const AgentError& error) { return error_response(request.seq(), error.code, error.message); };

  switch (request.body_case()) {
    case pb::Request::kStartWorkload: {
      const auto& body = request.start_workload().workload();
      WorkloadRequest workload;
      workload.kind = body.kind().empty() ? "gemm" : body.kind();
      workload.dtype = body.dtype().empty() ? "bf16" : body.dtype();
      workload.data = body.data().empty() ? "randn" : body.data();
      workload.size = body.size();
      workload.duty_cycle = body.duty_cycle() == 0 ? 1.0 : body.duty_cycle();
      workload.period_s = body.period_s() == 0 ? kDefaultDutyPeriodS : body.period_s();
      if (!(workload.duty_cycle > 0 && workload.duty_cycle <= 1)) {
        return error_response(request.seq(), pb::Error::OUT_OF_RANGE, "duty_cycle must be in (0, 1]");
      }
      if (!(workload.period_s > 0) || !std::isfinite(workload.period_s)) {
        return error_response(request.seq(), pb::Error::OUT_OF_RANGE, "period_s must be > 0");
      }
      const BackendCapabilities capabilities = backend_.capabilities();
      if (!listed(capabilities.workload_kinds, workload.kind) || !listed(capabilities.dtypes, workload.dtype)) {
        return error_response(request.seq(), pb::Error::NOT_SUPPORTED,
                              "workload " + workload.kind + "/" + workload.dtype + " not supported (" +
                                  joined(capabilities.workload_kinds) + ", " + joined(capabilities.dtypes) + ")");
      }
      // A backend that lists no data (as agents before randn data did) takes whatever it is given.
      if (workload.kind == "gemm" && !capabilities.workload_data.empty() && !listed(capabilities.workload_data, workload.data)) {
        return error_response(request.seq(), pb::Error::NOT_SUPPORTED,
                              "workload data " + workload.data + " not supported (" + joined(capabilities.workload_data) + ")");
      }
      if (auto started = backend_.start_workload(gpu, workload); !started) return fail(started.error());
      watchdog.armed = true;
      response.mutable_ack();
      return response;
    }
    case pb::Request::kStopWorkload: {
      if (auto stopped = backend_.stop_workload(gpu); !stopped) return fail(stopped.error());
      watchdog.armed = false;
      response.mutable_ack();
      return response;
    }
    case pb::Request::kSetPowerCap: {
      if (options_.read_only) {
        return error_response(request.seq(), pb::Error::NOT_ALLOWED, "agent started with --read-only");
      }
      const double power_w = request.set_power_cap().power_w();
      auto description = backend_.describe(gpu);
      if (!description) return fail(description.error());
      if (!(power_w >= description->power_limit_min_w && power_w <= description->power_limit_max_w)) {
        return error_response(request.seq(), pb::Error::OUT_OF_RANGE,
                              "power cap " + watts(power_w) + " W outside [" + watts(description->power_limit_min_w) +
                                  ", " + watts(description->power_limit_max_w) + "] W");
      }
      if (auto applied = backend_.set_power_cap(gpu, power_w); !applied) return fail(applied.error());
      response.mutable_ack();
      return response;
    }
    case pb::Request::kReadTelemetry: {
      RingRead read = rings_[gpu].read_since(connection.cursor);
      connection.cursor = read.next_cursor;
      auto* batch = response.mutable_telemetry_batch();
      for (auto& sample : read.samples) *batch->add_samples() = std::move(sample);
      batch->set_dropped(read.dropped);
      *batch->mutable_current() = backend_.sample(gpu);
      return response;
    }
    default:
      return error_response(request.seq(), pb::Error::NOT_SUPPORTED, "unknown request");
  }
}

void AgentService::sample_all() {
  for (unsigned gpu = 0; gpu < rings_.size(); ++gpu) {
    for (auto& sample : backend_.take_samples(gpu)) rings_[gpu].push(std::move(sample));
  }
}

void AgentService::check_watchdog(Clock::time_point now) {
  for (unsigned gpu = 0; gpu < watchdogs_.size(); ++gpu) {
    auto& watchdog = watchdogs_[gpu];
    if (!watchdog.armed || now - watchdog.last_request < options_.watchdog_timeout) continue;
    watchdog.armed = false;
    const auto silent_s = std::chrono::duration_cast<std::chrono::seconds>(options_.watchdog_timeout).count();
    auto stopped = backend_.stop_workload(gpu);
    log("controller of GPU " + std::to_string(gpu) + " silent for " + std::to_string(silent_s) +
        " s: workload stopped by the watchdog" + (stopped ? "" : " (stop failed: " + stopped.error().message + ")"));
  }
}

}  // namespace ob::drivers::agent
