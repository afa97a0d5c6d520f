// The charts `steppe run` and `steppe compare` write, through the real binary: chart.png with
// --png (and its failures), the y range with --y-range (and bad values), a colour per side of a
// comparison, and the scenario's events marked.
#include <catch2/catch.hpp>
#include <cstdint>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"

using namespace steppe::cli_testing;

namespace {

// The width and height in a PNG's IHDR chunk, or {0, 0} when `bytes` is no PNG.
std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& bytes) {
  const std::string signature = "\x89PNG\r\n\x1a\n";
  if (bytes.size() < 24 || bytes.compare(0, signature.size(), signature) != 0 || bytes.compare(12, 4, "IHDR") != 0)
    return {0, 0};
  const auto big_endian = [&](std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
    return value;
  };
  return {big_endian(16), big_endian(20)};
}

double svg_attribute(const std::string& svg, const std::string& name) {
  std::smatch match;
  REQUIRE(std::regex_search(svg, match, std::regex("<svg [^>]*" + name + "=\"([0-9.]+)\"")));
  return std::stod(match[1]);
}

// The stroke colours of the polylines of the series whose legend label is `label`.
std::string stroke_of_legend(const std::string& svg, const std::string& label) {
  std::smatch match;
  const std::regex sample(R"re(<line [^>]*stroke="(#[0-9A-Fa-f]{6})"[^>]*/>\s*<text [^>]*>)re" + label + "</text>");
  return std::regex_search(svg, match, sample) ? std::string(match[1]) : "";
}

std::vector<std::string> texts_of(const std::string& svg) {
  std::vector<std::string> found;
  const std::regex text(R"(<text[^>]*>([^<]*)</text>)");
  for (std::sregex_iterator it(svg.begin(), svg.end(), text), end; it != end; ++it) found.push_back((*it)[1]);
  return found;
}

}  // namespace

TEST_CASE("steppe run --png also writes chart.png, a PNG twice the size of chart.svg", "[cli][run][png]") {
  const fs::path folder = scratch("png-run") / "out";
  const RunResult result = run_steppe(
      {"run", "scenarios/baseline.yaml", "--months", "24", "--png", "--out", folder.string(), "-q"}, root_folder());
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(folder_entries(folder) ==
        std::vector<std::string>{"chart.png", "chart.svg", "summary.json", "trajectories.csv"});
  const std::string svg = read_text_file(folder / "chart.svg");
  const auto [width, height] = png_size(read_text_file(folder / "chart.png"));
  CHECK(width == static_cast<std::uint32_t>(2 * svg_attribute(svg, "width")));
  CHECK(height == static_cast<std::uint32_t>(2 * svg_attribute(svg, "height")));
  CHECK(width > 1000);
}

TEST_CASE("steppe compare --png writes chart.png and gives each side its own colour", "[cli][compare][png]") {
  const fs::path folder = scratch("png-compare") / "out";
  const RunResult result = run_steppe({"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml", "--months",
                                       "24", "--png", "--out", folder.string(), "-q"},
                                      root_folder());
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(png_size(read_text_file(folder / "chart.png")).first > 1000);
  const std::string svg = read_text_file(folder / "chart.svg");
  const std::string a = stroke_of_legend(svg, R"(MNG \(baseline\))"),
                    b = stroke_of_legend(svg, R"(MNG \(calibrated\))");
  CHECK_FALSE(a.empty());
  CHECK_FALSE(b.empty());
  CHECK(a != b);
}

TEST_CASE("without --png no chart.png is written", "[cli][run][png]") {
  const fs::path folder = scratch("png-none") / "out";
  REQUIRE(
      run_steppe({"run", "scenarios/baseline.yaml", "--months", "12", "--out", folder.string(), "-q"}, root_folder())
          .exit_code == 0);
  CHECK_FALSE(fs::exists(folder / "chart.png"));
}

TEST_CASE("a chart.png that cannot be written is one clear error and nothing is written", "[cli][run][png]") {
  const fs::path folder = scratch("png-blocked") / "out";
  fs::create_directories(folder / "chart.png" / "keep");
  const RunResult result = run_steppe(
      {"run", "scenarios/baseline.yaml", "--months", "12", "--png", "--out", folder.string(), "-q"}, root_folder());
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(lines_of(result.err).size() == 1);
  CHECK_THAT(result.err, Catch::Contains("chart.png"));
  CHECK(folder_entries(folder) == std::vector<std::string>{"chart.png"});
}

TEST_CASE("the option --y-range sets the charts' y axes: declared by default, fit, or LOW:HIGH",
          "[cli][run][y-range]") {
  const auto ticks = [](const std::vector<std::string>& extra, const std::string& name) {
    const fs::path folder = scratch(name) / "out";
    std::vector<std::string> args = {"run",   "scenarios/baseline.yaml", "--months", "24",
                                     "--out", folder.string(),           "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    const RunResult result = run_steppe(args, root_folder());
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const std::vector<std::string> texts = texts_of(read_text_file(folder / "chart.svg"));
    return std::multiset<std::string>(texts.begin(), texts.end());
  };
  // Four share panels on 0 to 1: each has a 0.0 and a 1.0 tick.
  const auto declared = ticks({}, "y-declared");
  CHECK(declared.count("0.0") == 4);
  CHECK(declared.count("1.0") == 4);
  CHECK(declared.count("share (0–1)") == 4);
  CHECK(ticks({"--y-range", "declared"}, "y-declared-named") == declared);
  // Fitted, two years of the baseline move far less than 0 to 1.
  const auto fitted = ticks({"--y-range", "fit"}, "y-fit");
  CHECK(fitted.count("1.0") < 4);
  const auto fixed = ticks({"--y-range=0.2:0.8"}, "y-fixed");
  CHECK(fixed.count("0.2") == 4);
  CHECK(fixed.count("0.8") == 4);
  CHECK(fixed.count("1.0") == 0);
}

TEST_CASE("a bad --y-range exits 2 naming the flag and writes nothing", "[cli][y-range][bad]") {
  for (const std::string command : {"run", "compare"}) {
    for (const std::string value : {"0.8:0.2", "fitt", "0:x", "-inf:1"}) {
      INFO(command << " --y-range " << value);
      const fs::path folder = scratch("y-bad") / "out";
      std::vector<std::string> args = {command, "scenarios/baseline.yaml"};
      if (command == "compare") args.push_back("scenarios/calibrated.yaml");
      args.insert(args.end(), {"--y-range", value, "--out", folder.string()});
      const RunResult result = run_steppe(args, root_folder());
      CHECK(result.exit_code == 2);
      CHECK(lines_of(result.err).size() == 1);
      CHECK_THAT(result.err, Catch::StartsWith("--y-range: error: ") && Catch::Contains("'" + value + "'"));
      CHECK_FALSE(fs::exists(folder));
      if (value == "fitt") CHECK_THAT(result.err, Catch::Contains("did you mean 'fit'?"));
    }
  }
}

TEST_CASE("the chart marks the scenario's elections and shades its lever windows", "[cli][run][svg]") {
  const fs::path folder = scratch("chart-timeline") / "out";
  const RunResult result =
      run_steppe({"run", "scenarios/coercion_shock.yaml", "--out", folder.string(), "-q"}, root_folder());
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::string svg = read_text_file(folder / "chart.svg");
  const std::vector<std::string> texts = texts_of(svg);
  const std::multiset<std::string> labels(texts.begin(), texts.end());
  CHECK(labels.count("partner_election USA") == 4 * 2);  // two US elections, in each of four panels
  CHECK(labels.count("CHN.direct_pressure = 0.15") == 4);
  CHECK_THAT(svg, Catch::Contains(R"(class="span")"));
  CHECK_THAT(svg, Catch::Contains(">date</text>"));
  CHECK_FALSE(svg.find(">month</text>") != std::string::npos);
}
