#pragma once
// The URI of a simulated lab's GPU agent for a station file written by a test: the lab's agent
// secret goes to a 0600 file in `dir`, named by the URI's secret_file (drivers/gpu/agent_board.hpp).
#include <filesystem>
#include <string>

#include "fixtures/sim_lab.hpp"
#include "temp_dir.hpp"

namespace ob::test {

inline std::string sim_agent_uri(const ob::fixtures::SimLab& lab, const TempDir& dir) {
  const auto secret = dir.write("agent.secret", lab.agent_secret() + "\n");
  std::filesystem::permissions(secret, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return lab.agent_uri() + "?secret_file=" + secret.string();
}

}  // namespace ob::test
