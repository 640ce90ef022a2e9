// TcpLineClient and InstrumentLink against small loopback servers running on the test's own
// io_context: framing, deadlines, lost links, reconnect back-off, one exchange at a time.
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/common/run_until_ready.hpp"
#include "drivers/transport/instrument_link.hpp"
#include "drivers/transport/tcp_line_client.hpp"

using namespace ob::drivers;
using namespace std::chrono_literals;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);
const auto kLoopback = asio::ip::make_address("127.0.0.1");

// What a fake instrument does with one received line (terminator included, as received).
struct Reply {
  std::string text;              // sent as is (include the terminator)
  bool close_after = false;      // then drop the connection
  std::chrono::milliseconds delay{0};
};
using Behaviour = std::function<std::optional<Reply>(const std::string& raw_line)>;  // nullopt: stay silent

asio::awaitable<void> fake_session(tcp::socket socket, Behaviour behaviour) {
  std::string buffer;
  for (;;) {
    auto [ec, n] = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n', kNoThrow);
    if (ec) co_return;
    std::string line = buffer.substr(0, n);
    buffer.erase(0, n);
    auto reply = behaviour(line);
    if (!reply) continue;
    if (reply->delay.count() > 0) {
      asio::steady_timer pause(socket.get_executor(), reply->delay);
      co_await pause.async_wait(kNoThrow);
    }
    if (!reply->text.empty()) {
      auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(reply->text), kNoThrow);
      if (write_ec) co_return;
    }
    if (reply->close_after) co_return;
  }
}

struct FakeServer {
  std::uint16_t port = 0;
  std::shared_ptr<int> connections = std::make_shared<int>(0);
};

FakeServer start_fake_server(asio::io_context& io, Behaviour behaviour) {
  FakeServer server;
  tcp::acceptor acceptor(io, {kLoopback, 0});
  server.port = acceptor.local_endpoint().port();
  asio::co_spawn(
      io,
      [acceptor = std::move(acceptor), behaviour, connections = server.connections]() mutable -> asio::awaitable<void> {
        for (;;) {
          auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
          if (ec) co_return;
          ++*connections;
          asio::co_spawn(acceptor.get_executor(), fake_session(std::move(socket), behaviour), asio::detached);
        }
      },
      asio::detached);
  return server;
}

std::uint16_t unused_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, {kLoopback, 0});
  return acceptor.local_endpoint().port();
}

TcpLineOptions options(std::chrono::milliseconds timeout = 300ms) {
  TcpLineOptions o;
  o.instrument = "dut-psu";
  o.timeout = timeout;
  o.reconnect_backoff = 20ms;
  return o;
}

long elapsed_ms(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::string strip_terminator(std::string line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

}  // namespace

BOOST_AUTO_TEST_CASE(query_round_trip_and_framing) {
  asio::io_context io;
  std::vector<std::string> received;
  auto server = start_fake_server(io, [&](const std::string& raw) -> std::optional<Reply> {
    received.push_back(raw);
    if (strip_terminator(raw) == "TWO?") return Reply{"first\nsecond\r\n"};  // two lines, one segment
    return Reply{"echo " + strip_terminator(raw) + "\r\n"};
  });
  auto o = options();
  o.terminator = "\r\n";
  TcpLineClient client(io.get_executor(), o);
  BOOST_REQUIRE(run_until_ready(io, client.connect("127.0.0.1", server.port)));
  BOOST_TEST(run_until_ready(io, client.query("TEMP?")).value() == "echo TEMP?");
  BOOST_TEST(run_until_ready(io, client.query("TWO?")).value() == "first");
  BOOST_TEST(run_until_ready(io, client.read_line()).value() == "second");
  BOOST_REQUIRE_EQUAL(received.size(), 2u);
  BOOST_TEST(received[0] == "TEMP?\r\n");
  BOOST_TEST(client.reconnect_count() == 0u);
}

BOOST_AUTO_TEST_CASE(silent_server_times_out_within_the_deadline_and_closes) {
  asio::io_context io;
  auto server = start_fake_server(io, [](const std::string&) -> std::optional<Reply> { return std::nullopt; });
  TcpLineClient client(io.get_executor(), options(300ms));
  BOOST_REQUIRE(run_until_ready(io, client.connect("127.0.0.1", server.port)));

  // The io_context keeps serving other work while the query waits.
  int ticks = 0;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    asio::steady_timer tick(io, 50ms);
    for (int i = 0; i < 4; ++i) {
      co_await tick.async_wait(kNoThrow);
      ++ticks;
      tick.expires_after(50ms);
    }
  }, asio::detached);

  const auto start = Clock::now();
  auto reply = run_until_ready(io, client.query(":MEAS:VOLT? CH1"));
  const auto elapsed = elapsed_ms(start);
  BOOST_REQUIRE(!reply);
  BOOST_TEST(reply.error().kind == FaultKind::timeout, reply.error().message());
  BOOST_TEST(reply.error().instrument == "dut-psu");
  BOOST_TEST(reply.error().detail.find(":MEAS:VOLT? CH1") != std::string::npos, reply.error().detail);
  BOOST_TEST(elapsed >= 290);
  BOOST_TEST(elapsed < 800);
  BOOST_TEST(ticks >= 4);
  BOOST_TEST(!client.is_open());  // a late reply can never be read as the next answer
  auto next = run_until_ready(io, client.query("*IDN?"));
  BOOST_TEST(next.error().kind == FaultKind::link_lost);
}

BOOST_AUTO_TEST_CASE(peer_closing_is_link_lost) {
  asio::io_context io;
  auto server = start_fake_server(io, [](const std::string&) -> std::optional<Reply> { return Reply{"", true}; });
  TcpLineClient client(io.get_executor(), options());
  BOOST_REQUIRE(run_until_ready(io, client.connect("127.0.0.1", server.port)));
  auto reply = run_until_ready(io, client.query("*IDN?"));
  BOOST_REQUIRE(!reply);
  BOOST_TEST(reply.error().kind == FaultKind::link_lost, reply.error().message());
  BOOST_TEST(reply.error().detail.find("*IDN?") != std::string::npos, reply.error().detail);
  BOOST_TEST(!client.is_open());
}

BOOST_AUTO_TEST_CASE(overlong_line_is_a_protocol_fault) {
  asio::io_context io;
  auto server = start_fake_server(io, [](const std::string&) -> std::optional<Reply> {
    return Reply{std::string(100, 'x') + "\n"};
  });
  auto o = options();
  o.max_line_bytes = 64;
  TcpLineClient client(io.get_executor(), o);
  BOOST_REQUIRE(run_until_ready(io, client.connect("127.0.0.1", server.port)));
  auto reply = run_until_ready(io, client.query("*IDN?"));
  BOOST_REQUIRE(!reply);
  BOOST_TEST(reply.error().kind == FaultKind::protocol, reply.error().message());
}

BOOST_AUTO_TEST_CASE(refused_connect_and_bounded_reconnect_backoff) {
  asio::io_context io;
  auto o = options();
  o.reconnect_attempts = 3;
  o.reconnect_backoff = 100ms;
  TcpLineClient client(io.get_executor(), o);
  const auto port = unused_port();
  auto first = run_until_ready(io, client.connect("127.0.0.1", port));
  BOOST_REQUIRE(!first);
  BOOST_TEST(first.error().kind == FaultKind::link_lost, first.error().message());
  BOOST_TEST(first.error().detail.find(std::to_string(port)) != std::string::npos);

  const auto start = Clock::now();
  auto again = run_until_ready(io, client.reconnect());
  const auto elapsed = elapsed_ms(start);
  BOOST_REQUIRE(!again);
  BOOST_TEST(again.error().detail.find("3 reconnect attempts") != std::string::npos, again.error().detail);
  BOOST_TEST(elapsed >= 700);  // 100 + 200 + 400 ms of back-off
  BOOST_TEST(elapsed < 1500);
  BOOST_TEST(client.reconnect_count() == 0u);
}

BOOST_AUTO_TEST_CASE(reconnect_after_the_server_dropped_us) {
  asio::io_context io;
  auto server = start_fake_server(io, [](const std::string& raw) -> std::optional<Reply> {
    return Reply{"ok\n", strip_terminator(raw) == "BYE"};
  });
  TcpLineClient client(io.get_executor(), options());
  BOOST_REQUIRE(run_until_ready(io, client.connect("127.0.0.1", server.port)));
  BOOST_TEST(run_until_ready(io, client.query("BYE")).value() == "ok");
  auto dead = run_until_ready(io, client.query("PING"));
  BOOST_TEST(dead.error().kind == FaultKind::link_lost);
  BOOST_REQUIRE(run_until_ready(io, client.reconnect()));
  BOOST_TEST(client.reconnect_count() == 1u);
  BOOST_TEST(*server.connections == 2);
  BOOST_TEST(run_until_ready(io, client.query("PING")).value() == "ok");
}

BOOST_AUTO_TEST_CASE(link_serialises_exchanges_from_two_coroutines) {
  asio::io_context io;
  auto server = start_fake_server(io, [](const std::string& raw) -> std::optional<Reply> {
    const auto line = strip_terminator(raw);
    if (line.back() != '?') return std::nullopt;
    return Reply{line + "\n", false, 20ms};  // slow echo: exchanges would interleave without the lock
  });
  InstrumentLink link(io.get_executor(), "127.0.0.1", server.port, options());
  Result<std::vector<std::string>> a, b;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    std::vector<LineStep> steps{{"A1?", true}, {"SEL A", false}, {"A2?", true}};
    a = co_await link.exchange(std::move(steps));
  }, asio::detached);
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    std::vector<LineStep> steps{{"B1?", true}};
    b = co_await link.exchange(std::move(steps));
  }, asio::detached);
  run_until_ready(io, [&]() -> asio::awaitable<void> {
    asio::steady_timer settle(io, 300ms);
    co_await settle.async_wait(kNoThrow);
  }());
  BOOST_REQUIRE(a);
  BOOST_REQUIRE(b);
  BOOST_TEST((*a == std::vector<std::string>{"A1?", "A2?"}));
  BOOST_TEST((*b == std::vector<std::string>{"B1?"}));
  BOOST_TEST(*server.connections == 1);
}

BOOST_AUTO_TEST_CASE(link_replays_once_on_a_connection_that_died_while_idle) {
  asio::io_context io;
  auto server = start_fake_server(io, [](const std::string& raw) -> std::optional<Reply> {
    return Reply{strip_terminator(raw) + "\n", true};  // answers one line per connection
  });
  InstrumentLink link(io.get_executor(), "127.0.0.1", server.port, options());
  BOOST_TEST(run_until_ready(io, link.query("Q1?")).value() == "Q1?");
  BOOST_TEST(run_until_ready(io, link.query("Q2?")).value() == "Q2?");  // stale socket: reconnect + replay
  BOOST_TEST(link.reconnect_count() == 1u);
  BOOST_TEST(*server.connections == 2);
}
