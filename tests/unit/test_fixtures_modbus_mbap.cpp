// Modbus TCP framing without a socket (fixtures/mbap_stream): MBAP headers, frames in pieces
// and back to back, malformed headers, response ADUs.
#include <boost/test/unit_test.hpp>
#include <string>

#include "fixtures/mbap_stream.hpp"

namespace {

using ob::fixtures::MbapRequest;
using ob::fixtures::MbapStream;

// A read of two holding registers at 2820 (the F4T's process value), transaction 0x1234, unit 1.
const std::string kRead("\x12\x34\x00\x00\x00\x06\x01\x03\x0b\x04\x00\x02", 12);

}  // namespace

BOOST_AUTO_TEST_SUITE(modbus_mbap)

BOOST_AUTO_TEST_CASE(frames_in_pieces_and_back_to_back) {
  MbapStream stream;
  for (std::size_t i = 0; i + 1 < kRead.size(); ++i) {
    stream.receive(kRead.substr(i, 1));
    BOOST_TEST(!stream.next_request());
  }
  stream.receive(kRead.substr(kRead.size() - 1) + kRead + kRead.substr(0, 3));
  for (int i = 0; i < 2; ++i) {
    const auto request = stream.next_request();
    BOOST_TEST_REQUIRE(request.has_value());
    BOOST_TEST(request->transaction == 0x1234u);
    BOOST_TEST(request->unit == 1u);
    BOOST_TEST(request->pdu == kRead.substr(7));
  }
  BOOST_TEST(!stream.next_request());
  BOOST_TEST(!stream.malformed());
}

BOOST_AUTO_TEST_CASE(malformed_headers_stop_the_stream) {
  for (const std::string& header : {std::string("\x00\x01\x00\x01\x00\x06\x01", 7),    // protocol id 1
                                   std::string("\x00\x01\x00\x00\x00\x01\x01", 7),    // no PDU
                                   std::string("\x00\x01\x00\x00\x00\xff\x01", 7)}) { // 254 PDU bytes
    MbapStream stream;
    stream.receive(kRead + header + kRead);
    BOOST_TEST(stream.next_request().has_value());
    BOOST_TEST(!stream.next_request());
    BOOST_TEST_REQUIRE(stream.malformed().has_value());
    BOOST_TEST(stream.malformed()->starts_with("malformed MBAP header (protocol "));
    stream.receive(kRead);
    BOOST_TEST(!stream.next_request());
  }
  MbapStream longest;  // length 254: unit + 253 PDU bytes
  longest.receive(std::string("\x00\x01\x00\x00\x00\xfe\x01", 7) + std::string(253, '\x03'));
  BOOST_TEST(longest.next_request()->pdu.size() == 253u);
}

BOOST_AUTO_TEST_CASE(response_echoes_transaction_and_unit) {
  const MbapRequest request{0xBEEF, 7, "\x03"};
  BOOST_TEST(ob::fixtures::mbap_response(request, std::string("\x03\x02\x00\x36", 4)) ==
             std::string("\xbe\xef\x00\x00\x00\x05\x07\x03\x02\x00\x36", 11));
}

BOOST_AUTO_TEST_SUITE_END()
