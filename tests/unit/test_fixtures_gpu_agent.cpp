// The simulated GPU board (SimulatedGpuBackend over LabState) behind the agent's own protocol
// logic (AgentService), without sockets: handshake, workload, power cap, telemetry, watchdog.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent/agent_auth.hpp"
#include "drivers/gpu/agent/agent_service.hpp"
#include "drivers/gpu/agent_frame.hpp"
#include "fixtures/gpu_agent_server.hpp"
#include "fixtures/lab_state.hpp"
#include "fixtures/simulated_gpu_backend.hpp"

namespace {

namespace pb = ob::agent::pb;
namespace agent = ob::drivers::agent;
using Clock = std::chrono::steady_clock;

constexpr const char* kSecret = "lab secret";

struct AgentFixture {
  double physics_time_s = 0;
  ob::fixtures::LabState lab{ob::fixtures::PhysicsParams{}, 2, [this] { return physics_time_s; }};
  ob::fixtures::SimulatedGpuBackend backend{lab};
  agent::AgentService service{backend, ob::fixtures::sim_agent_options(kSecret)};
  agent::AgentConnection connection;
  Clock::time_point now = Clock::now();
  std::uint64_t seq = 0;
  bool closed = false;

  pb::Response send(pb::Request request) {
    request.set_seq(++seq);
    pb::Response response;
    const auto reply = service.handle_frame(request.SerializeAsString(), connection, now);
    closed = reply.close;
    BOOST_REQUIRE(response.ParseFromString(reply.payload));
    BOOST_TEST(response.seq() == seq);
    return response;
  }
  // Hello + Authenticate with `secret`: the AuthReply (or the Error).
  pb::Response handshake(std::uint32_t gpu_index, const std::string& secret = kSecret) {
    const std::string client_nonce = agent::random_nonce();
    pb::Request hello;
    hello.mutable_hello()->set_client("unit-test");
    hello.mutable_hello()->set_gpu_index(gpu_index);
    hello.mutable_hello()->set_protocol_version(agent::kProtocolVersion);
    hello.mutable_hello()->set_client_nonce(client_nonce);
    const auto greeted = send(hello);
    if (!greeted.has_hello()) return greeted;
    BOOST_TEST(agent::proofs_equal(agent::agent_proof(kSecret, client_nonce, greeted.hello().agent_nonce()),
                                   greeted.hello().agent_proof()));
    pb::Request authenticate;
    authenticate.mutable_authenticate()->set_proof(
        agent::controller_proof(secret, greeted.hello().agent_nonce(), client_nonce));
    return send(authenticate);
  }
  pb::Response start(const std::string& data = "") {
    pb::Request request;
    request.mutable_start_workload()->mutable_workload()->set_kind("gemm");
    request.mutable_start_workload()->mutable_workload()->set_dtype("bf16");
    request.mutable_start_workload()->mutable_workload()->set_data(data);
    return send(request);
  }
  pb::Telemetry telemetry() {
    pb::Request request;
    request.mutable_read_telemetry();
    const auto response = send(request);
    BOOST_REQUIRE(response.has_telemetry_batch());
    return response.telemetry_batch().current();
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

BOOST_AUTO_TEST_CASE(authentication_is_required_and_identifies_the_board) {
  pb::Request early;
  early.mutable_read_telemetry();
  auto response = send(early);
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::NOT_ALLOWED);
  BOOST_TEST(closed);

  connection = {};
  response = handshake(0, "wrong secret");
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::NOT_ALLOWED);
  BOOST_TEST(closed);

  connection = {};
  response = handshake(2);  // two boards: 0 and 1
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::OUT_OF_RANGE);
  BOOST_TEST(closed);

  connection = {};
  response = handshake(1);
  BOOST_TEST_REQUIRE(response.has_auth());
  BOOST_TEST(!closed);
  const auto& reply = response.auth();
  BOOST_TEST(reply.vendor() == "NVIDIA");
  BOOST_TEST(reply.name() == "SimGPU-30W");
  BOOST_TEST(reply.uuid() == "GPU-5a1a0000-0000-4000-8000-000000000001");
  BOOST_TEST(reply.driver_version() == "sim");
  BOOST_TEST(reply.power_limit_min_w() == 5.0);
  BOOST_TEST(reply.power_limit_max_w() == 30.0);
  BOOST_TEST(reply.power_limit_default_w() == 30.0);
  BOOST_TEST(reply.settings_allowed());
  BOOST_TEST(reply.capabilities().gpu_count() == 2u);
  BOOST_TEST(reply.capabilities().sdc_check());
  BOOST_TEST(reply.capabilities().watchdog_timeout_s() == 5.0);
}

BOOST_AUTO_TEST_CASE(workload_needs_a_powered_board_and_shows_in_telemetry) {
  BOOST_TEST_REQUIRE(handshake(0).has_auth());
  auto response = start();
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::NOT_ALLOWED);
  auto idle = telemetry();
  BOOST_TEST(idle.power_w() == 0.0);
  BOOST_TEST(!idle.workload_running());

  power_board(0);
  BOOST_TEST(start().has_ack());
  physics_time_s = 120;
  const auto loaded = telemetry();
  BOOST_TEST(loaded.workload_running());
  BOOST_TEST(loaded.power_w() == 30.0);
  BOOST_TEST(loaded.power_limit_w() == 30.0);
  BOOST_TEST(loaded.utilization_pct() == 100.0);
  BOOST_TEST(loaded.tflops() > 30.0);
  BOOST_TEST(loaded.gpu_temp_c() > 50.0);
  BOOST_TEST(loaded.energy_j() > 0.0);
  BOOST_TEST(loaded.clock_event_reasons() == ob::fixtures::kClockEventSwPowerCap);
  BOOST_TEST(loaded.board_time_s() > 1.7e9);  // unix time
  BOOST_TEST(loaded.has_pstate());
  BOOST_TEST(loaded.pstate() == 0u);

  pb::Request unsupported;
  unsupported.mutable_start_workload()->mutable_workload()->set_dtype("fp8");
  response = send(unsupported);
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::NOT_SUPPORTED);

  pb::Request stop;
  stop.mutable_stop_workload();
  BOOST_TEST(send(stop).has_ack());
  BOOST_TEST(!telemetry().workload_running());
}

// Integer inputs switch fewer bits than randn ones: the same cap buys ~10 % more throughput, as
// on the H100 (docs/performance.md). "" is randn; unknown data is NOT_SUPPORTED, named.
BOOST_AUTO_TEST_CASE(workload_data_is_offered_checked_and_changes_throughput) {
  const auto auth = handshake(0);
  BOOST_TEST_REQUIRE(auth.has_auth());
  const auto& offered = auth.auth().capabilities().workload_data();
  BOOST_TEST(std::vector<std::string>(offered.begin(), offered.end()) == (std::vector<std::string>{"randn", "integer"}),
             boost::test_tools::per_element());
  power_board(0);
  auto rejected = start("ints");
  BOOST_TEST_REQUIRE(rejected.has_error());
  BOOST_TEST(rejected.error().code() == pb::Error::NOT_SUPPORTED);
  BOOST_TEST(rejected.error().message().find("workload data ints not supported (randn|integer)") != std::string::npos,
             rejected.error().message());

  BOOST_TEST_REQUIRE(start("").has_ack());
  physics_time_s = 120;
  const double randn_tflops = telemetry().tflops();
  BOOST_TEST_REQUIRE(start("integer").has_ack());  // a new start replaces the running workload
  const auto integer = telemetry();
  BOOST_TEST(integer.power_w() == 30.0);  // the same cap, the same power
  BOOST_TEST(integer.tflops() / randn_tflops == ob::fixtures::kIntegerDataThroughputGain, boost::test_tools::tolerance(1e-9));
  BOOST_TEST_REQUIRE(start("randn").has_ack());
  BOOST_TEST(telemetry().tflops() == randn_tflops, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(power_cap_is_range_checked_and_applied) {
  BOOST_TEST_REQUIRE(handshake(0).has_auth());
  power_board(0);
  start();
  for (double bad_w : {4.9, 30.1, -1.0, std::nan("")}) {
    const auto response = power_cap(bad_w);
    BOOST_TEST_REQUIRE(response.has_error());
    BOOST_TEST(response.error().code() == pb::Error::OUT_OF_RANGE);
  }
  BOOST_TEST(power_cap(20).has_ack());
  const auto capped = telemetry();
  BOOST_TEST(capped.power_w() == 20.0);
  BOOST_TEST(capped.power_limit_w() == 20.0);
  BOOST_TEST(lab.snapshot().boards[0].power_cap_w == 20.0);
}

BOOST_AUTO_TEST_CASE(samples_are_batched_once_and_injected_faults_show) {
  BOOST_TEST_REQUIRE(handshake(0).has_auth());
  service.sample_all();
  lab.now().inject_ecc(0, false, 2);
  lab.now().inject_ecc(0, true, 1);
  service.sample_all();
  pb::Request read;
  read.mutable_read_telemetry();
  auto batch = send(read).telemetry_batch();
  BOOST_TEST_REQUIRE(batch.samples_size() == 2);
  BOOST_TEST(batch.samples(0).ecc_corrected() == 0u);
  BOOST_TEST(batch.samples(1).ecc_corrected() == 2u);
  BOOST_TEST(batch.samples(1).ecc_uncorrected() == 1u);
  BOOST_TEST(batch.samples(1).sample_seq() == batch.samples(0).sample_seq() + 1);
  BOOST_TEST(send(read).telemetry_batch().samples_size() == 0);  // each sample once

  lab.now().inject_sdc(0, 4);
  BOOST_TEST(telemetry().sdc_count() == 0u);  // corrupted results need a running workload
  power_board(0);
  BOOST_TEST(start().has_ack());
  BOOST_TEST(telemetry().sdc_count() == 4u);
}

BOOST_AUTO_TEST_CASE(malformed_requests_get_an_error_and_close_the_connection) {
  BOOST_TEST_REQUIRE(handshake(0).has_auth());
  pb::Response response;
  const auto reply = service.handle_frame("\xff\xff\xff\xff", connection, now);
  BOOST_REQUIRE(response.ParseFromString(reply.payload));
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::BAD_REQUEST);
  BOOST_TEST(response.seq() == 0u);
  BOOST_TEST(reply.close);

  response = send(pb::Request{});  // no body
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::BAD_REQUEST);
  BOOST_TEST(closed);
}

BOOST_AUTO_TEST_CASE(watchdog_stops_the_workload_of_a_silent_controller) {
  BOOST_TEST_REQUIRE(handshake(0).has_auth());
  power_board(0);
  BOOST_TEST(start().has_ack());
  service.check_watchdog(now + std::chrono::seconds(4));
  BOOST_TEST(lab.snapshot().boards[0].workload_running);
  now += std::chrono::seconds(4);
  telemetry();  // any request feeds the watchdog
  service.check_watchdog(now + std::chrono::seconds(4));
  BOOST_TEST(lab.snapshot().boards[0].workload_running);
  service.check_watchdog(now + ob::fixtures::kAgentWatchdogTimeout);
  BOOST_TEST(!lab.snapshot().boards[0].workload_running);
}

BOOST_AUTO_TEST_SUITE_END()
