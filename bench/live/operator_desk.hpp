#pragma once
// Where the live view's operator actions meet the campaign (issue 21): the HTTP server's thread
// asks, the runner (attached while it runs) decides and acts on its own thread. Nothing here
// touches an instrument: the runner's answer says only whether it took the request.
#include <functional>
#include <mutex>
#include <string>

namespace ob::bench::live {

enum class OperatorAction { pause, resume_clock, abort, answer_prompt };

const char* to_string(OperatorAction action);

struct ActionReply {
  int http_status = 202;  // 202 accepted; 409 not now (nothing running, already held, …)
  std::string message;
};

struct OperatorRequest {
  OperatorAction action = OperatorAction::pause;
  std::string who;        // where it came from, for the campaign's record ("web 127.0.0.1:53122")
  std::string prompt_id;  // answer_prompt: the prompt answered (empty: the one pending)
  std::string answer;     // answer_prompt: as typed
};

class OperatorDesk {
 public:
  using Handler = std::function<ActionReply(const OperatorRequest& request)>;

  void attach(Handler handler);
  void detach();
  // 409 when no campaign is attached (`orbitbench serve` never attaches one: it is read-only).
  ActionReply request(const OperatorRequest& request);

 private:
  std::mutex mutex_;
  Handler handler_;
};

}  // namespace ob::bench::live
