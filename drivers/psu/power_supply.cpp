#include "drivers/psu/power_supply.hpp"

#include <ostream>

namespace ob::drivers {
namespace {

std::unexpected<Fault> unsupported(const char* what) {
  return fail(FaultKind::nak, "", std::string(what) + " not supported by this driver");
}

}  // namespace

const char* to_string(PsuRegulation regulation) {
  switch (regulation) {
    case PsuRegulation::constant_voltage:
      return "CV";
    case PsuRegulation::constant_current:
      return "CC";
    case PsuRegulation::unregulated:
      return "UR";
    case PsuRegulation::unknown:
      break;
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, PsuRegulation regulation) { return out << to_string(regulation); }

asio::awaitable<Result<PsuRegulation>> PowerSupply::regulation(int) { co_return unsupported("regulation state"); }

asio::awaitable<Status> PowerSupply::configure_ovp(int, std::optional<double>, bool) {
  co_return unsupported("over-voltage protection");
}

asio::awaitable<Status> PowerSupply::configure_ocp(int, std::optional<double>, bool) {
  co_return unsupported("over-current protection");
}

asio::awaitable<Result<PsuProtectionStatus>> PowerSupply::protection_status(int) {
  co_return unsupported("protection status");
}

asio::awaitable<Status> PowerSupply::clear_protection(int) { co_return unsupported("clearing protection"); }

asio::awaitable<Status> PowerSupply::configure_watchdog(bool, double) { co_return unsupported("output watchdog"); }

}  // namespace ob::drivers
