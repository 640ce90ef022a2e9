#pragma once
// Plots as inline SVG for the HTML report: lines or points on linear axes with ticks, a legend
// above the plot area (never on the data), shaded spans (eclipses) and hatched spans (soaks).
// Series differ in colour and in dash pattern, and each line carries its name at its end; a
// line of a few points shows its points; a nearly flat series gets an axis that shows it flat
// (at least ±2.5 % of its value), not its noise magnified. No script, nothing fetched: the file stands
// alone (the hatch is drawn as lines, not as a pattern referenced by url()).
#include <string>
#include <vector>

namespace ob::bench::report {

struct PlotSeries {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
  bool points = false;  // a scatter instead of a line
};

struct PlotSpan {
  double from = 0;
  double to = 0;
};

struct Plot {
  std::string id;  // the figure's element id
  std::string title;
  std::string caption;  // what the title does not say (how to read it, where the data comes from); none when empty
  std::string x_label;
  std::string y_label;
  bool x_integers = false;  // x counts things (orbits): ticks on whole numbers only
  std::vector<PlotSeries> series;
  std::vector<PlotSpan> shaded;  // drawn under the data
  std::string shaded_label;      // "eclipse"
  std::vector<PlotSpan> hatched;  // drawn under the data, a light fill with diagonal hatching
  std::string hatched_label;      // "soak"
};

// The figure: <figure id=…><svg …>…</svg><figcaption>…</figcaption></figure>. A plot without
// data says so in its figure instead of drawing empty axes.
std::string render_plot(const Plot& plot, int width = 900, int height = 280);

std::string html_escape(const std::string& text);

}  // namespace ob::bench::report
