#include "drivers/gpu/agent/agent_auth.hpp"

#include <cstdio>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdexcept>

#include "drivers/gpu/agent_frame.hpp"

namespace ob::drivers::agent {
namespace {

constexpr std::string_view kAgentLabel = "ob-agent|";
constexpr std::string_view kControllerLabel = "ob-controller|";

}  // namespace

std::string random_nonce() {
  std::string nonce(kNonceBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), static_cast<int>(nonce.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: no random nonce");
  }
  return nonce;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_bytes = 0;
  const unsigned char* done =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), digest, &digest_bytes);
  if (done == nullptr) throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(digest), digest_bytes);
}

std::string agent_proof(std::string_view secret, std::string_view client_nonce, std::string_view agent_nonce) {
  std::string message(kAgentLabel);
  message.append(client_nonce);
  message.append(agent_nonce);
  return hmac_sha256(secret, message);
}

std::string controller_proof(std::string_view secret, std::string_view agent_nonce, std::string_view client_nonce) {
  std::string message(kControllerLabel);
  message.append(agent_nonce);
  message.append(client_nonce);
  return hmac_sha256(secret, message);
}

bool proofs_equal(std::string_view expected, std::string_view given) {
  if (expected.size() != given.size() || expected.empty()) return false;
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    out.push_back(kDigits[value >> 4]);
    out.push_back(kDigits[value & 0xf]);
  }
  return out;
}

double secret_strength_bytes(std::string_view secret) {
  if (secret.empty() || secret.find_first_not_of(secret.front()) == std::string_view::npos) return 0;
  constexpr std::string_view kHex = "0123456789abcdefABCDEF";
  constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_";
  const double size = static_cast<double>(secret.size());
  if (secret.find_first_not_of(kHex) == std::string_view::npos) return size / 2;
  if (secret.find_first_not_of(kBase64) == std::string_view::npos) return size * 6 / 8;
  return size;
}

std::string weak_secret_reason(std::string_view secret, const std::string& path) {
  const double strength = secret_strength_bytes(secret);
  if (strength >= kMinSecretBytes) return {};
  char held[64];
  std::snprintf(held, sizeof held, "%.0f", strength);
  return "the secret in " + path + " holds about " + held + " bytes; at least 32 random bytes are needed (a short one " +
         "can be found offline from one recorded login). Make one with: head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > " +
         path + " && chmod 600 " + path + "   (or: openssl rand -hex 32 > " + path + ")";
}

}  // namespace ob::drivers::agent
