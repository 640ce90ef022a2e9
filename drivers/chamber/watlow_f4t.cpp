#include "drivers/chamber/watlow_f4t.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include "drivers/common/number_text.hpp"

namespace ob::drivers {
namespace {

constexpr std::uint16_t kLoopModeBase = 2730;
constexpr std::uint16_t kActiveModeBase = 2814;
constexpr std::uint16_t kRangeMinBase = 2774;
constexpr std::uint16_t kRangeMaxBase = 2776;
constexpr std::uint16_t kSetpointBase = 2782;
constexpr std::uint16_t kCurrentSetpointBase = 2810;
constexpr std::uint16_t kProcessValueBase = 2820;
constexpr int kMaxLoops = 4;
constexpr int kMaxAlarms = 14;  // part number digit 7: C, F
constexpr int kSetpointDecimals = 1;

std::string range_text(const ChamberSpec& spec) {
  return format_fixed(spec.min_temp_c, kSetpointDecimals) + ".." + format_fixed(spec.max_temp_c, kSetpointDecimals) + " °C";
}

}  // namespace

std::uint16_t f4t_alarm_state_register(int alarm) {
  if (alarm < 1 || alarm > kMaxAlarms) throw std::invalid_argument("Watlow F4T alarm " + std::to_string(alarm) + " is not 1..14");
  return static_cast<std::uint16_t>(kF4tAlarmStateBase + (alarm - 1) * kF4tAlarmStride);
}

std::optional<std::string> f4t_alarm_state_text(std::uint16_t state) {
  switch (state) {
    case 88:   // Startup
    case 61:   // None
    case 12: return std::nullopt;  // Blocked
    case 7: return "alarm high";
    case 8: return "alarm low";
    case 28: return "error";
    default: return "state " + std::to_string(state);
  }
}

F4tRegisters f4t_registers(int loop) {
  if (loop < 1 || loop > kMaxLoops) throw std::invalid_argument("Watlow F4T loop " + std::to_string(loop) + " is not 1..4");
  const auto offset = static_cast<std::uint16_t>((loop - 1) * kF4tLoopStride);
  return F4tRegisters{
      .loop_mode = static_cast<std::uint16_t>(kLoopModeBase + offset),
      .active_mode = static_cast<std::uint16_t>(kActiveModeBase + offset),
      .range_min = static_cast<std::uint16_t>(kRangeMinBase + offset),
      .range_max = static_cast<std::uint16_t>(kRangeMaxBase + offset),
      .setpoint = static_cast<std::uint16_t>(kSetpointBase + offset),
      .current_setpoint = static_cast<std::uint16_t>(kCurrentSetpointBase + offset),
      .process_value = static_cast<std::uint16_t>(kProcessValueBase + offset),
  };
}

std::pair<std::uint16_t, std::uint16_t> float_to_words_low_first(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  return {static_cast<std::uint16_t>(bits & 0xFFFFU), static_cast<std::uint16_t>(bits >> 16)};
}

float float_from_words_low_first(std::uint16_t first, std::uint16_t second) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(first) | (static_cast<std::uint32_t>(second) << 16));
}

WatlowF4tChamber::WatlowF4tChamber(asio::any_io_executor executor, std::string host, std::uint16_t port,
                                   WatlowF4tOptions options)
    : modbus_(std::move(executor), std::move(host), port, std::move(options.modbus)),
      loop_(options.loop),
      alarms_(std::clamp(options.alarms, 0, kMaxAlarms)),
      registers_(f4t_registers(options.loop)),
      station_min_c_(options.min_temp_c),
      station_max_c_(options.max_temp_c) {
  if (station_min_c_) spec_.min_temp_c = *station_min_c_;
  if (station_max_c_) spec_.max_temp_c = *station_max_c_;
}

asio::awaitable<Result<double>> WatlowF4tChamber::read_float(std::uint16_t address) {
  auto words = co_await modbus_.read_holding_registers(address, 2);
  if (!words) co_return std::unexpected(std::move(words.error()));
  const double value = float_from_words_low_first((*words)[0], (*words)[1]);
  if (!std::isfinite(value)) {
    co_return fail(FaultKind::protocol, name(), "register " + std::to_string(address) + " holds a non-finite float");
  }
  co_return value;
}

asio::awaitable<Result<double>> WatlowF4tChamber::read_temp_c(std::uint16_t address) {
  auto value = co_await read_float(address);
  if (!value) co_return value;
  co_return to_c(*value);
}

asio::awaitable<Result<Identity>> WatlowF4tChamber::configure() {
  chamber_limits_.reset();
  // Temperatures on Modbus are in the display units (Watlow's factory default is °F).
  auto units = co_await modbus_.read_holding_registers(kF4tDisplayUnitsRegister, 1);
  if (!units) co_return std::unexpected(std::move(units.error()));
  if (units->front() != kF4tUnitsCelsius && units->front() != kF4tUnitsFahrenheit) {
    co_return fail(FaultKind::protocol, name(),
                   "display units register 1328 holds " + std::to_string(units->front()) + " (15 = °C, 30 = °F)");
  }
  fahrenheit_ = units->front() == kF4tUnitsFahrenheit;
  auto range = co_await modbus_.read_holding_registers(registers_.range_min, 4);  // min (2) + max (2)
  if (!range) co_return std::unexpected(std::move(range.error()));
  const double min_c = to_c(float_from_words_low_first((*range)[0], (*range)[1]));
  const double max_c = to_c(float_from_words_low_first((*range)[2], (*range)[3]));
  if (!std::isfinite(min_c) || !std::isfinite(max_c) || min_c > max_c) {
    co_return fail(FaultKind::protocol, name(),
                   "loop " + std::to_string(loop_) + " range registers " + std::to_string(registers_.range_min) +
                       ".. hold an invalid range");
  }
  auto pv = co_await read_temp_c(registers_.process_value);
  if (!pv) co_return std::unexpected(std::move(pv.error()));

  const ChamberSpec chamber{min_c, max_c};
  ChamberSpec spec = chamber;
  if (station_min_c_) spec.min_temp_c = std::max(spec.min_temp_c, *station_min_c_);
  if (station_max_c_) spec.max_temp_c = std::min(spec.max_temp_c, *station_max_c_);
  if (spec.min_temp_c > spec.max_temp_c) {
    co_return fail(FaultKind::out_of_range, name(), "the station's limits do not overlap the loop's " + range_text(chamber));
  }
  chamber_limits_ = chamber;
  spec_ = spec;
  // The F4T has no identification query in the documented map.
  co_return Identity{"Watlow", "F4T", "", "loop " + std::to_string(loop_) + (fahrenheit_ ? ", °F" : ", °C")};
}

asio::awaitable<Status> WatlowF4tChamber::set_setpoint(double temp_c) {
  if (!std::isfinite(temp_c) || temp_c < spec_.min_temp_c || temp_c > spec_.max_temp_c) {
    co_return fail(FaultKind::out_of_range, name(),
                   "setpoint " + format_fixed(temp_c, kSetpointDecimals) + " °C is outside " + range_text(spec_));
  }
  const auto [low, high] = float_to_words_low_first(static_cast<float>(from_c(temp_c)));
  std::vector<std::uint16_t> words{low, high};
  co_return co_await modbus_.write_registers(registers_.setpoint, std::move(words));
}

asio::awaitable<Status> WatlowF4tChamber::activate() {
  co_return co_await modbus_.write_register(registers_.loop_mode, kF4tModeAuto);
}

asio::awaitable<Status> WatlowF4tChamber::safe_state() {
  auto written = co_await modbus_.write_register(registers_.loop_mode, kF4tModeOff);
  if (!written) co_return written;
  // The mode in effect, read back, is the proof that the loop stopped regulating.
  auto mode = co_await modbus_.read_holding_registers(registers_.active_mode, 1);
  if (!mode) co_return std::unexpected(std::move(mode.error()));
  if (mode->front() != kF4tModeOff) {
    co_return fail(FaultKind::instrument_error, name(),
                   "control mode still " + std::to_string(mode->front()) + " after writing Off (62) to register " +
                       std::to_string(registers_.loop_mode));
  }
  co_return Status{};
}

asio::awaitable<Result<ChamberReading>> WatlowF4tChamber::read() {
  auto pv = co_await read_temp_c(registers_.process_value);
  if (!pv) co_return std::unexpected(std::move(pv.error()));
  auto sp = co_await read_temp_c(registers_.setpoint);
  if (!sp) co_return std::unexpected(std::move(sp.error()));
  // The mode in effect, not the one last written: a loop switched to Off or Manual on the front
  // panel (or by a profile's end step) is not regulating, whatever was commanded.
  auto mode = co_await modbus_.read_holding_registers(registers_.active_mode, 1);
  if (!mode) co_return std::unexpected(std::move(mode.error()));
  const auto active = mode->front();
  if (active != kF4tModeOff && active != kF4tModeAuto && active != kF4tModeManual) {
    co_return fail(FaultKind::protocol, name(),
                   "active control mode register " + std::to_string(registers_.active_mode) + " holds " +
                       std::to_string(active) + " (62 Off, 10 Auto, 54 Manual)");
  }
  ChamberReading reading;
  reading.air_temp_c = *pv;
  reading.setpoint_c = *sp;
  reading.running = active == kF4tModeAuto;
  for (int alarm = 1; alarm <= alarms_; ++alarm) {
    auto state = co_await modbus_.read_holding_registers(f4t_alarm_state_register(alarm), 1);
    if (!state) co_return std::unexpected(std::move(state.error()));
    if (auto text = f4t_alarm_state_text(state->front())) {
      ++reading.alarm_count;
      reading.alarms.push_back("alarm " + std::to_string(alarm) + ": " + *text);
    }
  }
  co_return reading;
}

asio::awaitable<Result<double>> WatlowF4tChamber::ramping_setpoint() {
  co_return co_await read_temp_c(registers_.current_setpoint);
}

}  // namespace ob::drivers
