#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/svg_chart.hpp"

using Catch::Matchers::Contains;
using steppe::Chart;
using steppe::ChartPanel;
using steppe::ChartSeries;
using steppe::render_svg;
using steppe::YearMonth;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

std::vector<YearMonth> months(YearMonth start, int count) {
  std::vector<YearMonth> dates;
  for (int t = 0; t < count; ++t) dates.push_back(start.plus(t));
  return dates;
}

ChartSeries series(const std::string& label, std::vector<double> values, int color = 0) {
  ChartSeries s;
  s.label = label;
  s.values = std::move(values);
  s.color = color;
  return s;
}

ChartPanel panel(const std::string& title, std::vector<ChartSeries> series, double y_min = 0, double y_max = 1) {
  ChartPanel p;
  p.title = title;
  p.y_label = "level";
  p.y_min = y_min;
  p.y_max = y_max;
  p.series = std::move(series);
  return p;
}

Chart chart_of(int date_count, std::vector<ChartPanel> panels) {
  Chart chart;
  chart.title = "Test chart";
  chart.subtitle = "seed 1";
  chart.dates = months({2025, 1}, date_count);
  chart.panels = std::move(panels);
  return chart;
}

// Every `<tag ...>` or `<tag .../>` element start in the document, up to its closing '>'.
std::vector<std::string> elements(const std::string& svg, const std::string& tag) {
  std::vector<std::string> found;
  const std::string opening = "<" + tag + " ";
  for (auto at = svg.find(opening); at != std::string::npos; at = svg.find(opening, at + 1)) {
    found.push_back(svg.substr(at, svg.find('>', at) - at + 1));
  }
  return found;
}

std::string attribute(const std::string& element, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const auto at = element.find(key);
  if (at == std::string::npos) return "";
  const auto begin = at + key.size();
  return element.substr(begin, element.find('"', begin) - begin);
}

std::vector<std::pair<double, double>> points(const std::string& element) {
  std::vector<std::pair<double, double>> result;
  const std::string text = attribute(element, "points");
  const std::regex pair(R"((-?[0-9.]+),(-?[0-9.]+))");
  for (std::sregex_iterator it(text.begin(), text.end(), pair), end; it != end; ++it) {
    result.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  }
  return result;
}

struct PlotArea {
  double top = 0;
  double bottom = 0;
};

std::vector<PlotArea> plot_areas(const std::string& svg) {
  std::vector<PlotArea> areas;
  for (const std::string& rect : elements(svg, "rect")) {
    if (attribute(rect, "class") != "plot-area") continue;
    const double y = std::stod(attribute(rect, "y"));
    areas.push_back({y, y + std::stod(attribute(rect, "height"))});
  }
  return areas;
}

struct Rect {
  double x = 0, y = 0, width = 0, height = 0;
};

std::vector<Rect> rects_of_class(const std::string& svg, const std::string& name) {
  std::vector<Rect> found;
  for (const std::string& rect : elements(svg, "rect"))
    if (attribute(rect, "class") == name)
      found.push_back({std::stod(attribute(rect, "x")), std::stod(attribute(rect, "y")),
                       std::stod(attribute(rect, "width")), std::stod(attribute(rect, "height"))});
  return found;
}

std::vector<std::string> texts(const std::string& svg) {
  std::vector<std::string> found;
  const std::regex text(R"(<text[^>]*>([^<]*)</text>)");
  for (std::sregex_iterator it(svg.begin(), svg.end(), text), end; it != end; ++it) {
    found.push_back((*it)[1]);
  }
  return found;
}

// Every start tag is closed by the matching end tag, in order.
bool tags_balanced(const std::string& svg) {
  std::vector<std::string> open;
  const std::regex tag(R"(<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*?(/?)>)");
  for (std::sregex_iterator it(svg.begin(), svg.end(), tag), end; it != end; ++it) {
    const std::string name = (*it)[2];
    if ((*it)[3] == "/") continue;
    if ((*it)[1] == "/") {
      if (open.empty() || open.back() != name) return false;
      open.pop_back();
    } else {
      open.push_back(name);
    }
  }
  return open.empty();
}

// Well-formedness: balanced tags always; a real XML parse when python3 is on the machine.
void check_well_formed(const std::string& svg) {
  CHECK(tags_balanced(svg));
  if (std::system("python3 -c '' >/dev/null 2>&1") != 0) return;
  const auto path =
      std::filesystem::temp_directory_path() / ("steppe_test_svg_chart_" + std::to_string(getpid()) + ".svg");
  std::ofstream(path) << svg;
  const std::string command =
      "python3 -c \"import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])\" '" + path.string() + "' 2>&1";
  CHECK(std::system(command.c_str()) == 0);
  std::filesystem::remove(path);
}

}  // namespace

TEST_CASE("render_svg writes a self-contained SVG 1.1 document") {
  const std::string svg = render_svg(chart_of(24, {panel("Autonomy", {series("MNG", std::vector<double>(24, 0.5))})}));
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK_THAT(svg, Contains(R"(xmlns="http://www.w3.org/2000/svg")"));
  CHECK_THAT(svg, Contains(R"(version="1.1")"));
  CHECK_THAT(svg, Contains("viewBox=\"0 0 "));
  CHECK_THAT(svg, Contains(R"(font-family="sans-serif")"));
  CHECK_THAT(svg, Contains(R"(fill="#ffffff")"));
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("href") == std::string::npos);
  // The namespace name is the only URL.
  CHECK(svg.find("http://") == svg.rfind("http://"));
  check_well_formed(svg);
}

TEST_CASE("panels are laid out two per row") {
  const auto size_of = [](int panel_count) {
    const std::vector<ChartPanel> panels(panel_count, panel("P", {}));
    const auto svg = elements(render_svg(chart_of(12, panels)), "svg").front();
    return std::make_pair(std::stod(attribute(svg, "width")), std::stod(attribute(svg, "height")));
  };
  const auto [width1, height1] = size_of(1);
  const auto [width2, height2] = size_of(2);
  const auto [width3, height3] = size_of(3);
  CHECK(width2 == Approx(2 * width1));
  CHECK(height2 == Approx(height1));
  CHECK(width3 == Approx(width2));
  CHECK(height3 > height2);
  const std::vector<ChartPanel> three(3, panel("P", {}));
  CHECK(plot_areas(render_svg(chart_of(12, three))).size() == 3);
}

TEST_CASE("render_svg writes one polyline per series with the palette colour") {
  const std::string svg =
      render_svg(chart_of(6, {panel("Coercion", {series("CHN", {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 0),
                                                 series("RUS", {0.6, 0.5, 0.4, 0.3, 0.2, 0.1}, 9)})}));
  const auto lines = elements(svg, "polyline");
  REQUIRE(lines.size() == 2);
  CHECK(attribute(lines[0], "stroke") == "#0072B2");
  CHECK(attribute(lines[1], "stroke") == "#D55E00");  // index 9 wraps to the second colour
  CHECK(attribute(lines[0], "stroke-width") == "2");
  CHECK(points(lines[0]).size() == 6);
  // Later dates lie further right.
  const auto first = points(lines[0]);
  CHECK(first.front().first < first.back().first);
}

TEST_CASE("dashed series get a dasharray") {
  ChartSeries dashed = series("CHN (B)", {0.2, 0.3, 0.4}, 0);
  dashed.dash = 1;
  const std::string svg = render_svg(chart_of(3, {panel("Coercion", {series("CHN", {0.1, 0.2, 0.3}, 0), dashed})}));
  const auto lines = elements(svg, "polyline");
  REQUIRE(lines.size() == 2);
  CHECK(attribute(lines[0], "stroke-dasharray").empty());
  CHECK_FALSE(attribute(lines[1], "stroke-dasharray").empty());
  // The legend sample of the dashed series is dashed too: one dashed polyline + one dashed sample.
  std::size_t dashed_lines = 0;
  for (const auto& line : elements(svg, "line")) {
    if (!attribute(line, "stroke-dasharray").empty()) ++dashed_lines;
  }
  CHECK(dashed_lines == 1);
}

TEST_CASE("bands become filled polygons drawn before the lines") {
  ChartSeries banded = series("Trust", {0.4, 0.5, 0.6, 0.5}, 2);
  banded.band_lower = {0.3, 0.4, 0.5, 0.4};
  banded.band_upper = {0.5, 0.6, 0.7, 0.6};
  const std::string svg = render_svg(chart_of(4, {panel("Trust", {banded})}));
  const auto polygons = elements(svg, "polygon");
  REQUIRE(polygons.size() == 1);
  CHECK(attribute(polygons[0], "fill") == "#009E73");
  CHECK(attribute(polygons[0], "fill-opacity") == "0.2");
  CHECK(points(polygons[0]).size() == 8);  // along the lower edge and back along the upper
  CHECK(svg.find("<polygon") < svg.find("<polyline"));
}

TEST_CASE("date ticks are YYYY-MM labels of the chart's dates") {
  const auto date_labels = [](const Chart& chart) {
    std::vector<std::string> labels;
    const std::regex date(R"([0-9]{4}-[0-9]{2})");
    for (const std::string& text : texts(render_svg(chart))) {
      if (std::regex_match(text, date)) labels.push_back(text);
    }
    return labels;
  };
  const auto as_strings = [](const std::vector<YearMonth>& dates) {
    std::set<std::string> names;
    for (const YearMonth& date : dates) names.insert(date.to_string());
    return names;
  };

  SECTION("a ten-year run is labelled at Januaries, starting with the first date") {
    const Chart chart = chart_of(121, {panel("P", {series("s", std::vector<double>(121, 0.5))})});
    const auto labels = date_labels(chart);
    const auto names = as_strings(chart.dates);
    REQUIRE(labels.size() >= 3);
    CHECK(labels.size() <= 8);
    CHECK(labels.front() == "2025-01");
    for (const std::string& label : labels) {
      CHECK(names.count(label) == 1);
      CHECK(label.substr(5) == "01");
    }
  }
  SECTION("a short run is labelled at quarters or half-years") {
    Chart chart = chart_of(18, {panel("P", {})});
    chart.dates = months({2025, 2}, 18);
    const auto labels = date_labels(chart);
    const auto names = as_strings(chart.dates);
    REQUIRE(labels.size() >= 2);
    for (const std::string& label : labels) {
      CHECK(names.count(label) == 1);
      CHECK((std::stoi(label.substr(5)) - 1) % 3 == 0);
    }
  }
  SECTION("sparse dates without an aligned month still label the first date") {
    Chart chart = chart_of(2, {panel("P", {})});
    chart.dates = {YearMonth{2025, 2}, YearMonth{2035, 2}};
    CHECK(date_labels(chart) == std::vector<std::string>{"2025-02"});
  }
  SECTION("the axis under dates is titled date, not month") {
    const std::string svg = render_svg(chart_of(12, {panel("P", {})}));
    CHECK_THAT(svg, Contains(">date</text>"));
    CHECK_FALSE(svg.find(">month</text>") != std::string::npos);
  }
}

TEST_CASE("text is XML-escaped") {
  Chart chart = chart_of(3, {panel("Tension <A & B>", {series("\"CHN\" & 'RUS'", {1, 2, 3})})});
  chart.title = "Runs <1 & 2>";
  chart.subtitle = "scenario \"x\" & 'y'";
  chart.panels[0].y_label = "a<b";
  const std::string svg = render_svg(chart);
  CHECK_THAT(svg, Contains("Runs &lt;1 &amp; 2&gt;"));
  CHECK_THAT(svg, Contains("scenario &quot;x&quot; &amp; &apos;y&apos;"));
  CHECK_THAT(svg, Contains("Tension &lt;A &amp; B&gt;"));
  CHECK_THAT(svg, Contains("&quot;CHN&quot; &amp; &apos;RUS&apos;"));
  CHECK_THAT(svg, Contains("a&lt;b"));
  CHECK(svg.find("<1") == std::string::npos);
  CHECK(svg.find("& ") == std::string::npos);
  check_well_formed(svg);
}

TEST_CASE("a fixed y range is honoured and a fitted one covers the data") {
  SECTION("fixed: the range ends are the plot edges, whatever the data") {
    const std::string svg = render_svg(chart_of(4, {panel("Share", {series("s", {0, 0.5, 1, 2})}, 0, 1)}));
    const auto area = plot_areas(svg).at(0);
    const auto line = points(elements(svg, "polyline").at(0));
    CHECK(line[0].second == Approx(area.bottom).margin(0.01));
    CHECK(line[1].second == Approx((area.top + area.bottom) / 2).margin(0.01));
    CHECK(line[2].second == Approx(area.top).margin(0.01));
    const auto labels = texts(svg);
    CHECK(std::count(labels.begin(), labels.end(), "0.0") == 1);
    CHECK(std::count(labels.begin(), labels.end(), "1.0") == 1);
    CHECK(std::count(labels.begin(), labels.end(), "2.0") == 0);
  }
  SECTION("fitted: every value and band edge lies inside the plot, with nice tick labels") {
    ChartSeries banded = series("s", {3, 20, 47, 10});
    banded.band_lower = {1, 15, 40, 8};
    banded.band_upper = {5, 25, 52, 12};
    const std::string svg = render_svg(chart_of(4, {panel("Count", {banded}, 0, 0)}));
    const auto area = plot_areas(svg).at(0);
    auto all = points(elements(svg, "polyline").at(0));
    const auto band = points(elements(svg, "polygon").at(0));
    all.insert(all.end(), band.begin(), band.end());
    for (const auto& [x, y] : all) {
      CHECK(y > area.top);
      CHECK(y < area.bottom);
    }
    const auto labels = texts(svg);
    for (const char* tick : {"0", "10", "20", "30", "40", "50"}) {
      CHECK(std::count(labels.begin(), labels.end(), tick) == 1);
    }
  }
  SECTION("fitted: a flat series gets a usable axis around its value") {
    const std::string svg = render_svg(chart_of(3, {panel("Flat", {series("s", {0.4, 0.4, 0.4})}, 1, 1)}));
    CHECK(svg.find("nan") == std::string::npos);
    CHECK(svg.find("inf") == std::string::npos);
    const auto area = plot_areas(svg).at(0);
    const auto line = points(elements(svg, "polyline").at(0));
    CHECK(line[0].second == Approx((area.top + area.bottom) / 2).margin(0.01));
  }
}

TEST_CASE("non-finite values split the line") {
  const std::string svg =
      render_svg(chart_of(8, {panel("Gaps", {series("s", {0.1, 0.2, kNaN, 0.3, 0.4, kInf, 0.5, kNaN})})}));
  const auto lines = elements(svg, "polyline");
  REQUIRE(lines.size() == 2);
  CHECK(points(lines[0]).size() == 2);
  CHECK(points(lines[1]).size() == 2);
  CHECK(elements(svg, "circle").size() == 1);  // the lone 0.5 stays visible as a dot
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("inf") == std::string::npos);
}

TEST_CASE("the legend names every series") {
  const ChartPanel coercion = panel("Coercion", {series("CHN coercion", {1, 2, 3}), series("RUS coercion", {3, 1, 2})});
  const std::string svg = render_svg(chart_of(3, {coercion}));
  const auto labels = texts(svg);
  CHECK(std::count(labels.begin(), labels.end(), "CHN coercion") == 1);
  CHECK(std::count(labels.begin(), labels.end(), "RUS coercion") == 1);
}

TEST_CASE("mismatched sizes throw") {
  SECTION("values") {
    const Chart chart = chart_of(4, {panel("P", {series("short", {1, 2, 3})})});
    CHECK_THROWS_AS(render_svg(chart), std::invalid_argument);
    CHECK_THROWS_WITH(render_svg(chart), Contains("short") && Contains("3 values") && Contains("4 dates"));
  }
  SECTION("a band with only one edge") {
    ChartSeries s = series("half band", {1, 2});
    s.band_lower = {0, 1};
    CHECK_THROWS_AS(render_svg(chart_of(2, {panel("P", {s})})), std::invalid_argument);
  }
  SECTION("a band of the wrong length") {
    ChartSeries s = series("long band", {1, 2});
    s.band_lower = {0, 1, 2};
    s.band_upper = {2, 3, 4};
    CHECK_THROWS_WITH(render_svg(chart_of(2, {panel("P", {s})})), Contains("long band"));
  }
}

TEST_CASE("an empty chart renders a valid SVG with a no data note") {
  Chart chart;
  chart.title = "Nothing yet";
  chart.panels = {panel("P", {series("s", {})})};
  const std::string svg = render_svg(chart);
  CHECK_THAT(svg, Contains(">no data</text>"));
  CHECK(elements(svg, "polyline").empty());
  check_well_formed(svg);
}

TEST_CASE("markers are labelled vertical lines at their dates in every panel, and one past the dates is refused") {
  Chart chart = chart_of(
      5, {panel("A", {series("a", {0.1, 0.2, 0.3, 0.4, 0.5})}), panel("B", {series("b", {0.5, 0.4, 0.3, 0.2, 0.1})})});
  chart.markers = {{0, "T1"}, {3, "T2"}};
  const std::string svg = render_svg(chart);
  std::vector<std::string> markers;
  for (const auto& line : elements(svg, "line"))
    if (attribute(line, "class") == "marker") markers.push_back(line);
  REQUIRE(markers.size() == 4);  // two per panel
  // Vertical, the first at the first date and the second three quarters of the way along.
  CHECK(attribute(markers[0], "x1") == attribute(markers[0], "x2"));
  const double first = std::stod(attribute(markers[0], "x1")), second = std::stod(attribute(markers[1], "x1"));
  CHECK(second > first);
  CHECK(first + (second - first) * 4.0 / 3.0 > second);
  CHECK_THAT(svg, Contains(">T1<") && Contains(">T2<"));

  chart.markers = {{5, "T3"}};
  CHECK_THROWS_AS(render_svg(chart), std::invalid_argument);
}

TEST_CASE("each dash index above 0 gets its own pattern and the legend sample shows it") {
  std::vector<ChartSeries> lines;
  for (int dash = 0; dash < 4; ++dash) {
    lines.push_back(series("s" + std::to_string(dash), {0.1, 0.2}, 0));
    lines.back().dash = dash;
  }
  const std::string svg = render_svg(chart_of(2, {panel("P", lines)}));
  const auto polylines = elements(svg, "polyline");
  REQUIRE(polylines.size() == 4);
  CHECK(attribute(polylines[0], "stroke-dasharray").empty());
  const std::set<std::string> patterns = {attribute(polylines[1], "stroke-dasharray"),
                                          attribute(polylines[2], "stroke-dasharray"),
                                          attribute(polylines[3], "stroke-dasharray")};
  CHECK(patterns.size() == 3);
  CHECK(patterns.count("") == 0);
}

TEST_CASE("the legend sits beside the plot, outside it, and a long legend makes the panel taller") {
  std::vector<ChartSeries> many;
  for (int i = 0; i < 20; ++i) many.push_back(series("series number " + std::to_string(i), {0.5, 0.9}, i));
  const std::string svg = render_svg(chart_of(2, {panel("Short", {series("a", {0.2, 0.95})}), panel("Long", many)}));
  const auto areas = rects_of_class(svg, "plot-area");
  const auto legends = rects_of_class(svg, "legend");
  REQUIRE(areas.size() == 2);
  REQUIRE(legends.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    INFO("panel " << i);
    // Right of the plot and top-aligned with it: no data point can be under it.
    CHECK(legends[i].x > areas[i].x + areas[i].width);
    CHECK(legends[i].y == Approx(areas[i].y));
    CHECK(legends[i].y + legends[i].height <= areas[i].y + areas[i].height + 0.01);
  }
  // The second panel's legend does not run into the first panel's cell.
  CHECK(legends[0].x + legends[0].width < areas[1].x);
  // Twenty rows need more than the usual plot height; every panel grows alike.
  CHECK(areas[0].height == Approx(areas[1].height));
  CHECK(areas[1].height >= legends[1].height);
}

TEST_CASE("spans shade their dates in every panel and are labelled above the plot") {
  Chart chart = chart_of(11, {panel("A", {series("a", std::vector<double>(11, 0.5))}), panel("B", {})});
  chart.spans = {{2, 6, "USA.air_link = 1"}};
  const std::string svg = render_svg(chart);
  const auto spans = rects_of_class(svg, "span");
  const auto areas = rects_of_class(svg, "plot-area");
  REQUIRE(spans.size() == 2);  // one per panel
  const Rect& area = areas.at(0);
  CHECK(spans[0].x == Approx(area.x + area.width * 0.2));
  CHECK(spans[0].width == Approx(area.width * 0.4));
  CHECK(spans[0].y == Approx(area.y));
  CHECK(spans[0].height == Approx(area.height));
  // Drawn under the data.
  CHECK(svg.find("class=\"span\"") < svg.find("<polyline"));
  const auto labels = texts(svg);
  CHECK(std::count(labels.begin(), labels.end(), "USA.air_link = 1") == 2);

  SECTION("a span past the dates or backwards is refused") {
    chart.spans = {{2, 11, "late"}};
    CHECK_THROWS_WITH(render_svg(chart), Contains("late") && Contains("11"));
    chart.spans = {{6, 2, "backwards"}};
    CHECK_THROWS_AS(render_svg(chart), std::invalid_argument);
  }
}

TEST_CASE("marker labels stay above the plot and take a new row where they would overlap") {
  Chart chart = chart_of(121, {panel("A", {series("a", std::vector<double>(121, 0.99))})});
  chart.markers = {{10, "leadership_turnover MNG"}, {14, "partner_election USA"}, {100, "jump MNG.autonomy"}};
  const std::string svg = render_svg(chart);
  const Rect area = rects_of_class(svg, "plot-area").at(0);
  std::vector<double> ys;
  for (const std::string& label : elements(svg, "text"))
    if (attribute(label, "class") == "timeline") ys.push_back(std::stod(attribute(label, "y")));
  REQUIRE(ys.size() == 3);
  for (const double y : ys) CHECK(y < area.y);
  CHECK(ys[0] != ys[1]);  // four months apart: stacked
  CHECK(ys[2] == ys[0]);  // far from both: back on the first row
  // Without markers the plot starts higher: the rows take room only when there are labels.
  chart.markers.clear();
  CHECK(rects_of_class(render_svg(chart), "plot-area").at(0).y < area.y);
}

TEST_CASE("the subtitle says what changed and the caption carries provenance under the panels") {
  Chart chart = chart_of(3, {panel("A", {series("a", {0.1, 0.2, 0.3})})});
  chart.subtitle = "with USA.air_link=1, CHN.hawkishness=0.9";
  chart.caption = "third_neighbor · seed 1 · steppe 0.1.0";
  const std::string svg = render_svg(chart);
  std::string subtitle, caption;
  double caption_y = 0;
  for (const std::string& element : elements(svg, "text")) {
    const auto end = svg.find("</text>", svg.find(element));
    const std::string content =
        svg.substr(svg.find(element) + element.size(), end - svg.find(element) - element.size());
    if (attribute(element, "class") == "subtitle") subtitle = content;
    if (attribute(element, "class") == "caption") caption = content, caption_y = std::stod(attribute(element, "y"));
  }
  CHECK(subtitle == "with USA.air_link=1, CHN.hawkishness=0.9");
  CHECK(caption == "third_neighbor · seed 1 · steppe 0.1.0");
  const Rect area = rects_of_class(svg, "plot-area").at(0);
  CHECK(caption_y > area.y + area.height + 30);  // below the date labels
  const auto svg_element = elements(svg, "svg").front();
  CHECK(caption_y < std::stod(attribute(svg_element, "height")));
}
