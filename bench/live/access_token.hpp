#pragma once
// The live view's operator token (issue 21): 128 random bits as hex, printed at start and kept
// in a file readable by its owner only (0600) beside the database, so an operator on the
// controller's host can read it back. Only a request bearing it may change anything.
#include <filesystem>
#include <string>
#include <string_view>

namespace ob::bench::live {

std::string make_access_token();
// Writes `token` to `path` (created or replaced, mode 0600). Throws std::runtime_error with the OS's reason.
void write_access_token(const std::filesystem::path& path, const std::string& token);
// Constant-time: how long a wrong guess took says nothing about the token.
bool access_token_matches(std::string_view expected, std::string_view given);
// "results/bay-1.db" → "results/bay-1.db.live-token"
std::filesystem::path access_token_path(const std::filesystem::path& database);

}  // namespace ob::bench::live
