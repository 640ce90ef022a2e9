#include "db/postgres/pg_connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace ob::db::pg {
namespace {

// libpq's message on one line (it puts hints on their own, tab-indented).
std::string trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at)) {
    std::size_t end = at + 1;
    while (end < text.size() && (text[end] == '\t' || text[end] == ' ')) ++end;
    text.replace(at, end - at, " ");
  }
  return text;
}

// The server's own words for a failed result: its primary message, then its detail and hint.
std::string server_message(pg_result* result) {
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (primary == nullptr) return trimmed(result ? PQresultErrorMessage(result) : nullptr);
  std::string text = primary;
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) text += std::string(" (") + detail + ")";
  if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) text += std::string("; hint: ") + hint;
  return text;
}

}  // namespace

std::string error_text(pg_result* result, pg_conn* conn) {
  std::string text = result ? server_message(result) : std::string();
  return text.empty() ? trimmed(PQerrorMessage(conn)) : text;
}

namespace {

PgError result_error(const PgConnection& db, pg_result* result, std::string_view sql) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = db.where() + ": " + error_text(result, db.handle());
  std::string head(sql.substr(0, 120));
  for (char& c : head) {
    if (c == '\n') c = ' ';
  }
  if (!head.empty()) message += " (in: " + head + (sql.size() > 120 ? "…" : "") + ")";
  return PgError(message, state ? state : "");
}

// Whether the bytes at `text[i]` start a well-formed UTF-8 sequence; its length in `length`.
bool utf8_sequence(std::string_view text, std::size_t i, std::size_t& length) {
  const auto byte = static_cast<unsigned char>(text[i]);
  if (byte < 0x80) {
    length = 1;
    return byte != 0;  // PostgreSQL's text holds no NUL
  }
  std::uint32_t code = 0;
  if ((byte & 0xE0) == 0xC0) {
    length = 2;
    code = byte & 0x1F;
  } else if ((byte & 0xF0) == 0xE0) {
    length = 3;
    code = byte & 0x0F;
  } else if ((byte & 0xF8) == 0xF0) {
    length = 4;
    code = byte & 0x07;
  } else {
    length = 1;
    return false;
  }
  if (i + length > text.size()) {
    length = 1;
    return false;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) {
      length = 1;
      return false;
    }
    code = (code << 6) | (next & 0x3F);
  }
  constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  const bool ok = code >= kMinimum[length] && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF);
  if (!ok) length = 1;
  return ok;
}

}  // namespace

bool is_postgres_url(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

std::string printable_url(std::string_view url) {
  std::string text(url);
  const auto scheme = text.find("://");
  if (scheme == std::string::npos) return text;
  const auto authority_end = text.find_first_of("/?", scheme + 3);
  const auto at = text.rfind('@', authority_end == std::string::npos ? text.size() : authority_end);
  if (at != std::string::npos && at > scheme) {
    const auto colon = text.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) text.replace(colon + 1, at - colon - 1, "***");
  }
  if (const auto password = text.find("password="); password != std::string::npos) {
    const auto end = text.find('&', password);
    text.replace(password + 9, (end == std::string::npos ? text.size() : end) - password - 9, "***");
  }
  return text;
}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

PgResult::~PgResult() { PQclear(result_); }

int PgResult::rows() const { return PQntuples(result_); }
int PgResult::columns() const { return PQnfields(result_); }
std::string PgResult::column_name(int column) const { return PQfname(result_, column); }
unsigned PgResult::column_type(int column) const { return PQftype(result_, column); }
bool PgResult::is_null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column)));
}

std::optional<std::string> PgResult::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t PgResult::int64(int row, int column) const { return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10); }

std::optional<std::int64_t> PgResult::optional_int64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}

double PgResult::real(int row, int column) const { return std::strtod(PQgetvalue(result_, row, column), nullptr); }

PgConnection PgConnection::open(const std::string& url) {
  const std::string where = printable_url(url);
  // Defaults first: what the URL itself says (connect_timeout=…) comes later and wins.
  // A link that dies silently fails a push within about 30 s (keepalives, tcp_user_timeout)
  // instead of leaving it waiting forever.
  const char* keywords[] = {"connect_timeout", "application_name", "keepalives_idle", "keepalives_interval",
                            "keepalives_count", "tcp_user_timeout", "dbname", nullptr};
  const char* values[] = {"10", "orbitbench", "10", "5", "3", "30000", url.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, 1);
  if (conn == nullptr) throw PgError(where + ": cannot connect: out of memory", "");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string why = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    throw PgError(where + ": cannot connect: " + why, "");
  }
  PgConnection db(conn, where);
  db.exec("SET search_path TO orbitbench, public; SET TimeZone TO 'UTC'; SET client_min_messages TO warning");
  return db;
}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), where_(std::move(other.where_)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
  if (this != &other) {
    PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    where_ = std::move(other.where_);
  }
  return *this;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

void PgConnection::exec(const std::string& sql) const {
  pg_result* raw = PQexec(conn_, sql.c_str());
  const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    const auto error = result_error(*this, raw, sql);
    PQclear(raw);
    throw error;
  }
  PQclear(raw);
}

PgResult PgConnection::query(const std::string& sql, const PgParams& params) const {
  return query_binary(sql, params, {});
}

PgResult PgConnection::query_binary(const std::string& sql, const PgParams& params, const std::vector<bool>& binary) const {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (std::size_t i = 0; i < params.size(); ++i) {
    values.push_back(params[i] ? params[i]->data() : nullptr);
    lengths.push_back(params[i] ? static_cast<int>(params[i]->size()) : 0);
    formats.push_back(i < binary.size() && binary[i] ? 1 : 0);
  }
  pg_result* raw = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), lengths.data(),
                                formats.data(), 0);
  const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    const auto error = result_error(*this, raw, sql);
    PQclear(raw);
    throw error;
  }
  return PgResult(raw);
}

CopyIn::CopyIn(const PgConnection& db, const std::string& copy_sql) : db_(db) {
  pg_result* raw = PQexec(db.handle(), copy_sql.c_str());
  const bool ok = raw && PQresultStatus(raw) == PGRES_COPY_IN;
  if (!ok) {
    const auto error = result_error(db, raw, copy_sql);
    PQclear(raw);
    throw error;
  }
  PQclear(raw);
  buffer_.reserve(kChunkBytes + 4096);
}

CopyIn::~CopyIn() {
  if (finished_) return;
  PQputCopyEnd(db_.handle(), "abandoned by orbitbench");
  while (pg_result* raw = PQgetResult(db_.handle())) PQclear(raw);
}

void CopyIn::separator() {
  if (row_open_) buffer_ += '\t';
  row_open_ = true;
}

CopyIn& CopyIn::field(std::int64_t value) {
  separator();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  buffer_.append(digits, end);
  return *this;
}

CopyIn& CopyIn::field(double value) {
  separator();
  char digits[32];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  buffer_.append(digits, end);
  return *this;
}

CopyIn& CopyIn::field(std::string_view text) {
  separator();
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    if (!utf8_sequence(text, i, length)) {
      buffer_ += "\xEF\xBF\xBD";  // U+FFFD: PostgreSQL refuses bytes that are not UTF-8, and NUL
      i += length;
      continue;
    }
    if (length > 1) {
      buffer_.append(text.substr(i, length));
      i += length;
      continue;
    }
    const char c = text[i++];
    switch (c) {
      case '\\': buffer_ += "\\\\"; break;
      case '\n': buffer_ += "\\n"; break;
      case '\r': buffer_ += "\\r"; break;
      case '\t': buffer_ += "\\t"; break;
      default: buffer_ += c;
    }
  }
  return *this;
}

CopyIn& CopyIn::field_bytes(std::string_view bytes) {
  separator();
  static constexpr char kHex[] = "0123456789abcdef";
  buffer_ += "\\\\x";
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    buffer_ += kHex[byte >> 4];
    buffer_ += kHex[byte & 15];
  }
  return *this;
}

CopyIn& CopyIn::null() {
  separator();
  buffer_ += "\\N";
  return *this;
}

void CopyIn::end_row() {
  buffer_ += '\n';
  row_open_ = false;
  ++rows_;
  if (buffer_.size() >= kChunkBytes) send(false);
}

void CopyIn::send(bool final) {
  if (!buffer_.empty() &&
      PQputCopyData(db_.handle(), buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
    throw PgError(db_.where() + ": COPY: " + trimmed(PQerrorMessage(db_.handle())), "");
  }
  buffer_.clear();
  if (!final) return;
  finished_ = true;
  if (PQputCopyEnd(db_.handle(), nullptr) != 1) {
    throw PgError(db_.where() + ": COPY: " + trimmed(PQerrorMessage(db_.handle())), "");
  }
  std::optional<PgError> error;
  while (pg_result* raw = PQgetResult(db_.handle())) {
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && !error) error = result_error(db_, raw, "COPY");
    PQclear(raw);
  }
  if (error) throw *error;
}

std::int64_t CopyIn::finish() {
  send(true);
  return rows_;
}

}  // namespace ob::db::pg
