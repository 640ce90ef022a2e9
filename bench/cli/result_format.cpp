#include "bench/cli/result_format.hpp"

#include <algorithm>
#include <cstdio>

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

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// A number SQLite rendered that JSON cannot hold as one (inf, nan) goes as a string.
bool json_number(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789+-.eE") == std::string::npos;
}

// Display width of UTF-8 text: code points, not bytes.
std::size_t width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

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
  for (std::size_t r = 0; r < result.rows.size(); ++r) {
    out += r ? ",\n {" : "\n {";
    for (std::size_t i = 0; i < result.columns.size(); ++i) {
      const auto& value = result.rows[r][i];
      out += (i ? ", " : "") + json_string(result.columns[i]) + ": ";
      if (!value) {
        out += "null";
      } else if (result.numeric[i] && json_number(*value)) {
        out += *value;
      } else {
        out += json_string(*value);
      }
    }
    out += "}";
  }
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
  std::string out = format == ResultFormat::json ? "[" : "";
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (format == ResultFormat::json) {
      out += (i ? ",\n" : "\n") + json(results[i]);
    } else {
      out += (i ? "\n" : "") + format_result(results[i], format);
    }
  }
  return format == ResultFormat::json ? out + "\n]\n" : out;
}

}  // namespace ob::bench::cli
