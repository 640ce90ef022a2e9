// The live view's pieces (issue 21) without a campaign: what the model keeps and sends, its
// Prometheus text, the listen address, the token file, and the answers to requests (the
// operator's token, methods, unknown paths), parsed by Boost.Beast as the server does.
#include <sys/stat.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/live/access_token.hpp"
#include "bench/live/http_routes.hpp"
#include "bench/live/live_model.hpp"
#include "bench/live/live_server.hpp"
#include "bench/live/operator_desk.hpp"
#include "tests/support/temp_dir.hpp"

namespace live = ob::bench::live;
namespace http = boost::beast::http;

namespace {

live::LiveStatus status_at(double campaign_t_s, double tflops) {
  live::LiveStatus status;
  status.state = "running";
  status.phase = "replay 1/1";
  status.campaign_t_s = campaign_t_s;
  status.condition = "eclipse";
  status.chamber_air_c = 24.5;
  status.chamber_target_c = 25.0;
  live::BoardNow board;
  board.name = "board-01";
  board.seen = true;
  board.tflops = tflops;
  board.power_w = 700;
  board.temp_c = 61;
  board.sm_clock_mhz = 1755;
  status.boards.push_back(board);
  return status;
}

// A request as it arrives on the wire, parsed as the server parses it.
live::HttpRequest parse(const std::string& wire) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(wire), ec);
  BOOST_REQUIRE_MESSAGE(!ec, "parse: " + ec.message());
  BOOST_REQUIRE(parser.is_done());
  return parser.release();
}

std::string post(const std::string& path, const std::string& authorization = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\n" + (authorization.empty() ? "" : "Authorization: " + authorization + "\r\n") +
         "Content-Length: 0\r\n\r\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(metrics_follow_prometheus_names_and_escape_labels) {
  live::LiveModel model;
  model.set_identity("leo \"550\"\nshell", "bay\\2", "x.db");
  model.update(status_at(30, 671.5));
  model.add_event({1.0, 30.0, "throttle", "info", "board-01", "SwPowerCap"});
  model.add_event({2.0, 31.0, "interlock", "error", "board-01", "too hot"});
  model.add_tick_lateness_s(0.0004);
  model.add_tick_lateness_s(0.003);
  model.add_tick_lateness_s(2.0);
  const auto text = model.metrics_text();
  BOOST_TEST(text.find("orbitbench_campaign_info{campaign=\"leo \\\"550\\\"\\nshell\",station=\"bay\\\\2\",phase=\"replay 1/1\","
                       "state=\"running\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_board_tflops{board=\"board-01\"} 671.5\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_board_power_watts{board=\"board-01\"} 700\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_board_temperature_celsius{board=\"board-01\"} 61\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_board_sm_clock_hertz{board=\"board-01\"} 1755000000\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_chamber_air_celsius 24.5\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_chamber_target_celsius 25\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_chamber_tracking_error_kelvin -0.5\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_events_total{kind=\"interlock\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_faults_total 1\n") != std::string::npos);
  BOOST_TEST(text.find("# TYPE orbitbench_tick_lateness_seconds histogram\n") != std::string::npos);
  // Cumulative buckets: 0.4 ms in the first, 3 ms by 5 ms, 2 s only in +Inf.
  BOOST_TEST(text.find("orbitbench_tick_lateness_seconds_bucket{le=\"0.0005\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_tick_lateness_seconds_bucket{le=\"0.002\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_tick_lateness_seconds_bucket{le=\"0.005\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_tick_lateness_seconds_bucket{le=\"1\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_tick_lateness_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
  BOOST_TEST(text.find("orbitbench_tick_lateness_seconds_count 3\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(updates_send_only_new_points_and_events_once) {
  // 36 s apart at least: the newest point is replaced until it is that far from the one before.
  live::LiveModel model(3600, 100);
  model.update(status_at(0, 1));
  model.update(status_at(10, 2));
  const auto snapshot = model.snapshot_json();
  BOOST_TEST(snapshot["series"]["board-01/tflops"].size() == 2u);
  BOOST_TEST(snapshot["series"]["eclipse"][0][1].get<double>() == 1.0);
  std::uint64_t points = snapshot["point_cursor"].get<std::uint64_t>();
  std::uint64_t events = snapshot["event_cursor"].get<std::uint64_t>();
  model.update(status_at(20, 3));  // 20 s after the one before the newest: replaces the newest
  model.add_event({1.0, std::nullopt, "phase", "info", "", "reference started"});
  const auto sent = model.events_after(events);
  BOOST_REQUIRE(sent.size() == 1u);
  BOOST_TEST(sent[0]["message"].get<std::string>() == "reference started");
  BOOST_TEST(sent[0]["t_s"].is_null());
  BOOST_TEST(model.events_after(events).empty());
  const auto update = model.update_json(points, events);
  BOOST_TEST(update["points"]["board-01/tflops"].size() == 1u);
  BOOST_TEST(update["points"]["board-01/tflops"][0][0].get<double>() == 20.0);
  BOOST_TEST(model.update_json(points, events)["points"].empty());
  BOOST_TEST(model.snapshot_json()["series"]["board-01/tflops"].size() == 2u);
  model.update(status_at(40, 3));  // 40 s after the one before: kept
  BOOST_TEST(model.snapshot_json()["series"]["board-01/tflops"].size() == 3u);
  // The window: older points go.
  model.update(status_at(5000, 4));
  BOOST_TEST(model.snapshot_json()["series"]["board-01/tflops"].size() == 1u);
}

BOOST_AUTO_TEST_CASE(verdicts_keep_pass_and_fail_and_a_rejudged_one_replaces) {
  live::LiveModel model;
  model.add_verdict({"baseline", "board-01", "throughput_mean_tflops", 670, "TFLOP/s", "pass"});
  model.add_verdict({"baseline", "", "soak_s", 300, "s", "info"});
  model.add_verdict({"baseline", "board-01", "throughput_mean_tflops", 600, "TFLOP/s", "fail"});
  const auto verdicts = model.snapshot_json()["status"]["verdicts"];
  BOOST_REQUIRE(verdicts.size() == 1u);
  BOOST_TEST(verdicts[0]["verdict"].get<std::string>() == "fail");
  BOOST_TEST(model.metrics_text().find("orbitbench_verdicts{verdict=\"fail\"} 1\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(listen_addresses_parse_or_say_why_not) {
  BOOST_TEST(live::parse_listen_address("8080").host == "127.0.0.1");
  BOOST_TEST(live::parse_listen_address("8080").port == 8080);
  BOOST_TEST(live::parse_listen_address("0.0.0.0:0").host == "0.0.0.0");
  BOOST_TEST(live::parse_listen_address("[::1]:7000").host == "::1");
  BOOST_TEST(live::parse_listen_address("[::1]:7000").port == 7000);
  BOOST_CHECK_THROW(live::parse_listen_address("70000"), std::invalid_argument);
  BOOST_CHECK_THROW(live::parse_listen_address("host:"), std::invalid_argument);
  BOOST_CHECK_THROW(live::parse_listen_address(":80"), std::invalid_argument);
  BOOST_CHECK_THROW(live::parse_listen_address("::1:80"), std::invalid_argument);
  BOOST_CHECK_THROW(live::parse_listen_address("[::1]80"), std::invalid_argument);
  BOOST_CHECK_THROW(live::parse_listen_address("8o80"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_token_file_is_the_owners_alone) {
  ob::test::TempDir dir;
  const auto path = live::access_token_path(dir.path() / "bay.db");
  BOOST_TEST(path.filename().string() == "bay.db.live-token");
  const auto token = live::make_access_token();
  BOOST_TEST(token.size() == 32u);
  BOOST_TEST(token != live::make_access_token());
  live::write_access_token(path, token);
  struct stat info {};
  BOOST_REQUIRE(::stat(path.c_str(), &info) == 0);
  BOOST_TEST((info.st_mode & 0777) == 0600u);
  BOOST_TEST(live::access_token_matches(token, token));
  BOOST_TEST(!live::access_token_matches(token, token.substr(1)));
  BOOST_TEST(!live::access_token_matches("", ""));
  BOOST_CHECK_THROW(live::write_access_token(dir.path() / "no" / "such" / "x", token), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(operator_actions_need_the_token) {
  live::LiveModel model;
  live::OperatorDesk desk;
  int paused = 0;
  std::string answered;
  desk.attach([&](const live::OperatorRequest& request) -> live::ActionReply {
    BOOST_TEST(request.who == "web 10.0.0.7:4000");
    if (request.action == live::OperatorAction::pause) ++paused;
    if (request.action == live::OperatorAction::answer_prompt) answered = request.prompt_id + "=" + request.answer;
    return {202, std::string("took ") + live::to_string(request.action)};
  });
  live::RouteContext context{model, desk, "0123456789abcdef0123456789abcdef", "10.0.0.7:4000"};
  BOOST_TEST(static_cast<int>(live::answer(parse(post("/pause")), context).result()) == 401);
  const auto refused = live::answer(parse(post("/pause", "Bearer wrong")), context);
  BOOST_TEST(static_cast<int>(refused.result()) == 401);
  BOOST_TEST(std::string(refused[http::field::www_authenticate]) == "Bearer realm=\"orbitbench\"");
  BOOST_TEST(static_cast<int>(live::answer(parse(post("/abort", "Basic 0123456789abcdef0123456789abcdef")), context).result()) ==
             401);
  BOOST_TEST(paused == 0);
  const auto taken = live::answer(parse(post("/pause", "bearer 0123456789abcdef0123456789abcdef")), context);
  BOOST_TEST(static_cast<int>(taken.result()) == 202);
  BOOST_TEST(taken.body() == "took pause\n");
  BOOST_TEST(paused == 1);
  // Prompt answers: JSON {"id", "answer"}, the answer a string or a number.
  const auto answer_with = [&](const std::string& body) {
    const std::string wire = "POST /prompt/answer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer 0123456789abcdef0123456789abcdef\r\n"
                             "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return static_cast<int>(live::answer(parse(wire), context).result());
  };
  BOOST_TEST(answer_with(R"({"id": "3", "answer": "door closed"})") == 202);
  BOOST_TEST(answered == "3=door closed");
  BOOST_TEST(answer_with(R"({"id": 4, "answer": 21.5})") == 202);
  BOOST_TEST(answered == "4=21.5");
  BOOST_TEST(answer_with("not json") == 400);
  BOOST_TEST(answer_with(R"({"id": "3"})") == 400);
  BOOST_TEST(answer_with(R"({"answer": [1]})") == 400);
  BOOST_TEST(answer_with(R"({"id": {}, "answer": "x"})") == 400);
  // GET never acts.
  const auto get = live::answer(parse("GET /pause HTTP/1.1\r\nHost: x\r\n\r\n"), context);
  BOOST_TEST(static_cast<int>(get.result()) == 405);
  BOOST_TEST(std::string(get[http::field::allow]) == "POST");
  desk.detach();
  BOOST_TEST(static_cast<int>(live::answer(parse(post("/pause", "Bearer 0123456789abcdef0123456789abcdef")), context).result()) ==
             409);
  // A read-only view (`orbitbench serve`) has no token: nothing matches it.
  live::RouteContext read_only{model, desk, "", "10.0.0.7:4000"};
  BOOST_TEST(static_cast<int>(live::answer(parse(post("/abort", "Bearer ")), read_only).result()) == 401);
}

BOOST_AUTO_TEST_CASE(pages_metrics_and_unknown_paths) {
  live::LiveModel model;
  model.update(status_at(30, 671.5));
  live::OperatorDesk desk;
  live::RouteContext context{model, desk, "t", "peer"};
  const auto page = live::answer(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), context);
  BOOST_TEST(static_cast<int>(page.result()) == 200);
  BOOST_TEST(std::string(page[http::field::content_type]) == "text/html; charset=utf-8");
  BOOST_TEST(std::string(page["Content-Security-Policy"]).find("default-src 'none'") == 0u);
  BOOST_TEST(page.body().find("EventSource") != std::string::npos);
  const auto metrics = live::answer(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), context);
  BOOST_TEST(std::string(metrics[http::field::content_type]) == "text/plain; version=0.0.4; charset=utf-8");
  BOOST_TEST(metrics.body().find("orbitbench_board_tflops{board=\"board-01\"} 671.5") != std::string::npos);
  const auto status = live::answer(parse("GET /status.json?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"), context);
  BOOST_TEST(nlohmann::json::parse(status.body())["status"]["boards"][0]["tflops"].get<double>() == 671.5);
  const auto head = live::answer(parse("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), context);
  BOOST_TEST(head.body().empty());
  BOOST_TEST(std::stoul(std::string(head[http::field::content_length])) == metrics.body().size());
  BOOST_TEST(static_cast<int>(live::answer(parse("GET /etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"), context).result()) == 404);
  BOOST_TEST(static_cast<int>(live::answer(parse(post("/metrics")), context).result()) == 405);
  BOOST_TEST(live::wants_event_stream(parse("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")));
  BOOST_TEST(!live::wants_event_stream(parse(post("/events"))));
}
