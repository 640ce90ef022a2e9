#pragma once
// Wall time as the results record it: unix seconds (UTC), fractional.
#include <chrono>

namespace ob::db {

inline double now_unix_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace ob::db
