// The real agent backend (HostBackend: NVML + CUDA workload) over the stand-in NVML library
// (tests/support/fake_nvml), served by a real AgentServer on loopback: identity, telemetry from
// the sampling thread, power caps through NVML, and the workload refused clearly without CUDA.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "drivers/gpu/agent/agent_server.hpp"
#include "drivers/gpu/agent/host_backend.hpp"
#include "../support/agent_test_client.hpp"

namespace {

namespace pb = ob::agent::pb;
namespace agent = ob::drivers::agent;
using namespace std::chrono_literals;

constexpr const char* kSecret = "host secret";

std::unique_ptr<agent::HostBackend> open_fake(double sample_hz = 50) {
  agent::HostBackendOptions options;
  options.nvml_path = OB_FAKE_NVML_PATH;
  options.sample_hz = sample_hz;
  auto backend = agent::HostBackend::open(options);
  BOOST_TEST_REQUIRE(backend.has_value());
  return std::move(*backend);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(agent_host_backend)

BOOST_AUTO_TEST_CASE(a_missing_nvml_is_a_clear_error) {
  agent::HostBackendOptions options;
  options.nvml_path = "/nonexistent/libnvidia-ml.so.1";
  const auto backend = agent::HostBackend::open(options);
  BOOST_TEST_REQUIRE(!backend.has_value());
  BOOST_TEST(backend.error().find("/nonexistent/libnvidia-ml.so.1") != std::string::npos, backend.error());
}

BOOST_AUTO_TEST_CASE(serves_the_fake_gpus_over_the_protocol) {
  // NVML read at 25 Hz by the backend's thread, the server's period at 50 Hz: the two clocks
  // differ, and the ring must still hold each reading once.
  auto backend = open_fake(25);
  BOOST_TEST_REQUIRE(backend->gpu_count() >= 1u);
  const auto description = backend->describe(0);
  BOOST_TEST_REQUIRE(description.has_value());
  BOOST_TEST(!description->uuid.empty());
  BOOST_TEST(description->power_limit_max_w > description->power_limit_min_w);

  asio::io_context io;
  agent::AgentOptions options;
  options.secret = kSecret;
  options.sample_hz = 50;
  agent::AgentServer server(io.get_executor(), *backend, options);
  server.listen("127.0.0.1", 0);
  server.start();
  std::thread thread([&io] { io.run(); });
  {
    ob::test::AgentTestClient client(server.port(), kSecret);
    const auto reply = client.handshake(kSecret);
    BOOST_TEST_REQUIRE(reply.has_value());
    BOOST_TEST_REQUIRE(reply->has_auth());
    BOOST_TEST(reply->auth().uuid() == description->uuid);
    BOOST_TEST(reply->auth().capabilities().workload_available() == ob::drivers::cuda::GpuWorkload::available());

    std::this_thread::sleep_for(200ms);
    pb::Request read;
    read.mutable_read_telemetry();
    const auto batch = client.call(read);
    BOOST_TEST_REQUIRE(batch.has_value());
    BOOST_TEST_REQUIRE(batch->has_telemetry_batch());
    BOOST_TEST(batch->telemetry_batch().samples_size() >= 2);
    BOOST_TEST(batch->telemetry_batch().current().power_w() > 0.0);
    BOOST_TEST(batch->telemetry_batch().current().board_time_s() > 1.7e9);
    // Every reading of the NVML thread enters the ring once: no two samples with the same
    // reading time, none 1.5 of the thread's periods apart or more.
    std::this_thread::sleep_for(1000ms);
    const auto second = client.call(read);
    BOOST_TEST_REQUIRE(second.has_value());
    const auto& samples = second->telemetry_batch().samples();
    BOOST_TEST(samples.size() >= 20);
    BOOST_TEST(samples.size() <= 30);
    for (int i = 1; i < samples.size(); ++i) {
      const double step_s = samples[i].board_time_s() - samples[i - 1].board_time_s();
      BOOST_TEST(step_s > 0.0, "sample " << i << " repeats the reading before it");
      BOOST_TEST(step_s < 0.06, "sample " << i << " comes " << step_s << " s after the one before");
    }

    const double cap_w = (description->power_limit_min_w + description->power_limit_max_w) / 2;
    pb::Request cap;
    cap.mutable_set_power_cap()->set_power_w(cap_w);
    const auto capped = client.call(cap);
    BOOST_TEST_REQUIRE(capped.has_value());
    BOOST_TEST(capped->has_ack(), (capped->has_error() ? capped->error().message() : std::string("ack")));

    if (!ob::drivers::cuda::GpuWorkload::available()) {
      pb::Request start;
      start.mutable_start_workload()->mutable_workload()->set_kind("gemm");
      const auto refused = client.call(start);
      BOOST_TEST_REQUIRE(refused.has_value());
      BOOST_TEST_REQUIRE(refused->has_error());
      BOOST_TEST(refused->error().code() == pb::Error::NOT_SUPPORTED);
    }
  }
  asio::post(io, [&server] { server.close(); });
  thread.join();
}

BOOST_AUTO_TEST_SUITE_END()
