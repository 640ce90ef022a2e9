#pragma once
#include <stdexcept>
#include <string>

namespace ob::bench {

// A configuration problem, already formatted as "file:line: field: reason".
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ob::bench
