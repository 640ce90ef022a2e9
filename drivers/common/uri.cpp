#include "drivers/common/uri.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ob::drivers {

std::string Uri::query_or(const std::string& key, const std::string& fallback) const {
  auto it = query.find(key);
  return it == query.end() ? fallback : it->second;
}

std::string Uri::to_string() const {
  std::string out = scheme + "://" + (host.find(':') == std::string::npos ? host : "[" + host + "]");
  if (port) out += ":" + std::to_string(*port);
  if (!path.empty()) out += "/" + path;
  char sep = '?';
  for (const auto& [key, value] : query) {
    out += sep + key + "=" + value;
    sep = '&';
  }
  return out;
}

std::string host_port(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Uri parse_uri(const std::string& text) {
  Uri uri;
  auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) {
    throw UriError("'" + text + "' is not a URI: expected scheme://host[:port][/path][?key=value]");
  }
  uri.scheme = text.substr(0, scheme_end);
  for (char c : uri.scheme) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.')) {
      throw UriError("'" + text + "': invalid character '" + std::string(1, c) + "' in scheme");
    }
  }
  std::string rest = text.substr(scheme_end + 3);
  std::string query_text;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query_text = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string authority = rest;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    authority = rest.substr(0, slash);
    uri.path = rest.substr(slash + 1);
  }
  auto parse_port = [&](const std::string& port_text) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      throw UriError("'" + text + "': port '" + port_text + "' is not a number in 1..65535");
    }
    uri.port = static_cast<std::uint16_t>(value);
  };
  if (authority.starts_with('[')) {
    // An IPv6 literal, in brackets as RFC 3986 writes it: [::1]:7600, [fe80::1%eth0]
    const auto close = authority.find(']');
    if (close == std::string::npos) throw UriError("'" + text + "': '[' without its ']' around the IPv6 address");
    const std::string after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) {
      throw UriError("'" + text + "': expected ':port' or nothing after the IPv6 address's ']', not '" + after + "'");
    }
    if (!after.empty()) parse_port(after.substr(1));
    uri.host = authority.substr(1, close - 1);
    if (uri.host.empty() || uri.host.find(':') == std::string::npos) {
      throw UriError("'" + text + "': '" + uri.host + "' in brackets is not an IPv6 address");
    }
  } else {
    if (std::count(authority.begin(), authority.end(), ':') > 1) {
      throw UriError("'" + text + "': an IPv6 address goes in brackets, as in agent://[::1]:7600");
    }
    if (auto colon = authority.rfind(':'); colon != std::string::npos) {
      parse_port(authority.substr(colon + 1));
      authority = authority.substr(0, colon);
    }
    uri.host = authority;
  }
  // A device path without a host (scpi+serial:///dev/ttyUSB0) is the one host-less form.
  if (uri.host.empty() && (uri.path.empty() || uri.port)) throw UriError("'" + text + "': missing host");
  std::size_t pos = 0;
  while (pos < query_text.size()) {
    auto amp = query_text.find('&', pos);
    std::string item = query_text.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) throw UriError("'" + text + "': query item '" + item + "' is not key=value");
    uri.query[item.substr(0, eq)] = item.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return uri;
}

}  // namespace ob::drivers
