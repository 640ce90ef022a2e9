// The simulated Watlow F4T's Modbus register map without sockets: PDUs in, PDUs out.
#include <boost/test/unit_test.hpp>
#include <string>

#include "fixtures/lab_state.hpp"
#include "fixtures/watlow_f4t_server.hpp"

namespace {

using ob::fixtures::f4t_float;
using ob::fixtures::f4t_high_word;
using ob::fixtures::f4t_low_word;
using ob::fixtures::WatlowF4tServer;

std::string words(std::initializer_list<unsigned> values) {
  std::string out;
  for (unsigned value : values) {
    out.push_back(static_cast<char>(value >> 8));
    out.push_back(static_cast<char>(value & 0xFF));
  }
  return out;
}

std::uint16_t word_at(const std::string& pdu, std::size_t offset) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(pdu[offset]) << 8 |
                                    static_cast<unsigned char>(pdu[offset + 1]));
}

std::string exception(unsigned function, unsigned code) {
  return std::string{static_cast<char>(function | 0x80), static_cast<char>(code)};
}

// An F4T running chamber 1 of a two-chamber lab.
struct F4tFixture {
  static ob::fixtures::LabTopology topology() {
    auto topology = ob::fixtures::LabTopology::simple(1);
    topology.chamber_loads_j_per_k = {0, 0};
    return topology;
  }
  double physics_time_s = 0;
  ob::fixtures::LabState lab{ob::fixtures::PhysicsParams{}, topology(), [this] { return physics_time_s; }};
  WatlowF4tServer f4t{lab, 1};

  std::string call(const std::string& pdu, std::uint8_t unit = 1) { return f4t.handle_pdu(unit, pdu).value_or("none"); }
  float read_float(unsigned address) {
    const std::string reply = call("\x03" + words({address, 2}));
    BOOST_TEST_REQUIRE(reply.size() == 6u);
    return f4t_float(word_at(reply, 2), word_at(reply, 4));
  }
  std::string write_float(unsigned address, float value) {
    return call("\x10" + words({address, 2}) + "\x04" + words({f4t_low_word(value), f4t_high_word(value)}));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(watlow_f4t, F4tFixture)

BOOST_AUTO_TEST_CASE(floats_are_low_word_first) {
  BOOST_TEST(f4t_low_word(25.0f) == 0x0000u);  // 25.0f = 0x41C80000
  BOOST_TEST(f4t_high_word(25.0f) == 0x41C8u);
  BOOST_TEST(f4t_float(0x0000, 0x41C8) == 25.0f);
  BOOST_TEST(read_float(2820) == 22.0f);  // PV = ambient
  BOOST_TEST(read_float(2774) == -40.0f);
  BOOST_TEST(read_float(2776) == 150.0f);
  const std::string reply = call("\x03" + words({2820, 2}));
  BOOST_TEST(reply.substr(0, 2) == std::string("\x03\x04", 2));  // FC 3, 4 bytes
}

BOOST_AUTO_TEST_CASE(setpoint_and_loop_mode_drive_the_chamber) {
  BOOST_TEST(write_float(2782, 40.5f) == "\x10" + words({2782, 2}));
  BOOST_TEST(read_float(2782) == 40.5f);
  BOOST_TEST(lab.now().state().chambers[1].setpoint_c == 40.5);
  BOOST_TEST(lab.now().state().chambers[0].setpoint_c == 22.0);  // the other chamber is untouched
  BOOST_TEST(read_float(2810) == 22.0f);                         // loop off: the ramp tracks the PV

  BOOST_TEST(call("\x06" + words({2730, 54})) == "\x06" + words({2730, 54}));  // echo
  BOOST_TEST(call("\x03" + words({2730, 1})) == std::string("\x03\x02", 2) + words({54}));
  BOOST_TEST(lab.now().state().chambers[1].running);
  BOOST_TEST(read_float(2810) == 40.5f);
  physics_time_s = 60;
  BOOST_TEST(read_float(2820) == 27.0f);  // 5 °C/min
  BOOST_TEST(call("\x06" + words({2730, 10})) == "\x06" + words({2730, 10}));
  BOOST_TEST(!lab.now().state().chambers[1].running);
}

BOOST_AUTO_TEST_CASE(exceptions) {
  BOOST_TEST(call(std::string("\x04", 1) + words({2820, 2})) == exception(0x04, 1));  // FC 4: not supported
  BOOST_TEST(call("\x03" + words({100, 2})) == exception(0x03, 2));
  BOOST_TEST(call("\x03" + words({2819, 2})) == exception(0x03, 2));  // runs into an unmapped register
  BOOST_TEST(call("\x03" + words({2820, 0})) == exception(0x03, 3));
  BOOST_TEST(call("\x03" + words({2820, 126})) == exception(0x03, 3));
  BOOST_TEST(call("\x03\x0a") == exception(0x03, 3));  // short PDU
  BOOST_TEST(write_float(2820, 1.0f) == exception(0x10, 2));  // read-only PV
  BOOST_TEST(call("\x06" + words({2782, 0})) == exception(0x06, 2));  // half a float
  BOOST_TEST(call("\x06" + words({2730, 99})) == exception(0x06, 3));
  BOOST_TEST(write_float(2782, 151.0f) == exception(0x10, 3));  // above the range
  BOOST_TEST(call("\x10" + words({2782, 2}) + "\x03" + words({0, 0})) == exception(0x10, 3));  // byte count
  BOOST_TEST(write_float(2776, 30.0f) == "\x10" + words({2776, 2}));  // narrow the range …
  BOOST_TEST(write_float(2782, 35.0f) == exception(0x10, 3));         // … and it binds the setpoint
  BOOST_TEST(call("\x03" + words({2820, 2}), 9) == "none");  // another unit: no answer
  BOOST_TEST(call("\x03" + words({2820, 2}), 255) != "none");
}

BOOST_AUTO_TEST_SUITE_END()
