// The simulated iiod's connection bytes without a socket (fixtures/iiod_stream): lines in
// pieces, pipelined requests, WRITE payloads split anywhere, the line limit.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "fixtures/iiod_stream.hpp"
#include "fixtures/lab_state.hpp"

namespace {

using ob::fixtures::IiodStream;

struct StreamFixture {
  ob::fixtures::LabState lab{ob::fixtures::PhysicsParams{}, 1, [] { return 0.0; }};
  ob::fixtures::IiodServer server{lab};
  IiodStream stream{server};

  // Feeds `bytes` and collects every reply that became complete.
  std::vector<std::string> feed(const std::string& bytes) {
    stream.receive(bytes);
    std::vector<std::string> out;
    while (auto reply = stream.next_reply()) out.push_back(reply->data + (reply->close ? "<close>" : ""));
    return out;
  }
  using Replies = std::vector<std::string>;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(iiod_stream, StreamFixture)

BOOST_AUTO_TEST_CASE(lines_in_pieces_and_pipelined) {
  BOOST_TEST(feed("VERS").empty());
  BOOST_TEST(feed("ION\r") == Replies{});
  BOOST_TEST(feed("\nTIMEOUT 10\nFOO\r\nEX") == (Replies{"0.24.v0.24  \n", "0\n", "-22\n"}));
  BOOST_TEST(feed("IT\r\n") == Replies{"<close>"});
}

BOOST_AUTO_TEST_CASE(write_payload_follows_its_line) {
  // libiio sends the value's NUL; the payload may arrive with the line, alone or in pieces.
  BOOST_TEST(feed("WRITE iio:device1 INPUT temp thermocouple_type 2\r\nJ").empty());
  BOOST_TEST(feed(std::string(1, '\0') + "READ iio:device1 INPUT temp thermocouple_type\r\n") ==
             (Replies{"2\n", std::string("2\nJ\0\n", 5)}));
  // A payload that looks like a command is still the payload.
  BOOST_TEST(feed("WRITE iio:device1 INPUT temp thermocouple_type 7\r\nPRINT\r\nVERSION\n") ==
             (Replies{"-22\n", "0.24.v0.24  \n"}));
  BOOST_TEST(feed("WRITE iio:device0 x 0\r\nVERSION\n") == (Replies{"-2\n", "0.24.v0.24  \n"}));  // an empty payload
}

BOOST_AUTO_TEST_CASE(oversized_requests_close) {
  BOOST_TEST(feed("WRITE iio:device0 in_shunt_resistor 70000\r\n") == Replies{"-22\n<close>"});
  BOOST_TEST(!stream.line_too_long());
  IiodStream fresh(server);
  fresh.receive(std::string(ob::fixtures::kIiodMaxLineBytes - 1, 'A'));
  BOOST_TEST(!fresh.next_reply());
  BOOST_TEST(!fresh.line_too_long());  // the "\n" may still come
  fresh.receive("\n");
  BOOST_TEST(fresh.next_reply()->data == "-22\n");
  fresh.receive(std::string(ob::fixtures::kIiodMaxLineBytes, 'A') + "\n");
  BOOST_TEST(!fresh.next_reply());
  BOOST_TEST(fresh.line_too_long());
}

BOOST_AUTO_TEST_SUITE_END()
