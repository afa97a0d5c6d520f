// Waterfall charts: how a value moves from one scenario's to another's, step by step, one
// floating bar per contribution (an attribution's settings), rising or falling from where the
// steps before it left off, with the two ends drawn as full bars. Self-contained SVG.
#pragma once

#include <string>
#include <vector>

namespace steppe {

struct WaterfallStep {
  std::string label;
  double value = 0;       // the contribution
  double half_width = 0;  // of its 95% interval; 0 for none
};

struct WaterfallPanel {
  std::string title;  // e.g. "MNG.autonomy.final: B − A"
  std::string start_label, end_label;
  double start = 0, end = 0;  // the two ends; the steps add up to end − start
  std::vector<WaterfallStep> steps;
};

struct WaterfallChart {
  std::string title, subtitle;
  std::vector<WaterfallPanel> panels;  // stacked top to bottom
};

std::string render_waterfall_svg(const WaterfallChart& chart);

}  // namespace steppe
