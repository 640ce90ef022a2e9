#pragma once
// Reading a whole text file with a size cap, for every file a user hands us (YAML, TLE, lab
// files): a 100 MB YAML or `station: /dev/zero` is refused with its size, not read until the
// allocator gives up. At most `max_bytes` + 1 bytes are ever read, whatever the file claims.
#include <cstddef>
#include <stdexcept>
#include <string>

namespace ob::profiles {

inline constexpr std::size_t kMaxConfigFileBytes = std::size_t{4} << 20;  // station, campaign, spacecraft, lab
inline constexpr std::size_t kMaxTleFileBytes = std::size_t{64} << 20;    // a full catalogue is ~7 MB

struct FileTooLarge : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct FileUnreadable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws FileUnreadable ("PATH: cannot open (why)") or FileTooLarge ("PATH: larger than N MiB;
// is this the right file?").
std::string read_bounded_file(const std::string& path, std::size_t max_bytes);

}  // namespace ob::profiles
