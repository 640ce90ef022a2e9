#pragma once
// Query results as a person or a program wants them: an aligned table (numbers right-aligned,
// NULL shown as NULL), CSV (RFC 4180: quoted where needed, NULL empty) or JSON (an array of
// row objects, nlohmann::json; integers as integers, other numbers as numbers, NULL as null).
// CSV and JSON carry exactly one table: asked for several, they refuse (std::invalid_argument,
// or db::DbError from the streaming printer) before writing anything.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/read_only_sql.hpp"

namespace ob::bench::cli {

enum class ResultFormat { table, csv, json };
std::optional<ResultFormat> parse_result_format(const std::string& text);

std::string format_result(const db::ResultSet& result, ResultFormat format);
// The named columns of a result, in that order (names it lacks are left out).
db::ResultSet select_columns(const db::ResultSet& result, const std::vector<std::string>& names);
// Several statements' results: tables one after another (a blank line between); CSV and JSON
// refuse more than one.
std::string format_results(const std::vector<db::ResultSet>& results, ResultFormat format);

// The same, written to `out` as the rows come (`query sql`): CSV and JSON a row at a time
// (JSON numbers by each value's type; more than one statement refused at the first); a table aligned on its first kTableAlignRows rows, a
// longer value after them widening only its own line.
inline constexpr std::size_t kTableAlignRows = 1000;
std::unique_ptr<db::RowSink> make_result_printer(ResultFormat format, std::FILE* out);

}  // namespace ob::bench::cli
