// libFuzzer target: bytes on a Modbus TCP connection to the simulated Watlow F4T — MBAP headers
// (transaction id, protocol id, length, unit), partial and back-to-back frames, bad lengths,
// protocol ids ≠ 0 — through the framing (fixtures/mbap_stream) into the F4T's PDU handling.
// The first byte sets the size of the pieces the rest arrives in. Findings besides crashes:
// framing that depends on how the bytes were split, a response ADU that does not echo its
// request's transaction id and unit, carries a wrong length or a PDU over 253 bytes, or answers
// with another function code than the request's (or its exception code).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fixtures/lab_state.hpp"
#include "fixtures/mbap_stream.hpp"
#include "fixtures/watlow_f4t_server.hpp"

namespace {

using ob::fixtures::MbapRequest;
using ob::fixtures::MbapStream;

struct Framed {
  std::vector<MbapRequest> requests;
  bool malformed = false;
};

Framed frame(std::string_view bytes, std::size_t piece) {
  MbapStream stream;
  Framed out;
  while (!bytes.empty() && !stream.malformed()) {
    stream.receive(bytes.substr(0, piece));
    bytes.remove_prefix(bytes.size() < piece ? bytes.size() : piece);
    while (auto request = stream.next_request()) out.requests.push_back(std::move(*request));
  }
  out.malformed = stream.malformed().has_value();
  return out;
}

unsigned byte_at(const std::string& text, std::size_t offset) { return static_cast<unsigned char>(text[offset]); }

void check_response(const MbapRequest& request, const std::string& pdu, const std::string& adu) {
  const unsigned function = byte_at(request.pdu, 0);
  const bool well_formed = !pdu.empty() && pdu.size() <= ob::fixtures::kMaxModbusPduBytes &&
                           (byte_at(pdu, 0) == function || byte_at(pdu, 0) == (function | 0x80)) &&
                           adu.size() == ob::fixtures::kMbapHeaderBytes + pdu.size() &&
                           (byte_at(adu, 0) << 8 | byte_at(adu, 1)) == request.transaction && byte_at(adu, 2) == 0 &&
                           byte_at(adu, 3) == 0 && (byte_at(adu, 4) << 8 | byte_at(adu, 5)) == adu.size() - 6 &&
                           byte_at(adu, 6) == request.unit && adu.compare(7, std::string::npos, pdu) == 0;
  if (!well_formed) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static ob::fixtures::LabState lab(ob::fixtures::PhysicsParams{}, 1, [] { return 0.0; });
  static ob::fixtures::WatlowF4tServer server(lab, 0);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const Framed framed = frame(bytes, data[0] + 1u);
  const Framed whole = frame(bytes, bytes.size() + 1);
  if (framed.malformed != whole.malformed || framed.requests.size() != whole.requests.size()) __builtin_trap();
  for (std::size_t i = 0; i < framed.requests.size(); ++i) {
    const auto& request = framed.requests[i];
    const auto& same = whole.requests[i];
    if (request.transaction != same.transaction || request.unit != same.unit || request.pdu != same.pdu) __builtin_trap();
    const auto response = server.handle_pdu(request.unit, request.pdu);
    if (response) check_response(request, *response, ob::fixtures::mbap_response(request, *response));
  }
  return 0;
}
