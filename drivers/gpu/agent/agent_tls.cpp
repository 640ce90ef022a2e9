#include "drivers/gpu/agent/agent_tls.hpp"

#include <array>
#include <stdexcept>

#include <asio/error.hpp>
#include <asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "drivers/gpu/agent/agent_auth.hpp"

namespace ob::drivers::agent {
namespace {

// TLS_AES_128_GCM_SHA256 (RFC 8446 B.4): the PSK's hash is SHA-256, as `openssl s_client -psk`
// assumes.
constexpr std::array<unsigned char, 2> kPskCipher = {0x13, 0x01};
// The suites whose hash is the PSK's: OpenSSL's server takes the client's first choice (for
// `openssl s_client`, TLS_AES_256_GCM_SHA384) and drops a PSK whose hash differs, so both sides
// offer only these.
constexpr const char* kSha256Suites = "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256";

// Where each context keeps its AgentTls: an ex_data slot of our own (asio::ssl::context owns the
// app-data slot, 0, and deletes what it finds there as its verify callback).
int owner_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

AgentTls* owner_of(SSL* ssl) { return static_cast<AgentTls*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), owner_index())); }

// A resumption-style session holding the external PSK, as OpenSSL takes one (SSL_SESSION_new).
SSL_SESSION* psk_session(SSL* ssl, const std::string& psk) {
  const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, kPskCipher.data());
  if (cipher == nullptr) return nullptr;
  SSL_SESSION* session = SSL_SESSION_new();
  if (session == nullptr) return nullptr;
  if (SSL_SESSION_set1_master_key(session, reinterpret_cast<const unsigned char*>(psk.data()), psk.size()) != 1 ||
      SSL_SESSION_set_cipher(session, cipher) != 1 || SSL_SESSION_set_protocol_version(session, TLS1_3_VERSION) != 1) {
    SSL_SESSION_free(session);
    return nullptr;
  }
  return session;
}

// The agent's side: the controller's identity names our one PSK; any other identity finds
// none, and with no certificate to fall back on the handshake fails.
int find_psk(SSL* ssl, const unsigned char* identity, std::size_t identity_bytes, SSL_SESSION** session) {
  *session = nullptr;
  const std::string_view given(reinterpret_cast<const char*>(identity), identity_bytes);
  if (given != kTlsPskIdentity) return 1;
  *session = psk_session(ssl, owner_of(ssl)->psk());
  return *session != nullptr ? 1 : 0;
}

// The controller's side: offer the PSK (and its binder) in the ClientHello.
int use_psk(SSL* ssl, const EVP_MD* md, const unsigned char** identity, std::size_t* identity_bytes,
            SSL_SESSION** session) {
  *session = nullptr;
  SSL_SESSION* offered = psk_session(ssl, owner_of(ssl)->psk());
  if (offered == nullptr) return 0;
  if (md != nullptr && md != SSL_CIPHER_get_handshake_digest(SSL_SESSION_get0_cipher(offered))) {
    SSL_SESSION_free(offered);  // after a HelloRetryRequest for another hash: no PSK fits
    return 1;
  }
  *identity = reinterpret_cast<const unsigned char*>(kTlsPskIdentity.data());
  *identity_bytes = kTlsPskIdentity.size();
  *session = offered;
  return 1;
}

std::string openssl_reason() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace

std::string tls_psk(std::string_view secret) { return hmac_sha256(secret, kTlsPskLabel); }

AgentTls::AgentTls(TlsRole role, std::string_view secret)
    : role_(role),
      psk_(tls_psk(secret)),
      context_(role == TlsRole::agent ? asio::ssl::context::tls_server : asio::ssl::context::tls_client) {
  SSL_CTX* ctx = context_.native_handle();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 || SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    throw std::runtime_error("agent TLS: cannot require TLS 1.3: " + openssl_reason());
  }
  if (owner_index() < 0 || SSL_CTX_set_ex_data(ctx, owner_index(), this) != 1) {
    throw std::runtime_error("agent TLS: cannot attach the key to the context: " + openssl_reason());
  }
  if (SSL_CTX_set_ciphersuites(ctx, kSha256Suites) != 1) {
    throw std::runtime_error("agent TLS: cannot set the cipher suites: " + openssl_reason());
  }
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  if (role == TlsRole::agent) {
    // A stranger's idle connection keeps no 16 KiB record buffers (the controller keeps its
    // own: freeing and allocating them on every record cost it more CPU than they weigh).
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_num_tickets(ctx, 0);  // every connection proves the PSK afresh; no resumption
    SSL_CTX_set_psk_find_session_callback(ctx, find_psk);
  } else {
    SSL_CTX_set_psk_use_session_callback(ctx, use_psk);
  }
}

std::string describe_tls_failure(const std::error_code& error, TlsRole role) {
  const bool agent = role == TlsRole::agent;
  if (error == asio::error::eof || error == asio::ssl::error::stream_truncated || error == asio::error::connection_reset) {
    return agent ? "the peer left during the TLS handshake"
                 : "the agent closed the connection during the TLS handshake (an agent older than protocol 3 speaks "
                   "no TLS; or the agent refused another connection)";
  }
  if (error.category() != asio::error::get_ssl_category()) return error.message();
  const int reason = ERR_GET_REASON(static_cast<unsigned long>(error.value()));
  switch (reason) {
    // OpenSSL answers a PSK binder that does not verify with illegal_parameter (RFC 8446
    // §6.2 names decrypt_error for it; other stacks may send that).
    case SSL_R_SSLV3_ALERT_ILLEGAL_PARAMETER:
    case SSL_R_TLSV1_ALERT_DECRYPT_ERROR:
    case SSL_R_BINDER_DOES_NOT_VERIFY:
      return agent ? "the controller's key is wrong (its secret is not ours: the TLS PSK binder did not verify)"
                   : "the agent refused our key (its secret is not ours: TLS alert " +
                         std::string(reason == SSL_R_TLSV1_ALERT_DECRYPT_ERROR ? "decrypt_error" : "illegal_parameter") +
                         ", the PSK binder did not verify)";
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
    case SSL_R_NO_SHARED_CIPHER:
    case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM:
      return agent ? "the peer offered no orbitbench PSK (TLS handshake failure)"
                   : "the agent found no key for us (TLS handshake_failure alert: not an orbitbench agent of this "
                     "protocol)";
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_HTTP_REQUEST:
    case SSL_R_RECORD_LENGTH_MISMATCH:
      return agent ? "the peer speaks no TLS 1.3 (a controller older than protocol 3, or a stranger)"
                   : "the agent speaks no TLS 1.3 (an agent older than protocol 3, or not an agent)";
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
      return "the peer does not speak TLS 1.3";
    default:
      return "TLS: " + error.message();
  }
}

}  // namespace ob::drivers::agent
