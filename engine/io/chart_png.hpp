// PNG from an SVG chart, to paste into a memo or a slide: drawn by librsvg onto a cairo surface
// in this process (no browser), at twice the SVG's size in px so that it stays sharp in print.
#pragma once

#include <ostream>
#include <string_view>

namespace steppe {

// How many PNG pixels per SVG px.
inline constexpr double png_scale = 2;

// Writes `svg` as PNG to `out`; throws std::runtime_error saying what failed when librsvg cannot
// read the SVG or cairo cannot draw or encode it.
void write_png(std::string_view svg, std::ostream& out);

}  // namespace steppe
