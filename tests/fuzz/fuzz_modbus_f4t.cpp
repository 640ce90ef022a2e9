// libFuzzer target: Modbus request PDUs as the simulated Watlow F4T receives them (the first byte
// picks the unit, the rest is function code + data): every request gets a response PDU, an
// exception PDU or no answer — never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fixtures/lab_state.hpp"
#include "fixtures/watlow_f4t_server.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static ob::fixtures::LabState lab(ob::fixtures::PhysicsParams{}, 1, [] { return 0.0; });
  static ob::fixtures::WatlowF4tServer server(lab, 0);
  const std::string_view pdu(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)server.handle_pdu(data[0], pdu);
  return 0;
}
