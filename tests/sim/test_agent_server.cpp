// The GPU agent's server (drivers/gpu/agent/agent_server.hpp) on loopback with a small test
// backend, spoken to with POSIX sockets and OpenSSL: TLS 1.3 with the PSK, authentication, the
// connection rules, frame limits, the silent-controller watchdog, read-only mode and batched
// telemetry; and through a relay that eavesdrops and tampers, as someone on the lab network could.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "drivers/gpu/agent/agent_server.hpp"
#include "drivers/gpu/agent_frame.hpp"
#include "../support/agent_test_client.hpp"
#include "../support/loopback_connect.hpp"

namespace {

namespace pb = ob::agent::pb;
namespace agent = ob::drivers::agent;
using namespace std::chrono_literals;
using ob::test::AgentTestClient;

constexpr std::string_view kSecret = "correct horse battery staple";
constexpr double kMinCapW = 100;
constexpr double kMaxCapW = 700;

// Two GPUs; counts what the server asked of it. Called on the server's thread, read by the test.
class TestBackend final : public agent::AgentBackend {
 public:
  unsigned gpu_count() const override { return 2; }
  agent::BackendCapabilities capabilities() const override { return {{"gemm", "hbm"}, {"bf16", "fp32"}, true, true}; }
  agent::AgentResult<agent::GpuDescription> describe(unsigned gpu) override {
    agent::GpuDescription out;
    out.name = "TestGPU";
    out.uuid = "GPU-test-" + std::to_string(gpu);
    out.power_limit_min_w = kMinCapW;
    out.power_limit_max_w = kMaxCapW;
    out.power_limit_default_w = kMaxCapW;
    return out;
  }
  pb::Telemetry sample(unsigned gpu) override {
    pb::Telemetry out;
    out.set_board_time_s(1.7e9);
    out.set_power_w(gpu == 0 ? power_cap_w.load() : 0.0);
    out.set_power_limit_w(power_cap_w.load());
    out.set_workload_running(running.load());
    ++samples;
    return out;
  }
  agent::AgentStatus set_power_cap(unsigned, double power_w) override {
    power_cap_w = power_w;
    return {};
  }
  agent::AgentStatus start_workload(unsigned, const agent::WorkloadRequest& workload) override {
    last_duty_cycle = workload.duty_cycle;
    running = true;
    return {};
  }
  agent::AgentStatus stop_workload(unsigned) override {
    running = false;
    ++stops;
    return {};
  }

  std::atomic<double> power_cap_w{kMaxCapW};
  std::atomic<bool> running{false};
  std::atomic<int> stops{0};
  std::atomic<int> samples{0};
  std::atomic<double> last_duty_cycle{0};
};

agent::AgentOptions test_options() {
  agent::AgentOptions options;
  options.secret = std::string(kSecret);
  options.agent_name = "test-agent";
  return options;
}

// A real AgentServer on an ephemeral loopback port, served on its own thread.
struct AgentFixture {
  explicit AgentFixture(agent::AgentOptions options = test_options()) : server(io.get_executor(), backend, options) {
    server.listen("127.0.0.1", 0);
    server.start();
    thread = std::thread([this] { io.run(); });
  }
  ~AgentFixture() {
    asio::post(io, [this] { server.close(); });
    thread.join();
  }

  TestBackend backend;
  asio::io_context io;
  agent::AgentServer server;
  std::thread thread;
};

pb::Request read_telemetry() {
  pb::Request request;
  request.mutable_read_telemetry();
  return request;
}

pb::Request power_cap(double power_w) {
  pb::Request request;
  request.mutable_set_power_cap()->set_power_w(power_w);
  return request;
}

pb::Request start_workload(double duty_cycle = 0) {
  pb::Request request;
  auto* workload = request.mutable_start_workload()->mutable_workload();
  workload->set_kind("gemm");
  workload->set_dtype("bf16");
  workload->set_duty_cycle(duty_cycle);
  return request;
}

bool is_error(const std::optional<pb::Response>& response, pb::Error::Code code) {
  return response && response->has_error() && response->error().code() == code;
}

std::string message_of(const std::optional<pb::Response>& response) {
  return response && response->has_error() ? response->error().message() : std::string("(no error)");
}

bool authenticated(AgentTestClient& client, std::uint32_t gpu = 0) {
  const auto reply = client.handshake(kSecret, gpu);
  return reply && reply->has_auth();
}

// A TCP relay between one client and the agent: it records what crosses it and can flip one bit
// of the next chunk going to the agent — what someone on the path between controller and agent
// can do.
class TamperingRelay {
 public:
  explicit TamperingRelay(std::uint16_t agent_port) : agent_port_(agent_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listen_fd_, 1) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::system_error(errno, std::generic_category(), "relay listen");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~TamperingRelay() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  std::uint16_t port() const { return port_; }
  void tamper_with_next_request() { tamper_ = true; }
  std::string to_agent() {
    std::lock_guard lock(mutex_);
    return to_agent_;
  }
  std::string from_agent() {
    std::lock_guard lock(mutex_);
    return from_agent_;
  }

 private:
  void run() {
    pollfd listening{listen_fd_, POLLIN, 0};
    while (!stop_ && ::poll(&listening, 1, 50) <= 0) {
    }
    if (stop_) return;
    const int client = ::accept(listen_fd_, nullptr, nullptr);
    const int agent_fd = ob::test::connect_loopback(agent_port_);
    while (!stop_) {
      pollfd fds[2] = {{client, POLLIN, 0}, {agent_fd, POLLIN, 0}};
      if (::poll(fds, 2, 50) <= 0) continue;
      if (!forward(fds[0], client, agent_fd, true) || !forward(fds[1], agent_fd, client, false)) break;
    }
    ::close(client);
    ::close(agent_fd);
  }
  bool forward(const pollfd& ready, int from, int to, bool upstream) {
    if ((ready.revents & (POLLIN | POLLHUP | POLLERR)) == 0) return true;
    char buffer[16384];
    const auto got = ::recv(from, buffer, sizeof buffer, 0);
    if (got <= 0) return false;
    std::string chunk(buffer, static_cast<std::size_t>(got));
    if (upstream && tamper_.exchange(false)) chunk.back() ^= 0x01;  // in the record's ciphertext or tag
    {
      std::lock_guard lock(mutex_);
      (upstream ? to_agent_ : from_agent_) += chunk;
    }
    return ::send(to, chunk.data(), chunk.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(chunk.size());
  }

  std::uint16_t agent_port_;
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<bool> tamper_{false};
  std::mutex mutex_;
  std::string to_agent_, from_agent_;
  std::thread thread_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(agent_server)

BOOST_FIXTURE_TEST_CASE(handshake_authenticates_both_ways_and_describes_the_gpu, AgentFixture) {
  AgentTestClient client(server.port(), kSecret);
  const auto greeted = client.call(client.hello(1));
  BOOST_TEST_REQUIRE(greeted.has_value());
  BOOST_TEST_REQUIRE(greeted->has_hello());
  BOOST_TEST(greeted->hello().protocol_version() == agent::kProtocolVersion);
  BOOST_TEST(greeted->hello().agent() == "test-agent");
  BOOST_TEST(greeted->hello().agent_nonce().size() == agent::kNonceBytes);
  BOOST_TEST(greeted->hello().agent_proof().size() == 32u);
  const auto reply = client.call(client.authenticate(kSecret));
  BOOST_TEST_REQUIRE(reply.has_value());
  BOOST_TEST_REQUIRE(reply->has_auth());
  BOOST_TEST(reply->auth().uuid() == "GPU-test-1");
  BOOST_TEST(reply->auth().power_limit_max_w() == kMaxCapW);
  BOOST_TEST(reply->auth().settings_allowed());
  BOOST_TEST(reply->auth().capabilities().gpu_count() == 2u);
  BOOST_TEST(reply->auth().capabilities().sample_hz() == agent::kDefaultSampleHz);
  BOOST_TEST(reply->auth().capabilities().workload_kinds_size() == 2);
  BOOST_TEST(client.call(read_telemetry())->has_telemetry_batch());

  // The agent's nonce is fresh per connection.
  AgentTestClient other(server.port(), kSecret);
  BOOST_TEST_REQUIRE(authenticated(other));
  BOOST_TEST(other.agent_nonce() != client.agent_nonce());
}

BOOST_FIXTURE_TEST_CASE(unauthenticated_requests_are_refused_and_the_connection_closed, AgentFixture) {
  {
    AgentTestClient client(server.port(), kSecret);
    const auto reply = client.call(read_telemetry());
    BOOST_TEST(is_error(reply, pb::Error::NOT_ALLOWED), message_of(reply));
    BOOST_TEST(client.closed_by_peer());
  }
  {
    AgentTestClient client(server.port(), kSecret);
    BOOST_TEST_REQUIRE(client.call(client.hello(0))->has_hello());
    const auto reply = client.call(power_cap(200));  // greeted but not authenticated
    BOOST_TEST(is_error(reply, pb::Error::NOT_ALLOWED), message_of(reply));
    BOOST_TEST(client.closed_by_peer());
  }
  BOOST_TEST(backend.power_cap_w.load() == kMaxCapW);
}

BOOST_FIXTURE_TEST_CASE(wrong_secret_is_refused_both_ways, AgentFixture) {
  // TLS first (issue 18): a client with another secret fails the TLS handshake, and the agent
  // has sent it nothing derived from its secret (the client proves first, by its PSK binder).
  AgentTestClient outsider(server.port(), "another secret");
  BOOST_TEST(!outsider.tls_established());
  BOOST_TEST(outsider.tls_error().find("alert illegal parameter") != std::string::npos, outsider.tls_error());
  BOOST_TEST(outsider.closed_by_peer());

  // Inside the tunnel the HMAC exchange still checks both ways.
  AgentTestClient client(server.port(), kSecret);
  BOOST_TEST_REQUIRE(client.tls_established(), client.tls_error());
  const auto greeted = client.call(client.hello(0));
  BOOST_TEST_REQUIRE(greeted->has_hello());
  // The controller's check of the agent: with another secret the agent's proof does not match.
  const auto& proof = greeted->hello().agent_proof();
  BOOST_TEST(agent::proofs_equal(agent::agent_proof(kSecret, client.client_nonce(), client.agent_nonce()), proof));
  BOOST_TEST(!agent::proofs_equal(agent::agent_proof("another secret", client.client_nonce(), client.agent_nonce()), proof));

  AgentTestClient wrong(server.port(), kSecret);
  BOOST_TEST_REQUIRE(wrong.call(wrong.hello(0))->has_hello());
  const auto reply = wrong.call(wrong.authenticate("another secret"));
  BOOST_TEST(is_error(reply, pb::Error::NOT_ALLOWED), message_of(reply));
  BOOST_TEST(message_of(reply).find("authentication failed") != std::string::npos, message_of(reply));
  BOOST_TEST(wrong.closed_by_peer());
}

// A stranger who speaks the protocol in the clear (v2, or anyone without the key) gets no
// reply at all: no HelloReply, so no agent proof to search offline for a short secret.
BOOST_FIXTURE_TEST_CASE(a_stranger_in_the_clear_gets_nothing, AgentFixture) {
  AgentTestClient stranger(server.port(), AgentTestClient::Plain{});
  BOOST_REQUIRE(stranger.send(stranger.hello(0)));
  BOOST_TEST(!stranger.receive(1000ms).has_value());
  BOOST_TEST(stranger.closed_by_peer());
  AgentTestClient client(server.port(), kSecret);
  BOOST_TEST(authenticated(client));
}

BOOST_FIXTURE_TEST_CASE(replayed_authenticate_on_a_new_connection_is_refused, AgentFixture) {
  AgentTestClient original(server.port(), kSecret);
  const pb::Request hello = original.hello(0);
  BOOST_TEST_REQUIRE(original.call(hello)->has_hello());
  const pb::Request authenticate = original.authenticate(kSecret);
  BOOST_TEST_REQUIRE(original.call(authenticate)->has_auth());

  // An eavesdropper replays both recorded requests on a connection of its own.
  AgentTestClient replayer(server.port(), kSecret);
  BOOST_TEST_REQUIRE(replayer.call(hello)->has_hello());
  const auto reply = replayer.call(authenticate);
  BOOST_TEST(is_error(reply, pb::Error::NOT_ALLOWED), message_of(reply));
  BOOST_TEST(replayer.closed_by_peer());
  BOOST_TEST(original.call(read_telemetry())->has_telemetry_batch());  // the original goes on
}

BOOST_FIXTURE_TEST_CASE(second_hello_and_wrong_version_are_refused, AgentFixture) {
  {
    AgentTestClient client(server.port(), kSecret);
    BOOST_TEST_REQUIRE(authenticated(client));
    const auto reply = client.call(client.hello(0));
    BOOST_TEST(is_error(reply, pb::Error::BAD_REQUEST), message_of(reply));
    BOOST_TEST(message_of(reply).find("second Hello") != std::string::npos, message_of(reply));
    BOOST_TEST(client.closed_by_peer());
  }
  {
    AgentTestClient client(server.port(), kSecret);
    BOOST_TEST_REQUIRE(client.call(client.hello(0))->has_hello());
    const auto reply = client.call(client.hello(0));  // before authenticating, too
    BOOST_TEST(is_error(reply, pb::Error::BAD_REQUEST), message_of(reply));
    BOOST_TEST(client.closed_by_peer());
  }
  {
    AgentTestClient client(server.port(), kSecret);
    const auto reply = client.call(client.hello(0, 1));  // protocol v1
    BOOST_TEST(is_error(reply, pb::Error::BAD_REQUEST), message_of(reply));
    BOOST_TEST(message_of(reply).find("protocol version 1") != std::string::npos, message_of(reply));
    BOOST_TEST(client.closed_by_peer());
  }
  {
    AgentTestClient client(server.port(), kSecret);
    const auto reply = client.handshake(kSecret, 2);  // two GPUs: 0 and 1
    BOOST_TEST(is_error(reply, pb::Error::OUT_OF_RANGE), message_of(reply));
    BOOST_TEST(client.closed_by_peer());
  }
}

BOOST_FIXTURE_TEST_CASE(oversized_frame_closes_only_that_connection, AgentFixture) {
  AgentTestClient good(server.port(), kSecret);
  BOOST_TEST_REQUIRE(authenticated(good));
  AgentTestClient bad(server.port(), kSecret);
  BOOST_TEST_REQUIRE(authenticated(bad));
  const std::uint32_t too_long = agent::kMaxFrameBytes + 1;
  const char header[4] = {static_cast<char>(too_long >> 24), static_cast<char>((too_long >> 16) & 0xff),
                          static_cast<char>((too_long >> 8) & 0xff), static_cast<char>(too_long & 0xff)};
  bad.send_raw(std::string_view(header, 4));
  BOOST_TEST(bad.closed_by_peer());
  BOOST_TEST(good.call(read_telemetry())->has_telemetry_batch());
  AgentTestClient fresh(server.port(), kSecret);
  BOOST_TEST(authenticated(fresh));
}

BOOST_FIXTURE_TEST_CASE(malformed_frame_closes_only_that_connection, AgentFixture) {
  AgentTestClient good(server.port(), kSecret);
  BOOST_TEST_REQUIRE(authenticated(good));
  AgentTestClient bad(server.port(), kSecret);
  BOOST_TEST_REQUIRE(authenticated(bad));
  bad.send_raw(agent::encode_frame("\xff\xff\xff\xff"));
  const auto reply = bad.receive();
  BOOST_TEST(is_error(reply, pb::Error::BAD_REQUEST), message_of(reply));
  BOOST_TEST((reply.has_value() && reply->seq() == 0u));
  BOOST_TEST(bad.closed_by_peer());
  BOOST_TEST(good.call(read_telemetry())->has_telemetry_batch());
}

BOOST_AUTO_TEST_CASE(watchdog_stops_the_workload_after_silence) {
  auto options = test_options();
  options.watchdog_timeout = 300ms;
  AgentFixture agent_fixture(options);
  AgentTestClient client(agent_fixture.server.port(), kSecret);
  BOOST_TEST_REQUIRE(authenticated(client));
  BOOST_TEST_REQUIRE(client.call(start_workload(0.5))->has_ack());
  BOOST_TEST(agent_fixture.backend.last_duty_cycle.load() == 0.5);
  // A controller that keeps talking keeps its workload.
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(100ms);
    BOOST_TEST_REQUIRE(client.call(read_telemetry())->has_telemetry_batch());
  }
  BOOST_TEST(agent_fixture.backend.running.load());
  BOOST_TEST(agent_fixture.backend.stops.load() == 0);
  // Silence: the agent stops it on its own, once.
  std::this_thread::sleep_for(800ms);
  BOOST_TEST(!agent_fixture.backend.running.load());
  BOOST_TEST(agent_fixture.backend.stops.load() == 1);
}

BOOST_AUTO_TEST_CASE(read_only_refuses_set_power_cap) {
  auto options = test_options();
  options.read_only = true;
  AgentFixture agent_fixture(options);
  AgentTestClient client(agent_fixture.server.port(), kSecret);
  const auto reply = client.handshake(kSecret);
  BOOST_TEST_REQUIRE(reply.has_value());
  BOOST_TEST_REQUIRE(reply->has_auth());
  BOOST_TEST(!reply->auth().settings_allowed());
  const auto refused = client.call(power_cap(200));
  BOOST_TEST(is_error(refused, pb::Error::NOT_ALLOWED), message_of(refused));
  BOOST_TEST(message_of(refused) == "agent started with --read-only");
  BOOST_TEST(agent_fixture.backend.power_cap_w.load() == kMaxCapW);
  BOOST_TEST(client.call(read_telemetry())->has_telemetry_batch());  // reading is fine
}

BOOST_FIXTURE_TEST_CASE(power_cap_is_range_checked_then_applied, AgentFixture) {
  AgentTestClient client(server.port(), kSecret);
  BOOST_TEST_REQUIRE(authenticated(client));
  BOOST_TEST(is_error(client.call(power_cap(kMaxCapW + 1)), pb::Error::OUT_OF_RANGE));
  BOOST_TEST(is_error(client.call(power_cap(kMinCapW - 1)), pb::Error::OUT_OF_RANGE));
  BOOST_TEST(client.call(power_cap(300))->has_ack());
  BOOST_TEST(backend.power_cap_w.load() == 300.0);
  const auto batch = client.call(read_telemetry());
  BOOST_TEST(batch->telemetry_batch().current().power_limit_w() == 300.0);
  BOOST_TEST(is_error(client.call(start_workload(1.5)), pb::Error::OUT_OF_RANGE));
  pb::Request unsupported = start_workload();
  unsupported.mutable_start_workload()->mutable_workload()->set_dtype("fp8");
  BOOST_TEST(is_error(client.call(unsupported), pb::Error::NOT_SUPPORTED));
}

BOOST_AUTO_TEST_CASE(batch_telemetry_returns_every_sample_once) {
  auto options = test_options();
  options.sample_hz = 100;
  AgentFixture agent_fixture(options);
  AgentTestClient client(agent_fixture.server.port(), kSecret);
  BOOST_TEST_REQUIRE(authenticated(client));
  std::uint64_t expected_seq = 0;
  std::size_t total = 0;
  for (int read = 0; read < 5; ++read) {
    std::this_thread::sleep_for(read % 2 == 0 ? 120ms : 30ms);  // irregular polling
    const auto reply = client.call(read_telemetry());
    BOOST_TEST_REQUIRE(reply.has_value());
    BOOST_TEST_REQUIRE(reply->has_telemetry_batch());
    const auto& batch = reply->telemetry_batch();
    BOOST_TEST(batch.dropped() == 0u);
    for (const auto& sample : batch.samples()) {
      if (expected_seq != 0) BOOST_TEST(sample.sample_seq() == expected_seq);
      expected_seq = sample.sample_seq() + 1;
      ++total;
    }
  }
  BOOST_TEST(total >= 20u);  // ≈ 420 ms at 100 Hz, with slack for a loaded machine
}

BOOST_AUTO_TEST_CASE(batch_telemetry_counts_what_the_ring_dropped) {
  auto options = test_options();
  options.sample_hz = 200;
  options.ring_capacity = 4;
  AgentFixture agent_fixture(options);
  AgentTestClient client(agent_fixture.server.port(), kSecret);
  BOOST_TEST_REQUIRE(authenticated(client));
  std::this_thread::sleep_for(200ms);
  const auto reply = client.call(read_telemetry());
  BOOST_TEST_REQUIRE(reply->has_telemetry_batch());
  const auto& batch = reply->telemetry_batch();
  BOOST_TEST(batch.samples_size() == 4);
  BOOST_TEST(batch.dropped() > 0u);
  BOOST_TEST(batch.samples(3).sample_seq() == batch.samples(0).sample_seq() + 3);
}

// Issue 18: before authentication a peer may not make the agent allocate: a header announcing
// more than a few KiB closes the connection at once (3000 such connections once took the agent
// from 170 MB to 3.25 GB).
BOOST_FIXTURE_TEST_CASE(a_stranger_announcing_a_large_frame_is_closed_before_allocation, AgentFixture) {
  const std::uint32_t large = agent::kMaxPreAuthFrameBytes + 1;  // legal after authentication
  BOOST_REQUIRE(large < agent::kMaxFrameBytes);
  const char header[4] = {static_cast<char>(large >> 24), static_cast<char>((large >> 16) & 0xff),
                          static_cast<char>((large >> 8) & 0xff), static_cast<char>(large & 0xff)};
  // Without TLS the header (and the payload's first byte) is not a TLS record: closed at once.
  AgentTestClient stranger(server.port(), AgentTestClient::Plain{});
  stranger.send_raw(std::string(header, 4) + '\x08');
  BOOST_TEST(stranger.closed_by_peer(2000ms));
  // Inside TLS but not authenticated: closed on the header alone, no payload sent.
  AgentTestClient greeted(server.port(), kSecret);
  BOOST_TEST_REQUIRE(greeted.tls_established(), greeted.tls_error());
  greeted.send_raw(std::string_view(header, 4));
  BOOST_TEST(greeted.closed_by_peer(2000ms));
  // Authenticated, the same size is an ordinary (if malformed) frame, answered.
  AgentTestClient client(server.port(), kSecret);
  BOOST_TEST_REQUIRE(authenticated(client));
  client.send_raw(agent::encode_frame(std::string(large, '\xff')));
  const auto reply = client.receive();
  BOOST_TEST(is_error(reply, pb::Error::BAD_REQUEST), message_of(reply));
}

// At most `max_unauthenticated` strangers at a time (default kMaxUnauthenticatedConnections); the next is closed as it arrives,
// and once they go, a client logs in again.
BOOST_AUTO_TEST_CASE(strangers_beyond_the_cap_are_closed_at_once) {
  auto options = test_options();
  options.max_unauthenticated = 16;
  AgentFixture agent_fixture(options);
  const auto& server = agent_fixture.server;
  std::vector<std::unique_ptr<AgentTestClient>> strangers;
  for (std::size_t i = 0; i < options.max_unauthenticated; ++i) {
    strangers.push_back(std::make_unique<AgentTestClient>(server.port(), kSecret));
  }
  // Each stranger is in its handshake once it has been answered a Hello.
  for (auto& stranger : strangers) {
    pb::Request hello;
    hello.mutable_hello()->set_protocol_version(agent::kProtocolVersion);
    hello.mutable_hello()->set_client_nonce(std::string(agent::kNonceBytes, 'n'));
    BOOST_REQUIRE(stranger->send(hello));
    BOOST_REQUIRE(stranger->receive().has_value());
  }
  AgentTestClient one_too_many(server.port(), AgentTestClient::Plain{});
  BOOST_TEST(one_too_many.closed_by_peer(2000ms));
  AgentTestClient keyed_too_many(server.port(), kSecret);  // the key does not jump the queue
  BOOST_TEST(!keyed_too_many.tls_established());
  strangers.clear();
  std::this_thread::sleep_for(100ms);  // the agent sees them go
  AgentTestClient client(server.port(), kSecret);
  BOOST_TEST(authenticated(client));
}

// One deadline for the whole handshake: a stranger cannot stretch it by trickling frames.
BOOST_AUTO_TEST_CASE(the_handshake_deadline_is_one_for_the_whole_handshake) {
  auto options = test_options();
  options.handshake_timeout = 300ms;
  AgentFixture agent_fixture(options);
  AgentTestClient slow(agent_fixture.server.port(), kSecret);
  pb::Request hello;
  hello.mutable_hello()->set_protocol_version(agent::kProtocolVersion);
  hello.mutable_hello()->set_client_nonce(std::string(agent::kNonceBytes, 'n'));
  std::this_thread::sleep_for(200ms);
  BOOST_REQUIRE(slow.send(hello));
  BOOST_REQUIRE(slow.receive().has_value());
  const auto asked = std::chrono::steady_clock::now();
  BOOST_TEST(slow.closed_by_peer(2000ms));  // at 300 ms from connecting, not 300 ms after the Hello
  BOOST_TEST((std::chrono::steady_clock::now() - asked < 250ms));
}

BOOST_AUTO_TEST_CASE(silent_connection_is_closed_at_the_handshake_deadline) {
  auto options = test_options();
  options.handshake_timeout = 200ms;
  AgentFixture agent_fixture(options);
  AgentTestClient idle(agent_fixture.server.port(), AgentTestClient::Plain{});  // not even a ClientHello
  BOOST_TEST(idle.closed_by_peer(2000ms));
  AgentTestClient keyed_idle(agent_fixture.server.port(), kSecret);  // TLS, then silence
  BOOST_TEST_REQUIRE(keyed_idle.tls_established(), keyed_idle.tls_error());
  BOOST_TEST(keyed_idle.closed_by_peer(2000ms));
  AgentTestClient client(agent_fixture.server.port(), kSecret);
  BOOST_TEST(authenticated(client));
}

// Issue 18: every frame after the handshake is encrypted and authenticated. Through a relay on
// the path, nothing of the plain text crosses the wire, and a request with one bit flipped is
// refused (AES-GCM's tag) and ends the connection: the cap stays where it was.
BOOST_FIXTURE_TEST_CASE(frames_cross_the_wire_encrypted_and_a_tampered_one_is_refused, AgentFixture) {
  TamperingRelay relay(server.port());
  AgentTestClient client(relay.port(), kSecret);
  BOOST_TEST_REQUIRE(client.tls_established(), client.tls_error());
  BOOST_TEST_REQUIRE(authenticated(client));
  BOOST_TEST_REQUIRE(client.call(power_cap(300))->has_ack());
  BOOST_TEST(backend.power_cap_w.load() == 300.0);
  const auto reply = client.call(read_telemetry());
  BOOST_TEST_REQUIRE(reply->has_telemetry_batch());
  const std::string sent = relay.to_agent();
  const std::string received = relay.from_agent();
  BOOST_TEST(sent.size() > 200u);
  BOOST_TEST(received.size() > 200u);
  BOOST_TEST(sent.find("test-client") == std::string::npos);     // the Hello's client name
  BOOST_TEST(received.find("test-agent") == std::string::npos);  // the HelloReply's agent name
  BOOST_TEST(received.find("GPU-test-0") == std::string::npos);  // the AuthReply's identity
  BOOST_TEST(received.find("TestGPU") == std::string::npos);

  relay.tamper_with_next_request();
  BOOST_TEST(client.send(power_cap(200)));
  BOOST_TEST(client.closed_by_peer());
  BOOST_TEST(backend.power_cap_w.load() == 300.0);
}

BOOST_AUTO_TEST_SUITE_END()
