#include "drivers/chamber/espec_chamber.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "drivers/common/number_text.hpp"

namespace ob::drivers {
namespace {

constexpr std::string_view kOk = "OK:";
constexpr std::string_view kNak = "NA:";
constexpr std::string_view kConstantMode = "CONSTANT";
constexpr int kSetpointDecimals = 1;  // the controller's resolution
constexpr std::size_t kTempFields = 4;
constexpr std::size_t kMonFieldsWithHumidity = 4;
constexpr std::size_t kMonFieldsWithoutHumidity = 3;
constexpr std::size_t kTypeFieldsWithHumidity = 4;
constexpr std::size_t kTypeFieldsWithoutHumidity = 3;

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string range_text(const ChamberSpec& spec) {
  return format_fixed(spec.min_temp_c, kSetpointDecimals) + ".." + format_fixed(spec.max_temp_c, kSetpointDecimals) + " °C";
}

}  // namespace

std::optional<EspecTempReply> parse_espec_temp(std::string_view reply) {
  auto fields = split_fields(trim(reply), ',');
  if (fields.size() != kTempFields) return std::nullopt;
  std::vector<double> values;
  for (auto field : fields) {
    auto value = parse_number(field);
    if (!value) return std::nullopt;
    values.push_back(*value);
  }
  return EspecTempReply{values[0], values[1], values[2], values[3]};
}

std::optional<EspecTypeReply> parse_espec_type(std::string_view reply) {
  auto fields = split_fields(trim(reply), ',');
  if (fields.size() != kTypeFieldsWithHumidity && fields.size() != kTypeFieldsWithoutHumidity) return std::nullopt;
  for (auto field : fields) {
    if (trim(field).empty()) return std::nullopt;
  }
  auto temp_max_c = parse_number(fields.back());
  if (!temp_max_c) return std::nullopt;
  EspecTypeReply type;
  type.drybulb = std::string(trim(fields.front()));
  if (fields.size() == kTypeFieldsWithHumidity) type.wetbulb = std::string(trim(fields[1]));
  type.controller = std::string(trim(fields[fields.size() - 2]));
  type.temp_max_c = *temp_max_c;
  return type;
}

std::string espec_model_from_rom(std::string_view reply) {
  const std::string_view text = trim(reply);
  return std::string(text.substr(0, text.find(' ')));
}

std::optional<ChamberReading> parse_espec_mon(std::string_view reply) {
  auto fields = split_fields(trim(reply), ',');
  // temp,humidity,mode,alarms; temperature-only controllers omit the humidity field.
  if (fields.size() != kMonFieldsWithHumidity && fields.size() != kMonFieldsWithoutHumidity) return std::nullopt;
  const std::size_t mode_index = fields.size() - 2;
  auto temp_c = parse_number(fields[0]);
  auto alarms = parse_integer(fields.back());
  if (!temp_c || !alarms || fields[mode_index].empty()) return std::nullopt;
  ChamberReading reading;
  reading.air_temp_c = *temp_c;
  reading.running = iequals(fields[mode_index], kConstantMode);
  reading.alarm_count = static_cast<int>(*alarms);
  return reading;
}

std::optional<EspecAlarmReply> parse_espec_alarm(std::string_view reply) {
  auto fields = split_fields(trim(reply), ',');
  if (fields.empty()) return std::nullopt;
  auto count = parse_integer(fields.front());
  if (!count || *count < 0) return std::nullopt;
  EspecAlarmReply alarms;
  alarms.count = static_cast<int>(*count);
  for (std::size_t i = 1; i < fields.size(); ++i) {
    auto code = trim(fields[i]);
    if (code.empty()) return std::nullopt;
    alarms.codes.emplace_back(code);
  }
  if (alarms.codes.size() > static_cast<std::size_t>(alarms.count)) return std::nullopt;
  return alarms;
}

EspecChamber::EspecChamber(asio::any_io_executor executor, std::string host, std::uint16_t port, EspecOptions options)
    : link_(std::move(executor), std::move(host), port, std::move(options.link)),
      address_(options.address),
      station_min_c_(options.min_temp_c),
      station_max_c_(options.max_temp_c) {
  if (station_min_c_) spec_.min_temp_c = *station_min_c_;
  if (station_max_c_) spec_.max_temp_c = *station_max_c_;
}

EspecChamber::EspecChamber(std::unique_ptr<LineTransport> transport, EspecOptions options)
    : link_(std::move(transport)),
      address_(options.address),
      station_min_c_(options.min_temp_c),
      station_max_c_(options.max_temp_c) {
  if (station_min_c_) spec_.min_temp_c = *station_min_c_;
  if (station_max_c_) spec_.max_temp_c = *station_max_c_;
}

std::string EspecChamber::addressed(const std::string& command) const {
  return address_ > 0 ? std::to_string(address_) + "," + command : command;
}

asio::awaitable<Result<std::string>> EspecChamber::query(std::string command) {
  auto reply = co_await link_.query(addressed(command));
  if (!reply) co_return std::unexpected(std::move(reply.error()));
  if (istarts_with(*reply, kNak)) co_return fail(FaultKind::nak, name(), quoted(command) + " -> " + quoted(*reply));
  co_return reply;
}

asio::awaitable<Status> EspecChamber::command_expecting_ok(std::string command) {
  auto reply = co_await query(command);
  if (!reply) co_return std::unexpected(std::move(reply.error()));
  if (!istarts_with(*reply, kOk)) {
    co_return fail(FaultKind::protocol, name(), "expected OK: in reply to " + quoted(command) + ", got " + quoted(*reply));
  }
  co_return Status{};
}

asio::awaitable<Result<Identity>> EspecChamber::configure() {
  chamber_limits_.reset();
  auto firmware = co_await query("ROM?");
  if (!firmware) co_return std::unexpected(std::move(firmware.error()));
  auto type = co_await query("TYPE?");
  if (!type) co_return std::unexpected(std::move(type.error()));
  auto temp = co_await query("TEMP?");
  if (!temp) co_return std::unexpected(std::move(temp.error()));
  auto limits = parse_espec_temp(*temp);
  if (!limits) co_return fail(FaultKind::protocol, name(), "unparsable reply to 'TEMP?': " + quoted(*temp));
  auto chamber_type = parse_espec_type(*type);
  if (!chamber_type) {
    co_return fail(FaultKind::protocol, name(),
                   "unparsable reply to 'TYPE?' (expected drybulb[,wetbulb],controller,tempmax): " + quoted(*type));
  }
  const std::string model = espec_model_from_rom(*firmware);
  if (model.empty()) co_return fail(FaultKind::protocol, name(), "empty reply to 'ROM?'");

  // The controller's limits, within what the chamber is built for (TYPE?'s tempmax).
  const ChamberSpec chamber{limits->low_limit_c, std::min(limits->high_limit_c, chamber_type->temp_max_c)};
  if (chamber.min_temp_c > chamber.max_temp_c) {
    co_return fail(FaultKind::protocol, name(),
                   "the controller's low limit " + format_fixed(chamber.min_temp_c, kSetpointDecimals) +
                       " °C is above the chamber's maximum " + format_fixed(chamber.max_temp_c, kSetpointDecimals) + " °C");
  }
  ChamberSpec spec = chamber;
  if (station_min_c_) spec.min_temp_c = std::max(spec.min_temp_c, *station_min_c_);
  if (station_max_c_) spec.max_temp_c = std::min(spec.max_temp_c, *station_max_c_);
  if (spec.min_temp_c > spec.max_temp_c) {
    co_return fail(FaultKind::out_of_range, name(),
                   "the station's limits do not overlap the chamber's " + range_text(chamber));
  }
  chamber_limits_ = chamber;
  spec_ = spec;

  Identity identity;
  identity.vendor = "ESPEC";
  identity.model = model;
  identity.firmware = std::string(trim(*firmware));
  co_return identity;
}

asio::awaitable<Status> EspecChamber::set_setpoint(double temp_c) {
  if (!std::isfinite(temp_c) || temp_c < spec_.min_temp_c || temp_c > spec_.max_temp_c) {
    co_return fail(FaultKind::out_of_range, name(),
                   "setpoint " + format_fixed(temp_c, kSetpointDecimals) + " °C is outside " + range_text(spec_));
  }
  co_return co_await command_expecting_ok("TEMP, S" + format_fixed(temp_c, kSetpointDecimals));
}

asio::awaitable<Status> EspecChamber::activate() { co_return co_await command_expecting_ok("MODE,CONSTANT"); }

asio::awaitable<Status> EspecChamber::safe_state() {
  auto accepted = co_await command_expecting_ok("MODE,STANDBY");
  if (!accepted) co_return accepted;
  // "OK" is not standby: the mode read back is the proof (an alarm or the panel may hold it).
  auto mon = co_await link_.query(addressed("MON?"));
  if (!mon) co_return std::unexpected(std::move(mon.error()));
  if (istarts_with(*mon, kNak)) co_return fail(FaultKind::nak, name(), "'MON?' -> " + quoted(*mon));
  auto reading = parse_espec_mon(*mon);
  if (!reading) co_return fail(FaultKind::protocol, name(), "unparsable reply to 'MON?': " + quoted(*mon));
  if (reading->running) {
    co_return fail(FaultKind::instrument_error, name(), "still in CONSTANT mode after MODE,STANDBY ('MON?' -> " + quoted(*mon) + ")");
  }
  co_return Status{};
}

asio::awaitable<Result<ChamberReading>> EspecChamber::read() {
  // (Steps built first: GCC 12 miscompiles braced temporaries inside a co_await operand.)
  std::vector<LineStep> steps{{addressed("MON?"), true}, {addressed("TEMP?"), true}};
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  const auto& mon = (*replies)[0];
  const auto& temp = (*replies)[1];
  if (istarts_with(mon, kNak)) co_return fail(FaultKind::nak, name(), "'MON?' -> " + quoted(mon));
  if (istarts_with(temp, kNak)) co_return fail(FaultKind::nak, name(), "'TEMP?' -> " + quoted(temp));
  auto reading = parse_espec_mon(mon);
  if (!reading) co_return fail(FaultKind::protocol, name(), "unparsable reply to 'MON?': " + quoted(mon));
  auto setpoint = parse_espec_temp(temp);
  if (!setpoint) co_return fail(FaultKind::protocol, name(), "unparsable reply to 'TEMP?': " + quoted(temp));
  reading->setpoint_c = setpoint->sp_c;
  if (reading->alarm_count > 0) {
    auto alarm = co_await link_.query(addressed("ALARM?"));
    if (!alarm) co_return std::unexpected(std::move(alarm.error()));
    if (!istarts_with(*alarm, kNak)) {  // NA: a controller without ALARM? keeps MON?'s count
      auto alarms = parse_espec_alarm(*alarm);
      if (!alarms) co_return fail(FaultKind::protocol, name(), "unparsable reply to 'ALARM?': " + quoted(*alarm));
      reading->alarm_count = std::max(reading->alarm_count, alarms->count);
      reading->alarms = std::move(alarms->codes);
    }
  }
  co_return *reading;
}

asio::awaitable<Result<std::string>> EspecChamber::raw_command(std::string line) { co_return co_await query(std::move(line)); }

}  // namespace ob::drivers
