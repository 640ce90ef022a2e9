// The default simulated lab (DP832, E36312A, Espec, Watlow F4T, agent) over loopback, spoken to
// with plain POSIX sockets written here (never the drivers): the new instruments, fault
// injection through SimLab::control() and the control port, and garbage on every port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "../support/agent_test_client.hpp"
#include "../support/loopback_connect.hpp"
#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent_frame.hpp"
#include "fixtures/lab_config.hpp"
#include "fixtures/sim_lab.hpp"
#include "fixtures/watlow_f4t_server.hpp"

namespace {

namespace pb = ob::agent::pb;
namespace frame = ob::drivers::agent;
using namespace std::chrono_literals;
using ob::fixtures::SimLab;
using ob::fixtures::SimLabOptions;

constexpr auto kReplyTimeout = 2s;
constexpr std::string_view kDp832Idn = "RIGOL TECHNOLOGIES,DP832,DP8C000SIM0001,00.01.16\n";
constexpr std::string_view kE36312aIdn = "Keysight Technologies,E36312A,MY59002391,2.1.0-1.0.4-1.12\n";

// A blocking loopback TCP client with deadlines on every read.
class TestSocket {
 public:
  explicit TestSocket(std::uint16_t port) : fd_(ob::test::connect_loopback(port)) {}
  ~TestSocket() { ::close(fd_); }
  TestSocket(const TestSocket&) = delete;
  TestSocket& operator=(const TestSocket&) = delete;

  // Best effort: a server that closed on garbage may refuse the rest, which is fine here.
  bool send_all(std::string_view data) {
    while (!data.empty()) {
      const auto sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  std::string read_line(std::chrono::milliseconds timeout = kReplyTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const auto end = pending_.find('\n'); end != std::string::npos) {
        std::string line = pending_.substr(0, end + 1);
        pending_.erase(0, end + 1);
        return line;
      }
      if (!fill(deadline)) return {};
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

  // True when the peer closed the connection within the timeout (anything it sent is skipped).
  bool closed_by_peer(std::chrono::milliseconds timeout = kReplyTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !wait_readable(left)) return false;
      char buffer[4096];
      const auto received = ::recv(fd_, buffer, sizeof buffer, 0);
      if (received <= 0) return true;
    }
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

// Modbus TCP: one request ADU for unit 1; the response PDU (after the 7-byte MBAP header).
std::string modbus_request(std::uint16_t transaction, std::string_view pdu, std::uint8_t unit = 1) {
  std::string adu;
  adu.push_back(static_cast<char>(transaction >> 8));
  adu.push_back(static_cast<char>(transaction & 0xFF));
  adu.append(2, '\0');
  const auto length = static_cast<std::uint16_t>(pdu.size() + 1);
  adu.push_back(static_cast<char>(length >> 8));
  adu.push_back(static_cast<char>(length & 0xFF));
  adu.push_back(static_cast<char>(unit));
  adu.append(pdu);
  return adu;
}

std::string read_holding_pdu(std::uint16_t address, std::uint16_t count) {
  return std::string{0x03, static_cast<char>(address >> 8), static_cast<char>(address & 0xFF),
                     static_cast<char>(count >> 8), static_cast<char>(count & 0xFF)};
}

std::uint16_t word(const std::string& data, std::size_t offset) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(data[offset]) << 8 |
                                    static_cast<unsigned char>(data[offset + 1]));
}

// The F4T's process value over Modbus (FC 3 on 2820, low word first); the PDU on a bad reply.
float read_f4t_pv(TestSocket& socket, std::uint16_t transaction = 7) {
  socket.send_all(modbus_request(transaction, read_holding_pdu(ob::fixtures::kF4tProcessValueRegister, 2)));
  const std::string header = socket.read_exact(7);
  BOOST_TEST_REQUIRE(word(header, 0) == transaction);
  const std::string pdu = socket.read_exact(word(header, 4) - 1u);
  BOOST_TEST_REQUIRE(pdu.size() == 6u);
  BOOST_TEST_REQUIRE(pdu[0] == 0x03);
  return ob::fixtures::f4t_float(word(pdu, 2), word(pdu, 4));
}

// The agent's hello for board 0, inside TLS with the lab's secret → whether a HelloReply came back.
bool agent_hello(SimLab& lab) {
  ob::test::AgentTestClient client(lab.agent_port(), lab.agent_secret());
  if (!client.tls_established()) return false;
  pb::Request request;
  request.mutable_hello()->set_protocol_version(frame::kProtocolVersion);
  request.mutable_hello()->set_gpu_index(0);
  request.mutable_hello()->set_client_nonce(std::string(frame::kNonceBytes, 'n'));
  const auto response = client.call(request);
  return response.has_value() && response->has_hello();
}

struct LabFixture {
  LabFixture() : lab(SimLabOptions{}) { lab.start(); }
  SimLab lab;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sim_lab_faults, LabFixture)

BOOST_AUTO_TEST_CASE(default_lab_lists_six_instruments_with_uris) {
  const auto instruments = lab.instruments();
  BOOST_TEST_REQUIRE(instruments.size() == 6u);
  BOOST_TEST(instruments[0].name == "psu");
  BOOST_TEST(lab.uri("psu") == lab.psu_uri());
  BOOST_TEST(lab.uri("psu-e36312a") == "scpi+tcp://127.0.0.1:" + std::to_string(lab.e36312a_port()) + "?model=e36312a");
  BOOST_TEST(lab.uri("chamber") == lab.chamber_uri());
  BOOST_TEST(lab.f4t_uri() == "watlow-f4t+modbus://127.0.0.1:" + std::to_string(lab.f4t_port()) + "?unit=1&loop=1");
  BOOST_TEST(lab.uri("agent") == lab.agent_uri());
  BOOST_TEST(lab.uri("sensors") == "iio:ip:127.0.0.1:" + std::to_string(lab.sensors_port()));
  BOOST_TEST(lab.sensors_uri() == lab.uri("sensors"));
  BOOST_TEST(lab.control_port() != 0);
  BOOST_CHECK_THROW(lab.uri("nope"), std::out_of_range);
  BOOST_TEST(lab.snapshot().supplies.size() == 2u);
  BOOST_TEST(lab.snapshot().chambers.size() == 2u);
}

BOOST_AUTO_TEST_CASE(e36312a_and_f4t_over_tcp) {
  TestSocket psu(lab.e36312a_port());
  BOOST_TEST(psu.query("*IDN?\n") == kE36312aIdn);
  psu.send_all("VOLT 5,(@1);CURR 1,(@1);OUTP ON,(@1)\n");
  BOOST_TEST(psu.query("OUTP? (@1,2)\n") == "1,0\n");
  BOOST_TEST(lab.snapshot().supplies[1][0].output_on);
  BOOST_TEST(!lab.snapshot().psu[0].output_on);  // the DP832 is another supply

  TestSocket f4t(lab.f4t_port());
  const float pv = read_f4t_pv(f4t);
  BOOST_TEST(pv == static_cast<float>(lab.snapshot().chambers[1].air_c), boost::test_tools::tolerance(0.01f));
}

BOOST_AUTO_TEST_CASE(drop_closes_the_next_requests_connection) {
  BOOST_TEST(lab.control("fault psu drop") == "OK");
  {
    TestSocket psu(lab.psu_port());
    psu.send_all("*IDN?\n");
    BOOST_TEST(psu.closed_by_peer());
  }
  TestSocket again(lab.psu_port());  // one request only: the next connection is served
  BOOST_TEST(again.query("*IDN?\n") == kDp832Idn);

  BOOST_TEST(lab.control("fault agent drop 1") == "OK");
  BOOST_TEST(!agent_hello(lab));
}

BOOST_AUTO_TEST_CASE(delay_holds_replies_past_a_deadline_until_cleared) {
  BOOST_TEST(lab.control("fault chamber delay 400") == "OK");
  TestSocket chamber(lab.chamber_port());
  chamber.send_all("MODE?\r\n");
  BOOST_TEST(chamber.read_line(150ms).empty());  // a 150 ms deadline passes without a reply
  BOOST_TEST(chamber.read_line(2s) == "STANDBY\r\n");  // … which arrives later, whole
  BOOST_TEST(lab.control("fault chamber clear") == "OK");
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(chamber.query("MODE?\r\n") == "STANDBY\r\n");
  BOOST_TEST((std::chrono::steady_clock::now() - start < 300ms));
}

BOOST_AUTO_TEST_CASE(corrupt_garbles_the_next_reply_only) {
  BOOST_TEST(lab.control("fault psu-e36312a corrupt") == "OK");
  TestSocket psu(lab.e36312a_port());
  const std::string garbled = psu.query("*IDN?\n");
  BOOST_TEST(garbled.size() == kE36312aIdn.size());
  BOOST_TEST(garbled.back() == '\n');
  BOOST_TEST(garbled != kE36312aIdn);
  BOOST_TEST(psu.query("*IDN?\n") == kE36312aIdn);

  BOOST_TEST(lab.control("fault chamber-f4t corrupt") == "OK");
  TestSocket f4t(lab.f4t_port());
  f4t.send_all(modbus_request(3, read_holding_pdu(ob::fixtures::kF4tProcessValueRegister, 2)));
  const std::string header = f4t.read_exact(7);
  BOOST_TEST(word(header, 0) == 3u);  // framing kept: the client can resynchronise
  const std::string pdu = f4t.read_exact(word(header, 4) - 1u);
  BOOST_TEST(pdu[0] != 0x03);
  BOOST_TEST(read_f4t_pv(f4t, 4) > -50.0f);
}

BOOST_AUTO_TEST_CASE(trip_switches_a_channel_off_as_its_protection_would) {
  TestSocket dp832(lab.psu_port());
  dp832.send_all(":APPL CH1,12,3;:OUTP CH1,ON\n");
  BOOST_TEST(dp832.query(":OUTP? CH1\n") == "ON\n");
  BOOST_TEST(lab.snapshot().boards[0].powered);
  BOOST_TEST(lab.control("fault psu trip ovp 1") == "OK");
  BOOST_TEST(dp832.query(":OUTP? CH1\n") == "OFF\n");
  BOOST_TEST(dp832.query(":OUTP:OVP:QUES? CH1\n") == "YES\n");
  BOOST_TEST(!lab.snapshot().boards[0].powered);  // brown-out: the board lost its supply

  TestSocket keysight(lab.e36312a_port());
  keysight.send_all("OUTP ON,(@3)\n");
  BOOST_TEST(lab.control("fault psu-e36312a trip ocp 3") == "OK");
  BOOST_TEST(keysight.query(":CURR:PROT:TRIP? (@3)\n") == "1\n");
  BOOST_TEST(keysight.query("OUTP? (@3)\n") == "0\n");
  BOOST_TEST(keysight.query("STAT:QUES:INST:ISUM3:COND?\n") == "8\n");

  BOOST_TEST(lab.control("fault chamber trip ovp 1").starts_with("ERR "));
  BOOST_TEST(lab.control("fault psu trip ovp 4").starts_with("ERR "));
}

BOOST_AUTO_TEST_CASE(alarm_shows_on_the_chamber_and_stops_it) {
  TestSocket chamber(lab.chamber_port());
  BOOST_TEST(chamber.query("MODE,CONSTANT\r\n") == "OK:MODE,CONSTANT\r\n");
  BOOST_TEST(lab.control("fault chamber alarm 12") == "OK");
  BOOST_TEST(chamber.query("ALARM?\r\n") == "1,12\r\n");
  BOOST_TEST(chamber.query("MON?\r\n").ends_with(",CONSTANT,1\r\n"));
  BOOST_TEST(!lab.snapshot().chamber.running);
  BOOST_TEST(lab.control("fault chamber clear") == "OK");
  BOOST_TEST(chamber.query("ALARM?\r\n") == "0\r\n");
  BOOST_TEST(lab.snapshot().chamber.running);

  BOOST_TEST(lab.control("fault chamber-f4t alarm") == "OK");
  BOOST_TEST(lab.snapshot().chambers[1].alarm_code == 1);
  BOOST_TEST(lab.control("fault psu alarm").starts_with("ERR "));
}

BOOST_AUTO_TEST_CASE(the_control_port_speaks_the_same_commands) {
  TestSocket control(lab.control_port());
  BOOST_TEST(control.query("fault psu corrupt 2\n") == "OK\n");
  BOOST_TEST(control.query("fault nosuch drop\n").starts_with("ERR "));
  BOOST_TEST(control.query("fault psu delay -5\n").starts_with("ERR "));
  BOOST_TEST(control.query("bogus\n").starts_with("ERR "));
  TestSocket psu(lab.psu_port());
  BOOST_TEST(psu.query("*IDN?\n") != kDp832Idn);
  BOOST_TEST(psu.query("*IDN?\n") != kDp832Idn);
  BOOST_TEST(psu.query("*IDN?\n") == kDp832Idn);
}

BOOST_AUTO_TEST_CASE(garbage_on_any_port_never_wedges_a_server) {
  std::mt19937 random(4);  // fixed seed: a failure reproduces
  std::uniform_int_distribution<int> byte(0, 255);
  std::string binary(8192, '\0');
  for (auto& c : binary) c = static_cast<char>(byte(random));
  const std::string overlong(100 * 1024, 'A');  // over the 64 KiB line limit

  // Line ports: random bytes, an overlong line, binary with NULs, half a line left open.
  for (const std::uint16_t port : {lab.psu_port(), lab.e36312a_port(), lab.chamber_port()}) {
    for (const std::string& garbage : {binary, overlong, std::string("\0\xff\r\n;;::*\n(@9:1,\n", 16), std::string("VOLT")}) {
      TestSocket socket(port);
      socket.send_all(garbage);
    }
  }
  // Modbus: random bytes, a wrong protocol id, a zero length, an unknown function, a short PDU.
  for (const std::string& garbage :
       {binary, std::string("\x00\x01\x12\x34\x00\x06\x01\x03\x0a\xfe\x00\x02", 12),
        std::string("\x00\x01\x00\x00\x00\x00\x01", 7), modbus_request(9, std::string("\x2b\x0e\x01\x00", 4)),
        modbus_request(9, std::string("\x03\x0a", 2)), modbus_request(9, std::string("\x10\x0a\xfe\x00\x02\x09", 6))}) {
    TestSocket socket(lab.f4t_port());
    socket.send_all(garbage);
  }
  // Agent: random bytes, a frame announcing 4 GiB, a well-framed payload that is no Request.
  for (const std::string& garbage : {binary, std::string("\xff\xff\xff\xff", 4), frame::encode_frame(binary.substr(0, 300))}) {
    TestSocket socket(lab.agent_port());
    socket.send_all(garbage);
  }
  // The control port shrugs garbage off too.
  {
    TestSocket socket(lab.control_port());
    socket.send_all(binary);
  }

  // Afterwards every server still answers its identity query on a fresh connection.
  TestSocket dp832(lab.psu_port());
  BOOST_TEST(dp832.query("*IDN?\n") == kDp832Idn);
  TestSocket keysight(lab.e36312a_port());
  BOOST_TEST(keysight.query("*IDN?\n") == kE36312aIdn);
  TestSocket espec(lab.chamber_port());
  BOOST_TEST(espec.query("ROM?\r\n").starts_with("P300"));
  TestSocket f4t(lab.f4t_port());
  BOOST_TEST(read_f4t_pv(f4t) > -50.0f);
  BOOST_TEST(agent_hello(lab));
  TestSocket control(lab.control_port());
  BOOST_TEST(control.query("help\n").starts_with("OK"));

  // And on the same connection after a recoverable error: an unknown Modbus function → 01.
  f4t.send_all(modbus_request(5, std::string("\x2b\x0e\x01\x00", 4)));
  const std::string header = f4t.read_exact(7);
  BOOST_TEST(f4t.read_exact(word(header, 4) - 1u) == std::string("\xab\x01", 2));
  BOOST_TEST(read_f4t_pv(f4t) > -50.0f);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sim_lab_config)

BOOST_AUTO_TEST_CASE(a_lab_file_builds_the_lab_feeds_and_faults) {
  const auto options = ob::fixtures::parse_lab_config(
      "# two supplies, one chamber\n"
      "speed 60\n"
      "instrument bench-psu e36312a\n"
      "instrument psu dp832\n"
      "instrument oven watlow-f4t unit=3 load=20000\n"
      "instrument agent agent\n"
      "board bench-psu:2 oven\n"
      "board psu:1\n"
      "fault oven alarm 4\n",
      SimLabOptions{});
  SimLab lab(options);
  lab.start();
  BOOST_TEST(lab.options().speed == 60.0);
  BOOST_TEST(lab.instruments().size() == 4u);
  BOOST_TEST(lab.psu_uri() == lab.uri("psu"));             // "psu" by name, though the E36312A is first
  BOOST_TEST(lab.chamber_uri().starts_with("watlow-f4t+modbus://"));  // the only chamber
  BOOST_TEST(lab.f4t_uri().ends_with("?unit=3&loop=1"));
  BOOST_TEST(lab.e36312a_uri() == lab.uri("bench-psu"));  // the first of its model
  const auto snapshot = lab.snapshot();
  BOOST_TEST(snapshot.boards.size() == 2u);
  BOOST_TEST(snapshot.placement[0].supply == 0);
  BOOST_TEST(snapshot.placement[0].channel == 1);
  BOOST_TEST(snapshot.placement[1].supply == 1);
  BOOST_TEST(snapshot.chamber.alarm_code == 4);
  BOOST_TEST(snapshot.chamber.load_heat_capacity_j_per_k == 20000.0);

  // Board 0 hangs on the E36312A's CH2 (25 V, 1 A): at 12 V it is powered, its idle draw in CV.
  TestSocket psu(lab.e36312a_port());
  psu.send_all("VOLT 12,(@2);OUTP ON,(@2)\n");
  BOOST_TEST(psu.query("STAT:QUES:INST:ISUM2:COND?\n") == "2\n");
  BOOST_TEST(lab.snapshot().boards[0].powered);
  BOOST_TEST(!lab.snapshot().boards[1].powered);
}

// `board … class=h100-sxm`: an H100 SXM-class board (54-V rail) there; the lab's chamber is
// sized for the boards' heat.
BOOST_AUTO_TEST_CASE(a_lab_file_board_line_names_its_class) {
  const auto options = ob::fixtures::parse_lab_config(
      "instrument psu-hp n5767a\ninstrument chamber espec-p300\ninstrument agent agent\n"
      "board psu-hp:1 chamber class=h100-sxm\n",
      SimLabOptions{}, "lab.txt");
  BOOST_REQUIRE(options.board_feeds.size() == 1u);
  BOOST_TEST((options.board_feeds[0].board_class == ob::fixtures::BoardClass::h100_sxm));
  BOOST_TEST(options.board_feeds[0].chamber == "chamber");
  ob::fixtures::SimLab lab(options);
  lab.start();
  lab.control("feed psu-hp 1 54 on");  // the N5767A's output at 54 V
  BOOST_TEST(lab.snapshot().boards[0].powered);
  BOOST_TEST(lab.snapshot().boards[0].power_cap_w == 700.0);
  lab.stop();
}

BOOST_AUTO_TEST_CASE(lab_file_errors_name_the_line) {
  const auto error_of = [](std::string_view text) -> std::string {
    try {
      (void)ob::fixtures::parse_lab_config(text, SimLabOptions{}, "lab.txt");
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    return "";
  };
  BOOST_TEST(error_of("speed 2\nwarp 9\n").starts_with("lab.txt:2: unknown directive"));
  BOOST_TEST(error_of("instrument x hp6632\n").starts_with("lab.txt:1: unknown model"));
  BOOST_TEST(error_of("instrument x dp832 port=70000\n").starts_with("lab.txt:1: port"));
  BOOST_TEST(error_of("board psu:4\n").starts_with("lab.txt:1:"));
  BOOST_TEST(error_of("speed 0\n").starts_with("lab.txt:1:"));
  BOOST_TEST(error_of("board psu:1 chamber class=h200\n").starts_with("lab.txt:1: unknown board `class=h200`"));
  BOOST_TEST(error_of("# nothing\n\nboards 2 # two\n").empty());

  // Names the file cannot check alone are refused when the lab is built or started.
  auto options = ob::fixtures::parse_lab_config("board nosuch:1\n", SimLabOptions{});
  BOOST_CHECK_THROW(SimLab{options}, std::invalid_argument);
  options = ob::fixtures::parse_lab_config("fault nosuch drop\n", SimLabOptions{});
  SimLab lab(options);
  BOOST_CHECK_THROW(lab.start(), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
