// The simulated lab over loopback, spoken to with plain POSIX sockets written here (never the
// drivers): SCPI, Espec ASCII and agent frames, and the coupling between them.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "../support/agent_test_client.hpp"
#include "../support/loopback_connect.hpp"
#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent/agent_auth.hpp"
#include "drivers/gpu/agent_frame.hpp"
#include "fixtures/sim_lab.hpp"

namespace {

namespace pb = ob::agent::pb;
using namespace std::chrono_literals;

constexpr auto kReplyTimeout = 2s;

// A blocking loopback TCP client with deadlines on every read.
class TestSocket {
 public:
  explicit TestSocket(std::uint16_t port) : fd_(ob::test::connect_loopback(port)) {}
  ~TestSocket() { ::close(fd_); }
  TestSocket(const TestSocket&) = delete;
  TestSocket& operator=(const TestSocket&) = delete;

  void send_all(std::string_view data) {
    while (!data.empty()) {
      const auto sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0) throw std::system_error(errno, std::generic_category(), "send");
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  // One recv(): what a client that reads one segment per reply would get. "" on timeout or EOF.
  std::string recv_once(std::chrono::milliseconds timeout = kReplyTimeout) {
    if (!wait_readable(timeout)) return {};
    char buffer[4096];
    const auto received = ::recv(fd_, buffer, sizeof buffer, 0);
    return received > 0 ? std::string(buffer, static_cast<std::size_t>(received)) : std::string();
  }

  std::string read_line(std::chrono::milliseconds timeout = kReplyTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const auto end = pending_.find('\n'); end != std::string::npos) {
        std::string line = pending_.substr(0, end + 1);
        pending_.erase(0, end + 1);
        return line;
      }
      if (!fill(deadline)) throw std::runtime_error("no reply line (got '" + pending_ + "')");
    }
  }

  std::string read_exact(std::size_t count, std::chrono::milliseconds timeout = kReplyTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pending_.size() < count) {
      if (!fill(deadline)) throw std::runtime_error("short read");
    }
    std::string data = pending_.substr(0, count);
    pending_.erase(0, count);
    return data;
  }

  // True when the peer closed the connection within the timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout = kReplyTimeout) {
    if (!wait_readable(timeout)) return false;
    char byte = 0;
    return ::recv(fd_, &byte, 1, 0) == 0;
  }

  std::string query(std::string_view line) {
    send_all(line);
    return read_line();
  }

 private:
  bool wait_readable(std::chrono::milliseconds timeout) {
    pollfd poll_fd{fd_, POLLIN, 0};
    return ::poll(&poll_fd, 1, static_cast<int>(timeout.count())) > 0;
  }
  bool fill(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait_readable(left)) return false;
    char buffer[4096];
    const auto received = ::recv(fd_, buffer, sizeof buffer, 0);
    if (received <= 0) return false;
    pending_.append(buffer, static_cast<std::size_t>(received));
    return true;
  }

  int fd_;
  std::string pending_;
};

// Agent-protocol client: one Request frame out, one Response frame back, inside TLS; the HMAC
// handshake written out here from agent.proto's description.
class AgentClient {
 public:
  AgentClient(std::uint16_t port, std::string secret) : socket_(port, secret), secret_(std::move(secret)) {
    BOOST_TEST_REQUIRE(socket_.tls_established(), socket_.tls_error());
  }

  pb::Response call(pb::Request request) {
    request.set_seq(++seq_);
    socket_.send_raw(ob::drivers::agent::encode_frame(request.SerializeAsString()));
    pb::Response response = read_response();
    BOOST_TEST(response.seq() == seq_);
    return response;
  }
  pb::Response read_response() {
    auto response = socket_.receive();
    BOOST_REQUIRE(response.has_value());
    return *response;
  }
  // Hello, then Authenticate with our secret: the AuthReply (or the agent's Error).
  pb::Response hello(std::uint32_t gpu_index) {
    const std::string client_nonce = ob::drivers::agent::random_nonce();
    pb::Request request;
    request.mutable_hello()->set_client("sim-test");
    request.mutable_hello()->set_gpu_index(gpu_index);
    request.mutable_hello()->set_protocol_version(ob::drivers::agent::kProtocolVersion);
    request.mutable_hello()->set_client_nonce(client_nonce);
    const pb::Response greeted = call(request);
    if (!greeted.has_hello()) return greeted;
    const std::string& agent_nonce = greeted.hello().agent_nonce();
    agent_proof_ok_ = ob::drivers::agent::proofs_equal(
        ob::drivers::agent::hmac_sha256(secret_, "ob-agent|" + client_nonce + agent_nonce), greeted.hello().agent_proof());
    pb::Request authenticate;
    authenticate.mutable_authenticate()->set_proof(
        ob::drivers::agent::hmac_sha256(secret_, "ob-controller|" + agent_nonce + client_nonce));
    return call(authenticate);
  }
  bool agent_proof_ok() const { return agent_proof_ok_; }
  pb::Response start() {
    pb::Request request;
    request.mutable_start_workload()->mutable_workload()->set_kind("gemm");
    return call(request);
  }
  pb::Telemetry telemetry() {
    pb::Request request;
    request.mutable_read_telemetry();
    const auto response = call(request);
    BOOST_REQUIRE(response.has_telemetry_batch());
    return response.telemetry_batch().current();
  }
  ob::test::AgentTestClient& socket() { return socket_; }

 private:
  ob::test::AgentTestClient socket_;  // TLS with the secret's PSK (tests/support)
  std::string secret_;
  bool agent_proof_ok_ = false;
  std::uint64_t seq_ = 0;
};

struct LabFixture {
  LabFixture() : lab(options()) { lab.start(); }
  static ob::fixtures::SimLabOptions options() {
    ob::fixtures::SimLabOptions options;
    options.boards = 2;
    return options;
  }
  ob::fixtures::SimLab lab;
};

// Polls the lab's snapshot until `done` holds or the timeout passes.
template <typename Predicate>
bool eventually(const ob::fixtures::SimLab& lab, Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done(lab.snapshot())) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done(lab.snapshot());
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sim_lab, LabFixture)

BOOST_AUTO_TEST_CASE(binds_ephemeral_ports_and_names_them_in_uris) {
  BOOST_TEST(lab.psu_port() != 0);
  BOOST_TEST(lab.chamber_port() != 0);
  BOOST_TEST(lab.agent_port() != 0);
  BOOST_TEST(lab.psu_uri() == "scpi+tcp://127.0.0.1:" + std::to_string(lab.psu_port()) + "?model=dp832");
  BOOST_TEST(lab.chamber_uri() == "espec+tcp://127.0.0.1:" + std::to_string(lab.chamber_port()));
  BOOST_TEST(lab.agent_uri() == "agent://127.0.0.1:" + std::to_string(lab.agent_port()));
  BOOST_TEST(lab.snapshot().boards.size() == 2u);
}

BOOST_AUTO_TEST_CASE(scpi_over_a_raw_socket) {
  TestSocket psu(lab.psu_port());
  // Each reply leaves in one write, so a one-recv-per-reply client gets the whole line.
  psu.send_all("*IDN?\n");
  BOOST_TEST(psu.recv_once() == "RIGOL TECHNOLOGIES,DP832,DP8C000SIM0001,00.01.16\n");
  psu.send_all(":SOURce:VOLTage:LEVel:IMMediate:AMPLitude 5\r\n");
  BOOST_TEST(psu.query("volt?\r\n") == "5.000\n");
  psu.send_all("APPL CH2,3,1\nAPPL? CH2\n");  // two messages in one segment
  BOOST_TEST(psu.read_line() == "CH2,3.000,1.0000\n");
  psu.send_all("VOLT 40\n");
  BOOST_TEST(psu.query("SYST:ERR?\n") == "-222,\"Data out of range\"\n");
  BOOST_TEST(psu.query("SYST:ERR?\n") == "+0,\"No error\"\n");
  BOOST_TEST(psu.query("*IDN?;:INST?;*OPC?\n") == "RIGOL TECHNOLOGIES,DP832,DP8C000SIM0001,00.01.16;CH1;1\n");
}

BOOST_AUTO_TEST_CASE(espec_over_tcp) {
  TestSocket chamber(lab.chamber_port());
  BOOST_TEST(chamber.query("ROM?\r\n") == "P300 Ver 1.06 SIM\r\n");
  BOOST_TEST(chamber.query("TEMP, S25.0\r\n") == "OK:TEMP, S25.0\r\n");
  BOOST_TEST(chamber.query("MODE,CONSTANT\n") == "OK:MODE,CONSTANT\r\n");
  const std::string temp = chamber.query("TEMP?\r\n");
  BOOST_TEST(temp.find(",25.0,150.0,-40.0\r\n") != std::string::npos);
  const std::string monitor = chamber.query("MON?\r\n");
  BOOST_TEST(monitor.find(",0,CONSTANT,0\r\n") != std::string::npos);
  BOOST_TEST(chamber.query("WHAT?\r\n") == "NA:CMD ERR\r\n");
  BOOST_TEST(chamber.query("TEMP, S999\r\n") == "NA:DATA OUT OF RANGE\r\n");
  BOOST_TEST(lab.snapshot().chamber.setpoint_c == 25.0);
  BOOST_TEST(lab.snapshot().chamber.running);
}

BOOST_AUTO_TEST_CASE(agent_frames_over_tcp) {
  {
    AgentClient agent(lab.agent_port(), lab.agent_secret());
    pb::Request early;
    early.mutable_read_telemetry();
    const auto response = agent.call(early);
    BOOST_TEST_REQUIRE(response.has_error());
    BOOST_TEST(response.error().code() == pb::Error::NOT_ALLOWED);
    BOOST_TEST(agent.socket().closed_by_peer());
  }
  {
    // Another secret fails the TLS handshake: the lab's agent tells a stranger nothing.
    ob::test::AgentTestClient stranger(lab.agent_port(), "not the lab's secret");
    BOOST_TEST(!stranger.tls_established());
    BOOST_TEST(stranger.closed_by_peer());
  }
  {
    AgentClient agent(lab.agent_port(), lab.agent_secret());
    BOOST_TEST(agent.hello(7).error().code() == pb::Error::OUT_OF_RANGE);
  }

  AgentClient agent(lab.agent_port(), lab.agent_secret());
  auto response = agent.hello(1);
  BOOST_TEST(agent.agent_proof_ok());
  BOOST_TEST_REQUIRE(response.has_auth());
  BOOST_TEST(response.auth().uuid() == "GPU-5a1a0000-0000-4000-8000-000000000001");
  BOOST_TEST(agent.telemetry().power_w() == 0.0);
  pb::Request cap;
  cap.mutable_set_power_cap()->set_power_w(1000);
  BOOST_TEST(agent.call(cap).error().code() == pb::Error::OUT_OF_RANGE);

  // Garbage in a well-formed frame: an error, then that connection is closed.
  AgentClient garbage(lab.agent_port(), lab.agent_secret());
  BOOST_TEST_REQUIRE(garbage.hello(0).has_auth());
  garbage.socket().send_raw(ob::drivers::agent::encode_frame("\xff\xff\xff\xff"));
  response = garbage.read_response();
  BOOST_TEST_REQUIRE(response.has_error());
  BOOST_TEST(response.error().code() == pb::Error::BAD_REQUEST);
  BOOST_TEST(garbage.socket().closed_by_peer());

  // A header announcing more than kMaxFrameBytes ends the connection; others go on.
  const std::string oversize{'\x00', '\x20', '\x00', '\x00'};  // 2 MiB
  agent.socket().send_raw(oversize);
  BOOST_TEST(agent.socket().closed_by_peer());
  AgentClient after(lab.agent_port(), lab.agent_secret());
  BOOST_TEST(after.hello(0).has_auth());
}

BOOST_AUTO_TEST_CASE(agent_reports_injected_ecc_errors_and_corrupted_results) {
  TestSocket psu(lab.psu_port());
  psu.send_all(":APPL CH1,12,3;:OUTP CH1,ON\n");
  BOOST_TEST(psu.query("*OPC?\n") == "1\n");
  AgentClient agent(lab.agent_port(), lab.agent_secret());
  BOOST_TEST_REQUIRE(agent.hello(0).has_auth());
  BOOST_TEST(lab.control("fault agent ecc 0") == "OK");
  BOOST_TEST(lab.control("fault agent ecc 0 uncorrected 2") == "OK");
  BOOST_TEST(lab.control("fault agent sdc 0 3") == "OK");
  BOOST_TEST(lab.control("fault agent ecc 5").starts_with("ERR"));
  BOOST_TEST(lab.control("fault agent sdc 0 x").starts_with("ERR"));
  BOOST_TEST(lab.control("fault psu ecc 0").starts_with("ERR"));
  auto telemetry = agent.telemetry();
  BOOST_TEST(telemetry.ecc_corrected() == 1u);
  BOOST_TEST(telemetry.ecc_uncorrected() == 2u);
  BOOST_TEST(telemetry.sdc_count() == 0u);  // no results without a workload
  BOOST_TEST_REQUIRE(agent.start().has_ack());
  telemetry = agent.telemetry();
  BOOST_TEST(telemetry.sdc_count() == 3u);
  BOOST_TEST(lab.snapshot().boards[0].sdc_count == 3u);
  BOOST_TEST(agent.telemetry().ecc_corrected() == 1u);  // board 1 untouched
  AgentClient other(lab.agent_port(), lab.agent_secret());
  BOOST_TEST_REQUIRE(other.hello(1).has_auth());
  BOOST_TEST(other.telemetry().ecc_uncorrected() == 0u);
}

// `cap-ignored`: the agent acks a cap but the board keeps enforcing the one it had; `stall`: the
// workload still "runs" but reports no throughput at idle power; `clear` ends both.
BOOST_AUTO_TEST_CASE(agent_boards_that_ignore_their_cap_or_stall) {
  TestSocket psu(lab.psu_port());
  psu.send_all(":APPL CH1,12,3;:OUTP CH1,ON;:APPL CH2,12,3;:OUTP CH2,ON\n");
  BOOST_TEST(psu.query("*OPC?\n") == "1\n");
  AgentClient first(lab.agent_port(), lab.agent_secret());
  AgentClient second(lab.agent_port(), lab.agent_secret());
  BOOST_TEST_REQUIRE(first.hello(0).has_auth());
  BOOST_TEST_REQUIRE(second.hello(1).has_auth());
  BOOST_TEST_REQUIRE(first.start().has_ack());
  BOOST_TEST_REQUIRE(second.start().has_ack());
  const auto set_cap = [](AgentClient& agent, double power_w) {
    pb::Request cap;
    cap.mutable_set_power_cap()->set_power_w(power_w);
    return agent.call(cap);
  };
  BOOST_TEST(set_cap(first, 20).has_ack());
  BOOST_TEST(first.telemetry().power_limit_w() == 20.0);

  BOOST_TEST(lab.control("fault agent cap-ignored 0") == "OK");
  BOOST_TEST(lab.control("fault agent stall 1") == "OK");
  BOOST_TEST(lab.control("fault agent stall 5").starts_with("ERR"));
  BOOST_TEST(lab.control("fault agent stall").starts_with("ERR"));
  BOOST_TEST(lab.control("fault agent cap-ignored 0 7").starts_with("ERR"));
  BOOST_TEST(lab.control("fault psu stall 0").starts_with("ERR"));
  BOOST_TEST(lab.control("help").find("cap-ignored <board>|stall <board>") != std::string::npos);

  BOOST_TEST(set_cap(first, 10).has_ack());  // accepted...
  auto telemetry = first.telemetry();
  BOOST_TEST(telemetry.power_limit_w() == 20.0);  // ...not enforced
  BOOST_TEST(telemetry.power_w() == 20.0, telemetry.power_w());
  BOOST_TEST(telemetry.tflops() > 0.0);

  const double idle_w = lab.options().physics.board_idle_w;
  telemetry = second.telemetry();
  BOOST_TEST(telemetry.workload_running());
  BOOST_TEST(telemetry.tflops() == 0.0);
  BOOST_TEST(telemetry.hbm_gbps() == 0.0);
  BOOST_TEST(telemetry.power_w() == idle_w);
  BOOST_TEST(second.start().has_ack());  // starting it again does not help
  BOOST_TEST(second.telemetry().tflops() == 0.0);

  BOOST_TEST(lab.control("fault agent clear") == "OK");
  BOOST_TEST(second.telemetry().tflops() > 0.0);
  BOOST_TEST(second.telemetry().power_w() > idle_w);
  BOOST_TEST(set_cap(first, 10).has_ack());
  BOOST_TEST(first.telemetry().power_limit_w() == 10.0);
}

BOOST_AUTO_TEST_CASE(switching_the_psu_output_off_drops_the_board_power) {
  TestSocket psu(lab.psu_port());
  AgentClient agent(lab.agent_port(), lab.agent_secret());
  BOOST_TEST_REQUIRE(agent.hello(0).has_auth());
  BOOST_TEST(agent.start().error().code() == pb::Error::NOT_ALLOWED);  // still dark

  psu.send_all(":APPL CH1,12,3;:OUTP CH1,ON\n");
  BOOST_TEST(psu.query(":OUTP? CH1\n") == "ON\n");
  BOOST_TEST_REQUIRE(agent.start().has_ack());
  auto telemetry = agent.telemetry();
  BOOST_TEST(telemetry.workload_running());
  BOOST_TEST(telemetry.power_w() == 30.0);
  BOOST_TEST(psu.query(":MEAS:POWE? CH1\n") == "30.000\n");
  BOOST_TEST(psu.query(":MEAS:CURR? CH1\n") == "2.5000\n");
  BOOST_TEST(lab.snapshot().boards[0].powered);
  BOOST_TEST(!lab.snapshot().boards[1].powered);

  // The PSU's current limit becomes the board's power budget.
  psu.send_all(":CURR 1\n");
  BOOST_TEST(agent.telemetry().power_w() == 12.0);
  BOOST_TEST(psu.query(":OUTP:MODE? CH1\n") == "CC\n");

  psu.send_all(":OUTP CH1,OFF\n");
  BOOST_TEST(psu.query("*OPC?\n") == "1\n");
  telemetry = agent.telemetry();
  BOOST_TEST(telemetry.power_w() == 0.0);
  BOOST_TEST(telemetry.tflops() == 0.0);
  BOOST_TEST(!telemetry.workload_running());
  BOOST_TEST(lab.snapshot().boards[0].power_w == 0.0);
  BOOST_TEST(psu.query(":MEAS:CURR? CH1\n") == "0.0000\n");
}

BOOST_AUTO_TEST_CASE(agent_watchdog_stops_a_silent_controllers_workload) {
  TestSocket psu(lab.psu_port());
  psu.send_all(":APPL CH1,12,3;:OUTP CH1,ON\n");
  BOOST_TEST(psu.query("*OPC?\n") == "1\n");
  {
    AgentClient agent(lab.agent_port(), lab.agent_secret());
    BOOST_TEST_REQUIRE(agent.hello(0).has_auth());
    BOOST_TEST_REQUIRE(agent.start().has_ack());
  }  // the controller goes away without stopping
  BOOST_TEST(lab.snapshot().boards[0].workload_running);
  std::this_thread::sleep_for(3s);
  BOOST_TEST(lab.snapshot().boards[0].workload_running);
  BOOST_TEST(eventually(lab, [](const auto& s) { return !s.boards[0].workload_running; }, 4s));
  BOOST_TEST(lab.snapshot().boards[0].powered);
}

BOOST_AUTO_TEST_CASE(stop_closes_connections_and_is_idempotent) {
  TestSocket psu(lab.psu_port());
  TestSocket chamber(lab.chamber_port());
  AgentClient agent(lab.agent_port(), lab.agent_secret());
  BOOST_TEST(psu.query("*OPC?\n") == "1\n");
  lab.stop();
  BOOST_TEST(psu.closed_by_peer());
  BOOST_TEST(chamber.closed_by_peer());
  BOOST_TEST(agent.socket().closed_by_peer());
  lab.stop();
  BOOST_CHECK_THROW(TestSocket{lab.psu_port()}, std::system_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sim_lab_setup)

BOOST_AUTO_TEST_CASE(a_taken_port_is_reported_with_instrument_and_port) {
  ob::fixtures::SimLab first{ob::fixtures::SimLabOptions{}};
  first.start();
  ob::fixtures::SimLabOptions options;
  options.chamber_port = first.chamber_port();
  ob::fixtures::SimLab second{options};
  try {
    second.start();
    BOOST_FAIL("binding a taken port must throw");
  } catch (const std::system_error& error) {
    const std::string what = error.what();
    BOOST_TEST(what.find("chamber") != std::string::npos);
    BOOST_TEST(what.find(std::to_string(first.chamber_port())) != std::string::npos);
  }
  second.stop();  // harmless after a failed start
}

BOOST_AUTO_TEST_CASE(bad_options_are_refused) {
  ob::fixtures::SimLabOptions options;
  options.boards = 0;
  BOOST_CHECK_THROW(ob::fixtures::SimLab{options}, std::invalid_argument);
  options.boards = ob::fixtures::kMaxFedBoards + 1;
  BOOST_CHECK_THROW(ob::fixtures::SimLab{options}, std::invalid_argument);
  options.boards = 1;
  options.speed = 0;
  BOOST_CHECK_THROW(ob::fixtures::SimLab{options}, std::invalid_argument);
}

// A fan-in bench (`orbitbench lab --boards 7`): a DP832 more per three boards beyond the first
// supply's, each board on its own 3-channel slot, every board behind the one agent.
BOOST_AUTO_TEST_CASE(more_boards_than_one_supply_feeds_get_supplies_of_their_own) {
  ob::fixtures::SimLabOptions options;
  options.boards = 7;
  ob::fixtures::SimLab many(options);
  many.start();
  const auto snapshot = many.snapshot();
  BOOST_TEST_REQUIRE(snapshot.boards.size() == 7u);
  BOOST_TEST(many.uri("psu-2").starts_with("scpi+tcp://127.0.0.1:"));
  BOOST_TEST(many.uri("psu-3").ends_with("?model=dp832"));
  BOOST_CHECK_THROW(many.uri("psu-4"), std::out_of_range);
  BOOST_TEST(snapshot.supplies.size() == 4u);  // psu, psu-e36312a, psu-2, psu-3
  BOOST_TEST(snapshot.placement[2].supply == 0);  // board 2: the first DP832's CH3
  BOOST_TEST(snapshot.placement[2].channel == 2);
  BOOST_TEST(snapshot.placement[3].supply == 2);  // board 3: psu-2 CH1
  BOOST_TEST(snapshot.placement[3].channel == 0);
  BOOST_TEST(snapshot.placement[6].supply == 3);  // board 6: psu-3 CH1
  BOOST_TEST(snapshot.placement[6].channel == 0);

  std::uint16_t psu_3_port = 0;
  for (const auto& instrument : many.instruments()) {
    if (instrument.name == "psu-3") psu_3_port = instrument.port;
  }
  TestSocket psu(psu_3_port);
  psu.send_all(":APPL CH1,12,3;:OUTP CH1,ON\n");
  BOOST_TEST(psu.query("*OPC?\n") == "1\n");
  AgentClient agent(many.agent_port(), many.agent_secret());
  BOOST_TEST_REQUIRE(agent.hello(6).has_auth());
  BOOST_TEST_REQUIRE(agent.start().has_ack());  // powered by psu-3 CH1
  BOOST_TEST(many.snapshot().boards[6].powered);
  BOOST_TEST(!many.snapshot().boards[3].powered);
}

BOOST_AUTO_TEST_CASE(physics_runs_at_the_lab_speed) {
  ob::fixtures::SimLabOptions options;
  options.speed = 600;  // ten physics minutes per wall second
  ob::fixtures::SimLab lab{options};
  lab.start();
  TestSocket chamber(lab.chamber_port());
  BOOST_TEST(chamber.query("TEMP, S72.0\r\n") == "OK:TEMP, S72.0\r\n");
  BOOST_TEST(chamber.query("MODE,CONSTANT\r\n") == "OK:MODE,CONSTANT\r\n");
  const auto started = lab.snapshot();
  std::this_thread::sleep_for(1s);
  const auto later = lab.snapshot();
  const double elapsed_s = later.physics_time_s - started.physics_time_s;
  BOOST_TEST(elapsed_s > 500.0);  // the lab keeps time between requests
  const double max_rise_c = elapsed_s / 60 * options.physics.chamber_max_ramp_c_per_min;
  const double rise_c = later.chamber.air_c - started.chamber.air_c;
  BOOST_TEST(rise_c > 0.5 * max_rise_c);
  BOOST_TEST(rise_c <= max_rise_c + 0.5);  // the ramp rate holds at any speed (+ one tick)
  BOOST_TEST(later.chamber.air_c <= 72.0);
}

BOOST_AUTO_TEST_SUITE_END()
