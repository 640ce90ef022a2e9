#include "bench/prompt_answer.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace ob::bench {
namespace {

constexpr std::size_t kMaxAnswerChars = 1000;

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::optional<std::string> prompt_answer_text(const PromptSpec& prompt, const std::string& raw, std::string& why) {
  const std::string answer = trimmed(raw);
  if (answer.size() > kMaxAnswerChars) {
    why = "an answer of at most 1000 characters, please";
    return std::nullopt;
  }
  if (std::any_of(answer.begin(), answer.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    why = "the answer holds control characters";
    return std::nullopt;
  }
  switch (prompt.expect) {
    case PromptExpect::confirm: {
      const auto word = lower(answer);
      if (word == "yes" || word == "y" || word == "ok" || word == "done" || word == "confirm" || word == "confirmed") {
        return std::string("confirmed");
      }
      why = "'" + answer + "' does not confirm: type yes once it is done";
      return std::nullopt;
    }
    case PromptExpect::number: {
      char* end = nullptr;
      const double value = answer.empty() ? NAN : std::strtod(answer.c_str(), &end);
      if (answer.empty() || end != answer.c_str() + answer.size() || !std::isfinite(value)) {
        why = "'" + answer + "' is not a number";
        return std::nullopt;
      }
      return answer;
    }
    case PromptExpect::text:
      if (answer.empty()) {
        why = "an empty answer: type what is asked";
        return std::nullopt;
      }
      return answer;
  }
  why = "unknown prompt";
  return std::nullopt;
}

}  // namespace ob::bench
