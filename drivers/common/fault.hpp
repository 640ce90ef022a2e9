#pragma once
// Expected hardware faults are values, not exceptions (docs/architecture.md).
#include <expected>
#include <iosfwd>
#include <string>

namespace ob::drivers {

enum class FaultKind {
  timeout,           // no reply before the deadline
  link_lost,         // connect failed, peer closed, socket error
  nak,               // instrument refused the command (e.g. Espec "NA:...")
  instrument_error,  // an entry in the instrument's error queue
  out_of_range,      // refused before sending: outside the model's or the DUT's limits
  protocol,          // a reply we cannot parse
};

const char* to_string(FaultKind kind);
std::ostream& operator<<(std::ostream& out, FaultKind kind);  // to_string(kind), for logs and tests

struct Fault {
  FaultKind kind;
  std::string instrument;  // station name of the instrument, e.g. "psu-a"
  std::string detail;      // what happened, with the command or field involved

  std::string message() const;  // "psu-a: timeout: no reply to ':MEAS:VOLT?' within 500 ms"
};

template <class T>
using Result = std::expected<T, Fault>;
using Status = std::expected<void, Fault>;

inline std::unexpected<Fault> fail(FaultKind kind, std::string instrument, std::string detail) {
  return std::unexpected<Fault>(Fault{kind, std::move(instrument), std::move(detail)});
}

}  // namespace ob::drivers
