#include "bench/live/operator_desk.hpp"

namespace ob::bench::live {

const char* to_string(OperatorAction action) {
  switch (action) {
    case OperatorAction::pause: return "pause";
    case OperatorAction::resume_clock: return "resume-clock";
    case OperatorAction::abort: return "abort";
    case OperatorAction::answer_prompt: return "answer the prompt";
  }
  return "unknown";
}

void OperatorDesk::attach(Handler handler) {
  const std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

void OperatorDesk::detach() {
  const std::lock_guard lock(mutex_);
  handler_ = nullptr;
}

ActionReply OperatorDesk::request(const OperatorRequest& request) {
  const std::lock_guard lock(mutex_);  // held while the runner decides: it never outlives detach()
  if (!handler_) return {409, "no campaign is running here to " + std::string(to_string(request.action))};
  return handler_(request);
}

}  // namespace ob::bench::live
