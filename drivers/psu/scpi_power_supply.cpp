#include "drivers/psu/scpi_power_supply.hpp"

#include <algorithm>
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
// Protection levels may sit a little above the rating (DP832: OVP to 33 V on a 30 V channel).
constexpr double kProtectionHeadroom = 1.1;

std::string channel_text(int channel) { return std::to_string(channel); }

// The station's model names the identified one: the same text, a prefix of it, or the same
// table entry (`psi9080-120` for "PSI 9080-120 2U": a URI's model= has no blanks).
bool model_matches(const std::string& expected, const Identity& identity, const ScpiModel& model) {
  if (iequals(expected, identity.model) || iequals(expected, model.name) || istarts_with(identity.model, expected)) return true;
  const auto named = find_scpi_dialect(expected);
  return named && named->model == &model;
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

}  // namespace

ScpiPowerSupply::ScpiPowerSupply(asio::any_io_executor executor, std::string host, std::uint16_t port,
                                 ScpiPsuOptions options)
    : link_(std::move(executor), std::move(host), port, std::move(options.link)),
      expected_model_(std::move(options.expected_model)),
      compound_queries_(options.compound_queries) {
  if (!expected_model_.empty()) match_ = find_scpi_dialect(expected_model_);
}

ScpiPowerSupply::ScpiPowerSupply(std::unique_ptr<LineTransport> transport, ScpiPsuOptions options)
    : link_(std::move(transport)),
      expected_model_(std::move(options.expected_model)),
      compound_queries_(options.compound_queries) {
  if (!expected_model_.empty()) match_ = find_scpi_dialect(expected_model_);
}

int ScpiPowerSupply::channel_count() const {
  return match_ ? static_cast<int>(match_->model->channels.size()) : 0;
}

PsuChannelSpec ScpiPowerSupply::channel_spec(int channel) const {
  if (channel < 1 || channel > channel_count()) return PsuChannelSpec{};
  auto spec = match_->model->channels[static_cast<std::size_t>(channel - 1)];
  if (confirmed_ && rated_power_w_) spec.max_power_w = *rated_power_w_;
  return spec;
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

std::vector<std::string> ScpiPowerSupply::trip_queries(const ScpiDialect& dialect) const {
  const auto& c = dialect.commands;
  if (!c.error_query_acknowledges_alarms) return {};
  std::vector<std::string> queries;
  for (const auto* query : {&c.query_ovp_tripped, &c.query_ocp_tripped}) {
    if (!query->empty() && std::find(queries.begin(), queries.end(), *query) == queries.end()) queries.push_back(*query);
  }
  return queries;
}

void ScpiPowerSupply::latch_trips(const ScpiDialect& dialect, const std::vector<std::string>& replies) {
  const auto& c = dialect.commands;
  const auto queries = trip_queries(dialect);
  if (!match_ || replies.size() != queries.size()) return;
  latched_trips_.resize(match_->model->channels.size());
  for (std::size_t q = 0; q < queries.size(); ++q) {
    for (std::size_t i = 0; i < latched_trips_.size(); ++i) {
      const int channel = static_cast<int>(i + 1);
      auto& latched = latched_trips_[i];
      if (queries[q] == c.query_ovp_tripped && decode_trip(c, true, channel, replies[q]).value_or(false)) {
        latched.ovp_tripped = true;
      }
      if (queries[q] == c.query_ocp_tripped && decode_trip(c, false, channel, replies[q]).value_or(false)) {
        latched.ocp_tripped = true;
      }
    }
  }
}

PsuProtectionStatus ScpiPowerSupply::with_latched(int channel, PsuProtectionStatus status) const {
  if (channel < 1 || static_cast<std::size_t>(channel) > latched_trips_.size()) return status;
  const auto& latched = latched_trips_[static_cast<std::size_t>(channel - 1)];
  if (latched.ovp_tripped.value_or(false)) status.ovp_tripped = true;
  if (latched.ocp_tripped.value_or(false)) status.ocp_tripped = true;
  return status;
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
  rated_power_w_.reset();
  latched_trips_.clear();
  if (auto remote = co_await take_remote_control(*match.dialect); !remote) co_return std::unexpected(std::move(remote.error()));
  if (auto rated = co_await check_ratings(match); !rated) co_return std::unexpected(std::move(rated.error()));
  confirmed_ = true;
  co_return identity;
}

asio::awaitable<Status> ScpiPowerSupply::take_remote_control(const ScpiDialect& dialect) {
  const auto& c = dialect.commands;
  if (c.take_remote.empty()) co_return Status{};
  std::vector<LineStep> steps{{c.take_remote, false}};
  if (!c.query_remote.empty()) steps.push_back({c.query_remote, true});
  steps.push_back({c.error_query, true});
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  if (auto checked = co_await check_error_entry(replies->back(), c.take_remote, dialect); !checked) {
    co_return std::unexpected(std::move(checked.error()));
  }
  if (c.query_remote.empty() || iequals(trim(replies->front()), c.remote_reply)) co_return Status{};
  co_return fail(FaultKind::instrument_error, name(),
                 "remote control not given: " + quoted(c.take_remote) + " then " + quoted(c.query_remote) + " -> " +
                     quoted(std::string(trim(replies->front()))) + " (expected " + c.remote_reply +
                     "; LOCAL: the front panel's Local holds the supply)");
}

asio::awaitable<Status> ScpiPowerSupply::check_ratings(const ScpiMatch& match) {
  const auto& c = match.dialect->commands;
  if (c.query_rated_voltage.empty() && c.query_rated_current.empty() && c.query_rated_power.empty()) co_return Status{};
  struct Rating {
    const std::string* query;
    const char* unit;
    double table;
  };
  const auto& spec = match.model->channels.front();
  const std::vector<Rating> ratings{{&c.query_rated_voltage, "V", spec.max_voltage_v},
                                    {&c.query_rated_current, "A", spec.max_current_a},
                                    {&c.query_rated_power, "W", spec.max_power_w}};
  std::vector<LineStep> steps;
  for (const auto& rating : ratings) {
    if (!rating.query->empty()) steps.push_back({*rating.query, true});
  }
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  std::size_t next = 0;
  for (const auto& rating : ratings) {
    if (rating.query->empty()) continue;
    const auto& reply = (*replies)[next++];
    const auto value = decode_quantity(c, reply, rating.unit);
    if (!value || *value <= 0) {
      co_return fail(FaultKind::protocol, name(), "unparsable reply to " + quoted(*rating.query) + ": " + quoted(reply));
    }
    if (std::string_view(rating.unit) == "W") {
      rated_power_w_ = *value;
      continue;
    }
    if (std::abs(*value - rating.table) > rating.table * 1e-3) {
      co_return fail(FaultKind::protocol, name(),
                     "the " + match.model->name + " reports a rating of " + format_fixed(*value, kReportDecimals) + " " +
                         rating.unit + " (" + quoted(*rating.query) + " -> " + quoted(reply) + ") where orbitbench's table has " +
                         format_fixed(rating.table, kReportDecimals) + " " + rating.unit +
                         ": not the model it claims, or a table to correct (drivers/scpi/scpi_dialect_tables.cpp)");
    }
  }
  co_return Status{};
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
  std::vector<Rendered> commands{Rendered{std::move(command_template), std::move(command)}};
  co_return co_await send_checked(channel, std::move(commands));
}

asio::awaitable<Status> ScpiPowerSupply::send_checked(int channel, std::vector<Rendered> commands) {
  const auto& dialect = *match_->dialect;
  std::vector<LineStep> steps;
  bool select = false;
  for (const auto& rendered : commands) select = select || needs_channel_select(rendered.command_template);
  if (!dialect.commands.take_remote.empty()) steps.push_back({dialect.commands.take_remote, false});
  if (channel > 0 && select && !dialect.commands.select_channel.empty()) {
    steps.push_back({select_step(dialect, channel), false});
  }
  std::string sent;
  for (auto& rendered : commands) {
    sent += (sent.empty() ? "" : "; ") + rendered.command;
    steps.push_back({std::move(rendered.command), false});
  }
  const auto trips = trip_queries(dialect);
  for (const auto& query : trips) steps.push_back({query, true});
  steps.push_back({dialect.commands.error_query, true});
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  if (!trips.empty()) latch_trips(dialect, {replies->end() - 1 - static_cast<long>(trips.size()), replies->end() - 1});
  co_return co_await check_error_entry(replies->back(), sent, dialect);
}

Fault ScpiPowerSupply::unsupported(const std::string& what) const {
  return Fault{FaultKind::nak, name(), what + " not supported by " + (match_ ? match_->model->name : std::string("this model"))};
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
  const auto& commands = match.dialect->commands;
  const auto& command_template = on ? commands.output_on : commands.output_off;
  std::vector<Rendered> rendered{{command_template, render_command(command_template, {{"ch", channel_text(channel)}})}};
  if (on && !commands.output_master_on.empty()) {
    rendered.push_back({commands.output_master_on, render_command(commands.output_master_on, {})});
  }
  co_return co_await send_checked(channel, std::move(rendered));
}

bool ScpiPowerSupply::batches_queries() const {
  if (compound_queries_) return *compound_queries_;
  return match_ && match_->dialect->compound_queries;
}

asio::awaitable<Result<ScpiPowerSupply::QueryReplies>> ScpiPowerSupply::query_channel(
    int channel, const std::vector<std::string>& templates) {
  const auto& dialect = *match_->dialect;
  QueryReplies batch;
  bool select = false;
  for (const auto& query : templates) {
    select = select || needs_channel_select(query);
    batch.queries.push_back(render_command(query, {{"ch", channel_text(channel)}}));
  }
  std::vector<LineStep> steps;
  if (select && !dialect.commands.select_channel.empty()) steps.push_back({select_step(dialect, channel), false});
  if (batches_queries() && batch.queries.size() > 1) {
    batch.compound = join_compound_queries(batch.queries);
    steps.push_back({batch.compound, true});
  } else {
    for (const auto& query : batch.queries) steps.push_back({query, true});
  }
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  if (batch.compound.empty()) {
    batch.replies = std::move(*replies);
    co_return batch;
  }
  const std::string reply = std::move(replies->back());
  batch.replies = split_compound_reply(reply);
  if (batch.replies.size() == batch.queries.size()) co_return batch;

  Fault fault{FaultKind::protocol, name(),
              "compound query " + quoted(batch.compound) + " answered " + std::to_string(batch.replies.size()) +
                  " field(s) where " + std::to_string(batch.queries.size()) + " were expected: " + quoted(reply)};
  // More reply lines may follow this one (an instrument that answers each query on a line of its
  // own): start a fresh connection so none is read as the answer to a later query, and read the
  // error queue there, so that what it holds (a query the instrument refused) is reported here
  // and not blamed on the next command.
  link_.close(fault.message());
  std::string queued;
  for (int i = 0; i < kMaxErrorEntries; ++i) {
    auto entry_reply = co_await link_.query(dialect.commands.error_query);
    if (!entry_reply) break;
    auto entry = parse_error_reply(*entry_reply);
    if (!entry || !entry->is_error()) break;
    queued += (queued.empty() ? "" : ", ") + std::to_string(entry->code) + " \"" + entry->text + "\"";
  }
  if (!queued.empty()) fault.detail += "; the instrument's error queue then held " + queued;
  co_return std::unexpected(std::move(fault));
}

Fault ScpiPowerSupply::unparsable(const QueryReplies& batch, std::size_t index) const {
  std::string detail = "unparsable reply to " + quoted(batch.queries[index]) + ": " + quoted(batch.replies[index]);
  if (!batch.compound.empty()) {
    detail += " (field " + std::to_string(index + 1) + " of " + std::to_string(batch.replies.size()) +
              " of the reply to " + quoted(batch.compound) + ")";
  }
  return Fault{FaultKind::protocol, name(), std::move(detail)};
}

asio::awaitable<Result<PsuReading>> ScpiPowerSupply::measure(int channel) {
  const auto& match = known_model("measure");
  if (auto bad = check_channel(channel)) co_return std::unexpected(std::move(*bad));
  const auto& commands = match.dialect->commands;
  std::vector<std::string> queries{commands.measure_voltage, commands.measure_current, commands.query_output};
  const bool with_power = !commands.measure_power.empty();
  if (with_power) queries.push_back(commands.measure_power);
  const bool with_regulation = !commands.query_regulation.empty();
  if (with_regulation) queries.push_back(commands.query_regulation);
  // The protections' trip state in the same exchange: a reading that says "off" should also
  // say why (the runner judges a tripped channel, not only a dark one).
  const bool with_ovp = !commands.query_ovp_tripped.empty();
  if (with_ovp) queries.push_back(commands.query_ovp_tripped);
  const bool with_ocp = !commands.query_ocp_tripped.empty();
  if (with_ocp) queries.push_back(commands.query_ocp_tripped);

  auto batch = co_await query_channel(channel, queries);
  if (!batch) co_return std::unexpected(std::move(batch.error()));
  const auto& replies = batch->replies;
  auto bad_reply = [&](std::size_t i) { return std::unexpected(unparsable(*batch, i)); };
  auto voltage_v = decode_quantity(commands, replies[0], "V");
  if (!voltage_v) co_return bad_reply(0);
  auto current_a = decode_quantity(commands, replies[1], "A");
  if (!current_a) co_return bad_reply(1);
  auto output_on = decode_output_state(commands, channel, replies[2]);
  if (!output_on) co_return bad_reply(2);
  PsuReading reading;
  reading.voltage_v = *voltage_v;
  reading.current_a = *current_a;
  reading.power_w = *voltage_v * *current_a;
  reading.output_on = *output_on;
  std::size_t next = 3;
  if (with_power) {
    auto power_w = decode_quantity(commands, replies[next], "W");
    if (!power_w) co_return bad_reply(next);
    reading.power_w = *power_w;
    ++next;
  }
  if (with_regulation) {
    auto regulation = decode_regulation(commands, channel, replies[next]);
    if (!regulation) co_return bad_reply(next);
    reading.regulation = *output_on ? *regulation : PsuRegulation::unknown;
    ++next;
  }
  for (auto* field : {&reading.ovp_tripped, &reading.ocp_tripped}) {
    if (field == &reading.ovp_tripped ? !with_ovp : !with_ocp) continue;
    auto flag = decode_trip(commands, field == &reading.ovp_tripped, channel, replies[next]);
    if (!flag) co_return bad_reply(next);
    *field = *flag;
    ++next;
  }
  const auto latched = with_latched(channel, PsuProtectionStatus{reading.ovp_tripped, reading.ocp_tripped});
  reading.ovp_tripped = latched.ovp_tripped;
  reading.ocp_tripped = latched.ocp_tripped;
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
  // Without remote control an off command is ignored (EA): take it first, whatever held it.
  if (!dialect.commands.take_remote.empty()) steps.push_back({dialect.commands.take_remote, false});
  std::string last_command;
  for (std::size_t i = 1; i <= match->model->channels.size(); ++i) {
    const int channel = static_cast<int>(i);
    if (select) steps.push_back({select_step(dialect, channel), false});
    last_command = render_command(dialect.commands.output_off, {{"ch", channel_text(channel)}});
    steps.push_back({last_command, false});
  }
  if (!dialect.commands.output_master_off.empty()) {
    last_command = render_command(dialect.commands.output_master_off, {});
    steps.push_back({last_command, false});
  }
  const auto trips = trip_queries(dialect);
  for (const auto& query : trips) steps.push_back({query, true});
  steps.push_back({dialect.commands.error_query, true});
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  if (!trips.empty()) latch_trips(dialect, {replies->end() - 1 - static_cast<long>(trips.size()), replies->end() - 1});
  auto accepted = co_await check_error_entry(replies->back(), "all outputs off (... " + last_command + ")", dialect);
  if (!accepted) co_return accepted;
  // Accepted is not done: each output's own state, read back, is the proof that it is off.
  co_return co_await confirm_outputs_off(dialect, static_cast<int>(match->model->channels.size()));
}

asio::awaitable<Status> ScpiPowerSupply::confirm_outputs_off(const ScpiDialect& dialect, int channels) {
  const auto& commands = dialect.commands;
  if (commands.query_output.empty()) co_return Status{};
  const bool select = needs_channel_select(commands.query_output) && !commands.select_channel.empty();
  std::vector<LineStep> steps;
  for (int channel = 1; channel <= channels; ++channel) {
    if (select) steps.push_back({select_step(dialect, channel), false});
    steps.push_back({render_command(commands.query_output, {{"ch", channel_text(channel)}}), true});
  }
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  std::string still_on;
  for (int channel = 1; channel <= channels; ++channel) {
    const auto& reply = (*replies)[static_cast<std::size_t>(channel - 1)];
    const auto on = decode_output_state(commands, channel, reply);
    if (!on) {
      co_return std::unexpected(Fault{FaultKind::protocol, name(),
                                      "unparsable output state of CH" + channel_text(channel) + " after the off command: " +
                                          quoted(reply)});
    }
    if (*on) still_on += (still_on.empty() ? "CH" : ", CH") + channel_text(channel);
  }
  if (still_on.empty()) co_return Status{};
  co_return std::unexpected(Fault{FaultKind::instrument_error, name(), still_on + " still ON after the off command"});
}

asio::awaitable<Result<std::string>> ScpiPowerSupply::raw_command(std::string line) {
  const bool is_query = line.find('?') != std::string::npos;
  std::vector<LineStep> steps{LineStep{std::move(line), is_query}};
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  co_return is_query ? std::move(replies->front()) : std::string{};
}

PsuCapabilities ScpiPowerSupply::capabilities() const {
  return match_ ? scpi_capabilities(match_->dialect->commands) : PsuCapabilities{};
}

asio::awaitable<Result<PsuRegulation>> ScpiPowerSupply::regulation(int channel) {
  const auto& match = known_model("regulation");
  if (auto bad = check_channel(channel)) co_return std::unexpected(std::move(*bad));
  const auto& commands = match.dialect->commands;
  if (commands.query_regulation.empty()) co_return std::unexpected(unsupported("regulation state (CV/CC)"));
  std::vector<LineStep> steps;
  if (needs_channel_select(commands.query_regulation) && !commands.select_channel.empty()) {
    steps.push_back({select_step(*match.dialect, channel), false});
  }
  const auto query = render_command(commands.query_regulation, {{"ch", channel_text(channel)}});
  steps.push_back({query, true});
  auto replies = co_await link_.exchange(std::move(steps));
  if (!replies) co_return std::unexpected(std::move(replies.error()));
  auto regulation = decode_regulation(commands, channel, replies->back());
  if (!regulation) co_return fail(FaultKind::protocol, name(), "unparsable reply to " + quoted(query) + ": " + quoted(replies->back()));
  co_return *regulation;
}

asio::awaitable<Status> ScpiPowerSupply::configure_protection(int channel, bool over_voltage, std::optional<double> level,
                                                              bool enabled) {
  const auto& match = known_model(over_voltage ? "configure_ovp" : "configure_ocp");
  if (auto bad = check_channel(channel)) co_return std::unexpected(std::move(*bad));
  const auto& c = match.dialect->commands;
  const std::string what = over_voltage ? "over-voltage protection" : "over-current protection";
  const auto& level_template = over_voltage ? c.set_ovp_level : c.set_ocp_level;
  const auto& on_template = over_voltage ? c.ovp_on : c.ocp_on;
  const auto& off_template = over_voltage ? c.ovp_off : c.ocp_off;
  if (level_template.empty() && on_template.empty()) co_return std::unexpected(unsupported(what));
  if (level && level_template.empty()) {
    co_return std::unexpected(unsupported("a programmable " + what + " level (it trips at the " +
                                          (over_voltage ? "voltage" : "current") + " setting)"));
  }
  if (!enabled && off_template.empty()) co_return std::unexpected(unsupported("switching off " + what));

  std::vector<Rendered> rendered;
  const std::string ch = channel_text(channel);
  if (level) {
    const auto spec = channel_spec(channel);
    const double rating = over_voltage ? spec.max_voltage_v : spec.max_current_a;
    const double max_level = rating * kProtectionHeadroom;
    const char* unit = over_voltage ? "V" : "A";
    if (!std::isfinite(*level) || *level <= 0 || *level > max_level) {
      co_return fail(FaultKind::out_of_range, name(),
                     std::string(over_voltage ? "OVP" : "OCP") + " level " + format_fixed(*level, kReportDecimals) + " " +
                         unit + " is outside CH" + ch + "'s 0.." + format_fixed(max_level, kReportDecimals) + " " + unit +
                         " (" + match.model->name + ")");
    }
    const int decimals = over_voltage ? match.dialect->voltage_decimals : match.dialect->current_decimals;
    rendered.push_back({level_template, render_command(level_template, {{"ch", ch},
                                                                        {over_voltage ? "v" : "a", format_fixed(*level, decimals)}})});
  }
  const auto& state_template = enabled ? on_template : off_template;
  if (!state_template.empty()) rendered.push_back({state_template, render_command(state_template, {{"ch", ch}})});
  if (rendered.empty()) co_return Status{};  // always-armed protection, level kept
  co_return co_await send_checked(channel, std::move(rendered));
}

asio::awaitable<Status> ScpiPowerSupply::configure_ovp(int channel, std::optional<double> level_v, bool enabled) {
  co_return co_await configure_protection(channel, true, level_v, enabled);
}

asio::awaitable<Status> ScpiPowerSupply::configure_ocp(int channel, std::optional<double> level_a, bool enabled) {
  co_return co_await configure_protection(channel, false, level_a, enabled);
}

asio::awaitable<Result<PsuProtectionStatus>> ScpiPowerSupply::protection_status(int channel) {
  const auto& match = known_model("protection_status");
  if (auto bad = check_channel(channel)) co_return std::unexpected(std::move(*bad));
  const auto& c = match.dialect->commands;
  if (c.query_ovp_tripped.empty() && c.query_ocp_tripped.empty()) co_return std::unexpected(unsupported("protection status"));
  std::vector<std::string> queries;
  for (const auto* tmpl : {&c.query_ovp_tripped, &c.query_ocp_tripped}) {
    if (!tmpl->empty()) queries.push_back(*tmpl);
  }
  auto batch = co_await query_channel(channel, queries);
  if (!batch) co_return std::unexpected(std::move(batch.error()));
  PsuProtectionStatus status;
  std::size_t next = 0;
  for (auto* field : {&status.ovp_tripped, &status.ocp_tripped}) {
    const auto& tmpl = field == &status.ovp_tripped ? c.query_ovp_tripped : c.query_ocp_tripped;
    if (tmpl.empty()) continue;
    auto flag = decode_trip(c, field == &status.ovp_tripped, channel, batch->replies[next]);
    if (!flag) co_return std::unexpected(unparsable(*batch, next));
    *field = *flag;
    ++next;
  }
  co_return with_latched(channel, status);
}

asio::awaitable<Status> ScpiPowerSupply::clear_protection(int channel) {
  const auto& match = known_model("clear_protection");
  if (auto bad = check_channel(channel)) co_return std::unexpected(std::move(*bad));
  const auto& c = match.dialect->commands;
  if (c.error_query_acknowledges_alarms) {  // EA: the error query is the acknowledgement
    std::vector<LineStep> steps;
    if (!c.take_remote.empty()) steps.push_back({c.take_remote, false});
    steps.push_back({c.error_query, true});
    auto replies = co_await link_.exchange(std::move(steps));
    if (!replies) co_return std::unexpected(std::move(replies.error()));
    if (static_cast<std::size_t>(channel) <= latched_trips_.size()) latched_trips_[static_cast<std::size_t>(channel - 1)] = {};
    co_return co_await check_error_entry(replies->back(), c.error_query + " (acknowledging the alarms)", *match.dialect);
  }
  std::vector<Rendered> rendered;
  for (const auto* tmpl : {&c.clear_ovp, &c.clear_ocp}) {
    if (!tmpl->empty()) rendered.push_back({*tmpl, render_command(*tmpl, {{"ch", channel_text(channel)}})});
  }
  if (rendered.empty()) co_return std::unexpected(unsupported("clearing protection trips"));
  co_return co_await send_checked(channel, std::move(rendered));
}

asio::awaitable<Status> ScpiPowerSupply::configure_watchdog(bool enabled, double delay_s) {
  const auto& match = known_model("configure_watchdog");
  const auto& c = match.dialect->commands;
  if (c.watchdog_on.empty()) co_return std::unexpected(unsupported("the output watchdog"));
  std::vector<Rendered> rendered;
  if (enabled) {
    if (!std::isfinite(delay_s) || delay_s < c.watchdog_min_delay_s || delay_s > c.watchdog_max_delay_s) {
      co_return fail(FaultKind::out_of_range, name(),
                     "watchdog delay " + format_fixed(delay_s, kReportDecimals) + " s is outside " +
                         format_fixed(c.watchdog_min_delay_s, 0) + ".." + format_fixed(c.watchdog_max_delay_s, 0) + " s (" +
                         match.model->name + ")");
    }
    if (!c.set_watchdog_delay.empty()) {
      rendered.push_back({c.set_watchdog_delay, render_command(c.set_watchdog_delay, {{"s", format_fixed(delay_s, 0)}})});
    }
    rendered.push_back({c.watchdog_on, render_command(c.watchdog_on, {})});
  } else {
    rendered.push_back({c.watchdog_off, render_command(c.watchdog_off, {})});
  }
  co_return co_await send_checked(0, std::move(rendered));  // instrument-wide: no channel select
}

}  // namespace ob::drivers
