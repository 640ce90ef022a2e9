// libFuzzer target: bytes on a connection to the simulated iiod (libiio's network protocol):
// command lines, the raw payload after a WRITE line, partial and pipelined requests. The first
// byte sets the size of the pieces the rest arrives in. Every request gets a reply with data, or
// one that closes the connection — never a crash; the stream stops where a connection would.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fixtures/iiod_stream.hpp"
#include "fixtures/lab_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static ob::fixtures::LabState lab(ob::fixtures::PhysicsParams{}, 2, [] { return 0.0; });
  // Every input starts from the same devices (settings, noise): a finding replays on its own.
  // Copied rather than built: twice the inputs per second.
  static const ob::fixtures::IiodServer pristine(lab);
  ob::fixtures::IiodServer server(pristine);
  ob::fixtures::IiodStream stream(server);
  const std::size_t piece = data[0] + 1u;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  while (!bytes.empty()) {
    stream.receive(bytes.substr(0, piece));
    bytes.remove_prefix(bytes.size() < piece ? bytes.size() : piece);
    while (auto reply = stream.next_reply()) {
      if (reply->data.empty() && !reply->close) __builtin_trap();  // a request left unanswered
      if (reply->close) return 0;
    }
    if (stream.line_too_long()) return 0;
  }
  return 0;
}
