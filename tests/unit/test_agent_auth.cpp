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
