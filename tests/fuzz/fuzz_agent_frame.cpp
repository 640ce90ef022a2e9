// libFuzzer target: what the GPU agent and its client read off the wire — a frame header, then
// a Request (agent side) or Response (controller side) payload.
#include <cstddef>
#include <cstdint>

#include "drivers/gpu/agent.pb.h"
#include "drivers/gpu/agent_frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace agent = ob::drivers::agent;
  if (size < agent::kFrameHeaderBytes) return 0;
  const auto length = agent::decode_frame_length(data);
  if (!length) return 0;
  const std::size_t available = size - agent::kFrameHeaderBytes;
  const int payload = static_cast<int>(*length < available ? *length : available);
  ob::agent::pb::Request request;
  if (request.ParseFromArray(data + agent::kFrameHeaderBytes, payload)) (void)request.ByteSizeLong();
  ob::agent::pb::Response response;
  if (response.ParseFromArray(data + agent::kFrameHeaderBytes, payload)) (void)response.DebugString();
  return 0;
}
