#pragma once
// The agent protocol's transport (issue 18): TLS 1.3 through OpenSSL, keyed by the shared
// secret as an external pre-shared key (RFC 8446 §4.2.11; no certificates). The controller
// proves first: its ClientHello carries the PSK binder, an HMAC under a key derived from the
// PSK, and the agent answers nothing derived from the secret until that binder verifies.
// Both sides offer only the SHA-256 suites (the PSK's hash). Every
// frame after the handshake is encrypted and authenticated (AES-GCM / ChaCha20-Poly1305), and
// the (EC)DHE share in the same handshake (psk_dhe_ke) gives each connection forward secrecy.
//
// The PSK: HMAC-SHA256(secret, kTlsPskLabel), 32 bytes, under identity kTlsPskIdentity, with
// TLS_AES_128_GCM_SHA256 as its hash. `openssl s_client -tls1_3 -psk_identity orbitbench-agent
// -psk <hex of that HMAC>` connects to an agent (tests/sim/test_agent_protobuf.py does).
#include <string>
#include <string_view>
#include <system_error>

#include <asio/ssl/context.hpp>

namespace ob::drivers::agent {

inline constexpr std::string_view kTlsPskIdentity = "orbitbench-agent";
inline constexpr std::string_view kTlsPskLabel = "orbitbench agent TLS 1.3 external PSK";

// The external PSK for a shared secret: HMAC-SHA256(secret, kTlsPskLabel).
std::string tls_psk(std::string_view secret);

enum class TlsRole { agent, controller };

// One side's TLS 1.3 context with its PSK callbacks. Neither copyable nor movable (OpenSSL
// holds a pointer to it). Throws std::runtime_error with OpenSSL's reason when a context cannot
// be made.
class AgentTls {
 public:
  AgentTls(TlsRole role, std::string_view secret);
  AgentTls(const AgentTls&) = delete;
  AgentTls& operator=(const AgentTls&) = delete;

  asio::ssl::context& context() { return context_; }
  TlsRole role() const { return role_; }
  const std::string& psk() const { return psk_; }

 private:
  TlsRole role_;
  std::string psk_;
  asio::ssl::context context_;
};

// What a failed TLS handshake means here, for a log line or a fault: a wrong secret (the
// agent's alert for a PSK binder that does not verify: illegal_parameter from OpenSSL), a peer that speaks no TLS (an
// agent older than protocol 3, or something else on the port), or OpenSSL's own words.
std::string describe_tls_failure(const std::error_code& error, TlsRole role);

}  // namespace ob::drivers::agent
