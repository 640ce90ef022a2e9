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
// Dash patterns, in step with the colours' order shifted, so that two series never share both.
constexpr std::array<const char*, 5> kDashes = {"", "7 3", "2 2", "9 3 2 3", "4 4"};
constexpr int kLeft = 64;
constexpr int kRight = 104;  // room for each line's name at its end
constexpr double kEndLabelGapPx = 11;  // end labels stacked at least this far apart
constexpr int kTop = 48;     // the title, then the legend's row, above the plot area
constexpr int kBottom = 42;
constexpr int kLegendY = 34;
constexpr std::size_t kFewPoints = 12;  // a line this short shows its points too
constexpr double kMinRelativeSpan = 0.05;  // a flat series' axis spans at least 5 % of its value
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
  // At least `fraction` of the values' magnitude: 33.91 … 33.96 is shown flat, not as a cliff.
  void widen_to(double fraction) {
    const double needed = fraction * std::max(std::fabs(low), std::fabs(high));
    if (high - low >= needed) return;
    const double middle = (low + high) / 2;
    low = middle - needed / 2;
    high = middle + needed / 2;
  }
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
  if (x_range.high - x_range.low < 1e-12) {  // one x (one orbit): the point in the middle of a unit span
    x_range.low -= 0.5;
    x_range.high += 0.5;
  }
  y_range.widen_to(kMinRelativeSpan);
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
  auto x_ticks = ticks(x_range.low, x_range.high);
  if (plot.x_integers) {
    std::vector<double> whole;
    for (double tick = std::ceil(x_range.low); tick <= x_range.high; tick += std::max(1.0, std::ceil((x_range.high - x_range.low) / 8))) {
      whole.push_back(tick);
    }
    x_ticks = whole;
  }
  for (double tick : x_ticks) {
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
  // Data: colour and dash pattern per series, the name at each line's end.
  auto dash_of = [](std::size_t s) { return kDashes[(s / kColours.size() + s) % kDashes.size()]; };
  struct EndLabel {
    double x;
    double y;
    std::size_t series;
  };
  std::vector<EndLabel> end_labels;
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    const auto& series = plot.series[s];
    const char* colour = kColours[s % kColours.size()];
    out += "<g class=\"series\" data-name=\"" + html_escape(series.name) + "\">";
    std::size_t shown = 0;
    double last_x = 0;
    double last_y = 0;
    for (std::size_t i = 0; i < series.x.size() && i < series.y.size(); ++i) {
      if (std::isfinite(series.x[i]) && std::isfinite(series.y[i])) ++shown;
    }
    if (!series.points) {
      const std::string dash = dash_of(s);
      out += "<polyline fill=\"none\" stroke=\"" + std::string(colour) + "\" stroke-width=\"1.4\"" +
             (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + " points=\"";
      for (std::size_t i = 0; i < series.x.size() && i < series.y.size(); ++i) {
        if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) continue;
        out += number(sx(series.x[i]), "%.1f") + "," + number(sy(series.y[i]), "%.1f") + " ";
        last_x = series.x[i];
        last_y = series.y[i];
      }
      out += "\"/>";
    }
    if (series.points || shown <= kFewPoints) {
      const char* radius = series.points ? "1.6" : "3";
      for (std::size_t i = 0; i < series.x.size() && i < series.y.size(); ++i) {
        if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) continue;
        out += "<circle cx=\"" + number(sx(series.x[i]), "%.1f") + "\" cy=\"" + number(sy(series.y[i]), "%.1f") + "\" r=\"" +
               radius + "\" fill=\"" + colour + "\" fill-opacity=\"" + (series.points ? "0.6" : "1") + "\"/>";
      }
    }
    if (!series.points && plot.series.size() > 1 && shown > 0) end_labels.push_back({sx(last_x) + 5, sy(last_y), s});
    out += "</g>\n";
  }
  // Each line's name at its end, moved apart where lines end together (boards a few % apart).
  std::sort(end_labels.begin(), end_labels.end(), [](const EndLabel& a, const EndLabel& b) { return a.y < b.y; });
  for (std::size_t i = 1; i < end_labels.size(); ++i) {
    end_labels[i].y = std::max(end_labels[i].y, end_labels[i - 1].y + kEndLabelGapPx);
  }
  for (const auto& label : end_labels) {
    out += "<text class=\"end-label\" x=\"" + number(label.x, "%.1f") + "\" y=\"" + number(label.y, "%.1f") +
           "\" dominant-baseline=\"middle\" font-size=\"10\" fill=\"" + kColours[label.series % kColours.size()] + "\">" +
           html_escape(plot.series[label.series].name) + "</text>\n";
  }
  // Legend: a row between the title and the plot area, never over the data.
  double legend_x = kLeft;
  const double legend_y = kLegendY;
  auto legend = [&](const std::string& name, const std::string& swatch) {
    out += "<g class=\"legend\">" + swatch + "<text x=\"" + number(legend_x + 22, "%.1f") + "\" y=\"" +
           number(legend_y + 4, "%.1f") + "\" font-size=\"11\" fill=\"#222\">" + html_escape(name) + "</text></g>\n";
    legend_x += 32 + 6.5 * static_cast<double>(name.size());
  };
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    const std::string dash = plot.series[s].points ? std::string() : dash_of(s);
    const char* colour = kColours[s % kColours.size()];
    legend(plot.series[s].name,
           plot.series[s].points
               ? "<circle cx=\"" + number(legend_x + 9, "%.1f") + "\" cy=\"" + number(legend_y, "%.1f") + "\" r=\"3\" fill=\"" +
                     colour + "\"/>"
               : "<line x1=\"" + number(legend_x, "%.1f") + "\" x2=\"" + number(legend_x + 18, "%.1f") + "\" y1=\"" +
                     number(legend_y, "%.1f") + "\" y2=\"" + number(legend_y, "%.1f") + "\" stroke=\"" + colour +
                     "\" stroke-width=\"2\"" + (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>");
  }
  if (!plot.shaded.empty() && !plot.shaded_label.empty()) {
    legend(plot.shaded_label, "<rect x=\"" + number(legend_x, "%.1f") + "\" y=\"" + number(legend_y - 5, "%.1f") +
                                  "\" width=\"10\" height=\"10\" fill=\"#000\" fill-opacity=\"0.15\"/>");
  }
  if (hatched_drawn > 0 && !plot.hatched_label.empty()) {
    legend(plot.hatched_label, hatched_rect("class=\"legend-hatch\"", legend_x, legend_y - 5, 10, 10));
  }
  out += "</svg>\n";
  if (!plot.caption.empty()) out += "<figcaption>" + html_escape(plot.caption) + "</figcaption>\n";
  out += "</figure>\n";
  return out;
}

}  // namespace ob::bench::report
