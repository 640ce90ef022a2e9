#include "drivers/chamber/thermal_chamber.hpp"

namespace ob::drivers {

asio::awaitable<Status> ThermalChamber::set_ramp_rate(double) {
  co_return fail(FaultKind::nak, "", "a programmable ramp rate is not supported by this chamber driver");
}

asio::awaitable<Result<double>> ThermalChamber::ramp_rate() {
  co_return fail(FaultKind::nak, "", "a programmable ramp rate is not supported by this chamber driver");
}

}  // namespace ob::drivers
