#pragma once
// Internal: turning SQLite failures into DbError messages that name the file.
#include <filesystem>
#include <string_view>

#include "db/database.hpp"

namespace ob::db {

// "<path>: <what>: <SQLite's message>", carrying SQLite's extended result code.
DbError sqlite_error(const std::filesystem::path& path, sqlite3* db, std::string_view what);

}  // namespace ob::db
