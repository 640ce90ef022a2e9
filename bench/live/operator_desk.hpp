#pragma once
// Where the live view's operator actions meet the campaign (issue 21): the HTTP server's thread
// asks, the runner (attached while it runs) decides and acts on its own thread. Nothing here
// touches an instrument: the runner's answer says only whether it took the request.
#include <functional>
#include <mutex>
#include <string>

namespace ob::bench::live {

enum class OperatorAction { pause, resume_clock, abort };

const char* to_string(OperatorAction action);

struct ActionReply {
  int http_status = 202;  // 202 accepted; 409 not now (nothing running, already held, …)
  std::string message;
};

class OperatorDesk {
 public:
  // `who` says where it came from, for the campaign's record ("web 127.0.0.1").
  using Handler = std::function<ActionReply(OperatorAction action, const std::string& who)>;

  void attach(Handler handler);
  void detach();
  // 409 when no campaign is attached (`orbitbench serve` never attaches one: it is read-only).
  ActionReply request(OperatorAction action, const std::string& who);

 private:
  std::mutex mutex_;
  Handler handler_;
};

}  // namespace ob::bench::live
