#include "profiles/bounded_read.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace ob::profiles {

std::string read_bounded_file(const std::string& path, std::size_t max_bytes) {
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  const std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw FileUnreadable(path + ": cannot open (" + std::strerror(errno) + ")");
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    if (got == 0) break;
    if (text.size() + got > max_bytes) {
      throw FileTooLarge(path + ": larger than " + std::to_string(max_bytes >> 20) +
                         " MiB, more than such a file ever holds; is this the right file?");
    }
    text.append(buffer, got);
  }
  if (std::ferror(file.get())) throw FileUnreadable(path + ": cannot read (" + std::strerror(errno) + ")");
  return text;
}

}  // namespace ob::profiles
