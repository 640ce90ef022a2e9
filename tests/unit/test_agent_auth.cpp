// The agent protocol's HMAC-SHA256 challenge-response (drivers/gpu/agent/agent_auth.hpp).
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

#include "drivers/gpu/agent/agent_auth.hpp"
#include "drivers/gpu/agent_frame.hpp"

namespace agent = ob::drivers::agent;

BOOST_AUTO_TEST_SUITE(agent_auth)

BOOST_AUTO_TEST_CASE(hmac_matches_rfc_4231) {
  // RFC 4231 test case 2.
  BOOST_TEST(agent::to_hex(agent::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

BOOST_AUTO_TEST_CASE(proofs_are_the_documented_hmacs) {
  const std::string client_nonce(agent::kNonceBytes, 'c');
  const std::string agent_nonce(agent::kNonceBytes, 'a');
  BOOST_TEST(agent::agent_proof("s3cret", client_nonce, agent_nonce) ==
             agent::hmac_sha256("s3cret", "ob-agent|" + client_nonce + agent_nonce));
  BOOST_TEST(agent::controller_proof("s3cret", agent_nonce, client_nonce) ==
             agent::hmac_sha256("s3cret", "ob-controller|" + agent_nonce + client_nonce));
  // The two directions differ, so one side's proof cannot be reflected back as the other's.
  BOOST_TEST(agent::agent_proof("s3cret", client_nonce, agent_nonce) !=
             agent::controller_proof("s3cret", client_nonce, agent_nonce));
  BOOST_TEST(agent::agent_proof("s3cret", client_nonce, agent_nonce).size() == 32u);
}

BOOST_AUTO_TEST_CASE(wrong_secret_or_nonce_fails_the_check) {
  const std::string client_nonce = agent::random_nonce();
  const std::string agent_nonce = agent::random_nonce();
  const std::string good = agent::controller_proof("right", agent_nonce, client_nonce);
  BOOST_TEST(agent::proofs_equal(good, agent::controller_proof("right", agent_nonce, client_nonce)));
  BOOST_TEST(!agent::proofs_equal(good, agent::controller_proof("wrong", agent_nonce, client_nonce)));
  // A proof recorded for one agent nonce is useless for another (replay on a new connection).
  BOOST_TEST(!agent::proofs_equal(agent::controller_proof("right", agent::random_nonce(), client_nonce), good));
  BOOST_TEST(!agent::proofs_equal(good, good.substr(0, 31)));
  BOOST_TEST(!agent::proofs_equal(good, ""));
  BOOST_TEST(!agent::proofs_equal("", ""));
  std::string flipped = good;
  flipped[31] = static_cast<char>(flipped[31] ^ 1);
  BOOST_TEST(!agent::proofs_equal(good, flipped));
}

BOOST_AUTO_TEST_CASE(nonces_are_fresh_random_32_bytes) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string nonce = agent::random_nonce();
    BOOST_TEST(nonce.size() == agent::kNonceBytes);
    seen.insert(nonce);
  }
  BOOST_TEST(seen.size() == 100u);
  BOOST_TEST(agent::to_hex(std::string("\x00\xff\x10", 3)) == "00ff10");
}

BOOST_AUTO_TEST_SUITE_END()

// Secrets shorter than 32 random bytes are refused (issue 18 item 3), counted by their alphabet.
BOOST_AUTO_TEST_CASE(a_secret_needs_32_random_bytes_by_its_alphabet) {
  namespace agent = ob::drivers::agent;
  BOOST_TEST(agent::secret_strength_bytes(std::string(64, 'a')) == 0);  // one repeated character
  BOOST_TEST(agent::secret_strength_bytes("") == 0);
  const std::string hex64 = agent::to_hex(agent::random_nonce());  // what the sim lab and gpu-check write
  BOOST_TEST(hex64.size() == 64u);
  BOOST_TEST(agent::secret_strength_bytes(hex64) == 32);
  BOOST_TEST(agent::weak_secret_reason(hex64, "f").empty());
  BOOST_TEST(!agent::weak_secret_reason(hex64.substr(0, 62), "f").empty());  // 31 bytes of hex
  BOOST_TEST(agent::secret_strength_bytes("q2xTj3rV9a1lZ8kB0cYw5nR4mP7sD6fG1hJ2kL3zX4y=") == 33);  // base64: 44 × 6 bits
  BOOST_TEST(agent::secret_strength_bytes("correct horse battery staple!!!") == 31);  // 8 bits a character
  const auto why = agent::weak_secret_reason("hunter2", "/etc/ob/agent.secret");
  BOOST_TEST(why.find("/etc/ob/agent.secret holds about 5 bytes") != std::string::npos, why);
  BOOST_TEST(why.find("openssl rand -hex 32 > /etc/ob/agent.secret") != std::string::npos, why);
}
