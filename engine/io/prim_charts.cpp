#include "engine/io/prim_charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "engine/io/svg_chart.hpp"

namespace steppe {

namespace {

std::string num(double value) { return fmt::format("{:.2f}", value); }

// Restricted dimensions as a sequential scale (viridis stops, as EMA Workbench colours its
// trade-off plot): few restrictions dark, many light.
std::string ramp_color(int restricted, int most) {
  constexpr std::array<std::array<int, 3>, 5> stops = {
      {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}};
  const double at = most > 0 ? static_cast<double>(restricted) / most * (stops.size() - 1) : 0;
  const auto below = std::min(static_cast<std::size_t>(at), stops.size() - 2);
  const double mix = at - static_cast<double>(below);
  std::array<int, 3> rgb{};
  for (std::size_t c = 0; c < 3; ++c)
    rgb[c] = static_cast<int>(std::lround(stops[below][c] * (1 - mix) + stops[below + 1][c] * mix));
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

std::string svg_open(double width, double height, const std::string& title, const std::string& subtitle) {
  std::string svg = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
      "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\">\n"
      "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
      num(width), num(height));
  svg += fmt::format("<text x=\"20\" y=\"28\" font-size=\"18\" font-weight=\"bold\" fill=\"#111\">{}</text>\n",
                     escape_xml(title));
  svg += fmt::format("<text x=\"20\" y=\"48\" font-size=\"12\" fill=\"#555\">{}</text>\n", escape_xml(subtitle));
  return svg;
}

std::string label(double x, double y, const std::string& anchor, const std::string& content, int size = 11,
                  const std::string& fill = "#333") {
  return fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\" text-anchor=\"{}\">{}</text>\n", num(x),
                     num(y), size, fill, anchor, escape_xml(content));
}

// A value of an input whose range spans `span`, to about four significant digits of that span.
std::string limit_text(double value, double span) {
  const int decimals = span > 0 ? std::clamp(3 - static_cast<int>(std::floor(std::log10(span))), 0, 12) : 4;
  return fmt::format("{:.{}f}", value, decimals);
}

}  // namespace

std::string render_trajectory_svg(const TrajectoryChart& chart) {
  constexpr double width = 700, height = 500, left = 70, top = 70, plot_width = 420, plot_height = 360;
  const auto x = [&](double coverage) { return left + coverage * plot_width; };
  const auto y = [&](double density) { return top + plot_height - density * plot_height; };
  std::string svg = svg_open(width, height, chart.title, chart.subtitle);

  for (int tick = 0; tick <= 5; ++tick) {
    const double value = tick / 5.0;
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#e6e6e6\"/>\n", num(x(value)),
                       num(top), num(top + plot_height));
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#e6e6e6\"/>\n", num(left),
                       num(y(value)), num(left + plot_width));
    svg += label(x(value), top + plot_height + 17, "middle", fmt::format("{:.1f}", value));
    svg += label(left - 6, y(value) + 4, "end", fmt::format("{:.1f}", value));
  }
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#666\"/>\n", num(left),
                     num(top), num(plot_width), num(plot_height));
  svg += label(left + plot_width / 2, top + plot_height + 38, "middle",
               "coverage (share of all cases of interest inside the box)", 12);
  svg += fmt::format(
      "<text x=\"20\" y=\"{0}\" font-size=\"12\" fill=\"#333\" text-anchor=\"middle\" transform=\"rotate(-90 20 {0})\">"
      "density (share of the box's cases of interest)</text>\n",
      num(top + plot_height / 2));

  int most = 0;
  for (const PrimBox& box : chart.trajectory) most = std::max(most, box.restricted);
  std::string points;
  for (const PrimBox& box : chart.trajectory)
    points += fmt::format("{}{},{}", points.empty() ? "" : " ", num(x(box.coverage)), num(y(box.density)));
  svg += fmt::format("<polyline fill=\"none\" stroke=\"#bbbbbb\" stroke-width=\"1\" points=\"{}\"/>\n", points);
  for (std::size_t index = 0; index < chart.trajectory.size(); ++index) {
    const PrimBox& box = chart.trajectory[index];
    svg += fmt::format(
        "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\" stroke=\"#333\" stroke-width=\"0.5\"><title>box {}: coverage "
        "{:.3f}, density {:.3f}, {} restricted</title></circle>\n",
        num(x(box.coverage)), num(y(box.density)), ramp_color(box.restricted, most), index, box.coverage, box.density,
        box.restricted);
  }
  const PrimBox& chosen = chart.trajectory.at(chart.chosen);
  svg += fmt::format(
      "<circle class=\"chosen\" cx=\"{}\" cy=\"{}\" r=\"9\" fill=\"none\" stroke=\"#D55E00\" "
      "stroke-width=\"2\"/>\n",
      num(x(chosen.coverage)), num(y(chosen.density)));
  const bool label_left = chosen.coverage > 0.7;
  svg += label(x(chosen.coverage) + (label_left ? -13 : 13), y(chosen.density) + 4, label_left ? "end" : "start",
               fmt::format("box {}", chart.chosen), 12, "#D55E00");
  const bool pasted = chart.pasted.cases != chosen.cases;
  if (pasted)
    svg += fmt::format(
        "<rect class=\"pasted\" x=\"{}\" y=\"{}\" width=\"9\" height=\"9\" fill=\"none\" "
        "stroke=\"#D55E00\" stroke-width=\"2\" transform=\"rotate(45 {} {})\"/>\n",
        num(x(chart.pasted.coverage) - 4.5), num(y(chart.pasted.density) - 4.5), num(x(chart.pasted.coverage)),
        num(y(chart.pasted.density)));

  // Legend: one swatch per number of restricted dimensions on the trajectory, then the marks.
  std::vector<int> counts;
  for (const PrimBox& box : chart.trajectory)
    if (std::find(counts.begin(), counts.end(), box.restricted) == counts.end()) counts.push_back(box.restricted);
  std::sort(counts.begin(), counts.end());
  const double legend_x = left + plot_width + 24;
  double legend_y = top + 10;
  svg += label(legend_x, legend_y, "start", "restricted dimensions", 12, "#222");
  for (const int count : counts) {
    legend_y += 18;
    svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\" stroke=\"#333\" stroke-width=\"0.5\"/>\n",
                       num(legend_x + 6), num(legend_y - 4), ramp_color(count, most));
    svg += label(legend_x + 18, legend_y, "start", std::to_string(count));
  }
  legend_y += 28;
  svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"7\" fill=\"none\" stroke=\"#D55E00\" stroke-width=\"2\"/>\n",
                     num(legend_x + 6), num(legend_y - 4));
  svg += label(legend_x + 18, legend_y, "start", "chosen box");
  if (pasted) {
    legend_y += 20;
    svg += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"none\" stroke=\"#D55E00\" "
        "stroke-width=\"2\" transform=\"rotate(45 {} {})\"/>\n",
        num(legend_x + 2), num(legend_y - 8), num(legend_x + 6), num(legend_y - 4));
    svg += label(legend_x + 18, legend_y, "start", "after pasting");
  }
  return svg + "</svg>\n";
}

std::string render_box_limits_svg(const BoxLimitsChart& chart) {
  constexpr double label_width = 210, bar_width = 340, text_width = 230, top = 76, row_height = 30, bar_height = 14;
  const std::size_t dimensions = chart.dimensions.size();
  const double width = label_width + bar_width + text_width;
  const double height = top + row_height * static_cast<double>(dimensions) + 56;
  const auto x = [&](double unit) { return label_width + unit * bar_width; };

  std::vector<std::size_t> order(dimensions);
  std::iota(order.begin(), order.end(), 0);
  const auto rank = [&](std::size_t d) {  // restricted first, by quasi-p-value
    return std::isnan(chart.quasi_p[d]) ? 2.0 : chart.quasi_p[d];
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });

  std::string svg = svg_open(width, height, chart.title, chart.subtitle);
  svg += label(x(1) + 12, top - 10, "start", "limits, quasi-p", 11, "#555");
  for (std::size_t row = 0; row < dimensions; ++row) {
    const std::size_t d = order[row];
    const PrimLimit& limit = chart.box.limits[d];
    const PrimLimit& widest = chart.first.limits[d];
    const bool restricted = restricts(chart.box, chart.first, d);
    const double y = top + row_height * static_cast<double>(row);
    const std::string fill = restricted ? "#0072B2" : "#c9c9c9";
    svg += label(label_width - 10, y + bar_height - 2, "end", chart.dimensions[d], 12, restricted ? "#111" : "#888");
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#eeeeee\"/>\n", num(x(0)), num(y),
                       num(bar_width), num(bar_height));
    std::string limits;
    if (!limit.kept.empty()) {
      const auto& names = chart.category_names[d];
      const double slice = 1.0 / static_cast<double>(limit.kept.size());
      for (std::size_t category = 0; category < limit.kept.size(); ++category) {
        const double from = x(slice * static_cast<double>(category));
        if (limit.kept[category])
          svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\"/>\n",
                             num(from), num(y), num(slice * bar_width), num(bar_height), fill);
        const std::string name = category < names.size() ? names[category] : std::to_string(category);
        svg += label(from + slice * bar_width / 2, y + bar_height - 3, "middle", name, 10,
                     limit.kept[category] ? "#ffffff" : "#666");
        if (limit.kept[category]) limits += (limits.empty() ? "" : ", ") + name;
      }
    } else {
      const double span = widest.upper - widest.lower;
      const double from = span > 0 ? (limit.lower - widest.lower) / span : 0;
      const double to = span > 0 ? (limit.upper - widest.lower) / span : 1;
      svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n", num(x(from)), num(y),
                         num(std::max((to - from) * bar_width, 1.0)), num(bar_height), fill);
      limits = fmt::format("{} – {}", limit_text(limit.lower, span), limit_text(limit.upper, span));
    }
    const std::string note = restricted ? fmt::format("{}, p = {:.2g}", limits, chart.quasi_p[d]) : "unrestricted";
    svg += label(x(1) + 12, y + bar_height - 2, "start", note, 11, restricted ? "#222" : "#888");
  }
  const double axis_y = top + row_height * static_cast<double>(dimensions) + 4;
  for (const double unit : {0.0, 0.5, 1.0}) {
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#666\"/>\n", num(x(unit)),
                       num(axis_y - 4), num(axis_y + 2));
    svg += label(x(unit), axis_y + 16, "middle", fmt::format("{:.1f}", unit));
  }
  svg += label(x(0.5), axis_y + 34, "middle", "position in the input's range (0 = its smallest value, 1 = its largest)",
               11, "#555");
  return svg + "</svg>\n";
}

}  // namespace steppe
