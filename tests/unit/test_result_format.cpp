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
             "[\n {\"dut\":\"board-01\",\"tflops\":38.5,\"note\":null},\n"
             " {\"dut\":\"board-02\",\"tflops\":9,\"note\":\"said \\\"hot\\\", then\\nthrottled\"}\n]\n");
  ob::db::ResultSet odd;
  odd.columns = {"x", "n", "r", "x"};
  odd.numeric = {true, true, true, false};
  odd.rows = {{"Inf", "9007199254740993", "7020.0", "\xff\xfe"}};  // not a JSON number; a big integer; invalid UTF-8
  BOOST_TEST(format_result(odd, ResultFormat::json) ==
             "[\n {\"x\":\"Inf\",\"n\":9007199254740993,\"r\":7020.0,\"x_2\":\"\xef\xbf\xbd\xef\xbf\xbd\"}\n]\n");
  BOOST_TEST(!parse_result_format("xml").has_value());
}

// CSV and JSON carry one table: asked for two, they refuse rather than concatenate.
BOOST_AUTO_TEST_CASE(csv_and_json_refuse_several_tables) {
  BOOST_CHECK_THROW(format_results({sample(), sample()}, ResultFormat::csv), std::invalid_argument);
  BOOST_CHECK_THROW(format_results({sample(), sample()}, ResultFormat::json), std::invalid_argument);
  BOOST_TEST(format_results({sample(), sample()}, ResultFormat::table).find("(2 rows)\n\ndut") != std::string::npos);
}

namespace {

// What the streaming printer writes for `results`, each row's numbers by its column's kind.
std::string streamed(const std::vector<ob::db::ResultSet>& results, ResultFormat format) {
  std::FILE* out = std::tmpfile();
  BOOST_REQUIRE(out != nullptr);
  {
    const auto printer = make_result_printer(format, out);
    for (std::size_t r = 0; r < results.size(); ++r) {
      printer->begin_result(r, results.size(), results[r].columns, "test");
      for (const auto& row : results[r].rows) {
        std::vector<bool> numeric;
        for (std::size_t i = 0; i < row.size(); ++i) numeric.push_back(results[r].numeric[i] && row[i].has_value());
        printer->row(row, numeric);
      }
      printer->end_result();
    }
  }
  std::fflush(out);
  std::rewind(out);
  std::string text;
  char chunk[4096];
  for (std::size_t got; (got = std::fread(chunk, 1, sizeof chunk, out)) > 0;) text.append(chunk, got);
  std::fclose(out);
  return text;
}

}  // namespace

// `query sql` streams (issue 18 item 9): row by row, it writes what the buffered formats write.
BOOST_AUTO_TEST_CASE(the_streaming_printer_writes_what_the_buffered_formats_write) {
  ob::db::ResultSet empty;
  empty.columns = {"a", "b"};
  empty.numeric = {true, true};
  for (const auto format : {ResultFormat::table, ResultFormat::csv, ResultFormat::json}) {
    BOOST_TEST(streamed({sample()}, format) == format_results({sample()}, format));
    if (format == ResultFormat::table) {
      BOOST_TEST(streamed({sample(), empty, sample()}, format) == format_results({sample(), empty, sample()}, format));
    } else {
      BOOST_CHECK_THROW(streamed({sample(), empty}, format), ob::db::DbError);
    }
    BOOST_TEST(streamed({empty}, format) == format_results({empty}, format));
  }
}

// A table longer than the rows it aligns on keeps their widths: a later, wider value widens only
// its own line, and the count covers every row.
BOOST_AUTO_TEST_CASE(a_streamed_table_aligns_on_its_first_rows) {
  ob::db::ResultSet long_table;
  long_table.columns = {"n", "name"};
  long_table.numeric = {true, false};
  for (std::size_t i = 0; i < kTableAlignRows + 5; ++i) long_table.rows.push_back({std::to_string(i % 10), "x"});
  long_table.rows.push_back({"123456", "late and long"});
  const auto text = streamed({long_table}, ResultFormat::table);
  BOOST_TEST(text.find("n  name\n-  ----\n0  x\n") == 0u, text.substr(0, 40));
  BOOST_TEST(text.find("\n123456  late and long\n(" + std::to_string(kTableAlignRows + 6) + " rows)\n") != std::string::npos);
}
