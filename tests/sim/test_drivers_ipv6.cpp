// IPv6 literals in instrument URIs (issue 19): scpi+tcp://[::1]:PORT reaches an instrument that
// listens on the IPv6 loopback only; errors name the endpoint in brackets. The instrument is a
// few lines of POSIX sockets answering *IDN?, never our own server code.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include "drivers/common/run_until_ready.hpp"
#include "drivers/common/uri.hpp"
#include "drivers/transport/tcp_line_client.hpp"

namespace {

constexpr const char* kIdn = "RIGOL TECHNOLOGIES,DP832,DP8C000000,00.01.16";

// A listener on [::1] alone (IPV6_V6ONLY): a client that fell back to 127.0.0.1 would not reach it.
struct Ipv6Instrument {
  int fd = -1;
  std::uint16_t port = 0;
  std::thread thread;

  Ipv6Instrument() {
    fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    BOOST_TEST_REQUIRE(fd >= 0, std::strerror(errno));
    const int on = 1;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0,
                       "bind [::1]: " << std::strerror(errno) << " (this test needs the IPv6 loopback)");
    BOOST_TEST_REQUIRE(::listen(fd, 1) == 0);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin6_port);
    thread = std::thread([this] {
      const int peer = ::accept(fd, nullptr, nullptr);
      if (peer < 0) return;
      std::string line;
      char c = 0;
      while (::read(peer, &c, 1) == 1 && c != '\n') line += c;
      const std::string reply = line == "*IDN?" ? std::string(kIdn) + "\n" : "\n";
      (void)!::write(peer, reply.data(), reply.size());
      ::close(peer);
    });
  }
  ~Ipv6Instrument() {
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    if (thread.joinable()) thread.join();
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(an_ipv6_literal_in_brackets_reaches_the_instrument) {
  Ipv6Instrument instrument;
  const auto uri = ob::drivers::parse_uri("scpi+tcp://[::1]:" + std::to_string(instrument.port) + "?model=dp832");
  BOOST_TEST(uri.host == "::1");
  BOOST_TEST(*uri.port == instrument.port);
  BOOST_TEST(uri.to_string() == "scpi+tcp://[::1]:" + std::to_string(instrument.port) + "?model=dp832");
  asio::io_context io;
  ob::drivers::LineOptions options;
  options.instrument = "psu-a";
  ob::drivers::TcpLineClient client(io.get_executor(), options, uri.host, *uri.port);
  BOOST_TEST(client.endpoint() == "[::1]:" + std::to_string(instrument.port));
  BOOST_TEST_REQUIRE(ob::drivers::run_until_ready(io, client.open()).has_value());
  const auto reply = ob::drivers::run_until_ready(io, client.query("*IDN?"));
  BOOST_TEST_REQUIRE(reply.has_value(), (reply ? std::string() : reply.error().message()));
  BOOST_TEST(*reply == kIdn);
}

BOOST_AUTO_TEST_CASE(ipv6_uris_are_checked_and_name_what_is_wrong) {
  using ob::drivers::parse_uri;
  using ob::drivers::UriError;
  BOOST_TEST(parse_uri("agent://[fe80::1%eth0]").host == "fe80::1%eth0");
  BOOST_TEST(!parse_uri("agent://[::1]").port.has_value());
  auto refused = [](const std::string& text, const std::string& said) {
    try {
      parse_uri(text);
    } catch (const UriError& e) {
      BOOST_TEST(std::string(e.what()).find(said) != std::string::npos, e.what());
      return;
    }
    BOOST_ERROR(text << " was accepted");
  };
  refused("agent://::1:7600", "an IPv6 address goes in brackets");
  refused("agent://[::1:7600", "'[' without its ']'");
  refused("agent://[::1]7600", "expected ':port' or nothing after");
  refused("agent://[::1]:0", "port '0' is not a number in 1..65535");
  refused("agent://[localhost]:7600", "is not an IPv6 address");
}
