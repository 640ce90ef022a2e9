#pragma once
// A dry run (commissioning): a real supply feeds a simulated board, so the bench can be wired,
// configured and exercised before the boards arrive. ReadbackFedSupply wraps the real supply's
// driver: every call goes to the real instrument, and after each call that may change an output
// (set_voltage, set_output, clear_protection, safe_state), and with every measure(), the fed
// channel's readback (measured voltage, output on/off) is handed to `feed`, which powers the
// simulated board from it (SimLab's `feed` control command). The simulated board is therefore
// powered exactly while the real output reads back on and in its input range, never because a
// command was sent. A channel whose readback fails is fed as off.
#include <functional>
#include <memory>
#include <set>

#include "drivers/psu/power_supply.hpp"

namespace ob::bench {

class ReadbackFedSupply final : public drivers::PowerSupply {
 public:
  using Feed = std::function<void(int channel, double voltage_v, bool output_on)>;
  ReadbackFedSupply(std::unique_ptr<drivers::PowerSupply> real, std::set<int> fed_channels, Feed feed);

  asio::awaitable<drivers::Result<drivers::Identity>> configure() override;
  int channel_count() const override { return real_->channel_count(); }
  drivers::PsuChannelSpec channel_spec(int channel) const override { return real_->channel_spec(channel); }
  asio::awaitable<drivers::Status> set_voltage(int channel, double voltage_v) override;
  asio::awaitable<drivers::Status> set_current_limit(int channel, double current_a) override;
  asio::awaitable<drivers::Status> set_output(int channel, bool on) override;
  asio::awaitable<drivers::Result<drivers::PsuReading>> measure(int channel) override;
  asio::awaitable<drivers::Status> safe_state() override;
  std::uint64_t reconnect_count() const override { return real_->reconnect_count(); }
  std::string last_reconnect_reason() const override { return real_->last_reconnect_reason(); }
  drivers::PsuCapabilities capabilities() const override { return real_->capabilities(); }
  asio::awaitable<drivers::Result<drivers::PsuRegulation>> regulation(int channel) override;
  asio::awaitable<drivers::Status> configure_ovp(int channel, std::optional<double> level_v, bool enabled) override;
  asio::awaitable<drivers::Status> configure_ocp(int channel, std::optional<double> level_a, bool enabled) override;
  asio::awaitable<drivers::Result<drivers::PsuProtectionStatus>> protection_status(int channel) override;
  asio::awaitable<drivers::Status> clear_protection(int channel) override;
  asio::awaitable<drivers::Status> configure_watchdog(bool enabled, double delay_s) override;

 private:
  // Reads the fed channel back from the real supply and feeds the simulated board from it.
  asio::awaitable<void> refeed(int channel);
  void feed_from(int channel, const drivers::Result<drivers::PsuReading>& reading);

  std::unique_ptr<drivers::PowerSupply> real_;
  std::set<int> fed_channels_;
  Feed feed_;
};

}  // namespace ob::bench
