#include "drivers/chamber/watlow_f4t_scpi.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

#include "drivers/common/number_text.hpp"

namespace ob::drivers {
namespace {

constexpr int kMaxLoops = 4;
constexpr int kSetpointDecimals = 1;
constexpr double kReadbackTolerance = 0.05;  // °C, half the setpoint resolution
constexpr std::string_view kUnitQuery = ":UNIT:TEMPERATURE?";

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string range_text(const ChamberSpec& spec) {
  return format_fixed(spec.min_temp_c, kSetpointDecimals) + ".." + format_fixed(spec.max_temp_c, kSetpointDecimals) + " °C";
}

double fahrenheit_to_celsius(double f) { return (f - 32.0) * 5.0 / 9.0; }
double celsius_to_fahrenheit(double c) { return c * 9.0 / 5.0 + 32.0; }

}  // namespace

std::optional<TemperatureUnit> parse_temperature_unit(std::string_view reply) {
  const auto text = trim(reply);
  if (iequals(text, "C") || iequals(text, "CELSIUS")) return TemperatureUnit::celsius;
  if (iequals(text, "F") || iequals(text, "FAHRENHEIT")) return TemperatureUnit::fahrenheit;
  return std::nullopt;
}

WatlowF4tScpiChamber::WatlowF4tScpiChamber(asio::any_io_executor executor, std::string host, std::uint16_t port,
                                           WatlowF4tScpiOptions options)
    : link_(std::move(executor), std::move(host), port, std::move(options.link)),
      loop_(options.loop),
      ambient_c_(options.ambient_c) {
  if (loop_ < 1 || loop_ > kMaxLoops) throw std::invalid_argument("Watlow F4T loop " + std::to_string(loop_) + " is not 1..4");
  if (options.min_temp_c) spec_.min_temp_c = *options.min_temp_c;
  if (options.max_temp_c) spec_.max_temp_c = *options.max_temp_c;
}

std::string WatlowF4tScpiChamber::command(std::string_view node) const {
  return ":SOURCE:CLOOP" + std::to_string(loop_) + ":" + std::string(node);
}

Result<double> WatlowF4tScpiChamber::to_celsius(const std::string& command, const std::string& reply) const {
  auto value = parse_number(trim(reply));
  if (!value || !std::isfinite(*value)) return fail(FaultKind::protocol, name(), "unparsable reply to " + quoted(command) + ": " + quoted(reply));
  return unit_ == TemperatureUnit::fahrenheit ? fahrenheit_to_celsius(*value) : *value;
}

asio::awaitable<Result<TemperatureUnit>> WatlowF4tScpiChamber::read_unit() {
  auto reply = co_await link_.query(std::string(kUnitQuery));
  if (!reply) co_return std::unexpected(std::move(reply.error()));
  auto unit = parse_temperature_unit(*reply);
  if (!unit) co_return fail(FaultKind::protocol, name(), "unparsable reply to " + quoted(kUnitQuery) + ": " + quoted(*reply));
  co_return *unit;
}

asio::awaitable<Result<Identity>> WatlowF4tScpiChamber::configure() {
  auto unit = co_await read_unit();
  if (!unit) co_return std::unexpected(std::move(unit.error()));
  unit_ = *unit;
  const auto pv_query = command("PVALUE?");
  auto pv = co_await link_.query(pv_query);
  if (!pv) co_return std::unexpected(std::move(pv.error()));
  auto pv_c = to_celsius(pv_query, *pv);
  if (!pv_c) co_return std::unexpected(std::move(pv_c.error()));
  co_return Identity{"Watlow", "F4T", "", "loop " + std::to_string(loop_) + " (SCPI)"};
}

asio::awaitable<Status> WatlowF4tScpiChamber::write_setpoint(double temp_c) {
  const double value = unit_ == TemperatureUnit::fahrenheit ? celsius_to_fahrenheit(temp_c) : temp_c;
  const auto set = command("SPOINT") + " " + format_fixed(value, kSetpointDecimals);
  const auto readback = command("SPOINT?");
  std::vector<LineStep> steps{{set, false}, {readback, true}};
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  auto now_c = to_celsius(readback, replies->front());
  if (!now_c) co_return std::unexpected(std::move(now_c.error()));
  const double tolerance = unit_ == TemperatureUnit::fahrenheit ? kReadbackTolerance * 9.0 / 5.0 : kReadbackTolerance;
  if (std::abs(*now_c - temp_c) > tolerance + 1e-9) {
    co_return fail(FaultKind::nak, name(),
                   quoted(set) + " not taken: the setpoint reads " + format_fixed(*now_c, kSetpointDecimals) + " °C");
  }
  co_return Status{};
}

asio::awaitable<Status> WatlowF4tScpiChamber::set_setpoint(double temp_c) {
  if (!std::isfinite(temp_c) || temp_c < spec_.min_temp_c || temp_c > spec_.max_temp_c) {
    co_return fail(FaultKind::out_of_range, name(),
                   "setpoint " + format_fixed(temp_c, kSetpointDecimals) + " °C is outside " + range_text(spec_));
  }
  co_return co_await write_setpoint(temp_c);
}

asio::awaitable<Status> WatlowF4tScpiChamber::activate() {
  auto unit = co_await read_unit();
  if (!unit) co_return std::unexpected(std::move(unit.error()));
  unit_ = *unit;
  co_return Status{};
}

asio::awaitable<Status> WatlowF4tScpiChamber::safe_state() {
  co_return co_await write_setpoint(std::clamp(ambient_c_, spec_.min_temp_c, spec_.max_temp_c));
}

asio::awaitable<Result<ChamberReading>> WatlowF4tScpiChamber::read() {
  const auto pv_query = command("PVALUE?");
  const auto sp_query = command("SPOINT?");
  std::vector<LineStep> steps{{pv_query, true}, {sp_query, true}};
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  auto pv = to_celsius(pv_query, (*replies)[0]);
  if (!pv) co_return std::unexpected(std::move(pv.error()));
  auto sp = to_celsius(sp_query, (*replies)[1]);
  if (!sp) co_return std::unexpected(std::move(sp.error()));
  ChamberReading reading;
  reading.air_temp_c = *pv;
  reading.setpoint_c = *sp;
  reading.running = true;
  co_return reading;
}

}  // namespace ob::drivers
