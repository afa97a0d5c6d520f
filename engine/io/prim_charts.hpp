// The charts of scenario discovery (`steppe discover`, docs/discovery.md), as self-contained
// SVG in the manner of svg_chart.hpp: the peeling trajectory (coverage against density, each
// box coloured by how many dimensions it restricts, the chosen one ringed) and the chosen box's
// limits drawn over each input's range (normalized to 0–1, categories as equal slices).
#pragma once

#include <string>
#include <vector>

#include "engine/analysis/prim.hpp"

namespace steppe {

struct TrajectoryChart {
  std::string title, subtitle;
  std::vector<PrimBox> trajectory;
  std::size_t chosen = 0;  // index into the trajectory
  // The chosen box after pasting, drawn as its own mark when pasting changed it.
  PrimBox pasted;
};

std::string render_trajectory_svg(const TrajectoryChart& chart);

struct BoxLimitsChart {
  std::string title, subtitle;
  std::vector<std::string> dimensions;
  std::vector<std::vector<std::string>> category_names;  // per dimension; empty when numeric
  PrimBox first;                                         // the whole input space: each bar's 0 and 1
  PrimBox box;                                           // the box drawn
  std::vector<double> quasi_p;                           // per dimension, NaN when unrestricted
};

// Restricted dimensions first (smallest quasi-p-value on top), then the others, greyed.
std::string render_box_limits_svg(const BoxLimitsChart& chart);

}  // namespace steppe
