#include "bench/readback_fed_supply.hpp"

#include <utility>

namespace ob::bench {

ReadbackFedSupply::ReadbackFedSupply(std::unique_ptr<drivers::PowerSupply> real, std::set<int> fed_channels, Feed feed)
    : real_(std::move(real)), fed_channels_(std::move(fed_channels)), feed_(std::move(feed)) {}

void ReadbackFedSupply::feed_from(int channel, const drivers::Result<drivers::PsuReading>& reading) {
  if (!fed_channels_.contains(channel)) return;
  if (!reading) {
    feed_(channel, 0, false);  // not read back: not known to be on
    return;
  }
  feed_(channel, reading->voltage_v, reading->output_on);
}

asio::awaitable<void> ReadbackFedSupply::refeed(int channel) {
  if (!fed_channels_.contains(channel)) co_return;
  feed_from(channel, co_await real_->measure(channel));
}

asio::awaitable<drivers::Result<drivers::Identity>> ReadbackFedSupply::configure() {
  auto identity = co_await real_->configure();
  if (identity) {
    for (int channel : fed_channels_) co_await refeed(channel);
  }
  co_return identity;
}

asio::awaitable<drivers::Status> ReadbackFedSupply::set_voltage(int channel, double voltage_v) {
  auto status = co_await real_->set_voltage(channel, voltage_v);
  co_await refeed(channel);
  co_return status;
}

asio::awaitable<drivers::Status> ReadbackFedSupply::set_current_limit(int channel, double current_a) {
  co_return co_await real_->set_current_limit(channel, current_a);
}

asio::awaitable<drivers::Status> ReadbackFedSupply::set_output(int channel, bool on) {
  auto status = co_await real_->set_output(channel, on);
  co_await refeed(channel);
  co_return status;
}

asio::awaitable<drivers::Result<drivers::PsuReading>> ReadbackFedSupply::measure(int channel) {
  auto reading = co_await real_->measure(channel);
  feed_from(channel, reading);
  co_return reading;
}

asio::awaitable<drivers::Status> ReadbackFedSupply::safe_state() {
  auto status = co_await real_->safe_state();
  for (int channel : fed_channels_) co_await refeed(channel);
  co_return status;
}

asio::awaitable<drivers::Result<drivers::PsuRegulation>> ReadbackFedSupply::regulation(int channel) {
  co_return co_await real_->regulation(channel);
}

asio::awaitable<drivers::Status> ReadbackFedSupply::configure_ovp(int channel, std::optional<double> level_v, bool enabled) {
  auto status = co_await real_->configure_ovp(channel, level_v, enabled);
  co_await refeed(channel);  // a level below the output trips it
  co_return status;
}

asio::awaitable<drivers::Status> ReadbackFedSupply::configure_ocp(int channel, std::optional<double> level_a, bool enabled) {
  co_return co_await real_->configure_ocp(channel, level_a, enabled);
}

asio::awaitable<drivers::Result<drivers::PsuProtectionStatus>> ReadbackFedSupply::protection_status(int channel) {
  co_return co_await real_->protection_status(channel);
}

asio::awaitable<drivers::Status> ReadbackFedSupply::clear_protection(int channel) {
  auto status = co_await real_->clear_protection(channel);
  co_await refeed(channel);
  co_return status;
}

asio::awaitable<drivers::Status> ReadbackFedSupply::configure_watchdog(bool enabled, double delay_s) {
  co_return co_await real_->configure_watchdog(enabled, delay_s);
}

}  // namespace ob::bench
