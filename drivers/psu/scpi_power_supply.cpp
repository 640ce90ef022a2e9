#include "drivers/psu/scpi_power_supply.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

#include "drivers/common/number_text.hpp"

namespace ob::drivers {
namespace {

// Entries read from the error queue after a failed command (or stale ones at configure);
// bounded so an instrument that never reports "no error" cannot stall us.
constexpr int kMaxErrorEntries = 16;
constexpr int kReportDecimals = 3;

std::string channel_text(int channel) { return std::to_string(channel); }

bool model_matches(const std::string& expected, const Identity& identity, const ScpiModel& model) {
  return iequals(expected, identity.model) || iequals(expected, model.name) || istarts_with(identity.model, expected);
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

}  // namespace

ScpiPowerSupply::ScpiPowerSupply(asio::any_io_executor executor, std::string host, std::uint16_t port,
                                 ScpiPsuOptions options)
    : link_(std::move(executor), std::move(host), port, std::move(options.link)),
      expected_model_(std::move(options.expected_model)) {
  if (!expected_model_.empty()) match_ = find_scpi_dialect(expected_model_);
}

int ScpiPowerSupply::channel_count() const {
  return match_ ? static_cast<int>(match_->model->channels.size()) : 0;
}

PsuChannelSpec ScpiPowerSupply::channel_spec(int channel) const {
  if (channel < 1 || channel > channel_count()) return PsuChannelSpec{};
  return match_->model->channels[static_cast<std::size_t>(channel - 1)];
}

const ScpiMatch& ScpiPowerSupply::known_model(const char* operation) const {
  if (!match_) {
    throw std::logic_error(name() + ": " + operation + " before a successful configure() (model unknown)");
  }
  return *match_;
}

std::optional<Fault> ScpiPowerSupply::check_channel(int channel) const {
  if (channel >= 1 && channel <= channel_count()) return std::nullopt;
  return Fault{FaultKind::out_of_range, name(),
               "CH" + channel_text(channel) + " does not exist on the " + match_->model->name + " (CH1..CH" +
                   channel_text(channel_count()) + ")"};
}

std::string ScpiPowerSupply::select_step(const ScpiDialect& dialect, int channel) const {
  return render_command(dialect.commands.select_channel, {{"ch", channel_text(channel)}});
}

asio::awaitable<Result<std::pair<Identity, ScpiMatch>>> ScpiPowerSupply::identify() {
  auto reply = co_await link_.query("*IDN?");
  if (!reply) co_return std::unexpected(std::move(reply.error()));
  auto identity = parse_idn_reply(*reply);
  if (!identity) co_return fail(FaultKind::protocol, name(), "unparsable *IDN? reply " + quoted(*reply));
  auto match = find_scpi_dialect(identity->model);
  if (!match) {
    co_return fail(FaultKind::protocol, name(),
                   identity->vendor + " " + identity->model + " at " + link_.endpoint() +
                       " is not a supported SCPI power supply (supported: " + supported_scpi_models() + ")");
  }
  co_return std::pair{std::move(*identity), *match};
}

asio::awaitable<Result<Identity>> ScpiPowerSupply::configure() {
  confirmed_ = false;
  auto identified = co_await identify();
  if (!identified) co_return std::unexpected(std::move(identified.error()));
  auto& [identity, match] = *identified;
  if (!expected_model_.empty() && !model_matches(expected_model_, identity, *match.model)) {
    match_.reset();  // whatever answers there is not the station's instrument: send it nothing
    co_return fail(FaultKind::protocol, name(),
                   "the instrument at " + link_.endpoint() + " identifies as " + identity.vendor + " " + identity.model +
                       " but the station expects model " + quoted(expected_model_));
  }
  // Entries left in the error queue by earlier sessions would be blamed on our first command.
  for (int i = 0; i < kMaxErrorEntries; ++i) {
    auto entry_reply = co_await link_.query(match.dialect->commands.error_query);
    if (!entry_reply) co_return std::unexpected(std::move(entry_reply.error()));
    auto entry = parse_error_reply(*entry_reply);
    if (!entry) {
      co_return fail(FaultKind::protocol, name(),
                     "unparsable reply to " + quoted(match.dialect->commands.error_query) + ": " + quoted(*entry_reply));
    }
    if (!entry->is_error()) break;
  }
  match_ = match;
  confirmed_ = true;
  co_return identity;
}

asio::awaitable<Status> ScpiPowerSupply::check_error_entry(const std::string& reply, const std::string& after_command,
                                                           const ScpiDialect& dialect) {
  const auto& query = dialect.commands.error_query;
  auto entry = parse_error_reply(reply);
  if (!entry) co_return fail(FaultKind::protocol, name(), "unparsable reply to " + quoted(query) + ": " + quoted(reply));
  if (!entry->is_error()) co_return Status{};
  std::string detail = quoted(after_command) + " -> " + std::to_string(entry->code) + " \"" + entry->text + "\"";
  for (int i = 1; i < kMaxErrorEntries; ++i) {  // drain, so the next command starts clean
    auto more = co_await link_.query(query);
    if (!more) break;
    auto next = parse_error_reply(*more);
    if (!next || !next->is_error()) break;
    detail += "; then " + std::to_string(next->code) + " \"" + next->text + "\"";
  }
  co_return fail(FaultKind::instrument_error, name(), std::move(detail));
}

asio::awaitable<Status> ScpiPowerSupply::set_and_check(int channel, std::string command_template, std::string command) {
  const auto& dialect = *match_->dialect;
  std::vector<LineStep> steps;
  if (needs_channel_select(command_template) && !dialect.commands.select_channel.empty()) {
    steps.push_back({select_step(dialect, channel), false});
  }
  steps.push_back({command, false});
  steps.push_back({dialect.commands.error_query, true});
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  co_return co_await check_error_entry(replies->back(), command, dialect);
}

asio::awaitable<Status> ScpiPowerSupply::set_voltage(int channel, double voltage_v) {
  const auto& match = known_model("set_voltage");
  if (auto bad = check_channel(channel)) co_return std::unexpected(std::move(*bad));
  const auto spec = channel_spec(channel);
  if (!std::isfinite(voltage_v) || voltage_v < 0 || voltage_v > spec.max_voltage_v) {
    co_return fail(FaultKind::out_of_range, name(),
                   format_fixed(voltage_v, kReportDecimals) + " V is outside CH" + channel_text(channel) + "'s 0.." +
                       format_fixed(spec.max_voltage_v, kReportDecimals) + " V (" + match.model->name + ")");
  }
  const auto& command_template = match.dialect->commands.set_voltage;
  auto command = render_command(command_template, {{"ch", channel_text(channel)},
                                                   {"v", format_fixed(voltage_v, match.dialect->voltage_decimals)}});
  co_return co_await set_and_check(channel, command_template, std::move(command));
}

asio::awaitable<Status> ScpiPowerSupply::set_current_limit(int channel, double current_a) {
  const auto& match = known_model("set_current_limit");
  if (auto bad = check_channel(channel)) co_return std::unexpected(std::move(*bad));
  const auto spec = channel_spec(channel);
  if (!std::isfinite(current_a) || current_a < 0 || current_a > spec.max_current_a) {
    co_return fail(FaultKind::out_of_range, name(),
                   format_fixed(current_a, kReportDecimals) + " A is outside CH" + channel_text(channel) + "'s 0.." +
                       format_fixed(spec.max_current_a, kReportDecimals) + " A (" + match.model->name + ")");
  }
  const auto& command_template = match.dialect->commands.set_current;
  auto command = render_command(command_template, {{"ch", channel_text(channel)},
                                                   {"a", format_fixed(current_a, match.dialect->current_decimals)}});
  co_return co_await set_and_check(channel, command_template, std::move(command));
}

asio::awaitable<Status> ScpiPowerSupply::set_output(int channel, bool on) {
  const auto& match = known_model("set_output");
  if (auto bad = check_channel(channel)) co_return std::unexpected(std::move(*bad));
  const auto& command_template = on ? match.dialect->commands.output_on : match.dialect->commands.output_off;
  auto command = render_command(command_template, {{"ch", channel_text(channel)}});
  co_return co_await set_and_check(channel, command_template, std::move(command));
}

asio::awaitable<Result<PsuReading>> ScpiPowerSupply::measure(int channel) {
  const auto& match = known_model("measure");
  if (auto bad = check_channel(channel)) co_return std::unexpected(std::move(*bad));
  const auto& commands = match.dialect->commands;
  const std::string ch = channel_text(channel);
  std::vector<std::string> queries{commands.measure_voltage, commands.measure_current, commands.query_output};
  if (!commands.measure_power.empty()) queries.push_back(commands.measure_power);

  std::vector<LineStep> steps;
  bool select = false;
  for (const auto& query : queries) select = select || needs_channel_select(query);
  if (select && !commands.select_channel.empty()) steps.push_back({select_step(*match.dialect, channel), false});
  for (const auto& query : queries) steps.push_back({render_command(query, {{"ch", ch}}), true});

  auto replies = co_await link_.exchange(steps);
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  const std::size_t first_reply = steps.size() - queries.size();
  auto unparsable = [&](std::size_t i) {
    return fail(FaultKind::protocol, name(),
                "unparsable reply to " + quoted(steps[first_reply + i].command) + ": " + quoted((*replies)[i]));
  };
  auto voltage_v = parse_number((*replies)[0]);
  if (!voltage_v) co_return unparsable(0);
  auto current_a = parse_number((*replies)[1]);
  if (!current_a) co_return unparsable(1);
  auto output_on = parse_on_off((*replies)[2]);
  if (!output_on) co_return unparsable(2);
  PsuReading reading{*voltage_v, *current_a, *voltage_v * *current_a, *output_on};
  if (!commands.measure_power.empty()) {
    auto power_w = parse_number((*replies)[3]);
    if (!power_w) co_return unparsable(3);
    reading.power_w = *power_w;
  }
  co_return reading;
}

asio::awaitable<Status> ScpiPowerSupply::safe_state() {
  std::optional<ScpiMatch> match = match_;
  if (!match) {  // configure() never succeeded: learn the dialect now (a wrong model is still switched off)
    auto identified = co_await identify();
    if (!identified) co_return std::unexpected(std::move(identified.error()));
    match = identified->second;
  }
  const auto& dialect = *match->dialect;
  std::vector<LineStep> steps;
  const bool select = needs_channel_select(dialect.commands.output_off) && !dialect.commands.select_channel.empty();
  std::string last_command;
  for (std::size_t i = 1; i <= match->model->channels.size(); ++i) {
    const int channel = static_cast<int>(i);
    if (select) steps.push_back({select_step(dialect, channel), false});
    last_command = render_command(dialect.commands.output_off, {{"ch", channel_text(channel)}});
    steps.push_back({last_command, false});
  }
  steps.push_back({dialect.commands.error_query, true});
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  co_return co_await check_error_entry(replies->back(), "all outputs off (" + last_command + " ...)", dialect);
}

asio::awaitable<Result<std::string>> ScpiPowerSupply::raw_command(std::string line) {
  const bool is_query = line.find('?') != std::string::npos;
  std::vector<LineStep> steps{LineStep{std::move(line), is_query}};
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  co_return is_query ? std::move(replies->front()) : std::string{};
}

}  // namespace ob::drivers
