#include "bench/perf/perf_benchmark.hpp"

#include <algorithm>
#include <cstdarg>
#include <fstream>
#include <stdexcept>

namespace ob::bench::perf {

std::string summary_line(const PerfResult& result) {
  char value[64];
  std::snprintf(value, sizeof value, result.value >= 100 ? "%.0f" : "%.3g", result.value);
  std::string line = result.name + ": " + value + " " + result.unit;
  if (result.ratio && !result.peer.empty()) {
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, *result.ratio >= 100 ? "%.0f" : "%.2f", *result.ratio);
    line += "; ratio vs " + result.peer + " " + ratio;
  }
  if (!result.note.empty()) line += " (" + result.note + ")";
  return line;
}

void say(const PerfOptions& options, const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::vfprintf(options.out, format, args);
  va_end(args);
  std::fflush(options.out);
}

double median(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("median of nothing");
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace ob::bench::perf
