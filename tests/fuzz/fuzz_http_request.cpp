// libFuzzer target: the live view's requests (issue 21) — bytes parsed by Boost.Beast under the
// server's limits (8 KiB of headers, 4 KiB of body), then answered by its routes with a model
// that holds a campaign, and an operator desk that takes every action.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>

#include "bench/live/http_routes.hpp"
#include "bench/live/live_model.hpp"
#include "bench/live/operator_desk.hpp"

namespace {

ob::bench::live::LiveModel& model() {
  static ob::bench::live::LiveModel* const model = [] {
    auto* m = new ob::bench::live::LiveModel;
    ob::bench::live::LiveStatus status;
    status.phase = "replay 1/1";
    status.chamber_air_c = 25;
    ob::bench::live::BoardNow board;
    board.name = "board-01";
    board.seen = true;
    status.boards.push_back(board);
    m->update(status);
    m->add_event({1, 2.0, "throttle", "info", "board-01", "SwPowerCap \xff"});
    return m;
  }();
  return *model;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  static ob::bench::live::OperatorDesk desk;
  static const bool attached = [] {
    desk.attach([](const ob::bench::live::OperatorRequest&) { return ob::bench::live::ActionReply{202, "ok"}; });
    return true;
  }();
  (void)attached;
  http::request_parser<http::string_body> parser;
  parser.header_limit(ob::bench::live::kMaxRequestHeaderBytes);
  parser.body_limit(ob::bench::live::kMaxRequestBodyBytes);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;
  const auto request = parser.release();
  ob::bench::live::RouteContext context{model(), desk, "0123456789abcdef0123456789abcdef", "127.0.0.1:1"};
  if (ob::bench::live::wants_event_stream(request)) return 0;
  const auto response = ob::bench::live::answer(request, context);
  (void)response;
  return 0;
}
