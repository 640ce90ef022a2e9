// Verdicts rolled up per DUT and campaign, and the one line that says so.
#include <boost/test/unit_test.hpp>

#include "bench/verdict_rollup.hpp"

using ob::bench::VerdictRollup;

BOOST_AUTO_TEST_CASE(a_campaign_passes_only_when_every_dut_and_station_judgement_passes) {
  VerdictRollup rollup({"board-01", "board-02", "board-03"});
  BOOST_TEST(rollup.pass());
  BOOST_TEST(rollup.summary() == "PASS");
  rollup.fail(1, "isolated");
  rollup.fail(1, "sdc_count");
  BOOST_TEST(!rollup.pass());
  BOOST_TEST(rollup.dut_pass(0));
  BOOST_TEST(!rollup.dut_pass(1));
  BOOST_TEST(rollup.summary() == "FAIL — board-02: isolated, sdc_count");
  rollup.fail(2, "throughput_reference_vs_baseline_pct");
  rollup.fail_campaign("conforms_to_acceptance");
  BOOST_TEST(rollup.summary() ==
             "FAIL — board-02: isolated, sdc_count; board-03: throughput_reference_vs_baseline_pct; conforms_to_acceptance");
}

BOOST_AUTO_TEST_CASE(a_station_wide_failure_alone_fails_the_campaign) {
  VerdictRollup rollup({"board-01"});
  rollup.fail_campaign("conforms_to_qualification");
  BOOST_TEST(rollup.dut_pass(0));
  BOOST_TEST(!rollup.pass());
  BOOST_TEST(rollup.summary() == "FAIL — conforms_to_qualification");
}
