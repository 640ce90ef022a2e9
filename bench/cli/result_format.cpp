#include "bench/cli/result_format.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "bench/text_columns.hpp"

namespace ob::bench::cli {
namespace {

std::string csv_field(const std::optional<std::string>& value) {
  if (!value) return "";
  if (value->find_first_of(",\"\r\n") == std::string::npos) return *value;
  std::string quoted = "\"";
  for (char c : *value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// One row as a JSON object (nlohmann::json: escaping and UTF-8 checks are the library's).
// Numbers stay numbers — integers as integers, the rest as doubles — and NULL is null; a number
// JSON cannot hold (inf, nan) goes as the string SQLite wrote. Column names repeated in one
// result get a suffix (`x`, `x_2`): a JSON object holds each name once.
std::string json_row(const std::vector<std::string>& columns, const std::vector<std::optional<std::string>>& values,
                     const std::vector<bool>& numeric) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::string key = columns[i];
    for (int n = 2; object.contains(key); ++n) key = columns[i] + "_" + std::to_string(n);
    const auto& value = values[i];
    if (!value) {
      object[key] = nullptr;
      continue;
    }
    if (numeric[i]) {
      const char* text = value->c_str();
      char* end = nullptr;
      errno = 0;
      const long long integer = std::strtoll(text, &end, 10);
      if (*text != '\0' && *end == '\0' && errno == 0) {
        object[key] = static_cast<std::int64_t>(integer);
        continue;
      }
      const double real = std::strtod(text, &end);
      if (*text != '\0' && *end == '\0' && std::isfinite(real)) {
        object[key] = real;
        continue;
      }
    }
    object[key] = *value;
  }
  return object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

[[noreturn]] void refuse_several(std::size_t count, ResultFormat format) {
  throw std::invalid_argument(std::string(format == ResultFormat::csv ? "CSV" : "JSON") + " carries one table, and this gives " +
                              std::to_string(count) + "; ask for one at a time (or --format table)");
}

// Display width of UTF-8 text: code points, not bytes.
std::size_t width(const std::string& text) { return text_columns(text); }

std::string table(const db::ResultSet& result) {
  const std::size_t columns = result.columns.size();
  std::vector<std::size_t> widths(columns);
  for (std::size_t i = 0; i < columns; ++i) widths[i] = width(result.columns[i]);
  for (const auto& row : result.rows) {
    for (std::size_t i = 0; i < columns; ++i) widths[i] = std::max(widths[i], width(row[i].value_or("NULL")));
  }
  std::string out;
  auto cell = [&](const std::string& text, std::size_t i, bool right) {
    const std::string pad(widths[i] - width(text), ' ');
    out += right ? pad + text : text + (i + 1 < columns ? pad : "");
    if (i + 1 < columns) out += "  ";
  };
  for (std::size_t i = 0; i < columns; ++i) cell(result.columns[i], i, result.numeric[i]);
  out += "\n";
  for (std::size_t i = 0; i < columns; ++i) {
    out += std::string(widths[i], '-');
    if (i + 1 < columns) out += "  ";
  }
  out += "\n";
  for (const auto& row : result.rows) {
    for (std::size_t i = 0; i < columns; ++i) cell(row[i].value_or("NULL"), i, result.numeric[i]);
    out += "\n";
  }
  out += "(" + std::to_string(result.rows.size()) + (result.rows.size() == 1 ? " row)\n" : " rows)\n");
  return out;
}

std::string csv(const db::ResultSet& result) {
  std::string out;
  for (std::size_t i = 0; i < result.columns.size(); ++i) out += (i ? "," : "") + csv_field(result.columns[i]);
  out += "\r\n";
  for (const auto& row : result.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + csv_field(row[i]);
    out += "\r\n";
  }
  return out;
}

std::string json(const db::ResultSet& result) {
  std::string out = "[";
  for (std::size_t r = 0; r < result.rows.size(); ++r) out += (r ? ",\n " : "\n ") + json_row(result.columns, result.rows[r], result.numeric);
  return out + (result.rows.empty() ? "]" : "\n]");
}

}  // namespace

std::optional<ResultFormat> parse_result_format(const std::string& text) {
  if (text == "table") return ResultFormat::table;
  if (text == "csv") return ResultFormat::csv;
  if (text == "json") return ResultFormat::json;
  return std::nullopt;
}

std::string format_result(const db::ResultSet& result, ResultFormat format) {
  switch (format) {
    case ResultFormat::table: return table(result);
    case ResultFormat::csv: return csv(result);
    case ResultFormat::json: return json(result) + "\n";
  }
  return {};
}

db::ResultSet select_columns(const db::ResultSet& result, const std::vector<std::string>& names) {
  std::vector<std::size_t> picked;
  db::ResultSet out;
  for (const auto& name : names) {
    const auto at = std::find(result.columns.begin(), result.columns.end(), name);
    if (at == result.columns.end()) continue;
    picked.push_back(static_cast<std::size_t>(at - result.columns.begin()));
    out.columns.push_back(name);
    out.numeric.push_back(result.numeric[picked.back()]);
  }
  for (const auto& row : result.rows) {
    auto& copy = out.rows.emplace_back();
    for (const auto column : picked) copy.push_back(row[column]);
  }
  return out;
}

std::string format_results(const std::vector<db::ResultSet>& results, ResultFormat format) {
  if (results.size() == 1) return format_result(results.front(), format);
  if (format != ResultFormat::table) refuse_several(results.size(), format);
  std::string out;
  for (std::size_t i = 0; i < results.size(); ++i) out += (i ? "\n" : "") + format_result(results[i], format);
  return out;
}

namespace {

class ResultPrinter : public db::RowSink {
 public:
  ResultPrinter(ResultFormat format, std::FILE* out) : format_(format), out_(out) {}

  void begin_result(std::size_t index, std::size_t count, const std::vector<std::string>& columns, const std::string&) override {
    columns_ = columns;
    rows_ = 0;
    if (count > 1 && format_ != ResultFormat::table) {
      try {
        refuse_several(count, format_);
      } catch (const std::invalid_argument& e) {
        throw db::DbError(e.what());
      }
    }
    if (format_ == ResultFormat::json) {
      put("[");
      return;
    }
    if (index > 0) put("\n");
    if (format_ == ResultFormat::csv) {
      std::string line;
      for (std::size_t i = 0; i < columns.size(); ++i) line += (i ? "," : "") + csv_field(columns[i]);
      put(line + "\r\n");
      return;
    }
    pending_.columns = columns;
    pending_.rows.clear();
    pending_.numeric.assign(columns.size(), true);
    aligned_ = false;
  }

  void row(const std::vector<std::optional<std::string>>& values, const std::vector<bool>& numeric) override {
    ++rows_;
    if (format_ == ResultFormat::csv) {
      std::string line;
      for (std::size_t i = 0; i < values.size(); ++i) line += (i ? "," : "") + csv_field(values[i]);
      put(line + "\r\n");
      return;
    }
    if (format_ == ResultFormat::json) {
      put((rows_ > 1 ? ",\n " : "\n ") + json_row(columns_, values, numeric));
      return;
    }
    if (aligned_) {
      put_table_row(values);
      return;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i] && !numeric[i]) pending_.numeric[i] = false;
    }
    pending_.rows.push_back(values);
    if (pending_.rows.size() >= kTableAlignRows) align();
  }

  void end_result() override {
    if (format_ == ResultFormat::json) {
      put(rows_ == 0 ? "]\n" : "\n]\n");
      return;
    }
    if (format_ == ResultFormat::table) {
      if (!aligned_) align();
      put("(" + std::to_string(rows_) + (rows_ == 1 ? " row)\n" : " rows)\n"));
    }
  }

 private:
  // The header and the rows held so far, widths from them; later rows reuse the widths.
  void align() {
    aligned_ = true;
    widths_.assign(pending_.columns.size(), 0);
    for (std::size_t i = 0; i < widths_.size(); ++i) widths_[i] = width(pending_.columns[i]);
    for (const auto& row : pending_.rows) {
      for (std::size_t i = 0; i < widths_.size(); ++i) widths_[i] = std::max(widths_[i], width(row[i].value_or("NULL")));
    }
    right_ = pending_.numeric;
    std::string header;
    for (std::size_t i = 0; i < widths_.size(); ++i) header += cell(pending_.columns[i], i);
    put(header + "\n");
    std::string rule;
    for (std::size_t i = 0; i < widths_.size(); ++i) rule += std::string(widths_[i], '-') + (i + 1 < widths_.size() ? "  " : "");
    put(rule + "\n");
    for (const auto& row : pending_.rows) put_table_row(row);
    pending_.rows.clear();
  }

  std::string cell(const std::string& text, std::size_t i) const {
    const std::size_t shown = width(text);
    const std::string pad(widths_[i] > shown ? widths_[i] - shown : 0, ' ');
    std::string out = right_[i] ? pad + text : text + (i + 1 < widths_.size() ? pad : "");
    if (i + 1 < widths_.size()) out += "  ";
    return out;
  }

  void put_table_row(const std::vector<std::optional<std::string>>& values) {
    std::string line;
    for (std::size_t i = 0; i < values.size(); ++i) line += cell(values[i].value_or("NULL"), i);
    put(line + "\n");
  }

  void put(const std::string& text) {
    if (std::fwrite(text.data(), 1, text.size(), out_) != text.size()) {
      throw db::DbError(std::string("writing the result: ") + std::strerror(errno));
    }
  }

  ResultFormat format_;
  std::FILE* out_;
  std::vector<std::string> columns_;
  std::size_t rows_ = 0;
  db::ResultSet pending_;  // a table's first rows, until aligned
  bool aligned_ = false;
  std::vector<std::size_t> widths_;
  std::vector<bool> right_;
};

}  // namespace

std::unique_ptr<db::RowSink> make_result_printer(ResultFormat format, std::FILE* out) {
  return std::make_unique<ResultPrinter>(format, out);
}

}  // namespace ob::bench::cli
