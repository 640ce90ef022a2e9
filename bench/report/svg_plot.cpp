#include "bench/report/svg_plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace ob::bench::report {
namespace {

constexpr std::array<const char*, 8> kColours = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                                 "#9467bd", "#8c564b", "#e377c2", "#17becf"};
constexpr int kLeft = 64;
constexpr int kRight = 16;
constexpr int kTop = 30;
constexpr int kBottom = 42;
constexpr double kHatchSpacingPx = 8;
constexpr const char* kHatchColour = "#e65100";

// A span hatched with 45° lines, each clipped to the rectangle by hand: a pattern would need
// fill="url(#…)", and the report references nothing.
std::string hatched_rect(const std::string& attributes, double x0, double y0, double width, double height) {
  char text[256];
  std::snprintf(text, sizeof text,
                "><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.08\"/>",
                x0, y0, width, height, kHatchColour);
  std::string out = "<g " + attributes + text;
  out += std::string("<path stroke=\"") + kHatchColour + "\" stroke-opacity=\"0.45\" stroke-width=\"1\" fill=\"none\" d=\"";
  const double x1 = x0 + width;
  const double bottom = y0 + height;
  // The line from (a, bottom) rising to the right reaches the top at a + height.
  // Lines at multiples of the spacing, so that neighbouring spans' hatching lines up.
  for (double a = std::floor((x0 - height) / kHatchSpacingPx) * kHatchSpacingPx; a < x1; a += kHatchSpacingPx) {
    const double from_x = std::max(a, x0);
    const double to_x = std::min(a + height, x1);
    if (to_x <= from_x) continue;
    std::snprintf(text, sizeof text, "M%.1f %.1fL%.1f %.1f", from_x, bottom - (from_x - a), to_x, bottom - (to_x - a));
    out += text;
  }
  return out + "\"/></g>\n";
}

std::string number(double value, const char* format = "%.6g") {
  char text[40];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// About `count` round ticks covering [low, high].
std::vector<double> ticks(double low, double high, int count = 6) {
  const double span = high - low;
  if (!(span > 0)) return {low};
  const double raw = span / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (span / step <= count) break;
  }
  std::vector<double> out;
  for (double tick = std::ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) out.push_back(tick);
  return out;
}

struct Range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double value) {
    if (!std::isfinite(value)) return;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  bool empty() const { return !(low <= high); }
  void pad() {
    if (high - low < 1e-9) {
      low -= 1;
      high += 1;
      return;
    }
    const double margin = (high - low) * 0.05;
    low -= margin;
    high += margin;
  }
};

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_plot(const Plot& plot, int width, int height) {
  Range x_range;
  Range y_range;
  std::size_t points = 0;
  for (const auto& series : plot.series) {
    for (std::size_t i = 0; i < series.x.size() && i < series.y.size(); ++i) {
      if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) continue;
      x_range.add(series.x[i]);
      y_range.add(series.y[i]);
      ++points;
    }
  }
  std::string out = "<figure id=\"" + plot.id + "\" data-series=\"" + std::to_string(plot.series.size()) +
                    "\" data-points=\"" + std::to_string(points) + "\">\n";
  if (points == 0) {
    return out + "<p class=\"empty\">" + html_escape(plot.title) + ": no data recorded</p></figure>\n";
  }
  if (x_range.high - x_range.low < 1e-12) x_range.pad();
  y_range.pad();
  const double plot_w = width - kLeft - kRight;
  const double plot_h = height - kTop - kBottom;
  auto sx = [&](double x) { return kLeft + (x - x_range.low) / (x_range.high - x_range.low) * plot_w; };
  auto sy = [&](double y) { return kTop + plot_h - (y - y_range.low) / (y_range.high - y_range.low) * plot_h; };

  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) + "\" role=\"img\">\n";
  out += "<title>" + html_escape(plot.title) + "</title>\n";
  out += "<text x=\"" + std::to_string(kLeft) + "\" y=\"18\" class=\"title\">" + html_escape(plot.title) + "</text>\n";
  for (const auto& span : plot.shaded) {
    const double from = std::max(span.from, x_range.low);
    const double to = std::min(span.to, x_range.high);
    if (to <= from) continue;
    out += "<rect class=\"shade\" x=\"" + number(sx(from), "%.1f") + "\" y=\"" + std::to_string(kTop) + "\" width=\"" +
           number(sx(to) - sx(from), "%.1f") + "\" height=\"" + number(plot_h, "%.1f") + "\" fill=\"#000\" fill-opacity=\"0.09\"/>\n";
  }
  std::size_t hatched_drawn = 0;
  for (const auto& span : plot.hatched) {
    const double from = std::max(span.from, x_range.low);
    const double to = std::min(span.to, x_range.high);
    if (to <= from) continue;
    out += hatched_rect("class=\"hatch\" data-label=\"" + html_escape(plot.hatched_label) + "\"", sx(from), kTop, sx(to) - sx(from),
                        plot_h);
    ++hatched_drawn;
  }
  // Axes, grid and ticks.
  out += "<g class=\"axes\" stroke=\"#999\" stroke-width=\"0.5\" font-size=\"11\">\n";
  for (double tick : ticks(y_range.low, y_range.high)) {
    const auto y = number(sy(tick), "%.1f");
    out += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + number(kLeft + plot_w, "%.1f") + "\" y1=\"" + y + "\" y2=\"" + y +
           "\" stroke=\"#e4e4e4\"/><text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + y +
           "\" text-anchor=\"end\" dominant-baseline=\"middle\" stroke=\"none\" fill=\"#333\">" + number(tick) + "</text>\n";
  }
  for (double tick : ticks(x_range.low, x_range.high)) {
    const auto x = number(sx(tick), "%.1f");
    out += "<line x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + number(kTop + plot_h, "%.1f") + "\" y2=\"" + number(kTop + plot_h + 4, "%.1f") +
           "\"/><text x=\"" + x + "\" y=\"" + number(kTop + plot_h + 16, "%.1f") +
           "\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333\">" + number(tick) + "</text>\n";
  }
  out += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kTop) + "\" width=\"" + number(plot_w, "%.1f") +
         "\" height=\"" + number(plot_h, "%.1f") + "\" fill=\"none\" stroke=\"#666\"/>\n";
  out += "<text x=\"" + number(kLeft + plot_w / 2, "%.1f") + "\" y=\"" + std::to_string(height - 6) +
         "\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333\">" + html_escape(plot.x_label) + "</text>\n";
  out += "<text transform=\"translate(14," + number(kTop + plot_h / 2, "%.1f") +
         ") rotate(-90)\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333\">" + html_escape(plot.y_label) + "</text>\n</g>\n";
  // Data.
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    const auto& series = plot.series[s];
    const char* colour = kColours[s % kColours.size()];
    out += "<g class=\"series\" data-name=\"" + html_escape(series.name) + "\">";
    if (series.points) {
      for (std::size_t i = 0; i < series.x.size() && i < series.y.size(); ++i) {
        if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) continue;
        out += "<circle cx=\"" + number(sx(series.x[i]), "%.1f") + "\" cy=\"" + number(sy(series.y[i]), "%.1f") +
               "\" r=\"1.6\" fill=\"" + colour + "\" fill-opacity=\"0.6\"/>";
      }
    } else {
      out += "<polyline fill=\"none\" stroke=\"" + std::string(colour) + "\" stroke-width=\"1.3\" points=\"";
      for (std::size_t i = 0; i < series.x.size() && i < series.y.size(); ++i) {
        if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) continue;
        out += number(sx(series.x[i]), "%.1f") + "," + number(sy(series.y[i]), "%.1f") + " ";
      }
      out += "\"/>";
    }
    out += "</g>\n";
  }
  // Legend.
  double legend_x = kLeft + 8;
  const double legend_y = kTop + 12;
  auto legend = [&](const std::string& name, const std::string& swatch) {
    out += swatch + "<text x=\"" + number(legend_x + 14, "%.1f") + "\" y=\"" + number(legend_y + 4, "%.1f") +
           "\" font-size=\"11\" fill=\"#222\">" + html_escape(name) + "</text>\n";
    legend_x += 24 + 6.5 * static_cast<double>(name.size());
  };
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    legend(plot.series[s].name, "<rect x=\"" + number(legend_x, "%.1f") + "\" y=\"" + number(legend_y - 2, "%.1f") +
                                    "\" width=\"10\" height=\"4\" fill=\"" + kColours[s % kColours.size()] + "\"/>");
  }
  if (!plot.shaded.empty() && !plot.shaded_label.empty()) {
    legend(plot.shaded_label, "<rect x=\"" + number(legend_x, "%.1f") + "\" y=\"" + number(legend_y - 5, "%.1f") +
                                  "\" width=\"10\" height=\"10\" fill=\"#000\" fill-opacity=\"0.15\"/>");
  }
  if (hatched_drawn > 0 && !plot.hatched_label.empty()) {
    legend(plot.hatched_label, hatched_rect("class=\"legend-hatch\"", legend_x, legend_y - 5, 10, 10));
  }
  out += "</svg>\n<figcaption>" + html_escape(plot.title) + "</figcaption>\n</figure>\n";
  return out;
}

}  // namespace ob::bench::report
