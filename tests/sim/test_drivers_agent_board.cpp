// The GPU board driver (agent://) against the simulated lab's agent: operations begun beside one
// another take turns on the one connection.
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "../support/loopback_connect.hpp"
#include "drivers/common/run_until_ready.hpp"
#include "drivers/common/uri.hpp"
#include "drivers/gpu/agent_board.hpp"
#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent/agent_server.hpp"
#include "fixtures/gpu_agent_server.hpp"
#include "fixtures/sim_lab.hpp"

namespace {

ob::fixtures::SimLabOptions lab_options() {
  ob::fixtures::SimLabOptions options;
  options.speed = 60;
  return options;
}

// Board 0 powered: the simulated DP832's CH1 at 12 V, switched on (plain SCPI, no reply).
void power_board_0(const ob::fixtures::SimLab& lab) {
  const int fd = ob::test::connect_loopback(lab.psu_port());
  const std::string commands = ":INST:NSEL 1\n:SOUR:VOLT 12\n:SOUR:CURR 3\n:OUTP CH1,ON\n*IDN?\n";
  BOOST_TEST_REQUIRE(::write(fd, commands.data(), commands.size()) == static_cast<ssize_t>(commands.size()));
  char reply[256];
  BOOST_TEST_REQUIRE(::read(fd, reply, sizeof reply) > 0);  // *IDN?'s answer: the commands before it are done
  ::close(fd);
}

}  // namespace

// The campaign's safe state (or an isolation) begins beside the board's telemetry loop: it
// waits for the read in flight instead of interleaving its frames with it, and both succeed.
BOOST_AUTO_TEST_CASE(a_safe_state_begun_during_a_telemetry_read_waits_for_it) {
  ob::fixtures::SimLab lab(lab_options());
  lab.start();
  power_board_0(lab);
  asio::io_context io;
  ob::drivers::GpuBoardOptions options;
  options.secret = lab.agent_secret();
  auto board = ob::drivers::make_gpu_board(io.get_executor(), "board-01", ob::drivers::parse_uri(lab.agent_uri()), options);
  BOOST_TEST_REQUIRE(ob::drivers::run_until_ready(io, board->configure()).has_value());
  ob::drivers::WorkloadSpec workload;
  BOOST_TEST_REQUIRE(ob::drivers::run_until_ready(io, board->start_workload(workload)).has_value());
  BOOST_TEST_REQUIRE(lab.snapshot().boards.at(0).workload_running);

  lab.control("fault agent delay 300");  // the read is still in flight when the safe state begins
  auto reading = asio::co_spawn(io, board->read_telemetry(), asio::use_future);
  auto safe = asio::co_spawn(io, board->safe_state(), asio::use_future);
  io.restart();  // run_until_ready may have left it stopped
  io.run();
  const auto telemetry = reading.get();
  const auto stopped = safe.get();
  BOOST_TEST(telemetry.has_value(), (telemetry ? std::string() : telemetry.error().message()));
  BOOST_TEST(stopped.has_value(), (stopped ? std::string() : stopped.error().message()));
  BOOST_TEST(!lab.snapshot().boards.at(0).workload_running);
  lab.stop();
}

namespace {

std::size_t batch_size(asio::io_context& io, ob::drivers::GpuBoard& board) {
  io.restart();
  const auto batch = ob::drivers::run_until_ready(io, board.read_telemetry_batch());
  BOOST_TEST_REQUIRE(batch.has_value());
  return batch->samples.size();
}

void read_current(asio::io_context& io, ob::drivers::GpuBoard& board) {
  io.restart();
  BOOST_TEST_REQUIRE(ob::drivers::run_until_ready(io, board.read_telemetry()).has_value());
}

}  // namespace

// A caller that only reads current values keeps no samples in memory (256 boards polled for an
// hour would hold gigabytes); once batches are read, the current-value reads between two batches
// lose none of the agent's samples.
BOOST_AUTO_TEST_CASE(samples_are_kept_only_once_batches_are_read) {
  ob::fixtures::SimLab lab(lab_options());
  lab.start();
  asio::io_context io;
  ob::drivers::GpuBoardOptions options;
  options.secret = lab.agent_secret();
  auto board = ob::drivers::make_gpu_board(io.get_executor(), "board-01", ob::drivers::parse_uri(lab.agent_uri()), options);
  io.restart();
  BOOST_TEST_REQUIRE(ob::drivers::run_until_ready(io, board->configure()).has_value());
  constexpr auto kGap = std::chrono::milliseconds(400);  // 4 samples at the agent's 10 Hz
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(kGap);
    read_current(io, *board);
  }
  std::this_thread::sleep_for(kGap);
  const std::size_t first = batch_size(io, *board);  // only what the agent took since the last read
  BOOST_TEST(first <= 7u, first);
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(kGap);
    read_current(io, *board);
  }
  std::this_thread::sleep_for(kGap);
  const std::size_t second = batch_size(io, *board);  // 1.6 s at 10 Hz, read in four parts
  BOOST_TEST(second >= 13u, second);
  lab.stop();
}

namespace {

// A TCP listener that accepts one connection and then, as `answer` says, stays silent or
// answers in the clear (as a protocol-2 agent would: a frame, then close).
struct PlainPeer {
  explicit PlainPeer(std::string answer) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    BOOST_TEST_REQUIRE(::listen(fd, 1) == 0);
    BOOST_TEST_REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port = ntohs(address.sin_port);
    thread = std::thread([this, answer] {
      const int peer = ::accept(fd, nullptr, nullptr);
      if (peer < 0) return;
      if (!answer.empty()) (void)::write(peer, answer.data(), answer.size());
      char sink[4096];
      while (::read(peer, sink, sizeof sink) > 0 && answer.empty()) {
      }
      ::close(peer);
    });
  }
  ~PlainPeer() {
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    thread.join();
  }
  int fd = -1;
  std::uint16_t port = 0;
  std::thread thread;
};

std::string configure_error(std::uint16_t port) {
  asio::io_context io;
  ob::drivers::GpuBoardOptions options;
  options.secret = std::string(64, 'a') + "0123456789abcdef";
  options.timeout = std::chrono::milliseconds(300);
  auto board = ob::drivers::make_gpu_board(io.get_executor(), "board-01",
                                           ob::drivers::parse_uri("agent://127.0.0.1:" + std::to_string(port)), options);
  const auto identity = ob::drivers::run_until_ready(io, board->configure());
  return identity ? std::string("(configured)") : identity.error().message();
}

}  // namespace

// Protocol 3 is TLS from the first byte: a peer that accepts and never answers the handshake
// fails configure() at the board's deadline naming the TLS handshake; one that answers in the
// clear (an agent of protocol 2) is named as speaking no TLS.
BOOST_AUTO_TEST_CASE(a_peer_without_tls_fails_configure_with_what_it_is) {
  {
    PlainPeer silent("");
    const auto said = configure_error(silent.port);
    BOOST_TEST(said.find("board-01") != std::string::npos, said);
    BOOST_TEST(said.find("TLS handshake with the agent at 127.0.0.1:") != std::string::npos, said);
    BOOST_TEST(said.find("timed out") != std::string::npos, said);
  }
  {
    PlainPeer clear(std::string("\x00\x00\x00\x10", 4) + std::string(16, '\x12'));
    const auto said = configure_error(clear.port);
    BOOST_TEST(said.find("TLS handshake with the agent at 127.0.0.1:") != std::string::npos, said);
    BOOST_TEST(said.find("the agent speaks no TLS 1.3") != std::string::npos, said);
  }
}

namespace {

// An agent from before randn data: its capabilities list no workload data, and it multiplies
// integers whatever it is asked. Records what it was asked for.
class OlderAgentBackend final : public ob::drivers::agent::AgentBackend {
 public:
  unsigned gpu_count() const override { return 1; }
  ob::drivers::agent::BackendCapabilities capabilities() const override {
    ob::drivers::agent::BackendCapabilities out{{"gemm", "hbm"}, {"bf16"}, true, true};
    out.workload_data.clear();  // on the wire: no workload_data field at all
    return out;
  }
  ob::drivers::agent::AgentResult<ob::drivers::agent::GpuDescription> describe(unsigned) override {
    ob::drivers::agent::GpuDescription out;
    out.name = "OlderGPU";
    out.uuid = "GPU-older-0";
    out.power_limit_min_w = 100;
    out.power_limit_max_w = 300;
    out.power_limit_default_w = 300;
    return out;
  }
  ob::agent::pb::Telemetry sample(unsigned) override { return {}; }
  ob::drivers::agent::AgentStatus set_power_cap(unsigned, double) override { return {}; }
  ob::drivers::agent::AgentStatus start_workload(unsigned, const ob::drivers::agent::WorkloadRequest& workload) override {
    started_data = workload.data;
    return {};
  }
  ob::drivers::agent::AgentStatus stop_workload(unsigned) override { return {}; }
  std::string started_data;  // written on the agent's thread, read after it stopped
};

}  // namespace

// A controller asking an agent that offers no workload data (one older than randn data) for
// randn is refused before anything starts, naming why; integer data still runs there.
BOOST_AUTO_TEST_CASE(an_agent_without_randn_data_is_asked_for_integers_only) {
  const std::string secret(64, 'a');
  OlderAgentBackend backend;
  asio::io_context agent_io;
  auto agent_options = ob::fixtures::sim_agent_options(secret);
  ob::drivers::agent::AgentServer server(agent_io.get_executor(), backend, agent_options);
  server.listen("127.0.0.1", 0);
  server.start();
  std::thread agent_thread([&] { agent_io.run(); });

  asio::io_context io;
  ob::drivers::GpuBoardOptions options;
  options.secret = secret;
  auto board = ob::drivers::make_gpu_board(io.get_executor(), "board-old",
                                           ob::drivers::parse_uri("agent://127.0.0.1:" + std::to_string(server.port())), options);
  BOOST_TEST_REQUIRE(ob::drivers::run_until_ready(io, board->configure()).has_value());
  ob::drivers::WorkloadSpec randn;  // the default
  io.restart();
  const auto refused = ob::drivers::run_until_ready(io, board->start_workload(randn));
  BOOST_TEST_REQUIRE(!refused.has_value());
  BOOST_TEST(refused.error().message().find("does not run GEMMs on randn data (it offers integer") != std::string::npos,
             refused.error().message());
  ob::drivers::WorkloadSpec integer;
  integer.data = "integer";
  io.restart();
  const auto started = ob::drivers::run_until_ready(io, board->start_workload(integer));
  BOOST_TEST(started.has_value(), (started ? std::string() : started.error().message()));
  io.restart();
  (void)ob::drivers::run_until_ready(io, board->safe_state());

  asio::post(agent_io, [&] { server.close(); });
  agent_thread.join();
  BOOST_TEST(backend.started_data == "integer");
}
