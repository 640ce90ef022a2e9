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

  const auto mode = [&](unsigned address) { return word_at(call("\x03" + words({address, 1})), 2); };
  BOOST_TEST(mode(2730) == 62u);  // Off
  BOOST_TEST(mode(2814) == 62u);
  BOOST_TEST(call("\x06" + words({2730, 10})) == "\x06" + words({2730, 10}));  // Auto; echo
  BOOST_TEST(mode(2730) == 10u);
  BOOST_TEST(mode(2814) == 10u);  // in effect
  BOOST_TEST(lab.now().state().chambers[1].running);
  BOOST_TEST(read_float(2810) == 40.5f);
  physics_time_s = 60;
  BOOST_TEST(read_float(2820) == 27.0f);  // 5 °C/min
  BOOST_TEST(call("\x06" + words({2730, 54})) == "\x06" + words({2730, 54}));  // Manual: open loop
  BOOST_TEST(mode(2814) == 54u);
  BOOST_TEST(!lab.now().state().chambers[1].running);
  BOOST_TEST(call("\x06" + words({2730, 10})) == "\x06" + words({2730, 10}));
  BOOST_TEST(call("\x06" + words({2730, 62})) == "\x06" + words({2730, 62}));  // Off
  BOOST_TEST(mode(2814) == 62u);
  BOOST_TEST(!lab.now().state().chambers[1].running);
  BOOST_TEST(call("\x06" + words({2814, 10})) == exception(0x06, 2));  // the active mode is read-only
}

// Temperatures are in the display units (1328: 15 °C, 30 °F), both ways, as on a real F4T.
BOOST_AUTO_TEST_CASE(display_units_convert_every_temperature_register) {
  BOOST_TEST(word_at(call("\x03" + words({1328, 1})), 2) == 15u);
  BOOST_TEST(call("\x06" + words({1328, 30})) == "\x06" + words({1328, 30}));
  BOOST_TEST(f4t.fahrenheit());
  BOOST_TEST(read_float(2820) == 71.6f);   // 22 °C
  BOOST_TEST(read_float(2774) == -40.0f);  // -40 °C = -40 °F
  BOOST_TEST(read_float(2776) == 302.0f);  // 150 °C
  BOOST_TEST(write_float(2782, 104.0f) == "\x10" + words({2782, 2}));
  BOOST_TEST(lab.now().state().chambers[1].setpoint_c == 40.0);
  BOOST_TEST(call("\x06" + words({1328, 16})) == exception(0x06, 3));
  BOOST_TEST(call("\x06" + words({1328, 15})) == "\x06" + words({1328, 15}));
  BOOST_TEST(read_float(2782) == 40.0f);
}

// Alarm N's state at 1356 + 100·(N−1): alarm 1 follows the lab's chamber alarm.
BOOST_AUTO_TEST_CASE(alarm_states) {
  const auto state = [&](unsigned address) { return word_at(call("\x03" + words({address, 1})), 2); };
  BOOST_TEST(state(1356) == 61u);  // none
  lab.now().set_chamber_alarm(1, 7);
  BOOST_TEST(state(1356) == 7u);  // alarm high
  BOOST_TEST(state(1456) == 61u);
  BOOST_TEST(state(1856) == 61u);  // alarm 6
  BOOST_TEST(call("\x03" + words({1956, 1})) == exception(0x03, 2));  // no alarm 7 here
  lab.now().set_chamber_alarm(1, 0);
  BOOST_TEST(state(1356) == 61u);
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
