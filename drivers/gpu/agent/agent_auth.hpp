#pragma once
// The agent protocol's mutual authentication (agent.proto): HMAC-SHA256 challenge-response over
// a shared secret and two 32-byte nonces, one from each side. Pure functions over byte strings
// (std::string holds bytes, as protobuf's `bytes` does); OpenSSL's libcrypto does the work.
#include <string>
#include <string_view>

namespace ob::drivers::agent {

// kNonceBytes (32) bytes from RAND_bytes. Throws std::runtime_error when the CSPRNG fails.
std::string random_nonce();

// HMAC-SHA256(key, message), 32 bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);

// The agent proves it knows the secret: HMAC(secret, "ob-agent|" + client_nonce + agent_nonce).
std::string agent_proof(std::string_view secret, std::string_view client_nonce, std::string_view agent_nonce);
// The controller proves it: HMAC(secret, "ob-controller|" + agent_nonce + client_nonce).
std::string controller_proof(std::string_view secret, std::string_view agent_nonce, std::string_view client_nonce);

// Constant-time comparison (CRYPTO_memcmp); false for different lengths.
bool proofs_equal(std::string_view expected, std::string_view given);

// Lower-case hex, e.g. for a generated secret written to a file.
std::string to_hex(std::string_view bytes);

// A shared secret must hold at least kMinSecretBytes (32) random bytes (issue 18): a short one
// falls to an offline search of a recorded handshake. Counted by its alphabet — hex holds 4 bits
// a character, base64 6, anything else 8 — and a secret of one repeated character holds none.
inline constexpr double kMinSecretBytes = 32;
double secret_strength_bytes(std::string_view secret);
// Empty when strong enough; else why not and how to make a good one, for the file at `path`.
std::string weak_secret_reason(std::string_view secret, const std::string& path);

}  // namespace ob::drivers::agent
