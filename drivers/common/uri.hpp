#pragma once
// One URI parser for every instrument kind, as libiio selects backends by URI:
//   scpi+tcp://host:5025?model=dp832   espec+tcp://host:10001   agent://host:7600
//   sim://psu                          (resolved against the in-process simulated lab)
//   scpi+serial:///dev/ttyUSB0?baud=9600   (no host: the path is the device)
//   agent://[::1]:7600                 (an IPv6 literal in brackets)
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace ob::drivers {

struct Uri {
  std::string scheme;  // "scpi+tcp", "espec+tcp", "agent", "sim", ...
  std::string host;  // "" only for a device path (scheme:///dev/ttyS0)
  std::optional<std::uint16_t> port;
  std::string path;  // without the leading '/'
  std::map<std::string, std::string> query;

  std::string query_or(const std::string& key, const std::string& fallback) const;
  std::string to_string() const;
};

struct UriError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws UriError naming the offending part. An IPv6 literal goes in brackets (agent://[::1]:7600);
// `host` holds it without them.
Uri parse_uri(const std::string& text);

// "host:port", an IPv6 host in brackets ([::1]:7600), for messages and endpoints.
std::string host_port(const std::string& host, std::uint16_t port);

}  // namespace ob::drivers
