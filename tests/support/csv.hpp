#pragma once
// RFC 4180 CSV, read back for tests: fields quoted or not, "" inside quotes, CRLF or LF line
// ends, line breaks inside quoted fields. Throws on a stray quote, so a malformed stream fails.
#include <stdexcept>
#include <string>
#include <vector>

namespace ob::test {

inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty() || was_quoted) throw std::runtime_error("CSV: a quote inside an unquoted field at byte " + std::to_string(i));
      quoted = was_quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      row.push_back(std::move(field));
      rows.push_back(std::move(row));
      field.clear();
      row.clear();
      was_quoted = false;
    } else {
      if (was_quoted) throw std::runtime_error("CSV: text after a closing quote at byte " + std::to_string(i));
      field += c;
    }
  }
  if (quoted) throw std::runtime_error("CSV: a quoted field never closed");
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace ob::test
