#pragma once
// PowerSupply for SCPI supplies over a raw TCP socket (port 5025) or a serial port. The command set comes from
// the dialect table (scpi/scpi_dialect.hpp) chosen by the *IDN? model at configure().
//
// - set_*: range-checked against the model's channel spec before anything is sent
//   (FaultKind::out_of_range); then the command and `SYST:ERR?` go out as one exchange, and a
//   non-zero error entry (the queue is drained) becomes FaultKind::instrument_error.
// - One exchange in flight at a time (InstrumentLink's async mutex): calls from several
//   coroutines queue in arrival order. Use a single-threaded io_context or a strand.
// - Before configure(), a station model found in the dialect table already gives the channel
//   specs and commands (profiles can be checked against limits before connecting); configure()
//   then verifies the instrument really is that model. Without one, set_* and measure() before
//   a successful configure() are programmer errors (std::logic_error).
// - safe_state(): every channel's output off; reconnects and re-identifies when needed, so it
//   works after a lost link and even when configure() never succeeded. With a master switch
//   (R&S OUTP:GEN) the master goes off too.
// - measure() also reads the regulation state (CV/CC) and the protections' trip state when the
//   dialect has queries for them: one query line each, or, where the dialect takes compound
//   queries (ScpiDialect::compound_queries), all of them in ONE `;`-compound line answered by one
//   `;`-separated reply line. A compound reply with the wrong number of fields is
//   FaultKind::protocol naming the instrument (and the link is closed, so no stray reply line can
//   be read as the answer to a later query); an unparsable field names its query.
#include <asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "drivers/psu/power_supply.hpp"
#include "drivers/scpi/scpi_dialect.hpp"
#include "drivers/transport/instrument_link.hpp"

namespace ob::drivers {

struct ScpiPsuOptions {
  // Model the station expects ("dp832", "E36312A"): configure() fails when *IDN? disagrees.
  // Matches case-insensitively, as the model or a prefix of it. Empty: any supported model.
  std::string expected_model;
  TcpLineOptions link;  // link.instrument = station name; terminator "\n" (TCP constructor only)
  // Overrides the dialect's compound_queries for this instrument (trying compound queries on a
  // model before its table entry says so, or switching them off); nullopt: the table decides.
  std::optional<bool> compound_queries{};
};

class ScpiPowerSupply final : public PowerSupply {
 public:
  ScpiPowerSupply(asio::any_io_executor executor, std::string host, std::uint16_t port, ScpiPsuOptions options);
  // Over any line transport (SerialLineClient for RS-232 supplies); options.link is not used:
  // the transport carries its own line options.
  ScpiPowerSupply(std::unique_ptr<LineTransport> transport, ScpiPsuOptions options);

  asio::awaitable<Result<Identity>> configure() override;
  int channel_count() const override;
  PsuChannelSpec channel_spec(int channel) const override;
  asio::awaitable<Status> set_voltage(int channel, double voltage_v) override;
  asio::awaitable<Status> set_current_limit(int channel, double current_a) override;
  asio::awaitable<Status> set_output(int channel, bool on) override;
  asio::awaitable<Result<PsuReading>> measure(int channel) override;
  asio::awaitable<Status> safe_state() override;
  std::uint64_t reconnect_count() const override { return link_.reconnect_count(); }
  std::string last_reconnect_reason() const override { return link_.last_reconnect_reason(); }

  // Everything below follows the dialect table; a missing template is FaultKind::nak
  // "... not supported by <model>", sent nothing.
  PsuCapabilities capabilities() const override;
  asio::awaitable<Result<PsuRegulation>> regulation(int channel) override;
  asio::awaitable<Status> configure_ovp(int channel, std::optional<double> level_v, bool enabled) override;
  asio::awaitable<Status> configure_ocp(int channel, std::optional<double> level_a, bool enabled) override;
  asio::awaitable<Result<PsuProtectionStatus>> protection_status(int channel) override;
  asio::awaitable<Status> clear_protection(int channel) override;
  // Delay in whole seconds (rounded), within the dialect's watchdog_min/max_delay_s.
  asio::awaitable<Status> configure_watchdog(bool enabled, double delay_s) override;

  // One raw line, no range check (diagnostics consoles, tests): the reply when the line is a
  // query (contains '?'), else "".
  asio::awaitable<Result<std::string>> raw_command(std::string line);

  // The station's model until configure() confirms one; nullptr when neither is known.
  const ScpiDialect* dialect() const { return match_ ? match_->dialect : nullptr; }
  const ScpiModel* model() const { return match_ ? match_->model : nullptr; }
  bool configured() const { return confirmed_; }
  // Whether measure() and protection_status() batch their queries into one compound line.
  bool batches_queries() const;
  const std::string& name() const { return link_.instrument(); }
  std::string endpoint() const { return link_.endpoint(); }  // "host:port", "/dev/ttyUSB0"

 private:
  asio::awaitable<Result<std::pair<Identity, ScpiMatch>>> identify();
  asio::awaitable<Status> set_and_check(int channel, std::string command_template, std::string command);
  // Rendered commands (with the templates they came from) as one exchange: channel select when
  // any template needs it (channel > 0), the commands, then the error query.
  struct Rendered {
    std::string command_template;
    std::string command;
  };
  asio::awaitable<Status> send_checked(int channel, std::vector<Rendered> commands);
  // One channel's queries as one exchange (channel select first when a template needs it): one
  // line per query, or one compound line when the dialect batches. `replies` has one entry per
  // query, in order, or the exchange failed.
  struct QueryReplies {
    std::vector<std::string> queries;  // rendered
    std::vector<std::string> replies;
    std::string compound;  // the compound line sent, "" when the queries went one per line
  };
  asio::awaitable<Result<QueryReplies>> query_channel(int channel, const std::vector<std::string>& templates);
  Fault unparsable(const QueryReplies& batch, std::size_t index) const;
  asio::awaitable<Status> configure_protection(int channel, bool over_voltage, std::optional<double> level,
                                               bool enabled);
  Fault unsupported(const std::string& what) const;
  asio::awaitable<Status> check_error_entry(const std::string& reply, const std::string& after_command,
                                            const ScpiDialect& dialect);
  // Configure's last steps where the dialect has them: take remote control and check it was
  // given (take_remote / query_remote); check the ratings the instrument reports against the
  // table's and keep its power rating (query_rated_*).
  asio::awaitable<Status> take_remote_control(const ScpiDialect& dialect);
  // Every output read back after the safe state's off commands: an error naming each one still on.
  asio::awaitable<Status> confirm_outputs_off(const ScpiDialect& dialect, int channels);
  // error_query_acknowledges_alarms: the trip queries to send before an error query, and the
  // trips their replies show, kept per channel until clear_protection().
  std::vector<std::string> trip_queries(const ScpiDialect& dialect) const;
  void latch_trips(const ScpiDialect& dialect, const std::vector<std::string>& replies);
  PsuProtectionStatus with_latched(int channel, PsuProtectionStatus status) const;
  asio::awaitable<Status> check_ratings(const ScpiMatch& match);
  const ScpiMatch& known_model(const char* operation) const;
  std::optional<Fault> check_channel(int channel) const;
  std::string select_step(const ScpiDialect& dialect, int channel) const;

  InstrumentLink link_;
  std::string expected_model_;
  std::optional<bool> compound_queries_;  // ScpiPsuOptions::compound_queries
  std::optional<ScpiMatch> match_;  // from the station's model, then from *IDN?
  bool confirmed_ = false;          // match_ came from a successful configure()
  std::optional<double> rated_power_w_;  // as the instrument reported it (query_rated_power)
  std::vector<PsuProtectionStatus> latched_trips_;  // index channel - 1 (error_query_acknowledges_alarms)
};

}  // namespace ob::drivers
