// ReadbackFedSupply (dry runs, issue 16): a simulated board on a real supply is fed from what the
// supply reads back, never from what it was told. A fake supply that accepts commands but whose
// output does not follow them (a dead relay, a tripped channel) must leave the board unpowered.
#include <boost/test/unit_test.hpp>

#include <asio/io_context.hpp>
#include <tuple>
#include <vector>

#include "bench/readback_fed_supply.hpp"
#include "drivers/common/run_until_ready.hpp"

using namespace ob;

namespace {

// One channel; set_output is accepted, but the output follows `relay_works`.
class FakeSupply final : public drivers::PowerSupply {
 public:
  bool relay_works = true;
  bool read_fails = false;
  double set_v = 0;
  bool on = false;

  asio::awaitable<drivers::Result<drivers::Identity>> configure() override { co_return drivers::Identity{"fake", "F1", "", ""}; }
  int channel_count() const override { return 2; }
  drivers::PsuChannelSpec channel_spec(int) const override { return {30, 3}; }
  asio::awaitable<drivers::Status> set_voltage(int, double voltage_v) override {
    set_v = voltage_v;
    co_return drivers::Status{};
  }
  asio::awaitable<drivers::Status> set_current_limit(int, double) override { co_return drivers::Status{}; }
  asio::awaitable<drivers::Status> set_output(int, bool want) override {
    if (relay_works) on = want;
    co_return drivers::Status{};
  }
  asio::awaitable<drivers::Result<drivers::PsuReading>> measure(int) override {
    if (read_fails) co_return std::unexpected(drivers::Fault{drivers::FaultKind::timeout, "fake", "no reply"});
    drivers::PsuReading reading;
    reading.output_on = on;
    reading.voltage_v = on ? set_v : 0;
    co_return reading;
  }
  asio::awaitable<drivers::Status> safe_state() override {
    on = false;
    co_return drivers::Status{};
  }
};

struct Fed {
  asio::io_context io;
  FakeSupply* fake = nullptr;
  std::vector<std::tuple<int, double, bool>> feeds;
  std::unique_ptr<bench::ReadbackFedSupply> supply;
  Fed() {
    auto owned = std::make_unique<FakeSupply>();
    fake = owned.get();
    supply = std::make_unique<bench::ReadbackFedSupply>(
        std::move(owned), std::set<int>{1}, [this](int ch, double v, bool on) { feeds.emplace_back(ch, v, on); });
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(the_board_is_fed_what_the_output_reads_back, Fed) {
  BOOST_REQUIRE(drivers::run_until_ready(io, supply->set_voltage(1, 12.0)));
  BOOST_REQUIRE(drivers::run_until_ready(io, supply->set_output(1, true)));
  BOOST_REQUIRE(!feeds.empty());
  BOOST_TEST(std::get<0>(feeds.back()) == 1);
  BOOST_TEST(std::get<1>(feeds.back()) == 12.0);
  BOOST_TEST(std::get<2>(feeds.back()) == true);
  BOOST_REQUIRE(drivers::run_until_ready(io, supply->safe_state()));
  BOOST_TEST(std::get<2>(feeds.back()) == false);
}

BOOST_FIXTURE_TEST_CASE(a_command_the_output_did_not_follow_leaves_the_board_dark, Fed) {
  fake->relay_works = false;
  BOOST_REQUIRE(drivers::run_until_ready(io, supply->set_voltage(1, 12.0)));
  BOOST_REQUIRE(drivers::run_until_ready(io, supply->set_output(1, true)));  // accepted...
  BOOST_REQUIRE(!feeds.empty());
  BOOST_TEST(std::get<2>(feeds.back()) == false);  // ...but the output reads back off
}

BOOST_FIXTURE_TEST_CASE(an_unread_channel_is_fed_as_off_and_other_channels_are_not_fed, Fed) {
  BOOST_REQUIRE(drivers::run_until_ready(io, supply->set_voltage(1, 12.0)));
  BOOST_REQUIRE(drivers::run_until_ready(io, supply->set_output(1, true)));
  fake->read_fails = true;
  BOOST_TEST(!drivers::run_until_ready(io, supply->measure(1)));
  BOOST_TEST(std::get<2>(feeds.back()) == false);
  const auto fed = feeds.size();
  fake->read_fails = false;
  BOOST_REQUIRE(drivers::run_until_ready(io, supply->set_output(2, true)));  // channel 2 feeds no board
  BOOST_TEST(feeds.size() == fed);
}
