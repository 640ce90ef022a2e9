#pragma once
// The live view's requests and answers (issue 21), apart from sockets so that they can be tested
// and fuzzed alone: GET / (the page), /status.json, /metrics, /events (a stream, served by
// live_server), and the operator's POST /pause, /resume-clock, /abort, /prompt/answer, which
// need `Authorization: Bearer TOKEN`. Requests are parsed by Boost.Beast.
#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange without including it

#include <boost/beast/http.hpp>
#include <string>

#include "bench/live/live_model.hpp"
#include "bench/live/operator_desk.hpp"

namespace ob::bench::live {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

inline constexpr std::size_t kMaxRequestHeaderBytes = 8 * 1024;
inline constexpr std::size_t kMaxRequestBodyBytes = 4 * 1024;

struct RouteContext {
  LiveModel& model;
  OperatorDesk& desk;
  std::string token;     // the operator's; empty: nothing may change (`orbitbench serve`)
  std::string peer;      // "127.0.0.1:53122", for the campaign's record of who acted
};

// Whether `request` asks for the event stream (GET /events), which the server streams itself.
bool wants_event_stream(const HttpRequest& request);
// The answer to every other request. Never throws for anything a client sends.
HttpResponse answer(const HttpRequest& request, RouteContext& context);
// Headers every answer carries: no caching, no sniffing, nothing loaded from elsewhere.
void add_common_headers(boost::beast::http::fields& fields);

}  // namespace ob::bench::live
