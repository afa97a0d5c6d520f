// Draws engine/io/svg_chart.hpp's charts: the layout of a grid of panels with their legends and
// timeline labels, the axes, and the series, bands, windows and marks in each plot.
#include "engine/io/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "engine/text.hpp"

namespace steppe {
namespace {

// Okabe–Ito: distinguishable with the common forms of colour blindness.
constexpr std::array<const char*, 8> kPalette = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                 "#E69F00", "#56B4E9", "#F0E442", "#000000"};

// Dash patterns beside the solid line: a second cue after colour (the sides of a comparison
// differ by colour, the actors within a side by dash).
constexpr std::array<const char*, 4> kDashPatterns = {"6 4", "2 3", "8 3 2 3", "12 4"};

// Layout, in px. Each panel owns a cell; the plot sits inside the cell's margins, which hold the
// panel title and the timeline labels (top), the y tick labels and rotated y label (left), the
// date labels (bottom) and the legend (right: the cell widens by the legend's column).
constexpr double kCellWidth = 520;
constexpr double kCellHeight = 300;
constexpr double kHeaderHeight = 64;
constexpr double kBottomPadding = 8;
constexpr double kCaptionHeight = 22;
constexpr double kMarginLeft = 68;
constexpr double kMarginRight = 32;  // half a date label sticks out past the last tick
constexpr double kMarginTop = 34;
constexpr double kMarginBottom = 46;
constexpr int kColumns = 2;

constexpr double kTickFontSize = 11;
// At most this many steps between y ticks: 3 to 7 ticks with the nice steps below.
constexpr double kMaxYSteps = 6;
// Room per date label ("2025-01" is about 45 px at the tick font size) plus a gap.
constexpr double kDateLabelSpacing = 70;
// Fitted y ranges get this fraction of the data span as air above and below.
constexpr double kFitPadding = 0.05;

constexpr double kLegendFontSize = 11;
constexpr double kLegendRowHeight = 16;
constexpr double kLegendSample = 22;
constexpr double kLegendGap = 28;  // from the plot's right edge: room for half the last date label

// Labels of windows and marks sit in rows above the plot, a new row where they would overlap;
// past the last row they overlap rather than push the panels apart.
constexpr double kTimelineFontSize = 10;
constexpr double kTimelineRowHeight = 12;
constexpr int kMaxTimelineRows = 4;

std::string num(double value) { return fmt::format("{:.2f}", value); }

// A rough width for layout: sans-serif glyphs average about 0.6 em.
double text_width(std::string_view text, double font_size) {
  return static_cast<double>(utf8_length(text)) * 0.6 * font_size;
}

template <std::size_t N>
const char* cycled(const std::array<const char*, N>& items, int index) {
  const int size = static_cast<int>(N);
  return items[static_cast<std::size_t>((index % size + size) % size)];
}

const char* palette_color(int index) { return cycled(kPalette, index); }

// --- y axis --------------------------------------------------------------------------------

// The multiples in [lo, hi] of the smallest "nice" step (1, 2, 2.5 or 5 times a power of ten)
// that keeps the number of steps within kMaxYSteps, with the decimals that print it exactly.
struct Ticks {
  std::vector<double> values;
  int decimals = 0;
};

Ticks nice_ticks(double lo, double hi) {
  const double raw = (hi - lo) / kMaxYSteps;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (const double factor : {1.0, 2.0, 2.5, 5.0}) {
    if (factor * magnitude >= raw) {
      step = factor * magnitude;
      break;
    }
  }
  Ticks ticks;
  while (ticks.decimals < 6) {
    const double scaled = step * std::pow(10.0, ticks.decimals);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * scaled) break;
    ++ticks.decimals;
  }
  // A small tolerance keeps ticks that sit on the range ends despite rounding.
  const double epsilon = step * 1e-9;
  for (double k = std::ceil((lo - epsilon) / step); k * step <= hi + epsilon; ++k) {
    ticks.values.push_back(k * step + 0.0);  // + 0.0 turns -0 into 0, so no "-0.0" label
  }
  return ticks;
}

struct Range {
  double lo = 0;
  double hi = 1;
};

// The panel's fixed range, or the span of its finite values and band edges plus some air. A
// flat series gets a span around its value; a panel without finite data gets 0..1.
Range y_range(const ChartPanel& panel) {
  if (panel.y_max > panel.y_min) return {panel.y_min, panel.y_max};
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  const auto include = [&](const std::vector<double>& values) {
    for (const double v : values) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  };
  for (const ChartSeries& series : panel.series) {
    include(series.values);
    include(series.band_lower);
    include(series.band_upper);
  }
  if (lo > hi) return {0, 1};
  if (lo == hi) {
    const double half = lo == 0 ? 1 : std::abs(lo) * 0.1;
    return {lo - half, hi + half};
  }
  const double pad = (hi - lo) * kFitPadding;
  return {lo - pad, hi + pad};
}

// --- coordinates ---------------------------------------------------------------------------

// The plot rectangle of one panel and the mapping from (date index, value) to pixels.
struct Plot {
  double left = 0;
  double top = 0;
  double width = 0;
  double height = 0;
  Range y;
  std::size_t count = 0;  // number of dates

  double right() const { return left + width; }
  double bottom() const { return top + height; }
  double x(std::size_t index) const {
    if (count < 2) return left + width / 2;
    return left + width * static_cast<double>(index) / static_cast<double>(count - 1);
  }
  double y_of(double value) const { return bottom() - height * (value - y.lo) / (y.hi - y.lo); }
};

// Maximal runs [first, last] of indices where `finite(i)` holds; gaps split lines and bands.
template <typename Predicate>
std::vector<std::pair<std::size_t, std::size_t>> finite_runs(std::size_t count, Predicate finite) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  for (std::size_t i = 0; i < count; ++i) {
    if (!finite(i)) continue;
    if (!runs.empty() && runs.back().second + 1 == i) {
      runs.back().second = i;
    } else {
      runs.emplace_back(i, i);
    }
  }
  return runs;
}

// --- x axis --------------------------------------------------------------------------------

// Indices of the dates that get a label: calendar-aligned (quarters, half-years, Januaries every
// few years counted from the first January) at the smallest interval whose labels fit. The first
// date is labelled when no date is aligned.
std::vector<std::size_t> date_ticks(const std::vector<YearMonth>& dates, double width) {
  const int span = std::max(1, months_between(dates.front(), dates.back()) + 1);
  const int max_labels = std::max(2, static_cast<int>(width / kDateLabelSpacing));
  int interval = 1;
  for (const int candidate : {1, 3, 6, 12, 24, 60, 120, 240, 600, 1200}) {
    interval = candidate;
    if ((span + candidate - 1) / candidate <= max_labels) break;
  }
  const YearMonth& first = dates.front();
  const int anchor = interval < 12 ? 0 : (first.month == 1 ? first : YearMonth{first.year + 1, 1}).index();
  std::vector<std::size_t> ticks;
  for (std::size_t i = 0; i < dates.size(); ++i) {
    const int offset = dates[i].index() - anchor;
    if (offset >= 0 && offset % interval == 0) ticks.push_back(i);
  }
  if (ticks.empty()) ticks.push_back(0);
  return ticks;
}

// --- validation ----------------------------------------------------------------------------

void validate(const Chart& chart) {
  const std::size_t dates = chart.points();
  for (const ChartMarker& marker : chart.markers)
    if (marker.date >= dates)
      throw std::invalid_argument(
          fmt::format("render_svg: marker '{}' at date {} of {}", marker.label, marker.date, dates));
  for (const ChartSpan& span : chart.spans)
    if (span.from > span.to || span.to >= dates)
      throw std::invalid_argument(
          fmt::format("render_svg: span '{}' from date {} to {} of {}", span.label, span.from, span.to, dates));
  for (const ChartPanel& panel : chart.panels) {
    for (const ChartSeries& series : panel.series) {
      const auto where = fmt::format("render_svg: series '{}' in panel '{}'", series.label, panel.title);
      if (series.values.size() != dates) {
        throw std::invalid_argument(
            fmt::format("{} has {} values but the chart has {} dates", where, series.values.size(), dates));
      }
      const bool has_band = !series.band_lower.empty() || !series.band_upper.empty();
      if (has_band && (series.band_lower.size() != dates || series.band_upper.size() != dates)) {
        throw std::invalid_argument(
            fmt::format("{} has a band of {} lower and {} upper values but the chart has {} dates", where,
                        series.band_lower.size(), series.band_upper.size(), dates));
      }
    }
  }
}

// --- drawing -------------------------------------------------------------------------------

using Out = std::back_insert_iterator<std::string>;

constexpr const char* kGridStyle = R"(stroke="#e6e6e6")";
constexpr const char* kAxisLabelStyle = R"(font-size="12" fill="#333" text-anchor="middle")";

// A <text> element; `style` holds its attributes beyond the position. Escaping happens here so
// that no caller can forget it.
void text(Out out, double x, double y, std::string_view style, std::string_view content) {
  fmt::format_to(out,
                 R"(<text x="{}" y="{}" {}>{}</text>)"
                 "\n",
                 num(x), num(y), style, escape_xml(content));
}

void line(Out out, double x1, double y1, double x2, double y2, std::string_view style) {
  fmt::format_to(out,
                 R"(<line x1="{}" y1="{}" x2="{}" y2="{}" {}/>)"
                 "\n",
                 num(x1), num(y1), num(x2), num(y2), style);
}

// Appends "x,y" to the points attribute of a polyline or polygon.
void add_point(std::string& points, double x, double y) {
  if (!points.empty()) points += ' ';
  fmt::format_to(std::back_inserter(points), "{},{}", num(x), num(y));
}

std::string tick_label_style(std::string_view anchor) {
  return fmt::format(R"(font-size="{}" fill="#333" text-anchor="{}")", kTickFontSize, anchor);
}

void draw_y_axis(Out out, const Plot& plot, const std::string& label) {
  const Ticks ticks = nice_ticks(plot.y.lo, plot.y.hi);
  // dy centres the digits on the gridline; dominant-baseline is not SVG 1.1 everywhere.
  const std::string style = tick_label_style("end") + R"( dy="0.35em")";
  for (const double value : ticks.values) {
    const double y = plot.y_of(value);
    line(out, plot.left, y, plot.right(), y, kGridStyle);
    text(out, plot.left - 6, y, style, fmt::format("{:.{}f}", value, ticks.decimals));
  }
  const double x = plot.left - kMarginLeft + 16;
  const double y = plot.top + plot.height / 2;
  const std::string rotated = fmt::format(R"~(transform="rotate(-90 {} {})" {})~", num(x), num(y), kAxisLabelStyle);
  text(out, x, y, rotated, label);
}

void draw_x_axis(Out out, const Plot& plot, const Chart& chart) {
  const std::string style = tick_label_style("middle");
  std::vector<std::size_t> ticks(chart.x_labels.size());
  std::iota(ticks.begin(), ticks.end(), std::size_t{0});
  if (chart.x_labels.empty()) ticks = date_ticks(chart.dates, plot.width);
  for (const std::size_t index : ticks) {
    const double x = plot.x(index);
    line(out, x, plot.top, x, plot.bottom(), kGridStyle);
    line(out, x, plot.bottom(), x, plot.bottom() + 4, R"(stroke="#666")");
    text(out, x, plot.bottom() + 17, style,
         chart.x_labels.empty() ? chart.dates[index].to_string() : chart.x_labels[index]);
  }
  text(out, plot.left + plot.width / 2, plot.bottom() + 36, kAxisLabelStyle,
       chart.x_labels.empty() ? "date" : chart.x_title);
}

void draw_band(Out out, const Plot& plot, const ChartSeries& series) {
  const auto runs = finite_runs(series.band_lower.size(), [&](std::size_t i) {
    return std::isfinite(series.band_lower[i]) && std::isfinite(series.band_upper[i]);
  });
  for (const auto& [first, last] : runs) {
    // Along the lower edge, then back along the upper one.
    std::string points;
    for (std::size_t i = first; i <= last; ++i) {
      add_point(points, plot.x(i), plot.y_of(series.band_lower[i]));
    }
    for (std::size_t i = last + 1; i-- > first;) {
      add_point(points, plot.x(i), plot.y_of(series.band_upper[i]));
    }
    fmt::format_to(out,
                   R"(<polygon fill="{}" fill-opacity="0.2" stroke="none" points="{}"/>)"
                   "\n",
                   palette_color(series.color), points);
  }
}

// The stroke attributes of a series, shared by its line and its legend sample.
std::string stroke_style(const ChartSeries& series) {
  std::string style = fmt::format(R"(stroke="{}" stroke-width="2")", palette_color(series.color));
  if (series.dash != 0) style += fmt::format(R"( stroke-dasharray="{}")", cycled(kDashPatterns, series.dash - 1));
  return style;
}

void draw_series_line(Out out, const Plot& plot, const ChartSeries& series) {
  const auto runs = finite_runs(series.values.size(), [&](std::size_t i) { return std::isfinite(series.values[i]); });
  for (const auto& [first, last] : runs) {
    // A lone value between gaps has no segment to draw; a dot keeps it visible.
    if (first == last) {
      fmt::format_to(out,
                     R"(<circle cx="{}" cy="{}" r="2.5" fill="{}"/>)"
                     "\n",
                     num(plot.x(first)), num(plot.y_of(series.values[first])), palette_color(series.color));
      continue;
    }
    std::string points;
    for (std::size_t i = first; i <= last; ++i) {
      add_point(points, plot.x(i), plot.y_of(series.values[i]));
    }
    fmt::format_to(out,
                   R"(<polyline fill="none" {} stroke-linejoin="round" points="{}"/>)"
                   "\n",
                   stroke_style(series), points);
  }
}

// --- layout --------------------------------------------------------------------------------

constexpr double kPlotWidth = kCellWidth - kMarginLeft - kMarginRight;

// A window's or mark's label above the plot: where it starts (relative to the plot's left edge),
// how wide it is and on which row.
struct TimelineLabel {
  std::string text;
  double x = 0;
  double width = 0;
  int row = 0;
};

// What every panel shares: the cell size, the room above the plot for the timeline labels and
// the legend column beside it.
struct Grid {
  double cell_width = kCellWidth;
  double cell_height = kCellHeight;
  double margin_top = kMarginTop;
  std::vector<TimelineLabel> labels;
};

double legend_width(const ChartPanel& panel) {
  if (panel.series.empty()) return 0;
  double label_width = 0;
  for (const ChartSeries& series : panel.series) {
    label_width = std::max(label_width, text_width(series.label, kLegendFontSize));
  }
  return kLegendGap + 8 + kLegendSample + 6 + label_width + 8;
}

double legend_height(const ChartPanel& panel) {
  return 4 + kLegendRowHeight * static_cast<double>(panel.series.size()) + 4;
}

// Spans' then markers' labels, each on the first row where it overlaps no label before it.
std::vector<TimelineLabel> timeline_labels(const Chart& chart) {
  const Plot plot{0, 0, kPlotWidth, 0, {}, chart.points()};
  std::vector<std::pair<std::size_t, std::string>> dated;
  for (const ChartSpan& span : chart.spans) dated.emplace_back(span.from, span.label);
  for (const ChartMarker& marker : chart.markers) dated.emplace_back(marker.date, marker.label);
  // Left to right, so that a row's last label is its rightmost.
  std::stable_sort(dated.begin(), dated.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<TimelineLabel> labels;
  std::vector<double> row_ends;  // the right end of each row's last label
  for (const auto& [date, text] : dated) {
    TimelineLabel& label = labels.emplace_back(TimelineLabel{.text = text});
    label.width = text_width(text, kTimelineFontSize);
    // Right of its date, moved left as far as it must so as not to run past the cell's edge.
    label.x = std::min(plot.x(date) + 3, plot.right() + kMarginRight - label.width);
    const auto free = std::find_if(row_ends.begin(), row_ends.end(), [&](double end) { return end + 6 <= label.x; });
    if (free != row_ends.end()) {
      label.row = static_cast<int>(free - row_ends.begin());
    } else if (static_cast<int>(row_ends.size()) < kMaxTimelineRows) {
      label.row = static_cast<int>(row_ends.size());
      row_ends.push_back(0);
    } else {
      label.row = static_cast<int>(std::min_element(row_ends.begin(), row_ends.end()) - row_ends.begin());
    }
    row_ends[static_cast<std::size_t>(label.row)] = label.x + label.width;
  }
  return labels;
}

Grid grid_of(const Chart& chart) {
  Grid grid;
  grid.labels = timeline_labels(chart);
  int rows = 0;
  for (const TimelineLabel& label : grid.labels) rows = std::max(rows, label.row + 1);
  grid.margin_top = kMarginTop + kTimelineRowHeight * rows;
  double legend = 0, tallest = 0;
  for (const ChartPanel& panel : chart.panels) {
    legend = std::max(legend, legend_width(panel));
    if (!panel.series.empty()) tallest = std::max(tallest, legend_height(panel));
  }
  grid.cell_width = kCellWidth + std::ceil(legend);  // whole px: a PNG's size is exact
  const double plot_height = std::max(kCellHeight - kMarginTop - kMarginBottom, tallest);
  grid.cell_height = grid.margin_top + plot_height + kMarginBottom;
  return grid;
}

// --- panels --------------------------------------------------------------------------------

// Beside the plot, top-aligned with it, so that it never hides a line.
void draw_legend(Out out, const Plot& plot, const ChartPanel& panel) {
  if (panel.series.empty()) return;
  const double x = plot.right() + kLegendGap;
  const double width = legend_width(panel) - kLegendGap;
  fmt::format_to(out,
                 R"(<rect class="legend" x="{}" y="{}" width="{}" height="{}" rx="3" fill="#ffffff" )"
                 R"(stroke="#cccccc"/>)"
                 "\n",
                 num(x), num(plot.top), num(width), num(legend_height(panel)));
  const std::string label_style = fmt::format(R"(font-size="{}" fill="#222" dy="0.35em")", kLegendFontSize);
  for (std::size_t row = 0; row < panel.series.size(); ++row) {
    const ChartSeries& series = panel.series[row];
    const double y = plot.top + 4 + kLegendRowHeight * (static_cast<double>(row) + 0.5);
    const double sample_x = x + 8;
    line(out, sample_x, y, sample_x + kLegendSample, y, stroke_style(series));
    text(out, sample_x + kLegendSample + 6, y, label_style, series.label);
  }
}

// Windows shaded and marks drawn across the plot, under the data (inside the clip).
void draw_timeline(Out out, const Plot& plot, const Chart& chart) {
  for (const ChartSpan& span : chart.spans) {
    // A one-month window still shows: at least a few px wide.
    const double left = plot.x(span.from), width = std::max(plot.x(span.to) - left, 3.0);
    fmt::format_to(out,
                   R"(<rect class="span" x="{}" y="{}" width="{}" height="{}" fill="#888888" )"
                   R"(fill-opacity="0.15"/>)"
                   "\n",
                   num(left), num(plot.top), num(width), num(plot.height));
  }
  for (const ChartMarker& marker : chart.markers) {
    const double x = plot.x(marker.date);
    fmt::format_to(out,
                   R"(<line class="marker" x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#777" )"
                   R"(stroke-dasharray="2 3"/>)"
                   "\n",
                   num(x), num(plot.top), num(plot.bottom()));
  }
}

void draw_timeline_labels(Out out, const Plot& plot, const Grid& grid) {
  const std::string style = fmt::format(R"(class="timeline" font-size="{}" fill="#555")", kTimelineFontSize);
  for (const TimelineLabel& label : grid.labels)
    text(out, plot.left + label.x, plot.top - 4 - kTimelineRowHeight * label.row, style, label.text);
}

void draw_panel(Out out, const Chart& chart, const Grid& grid, std::size_t index) {
  const ChartPanel& panel = chart.panels[index];
  const double cell_x = grid.cell_width * static_cast<double>(index % kColumns);
  const double cell_y = kHeaderHeight + grid.cell_height * static_cast<double>(index / kColumns);
  const Plot plot{cell_x + kMarginLeft, cell_y + grid.margin_top,
                  kPlotWidth,           grid.cell_height - grid.margin_top - kMarginBottom,
                  y_range(panel),       chart.points()};

  fmt::format_to(out, "<g>\n");
  text(out, plot.left + plot.width / 2, cell_y + 22,
       R"(font-size="14" font-weight="bold" fill="#222" text-anchor="middle")", panel.title);
  draw_y_axis(out, plot, panel.y_label);
  draw_x_axis(out, plot, chart);
  draw_timeline_labels(out, plot, grid);

  // Lines outside a fixed y range are cut at the plot edge instead of running over the labels.
  const std::string clip_id = fmt::format("plot-clip-{}", index);
  fmt::format_to(out,
                 R"(<clipPath id="{}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>)"
                 "\n",
                 clip_id, num(plot.left), num(plot.top), num(plot.width), num(plot.height));
  fmt::format_to(out,
                 R"~(<g clip-path="url(#{})">)~"
                 "\n",
                 clip_id);
  draw_timeline(out, plot, chart);
  // Bands first so that every line stays visible on top of them.
  for (const ChartSeries& series : panel.series) draw_band(out, plot, series);
  for (const ChartSeries& series : panel.series) draw_series_line(out, plot, series);
  fmt::format_to(out, "</g>\n");

  fmt::format_to(out,
                 R"(<rect class="plot-area" x="{}" y="{}" width="{}" height="{}" fill="none" )"
                 R"(stroke="#666"/>)"
                 "\n",
                 num(plot.left), num(plot.top), num(plot.width), num(plot.height));
  draw_legend(out, plot, panel);
  fmt::format_to(out, "</g>\n");
}

}  // namespace

std::string render_svg(const Chart& chart) {
  validate(chart);
  const bool has_data = chart.points() > 0 && !chart.panels.empty();
  const Grid grid = has_data ? grid_of(chart) : Grid{};
  const std::size_t cells = has_data ? chart.panels.size() : 1;
  const std::size_t columns = std::min<std::size_t>(kColumns, cells);
  const std::size_t rows = (cells + kColumns - 1) / kColumns;
  const double width = grid.cell_width * static_cast<double>(columns);
  const double panels_bottom = kHeaderHeight + grid.cell_height * static_cast<double>(rows);
  const double height = panels_bottom + kBottomPadding + (chart.caption.empty() ? 0 : kCaptionHeight);

  std::string svg;
  const Out out = std::back_inserter(svg);
  fmt::format_to(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fmt::format_to(out,
                 R"(<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{0}" )"
                 R"(height="{1}" viewBox="0 0 {0} {1}" font-family="sans-serif">)"
                 "\n",
                 width, height);
  fmt::format_to(out,
                 R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)"
                 "\n",
                 width, height);
  text(out, 20, 28, R"(font-size="18" font-weight="bold" fill="#111")", chart.title);
  text(out, 20, 48, R"(class="subtitle" font-size="12" fill="#555")", chart.subtitle);
  if (has_data) {
    for (std::size_t i = 0; i < chart.panels.size(); ++i) draw_panel(out, chart, grid, i);
  } else {
    text(out, width / 2, kHeaderHeight + kCellHeight / 2, R"(font-size="14" fill="#777" text-anchor="middle")",
         "no data");
  }
  if (!chart.caption.empty())
    text(out, 20, panels_bottom + kCaptionHeight - 4, R"(class="caption" font-size="10" fill="#777")", chart.caption);
  fmt::format_to(out, "</svg>\n");
  return svg;
}

AxisTicks axis_ticks(double lo, double hi) {
  const Ticks ticks = nice_ticks(lo, hi);
  return {ticks.values, ticks.decimals};
}

std::string render_bar_svg(const BarChart& chart) {
  constexpr double label_width = 170, plot_width = 520, right = 40, bar_height = 12, bar_gap = 3, row_gap = 12;
  constexpr double top = 64, axis_height = 44, legend_height = 22;
  const std::size_t series = chart.series.size();
  const double row_height = static_cast<double>(series) * (bar_height + bar_gap) + row_gap;
  const double plot_height = static_cast<double>(chart.rows.size()) * row_height;
  const double width = label_width + plot_width + right;
  const double height = top + plot_height + axis_height + legend_height;

  double lo = 0, hi = 0;
  for (const BarRow& row : chart.rows)
    for (std::size_t k = 0; k < row.values.size(); ++k) {
      const double error = k < row.errors.size() ? row.errors[k] : 0;
      if (!std::isfinite(row.values[k])) continue;
      lo = std::min(lo, row.values[k] - error);
      hi = std::max(hi, row.values[k] + error);
    }
  if (hi <= lo) hi = lo + 1;
  const Ticks ticks = nice_ticks(lo, hi);
  lo = std::min(lo, ticks.values.front());
  hi = std::max(hi, ticks.values.back());
  const auto x = [&](double value) { return label_width + (value - lo) / (hi - lo) * plot_width; };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      num(width), num(height));
  svg +=
      fmt::format("<text x=\"16\" y=\"26\" font-size=\"16\" font-weight=\"bold\">{}</text>\n", escape_xml(chart.title));
  svg += fmt::format("<text x=\"16\" y=\"46\" font-size=\"12\" fill=\"#555\">{}</text>\n", escape_xml(chart.subtitle));
  for (const double tick : ticks.values) {
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>\n", num(x(tick)), num(top),
                       num(top + plot_height), tick == 0 ? "#000" : "#ddd");
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\">{:.{}f}</text>\n", num(x(tick)),
                       num(top + plot_height + 16), kTickFontSize, tick, ticks.decimals);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{}</text>\n",
                     num(label_width + plot_width / 2), num(top + plot_height + 36), escape_xml(chart.x_label));
  for (std::size_t r = 0; r < chart.rows.size(); ++r) {
    const BarRow& row = chart.rows[r];
    const double y0 = top + static_cast<double>(r) * row_height + row_gap / 2;
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>\n", num(label_width - 8),
                       num(y0 + static_cast<double>(series) * (bar_height + bar_gap) / 2 + 4), escape_xml(row.label));
    for (std::size_t k = 0; k < row.values.size() && k < series; ++k) {
      if (!std::isfinite(row.values[k])) continue;
      const double y = y0 + static_cast<double>(k) * (bar_height + bar_gap);
      const double from = x(std::min(0.0, row.values[k])), to = x(std::max(0.0, row.values[k]));
      svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n", num(from), num(y),
                         num(std::max(to - from, 0.5)), num(bar_height), palette_color(static_cast<int>(k)));
      if (k < row.errors.size() && row.errors[k] > 0) {
        const double mid = y + bar_height / 2;
        svg += fmt::format("<path d=\"M{0} {1}H{2}M{0} {3}V{4}M{2} {3}V{4}\" stroke=\"#000\" fill=\"none\"/>\n",
                           num(x(row.values[k] - row.errors[k])), num(mid), num(x(row.values[k] + row.errors[k])),
                           num(mid - 4), num(mid + 4));
      }
    }
  }
  double legend_x = label_width;
  const double legend_y = height - legend_height + 6;
  for (std::size_t k = 0; k < series; ++k) {
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", num(legend_x),
                       num(legend_y - 10), palette_color(static_cast<int>(k)));
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\">{}</text>\n", num(legend_x + 16), num(legend_y),
                       kLegendFontSize, escape_xml(chart.series[k]));
    legend_x += 16 + text_width(chart.series[k], kLegendFontSize) + 24;
  }
  return svg + "</svg>\n";
}

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters other than whitespace are not allowed anywhere in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

}  // namespace steppe
