#include "drivers/common/fault.hpp"

#include <ostream>

namespace ob::drivers {

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::timeout: return "timeout";
    case FaultKind::link_lost: return "link lost";
    case FaultKind::nak: return "refused";
    case FaultKind::instrument_error: return "instrument error";
    case FaultKind::out_of_range: return "out of range";
    case FaultKind::protocol: return "protocol error";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, FaultKind kind) { return out << to_string(kind); }

std::string Fault::message() const { return instrument + ": " + to_string(kind) + ": " + detail; }

}  // namespace ob::drivers
