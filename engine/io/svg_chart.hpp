// SVG charts a person can open or paste into a memo: panels of time series over calendar months,
// with labelled axes, dates on the x axis, a legend beside each panel (never over the data),
// line styles as a second cue beside colour, optional shaded bands (for uncertainty), shaded
// windows and labelled vertical marks for what happens when (lever windows, elections, shocks)
// and a caption line for provenance; and horizontal bar charts with error bars (sensitivity
// indices, policies). Self-contained SVG: no scripts, no external fonts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/calendar.hpp"

namespace steppe {

struct ChartSeries {
  std::string label;           // legend text, e.g. "CHN coercion" or "CHN coercion (B)"
  std::vector<double> values;  // one per date
  int color = 0;               // index into a fixed colour-blind-safe palette
  int dash = 0;                // 0 solid, else an index into a few dash patterns (wrapping)
  // A shaded band (e.g. the 5–95% interval) drawn under the line; empty for none.
  std::vector<double> band_lower;
  std::vector<double> band_upper;
};

struct ChartPanel {
  std::string title;    // e.g. "Autonomy"
  std::string y_label;  // e.g. "share (0-1)"
  double y_min = 0;     // the y axis range; y_max <= y_min means "fit the data"
  double y_max = 1;
  std::vector<ChartSeries> series;
};

// A vertical line across every panel at one date, e.g. an election, a shock or where a wargame
// turn begins.
struct ChartMarker {
  std::size_t date = 0;  // index into Chart::dates
  std::string label;     // short, drawn above the plot at the line
};

// A shaded stretch of dates across every panel, e.g. a lever window or pulse.
struct ChartSpan {
  std::size_t from = 0;  // indices into Chart::dates, both included
  std::size_t to = 0;
  std::string label;  // short, drawn above the plot where the stretch begins
};

struct Chart {
  std::string title;
  std::string subtitle;          // e.g. what was changed: "with USA.air_link=1"
  std::string caption;           // a small line under the panels, e.g. seed and version
  std::vector<YearMonth> dates;  // the x axis, one per value
  // Instead of dates, an x axis of labelled steps, each shown (e.g. "512" base rows of a
  // convergence chart), titled `x_title`.
  std::vector<std::string> x_labels;
  std::string x_title;
  std::vector<ChartPanel> panels;  // laid out in a grid, two per row
  std::vector<ChartMarker> markers;
  std::vector<ChartSpan> spans;

  std::size_t points() const { return x_labels.empty() ? dates.size() : x_labels.size(); }
};

std::string render_svg(const Chart& chart);

// Horizontal bar charts for sensitivity indices and policy comparisons: one row per item (a
// factor, a policy), one bar per series (S1 and ST; the mean), each with an optional error bar.
struct BarRow {
  std::string label;
  std::vector<double> values;  // one per series
  std::vector<double> errors;  // half-widths, one per series; empty for none
};

struct BarChart {
  std::string title;
  std::string subtitle;
  std::string x_label;
  std::vector<std::string> series;  // legend, in bar order within a row
  std::vector<BarRow> rows;         // top to bottom
};

std::string render_bar_svg(const BarChart& chart);

// Ticks at round numbers covering [lo, hi] (3 to 7 of them), and the decimals that print them,
// for charts drawn elsewhere (engine/io/waterfall_chart.hpp).
struct AxisTicks {
  std::vector<double> values;
  int decimals = 0;
};
AxisTicks axis_ticks(double lo, double hi);

// Text made safe inside XML and HTML (&, <, >, quotes).
std::string escape_xml(std::string_view text);

}  // namespace steppe
