// The simulated iiod (fixtures/iiod_server) seen by Debian's libiio 0.24 tools (iio_info, iio_attr,
// iio_readdev from libiio-utils) and by a raw socket speaking the protocol.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "fixtures/sim_lab.hpp"

namespace {

struct Run {
  int status = -1;
  std::string output;
};

Run run(const std::string& command) {
  Run result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char chunk[4096];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) result.output.append(chunk, n);
  result.status = ::pclose(pipe);
  return result;
}

bool have_tool(const char* tool) { return ::access((std::string("/usr/bin/") + tool).c_str(), X_OK) == 0; }

class Client {
 public:
  explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{3, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      throw std::system_error(errno, std::generic_category(), "connect");
    }
  }
  ~Client() { ::close(fd_); }
  void send(const std::string& text) { BOOST_REQUIRE(::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size())); }
  std::string line() {
    std::string out;
    for (char c; ::recv(fd_, &c, 1, 0) == 1;) {
      if (c == '\n') return out;
      out += c;
    }
    return out + "<closed>";
  }
  std::string bytes(std::size_t n) {
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return out;
  }
  std::string command(const std::string& text) {
    send(text);
    return line();
  }
  // READ: "<n>\n" + n bytes + "\n"; the value without its NUL.
  std::string read_value(const std::string& text) {
    const std::string length = command(text);
    const long n = std::strtol(length.c_str(), nullptr, 10);
    if (n <= 0) return "ERR " + length;
    std::string value = bytes(static_cast<std::size_t>(n) + 1);
    value.pop_back();
    while (!value.empty() && value.back() == '\0') value.pop_back();
    return value;
  }

 private:
  int fd_;
};

struct Lab {
  Lab() : lab(options()) {
    lab.start();
    // Board 0 powered: DP832 CH1 at 12 V, limit 5 A, on.
    BOOST_REQUIRE(lab.instruments().size() == 6u);
  }
  static ob::fixtures::SimLabOptions options() {
    ob::fixtures::SimLabOptions o;
    o.boards = 2;
    return o;
  }
  std::string tool_uri() const { return "ip:127.0.0.1:" + std::to_string(lab.sensors_port()); }
  ob::fixtures::SimLab lab;
};

}  // namespace

BOOST_AUTO_TEST_CASE(sensors_instrument_is_listed) {
  Lab lab;
  BOOST_TEST(lab.lab.sensors_port() != 0);
  BOOST_TEST(lab.lab.sensors_uri() == "iio:ip:127.0.0.1:" + std::to_string(lab.lab.sensors_port()));
  BOOST_TEST(lab.lab.uri("sensors") == lab.lab.sensors_uri());
  BOOST_TEST(std::string(ob::fixtures::sim_model_name(lab.lab.instruments().back().model)) == "iiod");
}

BOOST_AUTO_TEST_CASE(raw_protocol) {
  Lab lab;
  Client client(lab.lab.sensors_port());
  BOOST_TEST(client.command("VERSION\r\n") == "0.24.v0.24  ");
  BOOST_TEST(client.command("version\n") == "0.24.v0.24  ");
  BOOST_TEST(client.command("ZPRINT\r\n") == "-22");
  BOOST_TEST(client.command("TIMEOUT 5000\r\n") == "0");
  const long xml_len = std::strtol(client.command("PRINT\r\n").c_str(), nullptr, 10);
  BOOST_REQUIRE(xml_len > 0);
  const std::string xml = client.bytes(static_cast<std::size_t>(xml_len) + 1);
  BOOST_TEST(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?><!DOCTYPE context [", 0) == 0u);
  BOOST_TEST(xml.find("<device id=\"iio:device3\" name=\"max31856\"") != std::string::npos);
  BOOST_TEST(xml.back() == '\n');
  // Malformed and unknown lines: -22, and the server keeps answering.
  for (const char* bad : {"\r\n", "FOO\r\n", "READ\r\n", "READ iio:device0 INPUT\r\n", "OPEN x\r\n",
                          "TIMEOUT abc\r\n", "READ a b c d e f\r\n", "\x01\x02\xff\r\n", "WRITE iio:device0 x\r\n"}) {
    BOOST_TEST(client.command(bad) == "-22", "reply to " << bad);
  }
  BOOST_TEST(client.command("VERSION\r\n") == "0.24.v0.24  ");
  BOOST_TEST(client.command("READ nodev raw\r\n") == "-19");
  BOOST_TEST(client.command("READ iio:device0 nothing\r\n") == "-2");
  BOOST_TEST(client.command("GETTRIG iio:device0\r\n") == "-2");
  BOOST_TEST(client.read_value("READ iio:device0 INPUT voltage0 scale\r\n") == "0.002500000");
  BOOST_TEST(client.read_value("READ iio:device0 INPUT voltage1 scale\r\n") == "1.250000000");
  BOOST_TEST(client.read_value("READ iio:device0 INPUT current3 scale\r\n") == "0.250000000");
  BOOST_TEST(client.read_value("READ iio:device0 INPUT power2 scale\r\n") == "6.250000000");
  BOOST_TEST(client.read_value("READ iio:device0 in_shunt_resistor\r\n") == "10000");
  BOOST_TEST(client.read_value("READ iio:device1 INPUT temp scale\r\n") == "7.812500");
  BOOST_TEST(client.read_value("READ max31856 INPUT temp thermocouple_type\r\n") == "K");
  BOOST_TEST(client.read_value("READ iio:device0 DEBUG direct_reg_access\r\n") == "0x4127");
  BOOST_TEST(client.read_value("READ iio:device0 BUFFER length\r\n") == "128");
  // Board temperature ≈ ambient (22 °C) at 1/128 °C.
  const double temp_c = std::strtol(client.read_value("READ iio:device1 INPUT temp raw\r\n").c_str(), nullptr, 10) / 128.0;
  BOOST_TEST(temp_c > 15.0);
  BOOST_TEST(temp_c < 40.0);
  // WRITE: the payload follows its line; the reply is the bytes taken.
  client.send(std::string("WRITE iio:device1 INPUT temp thermocouple_type 2\r\nJ", 51) + '\0');  // libiio sends the NUL
  BOOST_TEST(client.line() == "2");
  BOOST_TEST(client.read_value("READ iio:device1 INPUT temp thermocouple_type\r\n") == "J");
  client.send("WRITE iio:device0 INPUT voltage1 raw 2\r\n12");
  BOOST_TEST(client.line() == "-13");
  client.send("WRITE iio:device1 INPUT temp thermocouple_type 2\r\nQ\n");
  BOOST_TEST(client.line() == "-22");
  // Buffered capture: voltage1 + timestamp (bits 1, 4): u16 at 0, s64 at 8: 16 bytes a sample.
  BOOST_TEST(client.command("OPEN iio:device0 4 00000012\r\n") == "0");
  BOOST_TEST(client.read_value("READ iio:device0 BUFFER enable\r\n") == "1");
  BOOST_TEST(client.command("READBUF iio:device0 64\r\n") == "64");
  BOOST_TEST(client.line() == "00000012");
  BOOST_TEST(client.bytes(64).size() == 64u);
  BOOST_TEST(client.command("READBUF iio:device0 63\r\n") == "-22");
  BOOST_TEST(client.command("CLOSE iio:device0\r\n") == "0");
  BOOST_TEST(client.command("READBUF iio:device0 64\r\n") == "-9");
  BOOST_TEST(client.command("OPEN iio:device1 4 00000001\r\n") == "-22");  // MAX31856: no buffer
  BOOST_TEST(client.command("VERSION\r\n") == "0.24.v0.24  ");
  client.send("EXIT\r\n");
  BOOST_TEST(client.line() == "<closed>");
}

BOOST_AUTO_TEST_CASE(rail_follows_the_supply) {
  Lab lab;
  // DP832 CH1 on at 12 V: board 0's INA226 bus voltage reads it (less the wiring drop).
  {
    auto psu = lab.lab.psu_port();
    Client scpi(psu);
    scpi.send(":SOUR1:VOLT 12\n:SOUR1:CURR 5\n:OUTP CH1,ON\n");
    BOOST_TEST(scpi.command("*OPC?\n") == "1");
  }
  Client client(lab.lab.sensors_port());
  const long bus = std::strtol(client.read_value("READ iio:device0 INPUT voltage1 raw\r\n").c_str(), nullptr, 10);
  BOOST_TEST(bus * 1.25e-3 > 11.8);
  BOOST_TEST(bus * 1.25e-3 < 12.05);
  const long off_bus = std::strtol(client.read_value("READ iio:device2 INPUT voltage1 raw\r\n").c_str(), nullptr, 10);
  BOOST_TEST(off_bus < 5);  // board 1's channel is off
}

BOOST_AUTO_TEST_CASE(iio_info_lists_the_devices) {
  if (!have_tool("iio_info")) {
    BOOST_TEST_MESSAGE("libiio-utils not installed; skipped");
    return;
  }
  Lab lab;
  const Run info = run("timeout 20 /usr/bin/iio_info -u " + lab.tool_uri());
  BOOST_TEST_MESSAGE(info.output);
  BOOST_TEST(info.status == 0);
  BOOST_TEST(info.output.find("IIO context has 4 devices") != std::string::npos);
  BOOST_TEST(info.output.find("iio:device0: ina226") != std::string::npos);
  BOOST_TEST(info.output.find("iio:device1: max31856") != std::string::npos);
  BOOST_TEST(info.output.find("value: 7.812500") != std::string::npos);
  BOOST_TEST(info.output.find("value: 10000") != std::string::npos);
  BOOST_TEST(info.output.find("ERROR") == std::string::npos);
  BOOST_TEST(info.output.find("Unable") == std::string::npos);

  const Run attr = run("timeout 10 /usr/bin/iio_attr -u " + lab.tool_uri() + " -c iio:device1 temp raw");
  BOOST_TEST_MESSAGE(attr.output);
  BOOST_TEST(attr.status == 0);
  const long raw = std::strtol(attr.output.c_str(), nullptr, 10);
  BOOST_TEST(raw > 15 * 128);
  BOOST_TEST(raw < 40 * 128);

  if (have_tool("iio_readdev")) {
    const Run capture = run("timeout 10 /usr/bin/iio_readdev -u " + lab.tool_uri() +
                            " -b 8 -s 16 iio:device0 voltage1 timestamp | wc -c");
    BOOST_TEST_MESSAGE(capture.output);
    BOOST_TEST(capture.status == 0);
    BOOST_TEST(std::strtol(capture.output.c_str(), nullptr, 10) == 16 * 16);
  }
  // The server still answers after the tools left.
  Client client(lab.lab.sensors_port());
  BOOST_TEST(client.command("VERSION\r\n") == "0.24.v0.24  ");
}

namespace {

// The timestamps (s64 le at byte 8) of `bytes`, samples of voltage1 + timestamp (16 bytes each).
std::vector<std::int64_t> scan_timestamps(const std::string& bytes) {
  std::vector<std::int64_t> out;
  for (std::size_t at = 0; at + 16 <= bytes.size(); at += 16) {
    std::uint64_t value = 0;
    for (int b = 7; b >= 0; --b) value = (value << 8) | static_cast<unsigned char>(bytes[at + 8 + static_cast<std::size_t>(b)]);
    out.push_back(static_cast<std::int64_t>(value));
  }
  return out;
}

}  // namespace

// `fault sensors freeze DEVICE`: a stuck sensor / hung driver. Its scans repeat the last sample it
// produced (timestamp and values), its attributes keep their values; other devices go on.
BOOST_AUTO_TEST_CASE(a_frozen_device_repeats_its_last_scan) {
  Lab lab;
  Client client(lab.lab.sensors_port());
  BOOST_TEST(client.command("OPEN iio:device0 4 00000012\r\n") == "0");  // voltage1 + timestamp
  const auto scan = [&client] {
    BOOST_REQUIRE(client.command("READBUF iio:device0 32\r\n") == "32");
    BOOST_REQUIRE(client.line() == "00000012");
    return client.bytes(32);
  };
  const std::string live = scan();
  const auto live_t = scan_timestamps(live);
  BOOST_REQUIRE(live_t.size() == 2u);
  BOOST_TEST(live_t[1] > live_t[0]);

  BOOST_TEST(lab.lab.control("fault sensors freeze board0-rail") == "OK");
  const std::string frozen_a = scan();
  const std::string frozen_b = scan();
  BOOST_TEST(frozen_a == frozen_b);  // the same bytes: values and timestamp
  const auto frozen_t = scan_timestamps(frozen_a);
  BOOST_TEST(frozen_t[0] == live_t[1]);  // the last timestamp it produced
  BOOST_TEST(frozen_t[1] == live_t[1]);
  const std::string raw = client.read_value("READ iio:device0 INPUT voltage1 raw\r\n");
  BOOST_TEST(client.read_value("READ iio:device0 INPUT voltage1 raw\r\n") == raw);
  BOOST_TEST(client.command("CLOSE iio:device0\r\n") == "0");

  if (have_tool("iio_readdev")) {  // libiio's own client sees it too: every sample stamped alike
    const std::string file = "/tmp/ob_iiod_frozen_" + std::to_string(::getpid()) + ".bin";
    const Run capture = run("timeout 10 /usr/bin/iio_readdev -u " + lab.tool_uri() +
                            " -b 4 -s 8 board0-rail voltage1 timestamp > " + file);
    BOOST_TEST(capture.status == 0, capture.output);
    std::ifstream in(file, std::ios::binary);
    const std::string binary((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(file.c_str());
    const auto stamps = scan_timestamps(binary);
    BOOST_TEST(stamps.size() == 8u);
    for (const auto stamp : stamps) BOOST_TEST(stamp == live_t[1]);
  }

  // A thermocouple (no buffer) frozen by name keeps its raw value; the other board's rail goes on.
  BOOST_TEST(lab.lab.control("fault sensors freeze max31856") == "OK");
  const std::string temp = client.read_value("READ iio:device1 INPUT temp raw\r\n");
  for (int i = 0; i < 5; ++i) BOOST_TEST(client.read_value("READ iio:device1 INPUT temp raw\r\n") == temp);
  Client other(lab.lab.sensors_port());
  BOOST_TEST(other.command("OPEN iio:device2 2 00000012\r\n") == "0");
  BOOST_REQUIRE(other.command("READBUF iio:device2 32\r\n") == "32");
  BOOST_REQUIRE(other.line() == "00000012");
  const auto moving = scan_timestamps(other.bytes(32));
  BOOST_TEST(moving[1] > moving[0]);
  BOOST_TEST(moving[0] > live_t[1]);

  BOOST_TEST(lab.lab.control("fault sensors thaw board0-rail") == "OK");
  BOOST_TEST(client.command("OPEN iio:device0 2 00000012\r\n") == "0");
  const auto thawed_t = scan_timestamps(scan());
  BOOST_TEST(thawed_t[0] > live_t[1]);
  BOOST_TEST(thawed_t[1] > thawed_t[0]);

  // What the control command refuses.
  BOOST_TEST(lab.lab.control("fault sensors freeze ina219") == "ERR no IIO device ina219");
  BOOST_TEST(lab.lab.control("fault sensors freeze").rfind("ERR", 0) == 0u);
  BOOST_TEST(lab.lab.control("fault sensors thaw board0-rail extra") == "ERR too many arguments");
  BOOST_TEST(lab.lab.control("fault psu freeze ina226") == "ERR psu is not an iiod");
  BOOST_TEST(lab.lab.control("help").find("freeze <device>|thaw <device>") != std::string::npos);
}
