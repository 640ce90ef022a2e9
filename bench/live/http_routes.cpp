#include "bench/live/http_routes.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

#include "bench/live/access_token.hpp"
#include "bench/live/live_page.hpp"

namespace ob::bench::live {
namespace http = boost::beast::http;
namespace {

std::string_view target_path(const HttpRequest& request) {
  const std::string_view target(request.target().data(), request.target().size());
  return target.substr(0, target.find_first_of("?#"));
}

HttpResponse reply(const HttpRequest& request, http::status status, std::string content_type, std::string body) {
  HttpResponse response{status, request.version()};
  response.set(http::field::content_type, content_type);
  add_common_headers(response.base());
  response.keep_alive(request.keep_alive());
  response.body() = request.method() == http::verb::head ? std::string() : std::move(body);
  response.prepare_payload();
  if (request.method() == http::verb::head) response.content_length(body.size());
  return response;
}

HttpResponse text(const HttpRequest& request, http::status status, const std::string& message) {
  return reply(request, status, "text/plain; charset=utf-8", message + "\n");
}

std::string bearer_token(const HttpRequest& request) {
  const auto field = request.find(http::field::authorization);
  if (field == request.end()) return {};
  const std::string_view value(field->value().data(), field->value().size());
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {  // the scheme is case-insensitive (RFC 7235)
    if (std::tolower(static_cast<unsigned char>(value[i])) != std::tolower(static_cast<unsigned char>(kScheme[i]))) return {};
  }
  return std::string(value.substr(kScheme.size()));
}

HttpResponse operator_action(const HttpRequest& request, RouteContext& context, std::string_view path) {
  if (request.method() != http::verb::post) {
    auto response = text(request, http::status::method_not_allowed, std::string(path) + " takes POST");
    response.set(http::field::allow, "POST");
    return response;
  }
  if (!access_token_matches(context.token, bearer_token(request))) {
    auto response = text(request, http::status::unauthorized,
                         context.token.empty() ? "this view is read-only: nothing here can change the campaign"
                                               : "needs the operator's token: Authorization: Bearer TOKEN (printed at start, "
                                                 "and in the file beside the database)");
    response.set(http::field::www_authenticate, "Bearer realm=\"orbitbench\"");
    return response;
  }
  OperatorRequest operator_request;
  operator_request.who = "web " + context.peer;
  if (path == "/prompt/answer") {
    // {"id": "3", "answer": "done"}: the answer a string or a number.
    const auto body = nlohmann::json::parse(request.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("answer")) {
      return text(request, http::status::bad_request, "expected JSON {\"id\": \"…\", \"answer\": \"…\"}");
    }
    const auto& answer = body["answer"];
    if (answer.is_string()) {
      operator_request.answer = answer.get<std::string>();
    } else if (answer.is_number()) {
      operator_request.answer = answer.dump();
    } else {
      return text(request, http::status::bad_request, "the answer must be a string or a number");
    }
    if (body.contains("id")) {
      const auto& id = body["id"];
      if (!id.is_string() && !id.is_number_integer()) return text(request, http::status::bad_request, "the id must be a string");
      operator_request.prompt_id = id.is_string() ? id.get<std::string>() : id.dump();
    }
    operator_request.action = OperatorAction::answer_prompt;
  } else {
    operator_request.action = path == "/pause"          ? OperatorAction::pause
                              : path == "/resume-clock" ? OperatorAction::resume_clock
                                                        : OperatorAction::abort;
  }
  const auto result = context.desk.request(operator_request);
  return text(request, static_cast<http::status>(result.http_status), result.message);
}

}  // namespace

void add_common_headers(http::fields& fields) {
  fields.set(http::field::server, "orbitbench");
  fields.set(http::field::cache_control, "no-store");
  fields.set("X-Content-Type-Options", "nosniff");
  fields.set("Referrer-Policy", "no-referrer");
  // The page's own inline script and style, its own stream, nothing from anywhere else.
  fields.set("Content-Security-Policy",
             "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; "
             "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
}

bool wants_event_stream(const HttpRequest& request) {
  return request.method() == http::verb::get && target_path(request) == "/events";
}

HttpResponse answer(const HttpRequest& request, RouteContext& context) {
  const auto path = target_path(request);
  if (path == "/pause" || path == "/resume-clock" || path == "/abort" || path == "/prompt/answer") {
    return operator_action(request, context, path);
  }
  const bool reads = request.method() == http::verb::get || request.method() == http::verb::head;
  if (path == "/" || path == "/index.html" || path == "/status.json" || path == "/metrics" || path == "/events") {
    if (!reads) {
      auto response = text(request, http::status::method_not_allowed, std::string(path) + " takes GET");
      response.set(http::field::allow, "GET, HEAD");
      return response;
    }
  }
  if (path == "/" || path == "/index.html") return reply(request, http::status::ok, "text/html; charset=utf-8", live_page_html());
  if (path == "/status.json") {
    return reply(request, http::status::ok, "application/json", context.model.snapshot_json().dump(-1, ' ', false,
                                                                                                   nlohmann::json::error_handler_t::replace));
  }
  if (path == "/metrics") return reply(request, http::status::ok, "text/plain; version=0.0.4; charset=utf-8", context.model.metrics_text());
  if (path == "/events") return text(request, http::status::ok, "");  // HEAD: the stream's headers are the server's
  return text(request, http::status::not_found, "not found: " + std::string(path) +
                                                    " (this server has /, /events, /metrics, /status.json)");
}

}  // namespace ob::bench::live
