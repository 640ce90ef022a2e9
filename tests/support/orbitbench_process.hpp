#pragma once
// `orbitbench` as a child process a test can signal (SIGKILL, SIGINT) at a moment it picks, and
// a results database read while that child is still writing it (WAL: a reader never blocks it).
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ob::test {

// Starts OB_ORBITBENCH_EXE with `argv` (argv[0] included: what the program sees as its name);
// its stdout and stderr appended to `log` when given, else the test's own.
inline pid_t spawn_orbitbench(const std::vector<std::string>& argv, const std::filesystem::path& log = {}) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (!log.empty()) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
      }
    }
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(OB_ORBITBENCH_EXE, args.data());
    ::_exit(127);
  }
  return child;
}

// Its exit code, or 128 + the signal that ended it (a shell's convention).
inline int wait_exit(pid_t child) {
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// As wait_exit, without waiting: nullopt while the child still runs.
inline std::optional<int> exit_if_ended(pid_t child) {
  int status = 0;
  if (::waitpid(child, &status, WNOHANG) != child) return std::nullopt;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The first row of `sql` as numbers (NULL = nullopt), read-only; nullopt while the database or
// what the query names does not exist yet, or the row is missing. Never fails the test: for
// polling a database that a child process is writing.
inline std::optional<std::vector<std::optional<double>>> try_sqlite_row(const std::filesystem::path& path,
                                                                        const std::string& sql) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return std::nullopt;
  }
  sqlite3_busy_timeout(db, 1000);
  std::optional<std::vector<std::optional<double>>> row;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
    row.emplace();
    for (int i = 0; i < sqlite3_column_count(statement); ++i) {
      if (sqlite3_column_type(statement, i) == SQLITE_NULL) {
        row->push_back(std::nullopt);
      } else {
        row->push_back(sqlite3_column_double(statement, i));
      }
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return row;
}

// Every row of `sql`, each column as text ("" for NULL), read-only; empty on any error.
inline std::vector<std::vector<std::string>> sqlite_text_rows(const std::filesystem::path& path, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return rows;
  }
  sqlite3_busy_timeout(db, 1000);
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK) {
    while (sqlite3_step(statement) == SQLITE_ROW) {
      auto& row = rows.emplace_back();
      for (int i = 0; i < sqlite3_column_count(statement); ++i) {
        const auto* text = sqlite3_column_text(statement, i);
        row.emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text));
      }
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

}  // namespace ob::test
