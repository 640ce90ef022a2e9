// The simulated GPU agent's request handling (agent.proto), without sockets.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent_frame.hpp"
#include "fixtures/gpu_agent_server.hpp"
#include "fixtures/lab_state.hpp"

namespace {

namespace pb = ob::agent::pb;
using Clock = std::chrono::steady_clock;

struct AgentFixture {
  double physics_time_s = 0;
  ob::fixtures::LabState lab{ob::fixtures::PhysicsParams{}, 2, [this] { return physics_time_s; }};
  ob::fixtures::GpuAgentServer agent{lab};
  ob::fixtures::AgentSessionState session;
  Clock::time_point now = Clock::now();
  std::uint64_t seq = 0;

  pb::Response send(pb::Request request) {
    request.set_seq(++seq);
    pb::Response response;
    BOOST_REQUIRE(response.ParseFromString(agent.handle_frame(request.SerializeAsString(), session, now)));
    BOOST_TEST(response.seq() == seq);
    return response;
  }
  pb::Response hello(std::uint32_t gpu_index, std::uint32_t version = ob::drivers::agent::kProtocolVersion) {
    pb::Request request;
    request.mutable_hello()->set_client("unit-test");
    request.mutable_hello()->set_gpu_index(gpu_index);
    request.mutable_hello()->set_protocol_version(version);
    return send(request);
  }
  pb::Response start() {
    pb::Request request;
    request.mutable_start_workload()->mutable_workload()->set_kind("gemm");
    request.mutable_start_workload()->mutable_workload()->set_dtype("bf16");
    return send(request);
  }
  pb::Response telemetry() {
    pb::Request request;
    request.mutable_read_telemetry();
    return send(request);
  }
  pb::Response power_cap(double power_w) {
    pb::Request request;
    request.mutable_set_power_cap()->set_power_w(power_w);
    return send(request);
  }
  void power_board(int board) {
    auto& physics = lab.now();
    physics.set_psu_voltage(board, 12);
    physics.set_psu_current_limit(board, 3);
    physics.set_psu_output(board, true);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(gpu_agent, AgentFixture)

BOOST_AUTO_TEST_CASE(hello_is_required_and_checked) {
  auto response = telemetry();
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::BAD_REQUEST);

  response = hello(0, ob::drivers::agent::kProtocolVersion + 1);
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::BAD_REQUEST);

  response = hello(2);  // two boards: 0 and 1
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::OUT_OF_RANGE);
  BOOST_TEST(!session.board.has_value());

  response = hello(1);
  BOOST_TEST_REQUIRE(response.has_hello());
  const auto& reply = response.hello();
  BOOST_TEST(reply.vendor() == "NVIDIA");
  BOOST_TEST(reply.name() == "SimGPU-30W");
  BOOST_TEST(reply.uuid() == "GPU-5a1a0000-0000-4000-8000-000000000001");
  BOOST_TEST(reply.driver_version() == "sim");
  BOOST_TEST(reply.power_limit_min_w() == 5.0);
  BOOST_TEST(reply.power_limit_max_w() == 30.0);
  BOOST_TEST(reply.power_limit_default_w() == 30.0);
  BOOST_TEST(reply.settings_allowed());
  BOOST_TEST(reply.protocol_version() == ob::drivers::agent::kProtocolVersion);
  BOOST_TEST(telemetry().has_telemetry());
}

BOOST_AUTO_TEST_CASE(workload_needs_a_powered_board_and_shows_in_telemetry) {
  hello(0);
  auto response = start();
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::NOT_ALLOWED);
  auto idle = telemetry().telemetry();
  BOOST_TEST(idle.power_w() == 0.0);
  BOOST_TEST(!idle.workload_running());

  power_board(0);
  BOOST_TEST(start().has_ack());
  physics_time_s = 120;
  const auto loaded = telemetry().telemetry();
  BOOST_TEST(loaded.workload_running());
  BOOST_TEST(loaded.power_w() == 30.0);
  BOOST_TEST(loaded.power_limit_w() == 30.0);
  BOOST_TEST(loaded.utilization_pct() == 100.0);
  BOOST_TEST(loaded.tflops() > 30.0);
  BOOST_TEST(loaded.gpu_temp_c() > 50.0);
  BOOST_TEST(loaded.energy_j() > 0.0);
  BOOST_TEST(loaded.clock_event_reasons() == ob::fixtures::kClockEventSwPowerCap);
  BOOST_TEST(loaded.board_time_s() > 1.7e9);  // unix time

  pb::Request unsupported;
  unsupported.mutable_start_workload()->mutable_workload()->set_dtype("fp8");
  response = send(unsupported);
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::NOT_SUPPORTED);

  pb::Request stop;
  stop.mutable_stop_workload();
  BOOST_TEST(send(stop).has_ack());
  BOOST_TEST(!telemetry().telemetry().workload_running());
}

BOOST_AUTO_TEST_CASE(power_cap_is_range_checked_and_applied) {
  hello(0);
  power_board(0);
  start();
  for (double bad_w : {4.9, 30.1, -1.0, std::nan("")}) {
    const auto response = power_cap(bad_w);
    BOOST_TEST_REQUIRE(response.has_error());
    BOOST_TEST(response.error().code() == pb::Error::OUT_OF_RANGE);
  }
  BOOST_TEST(power_cap(20).has_ack());
  const auto capped = telemetry().telemetry();
  BOOST_TEST(capped.power_w() == 20.0);
  BOOST_TEST(capped.power_limit_w() == 20.0);
  BOOST_TEST(lab.snapshot().boards[0].power_cap_w == 20.0);
}

BOOST_AUTO_TEST_CASE(malformed_requests_get_an_error_and_the_session_goes_on) {
  hello(0);
  pb::Response response;
  BOOST_REQUIRE(response.ParseFromString(agent.handle_frame("\xff\xff\xff\xff", session, now)));
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::BAD_REQUEST);
  BOOST_TEST(response.seq() == 0u);
  BOOST_TEST(telemetry().has_telemetry());

  response = send(pb::Request{});  // no body
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::BAD_REQUEST);
}

BOOST_AUTO_TEST_CASE(watchdog_stops_the_workload_of_a_silent_controller) {
  hello(0);
  power_board(0);
  BOOST_TEST(start().has_ack());
  agent.check_watchdog(now + std::chrono::seconds(4));
  BOOST_TEST(lab.snapshot().boards[0].workload_running);
  now += std::chrono::seconds(4);
  telemetry();  // any request feeds the watchdog
  agent.check_watchdog(now + std::chrono::seconds(4));
  BOOST_TEST(lab.snapshot().boards[0].workload_running);
  agent.check_watchdog(now + ob::fixtures::kAgentWatchdogTimeout);
  BOOST_TEST(!lab.snapshot().boards[0].workload_running);
}

BOOST_AUTO_TEST_SUITE_END()
