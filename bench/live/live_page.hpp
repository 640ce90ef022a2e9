#pragma once
// The live page served at `/` (bench/live/live_page.html, compiled in by bench/CMakeLists.txt):
// one HTML file with its style and a small script inline, fed by the `/events` stream.
#include <string>

namespace ob::bench::live {

const std::string& live_page_html();

}  // namespace ob::bench::live
