#include "engine/io/waterfall_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/io/svg_chart.hpp"
#include "engine/text.hpp"

namespace steppe {

namespace {

// Layout, in px: labels on the left, the bars in the middle, the values on the right.
constexpr double kLabelWidth = 300, kPlotWidth = 460, kValueWidth = 90, kRowHeight = 22, kBarHeight = 14;
constexpr double kHeader = 60, kPanelTitle = 26, kAxis = 30, kPanelGap = 18;
// Rising and falling steps: blue and vermilion of the Okabe–Ito palette; the ends in grey.
constexpr const char* kRise = "#0072B2";
constexpr const char* kFall = "#D55E00";
constexpr const char* kEnd = "#999999";

std::string num(double value) { return fmt::format("{:.2f}", value); }

std::string value_text(double value, bool signed_) {
  return signed_ ? fmt::format("{:+.4g}", value) : fmt::format("{:.4g}", value);
}

// A row label that fits left of the bars, cut with an ellipsis.
std::string fitted(const std::string& label) {
  constexpr std::size_t longest = 40;  // characters of 12 px in the label column
  if (utf8_length(label) <= longest) return label;
  return label.substr(0, utf8_prefix(label, longest - 1)) + "…";
}

void render_panel(std::string& svg, const WaterfallPanel& panel, double top) {
  // The range covers the ends and every partial sum, with the intervals.
  double lo = std::min(panel.start, panel.end), hi = std::max(panel.start, panel.end), sum = panel.start;
  for (const WaterfallStep& step : panel.steps) {
    lo = std::min({lo, sum + step.value - step.half_width, sum});
    hi = std::max({hi, sum + step.value + step.half_width, sum});
    sum += step.value;
  }
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  const double pad = hi > lo ? 0.08 * (hi - lo) : std::max(1e-9, 0.1 * std::abs(hi));
  const AxisTicks ticks = axis_ticks(lo - pad, hi + pad);
  lo = std::min(lo - pad, ticks.values.front());
  hi = std::max(hi + pad, ticks.values.back());
  const auto x = [&](double value) { return kLabelWidth + (value - lo) / (hi - lo) * kPlotWidth; };

  const std::size_t rows = panel.steps.size() + 2;
  const double plot_top = top + kPanelTitle, plot_bottom = plot_top + static_cast<double>(rows) * kRowHeight;
  svg += fmt::format(R"(<text x="16" y="{}" font-size="14" font-weight="bold" fill="#222">{}</text>)"
                     "\n",
                     num(top + 18), escape_xml(panel.title));
  for (const double tick : ticks.values) {
    svg += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#e6e6e6"/>)"
                       "\n",
                       num(x(tick)), num(plot_top), num(plot_bottom));
    svg += fmt::format(R"(<text x="{}" y="{}" font-size="11" fill="#333" text-anchor="middle">{:.{}f}</text>)"
                       "\n",
                       num(x(tick)), num(plot_bottom + 16), tick, ticks.decimals);
  }
  const auto row = [&](std::size_t index, const std::string& label, double from, double to, const char* color,
                       double half_width, const std::string& shown) {
    const double y = plot_top + static_cast<double>(index) * kRowHeight + (kRowHeight - kBarHeight) / 2;
    const double left = x(std::min(from, to)), width = std::max(1.0, std::abs(x(to) - x(from)));
    svg += fmt::format(R"(<text x="{}" y="{}" font-size="12" fill="#222" text-anchor="end" dy="0.35em">{}</text>)"
                       "\n",
                       num(kLabelWidth - 8), num(y + kBarHeight / 2), escape_xml(fitted(label)));
    svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>)"
                       "\n",
                       num(left), num(y), num(width), num(kBarHeight), color);
    if (half_width > 0)
      svg += fmt::format(R"(<line x1="{0}" y1="{2}" x2="{1}" y2="{2}" stroke="#222" stroke-width="1.5"/>)"
                         "\n",
                         num(x(to - half_width)), num(x(to + half_width)), num(y + kBarHeight / 2));
    svg += fmt::format(R"(<text x="{}" y="{}" font-size="12" fill="#222" dy="0.35em">{}</text>)"
                       "\n",
                       num(kLabelWidth + kPlotWidth + 8), num(y + kBarHeight / 2), escape_xml(shown));
  };
  // The ends as bars from the axis's low end, so that their lengths compare.
  row(0, panel.start_label, lo, panel.start, kEnd, 0, value_text(panel.start, false));
  sum = panel.start;
  for (std::size_t index = 0; index < panel.steps.size(); ++index) {
    const WaterfallStep& step = panel.steps[index];
    const std::string shown = step.half_width > 0
                                  ? fmt::format("{} ± {:.2g}", value_text(step.value, true), step.half_width)
                                  : value_text(step.value, true);
    row(index + 1, step.label, sum, sum + step.value, step.value >= 0 ? kRise : kFall, step.half_width, shown);
    sum += step.value;
  }
  row(rows - 1, panel.end_label, lo, panel.end, kEnd, 0, value_text(panel.end, false));
}

}  // namespace

std::string render_waterfall_svg(const WaterfallChart& chart) {
  const double width = kLabelWidth + kPlotWidth + kValueWidth;
  double height = kHeader;
  for (const WaterfallPanel& panel : chart.panels)
    height += kPanelTitle + static_cast<double>(panel.steps.size() + 2) * kRowHeight + kAxis + kPanelGap;
  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" )"
                                R"(viewBox="0 0 {0} {1}" font-family="sans-serif">)"
                                "\n"
                                R"(<rect x="0" y="0" width="{0}" height="{1}" fill="#ffffff"/>)"
                                "\n",
                                num(width), num(height));
  svg += fmt::format(R"(<text x="16" y="26" font-size="18" font-weight="bold" fill="#111">{}</text>)"
                     "\n"
                     R"(<text x="16" y="46" font-size="12" fill="#555">{}</text>)"
                     "\n",
                     escape_xml(chart.title), escape_xml(chart.subtitle));
  double top = kHeader;
  for (const WaterfallPanel& panel : chart.panels) {
    render_panel(svg, panel, top);
    top += kPanelTitle + static_cast<double>(panel.steps.size() + 2) * kRowHeight + kAxis + kPanelGap;
  }
  return svg + "</svg>\n";
}

}  // namespace steppe
