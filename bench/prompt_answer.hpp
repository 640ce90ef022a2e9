#pragma once
// What counts as an answer to an operator prompt (issue 21), the same from the terminal and
// from the live page: confirm takes yes/y/ok/done/confirm(ed) and records "confirmed"; number
// takes a finite decimal number; text takes up to 1000 printable characters. Surrounding
// blanks are dropped.
#include <optional>
#include <string>

#include "bench/config/campaign_config.hpp"

namespace ob::bench {

// The answer as recorded, or nullopt with `why` saying what is wanted.
std::optional<std::string> prompt_answer_text(const PromptSpec& prompt, const std::string& raw, std::string& why);

}  // namespace ob::bench
