#pragma once
// Terminal columns of UTF-8 text: one per code point ("→", "°", "…" are one column each), for
// aligning tables and fitting the progress line.
#include <algorithm>
#include <cstddef>
#include <string>

namespace ob::bench {

inline std::size_t text_columns(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace ob::bench
