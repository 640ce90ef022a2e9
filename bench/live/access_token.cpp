#include "bench/live/access_token.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "drivers/gpu/agent/agent_auth.hpp"

namespace ob::bench::live {

namespace agent = drivers::agent;

std::string make_access_token() { return agent::to_hex(agent::random_nonce().substr(0, 16)); }

void write_access_token(const std::filesystem::path& path, const std::string& token) {
  const auto fail = [&](const char* what) {
    return std::runtime_error("cannot " + std::string(what) + " the live view's token file " + path.string() + ": " +
                              std::strerror(errno));
  };
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw fail("write");
  // An existing file keeps its mode through O_CREAT: made owner-only here either way.
  if (::fchmod(fd, 0600) != 0) {
    const auto error = fail("protect");
    ::close(fd);
    throw error;
  }
  const std::string text = token + "\n";
  const auto written = ::write(fd, text.data(), text.size());
  if (written != static_cast<ssize_t>(text.size())) {
    const auto error = fail("write");
    ::close(fd);
    throw error;
  }
  if (::close(fd) != 0) throw fail("close");
}

bool access_token_matches(std::string_view expected, std::string_view given) {
  return !expected.empty() && agent::proofs_equal(expected, given);
}

std::filesystem::path access_token_path(const std::filesystem::path& database) {
  return std::filesystem::path(database.string() + ".live-token");
}

}  // namespace ob::bench::live
