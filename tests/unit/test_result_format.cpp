// Query results as a table, CSV (RFC 4180) and JSON.
#include <boost/test/unit_test.hpp>

#include "bench/cli/result_format.hpp"

using namespace ob::bench::cli;

namespace {

ob::db::ResultSet sample() {
  ob::db::ResultSet result;
  result.columns = {"dut", "tflops", "note"};
  result.numeric = {false, true, false};
  result.rows = {{"board-01", "38.5", std::nullopt}, {"board-02", "9", "said \"hot\", then\nthrottled"}};
  return result;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_table_aligns_numbers_right_and_shows_null) {
  const auto text = format_result(sample(), ResultFormat::table);
  BOOST_TEST(text.find("dut       tflops  note") == 0u, text);
  BOOST_TEST(text.find("board-01    38.5  NULL\n") != std::string::npos, text);
  BOOST_TEST(text.find("board-02       9  ") != std::string::npos, text);
  BOOST_TEST(text.find("(2 rows)\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(csv_quotes_what_needs_quoting_and_leaves_null_empty) {
  BOOST_TEST(format_result(sample(), ResultFormat::csv) ==
             "dut,tflops,note\r\nboard-01,38.5,\r\nboard-02,9,\"said \"\"hot\"\", then\nthrottled\"\r\n");
}

BOOST_AUTO_TEST_CASE(json_keeps_numbers_numbers_and_null_null) {
  BOOST_TEST(format_result(sample(), ResultFormat::json) ==
             "[\n {\"dut\": \"board-01\", \"tflops\": 38.5, \"note\": null},\n"
             " {\"dut\": \"board-02\", \"tflops\": 9, \"note\": \"said \\\"hot\\\", then\\nthrottled\"}\n]\n");
  ob::db::ResultSet odd;
  odd.columns = {"x"};
  odd.numeric = {true};
  odd.rows = {{"Inf"}};  // not a JSON number
  BOOST_TEST(format_result(odd, ResultFormat::json) == "[\n {\"x\": \"Inf\"}\n]\n");
  BOOST_TEST(format_results({sample(), odd}, ResultFormat::json).find("[\n[\n {") == 0u);
  BOOST_TEST(!parse_result_format("xml").has_value());
}
