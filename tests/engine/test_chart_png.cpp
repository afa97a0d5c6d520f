// chart.png from an SVG chart (engine/io/chart_png.hpp): a PNG of twice the SVG's size, and a
// clear error for what librsvg cannot read.
#include <catch2/catch.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "engine/io/chart_png.hpp"
#include "engine/io/svg_chart.hpp"

using namespace steppe;

namespace {

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = value << 8 | static_cast<unsigned char>(bytes.at(at + i));
  return value;
}

}  // namespace

TEST_CASE("write_png draws an SVG chart as a PNG twice its size") {
  Chart chart;
  chart.title = "Autonomy";
  for (int month = 0; month < 12; ++month) chart.dates.push_back(YearMonth{2025, 1}.plus(month));
  chart.panels = {ChartPanel{.title = "Autonomy",
                             .y_label = "share (0–1)",
                             .series = {ChartSeries{.label = "MNG", .values = std::vector<double>(12, 0.5)}}}};
  const std::string svg = render_svg(chart);
  std::ostringstream out;
  write_png(svg, out);
  const std::string png = out.str();
  REQUIRE(png.size() > 24);
  CHECK(png.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  CHECK(png.substr(12, 4) == "IHDR");
  const auto attribute = [&](const std::string& name) {
    const auto at = svg.find(" " + name + "=\"", svg.find("<svg ")) + name.size() + 3;
    return std::stod(svg.substr(at, svg.find('"', at) - at));
  };
  CHECK(big_endian(png, 16) == static_cast<std::uint32_t>(png_scale * attribute("width")));
  CHECK(big_endian(png, 20) == static_cast<std::uint32_t>(png_scale * attribute("height")));
}

TEST_CASE("write_png says librsvg could not read what is no SVG") {
  std::ostringstream out;
  CHECK_THROWS_AS(write_png("<svg", out), std::runtime_error);
  CHECK_THROWS_WITH(write_png("not a chart", out), Catch::Contains("chart.png: librsvg could not read the SVG chart"));
  CHECK(out.str().empty());
}
