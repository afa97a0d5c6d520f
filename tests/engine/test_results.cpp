// The charts of what-if runs (engine/io/results.hpp): y ranges from the declarations or from
// --y-range, a colour per side of a comparison, the subtitle of command-line changes, and the
// scenario's timeline of lever windows, events and jumps.
#include <catch2/catch.hpp>
#include <climits>
#include <string>
#include <vector>

#include "engine/io/results.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

const ChartPanel& panel_titled(const Chart& chart, const std::string& title) {
  for (const ChartPanel& panel : chart.panels)
    if (panel.title == title) return panel;
  FAIL("no panel " << title);
  throw;
}

WhatIfRun short_baseline() {
  LoadOptions options;
  options.months = 24;
  return run_what_if(shipped_scenario("baseline", options));
}

}  // namespace

TEST_CASE("parse_y_range reads declared fit and LOW:HIGH and nothing else") {
  CHECK(parse_y_range("declared")->mode == YRange::Mode::declared);
  CHECK(parse_y_range("fit")->mode == YRange::Mode::fit);
  const auto fixed = parse_y_range("-1.5:2e1");
  REQUIRE(fixed);
  CHECK(fixed->mode == YRange::Mode::fixed);
  CHECK(fixed->low == -1.5);
  CHECK(fixed->high == 20);
  for (const char* bad : {"", "fitt", "1:0", "0.5:0.5", "0:", ":1", "a:b", "0:inf", "0:1:2", "0-1"}) {
    INFO(bad);
    CHECK_FALSE(parse_y_range(bad));
  }
}

TEST_CASE("set_y_range draws a declared range unless it is unbounded, fits with fit and fixes LOW:HIGH") {
  ChartPanel panel;
  const VariableDecl share{.name = "share", .min = 0, .max = 1};
  const VariableDecl index{.name = "index", .min = -2, .max = 1, .clipped = false};
  const VariableDecl race{.name = "race", .min = -1e9, .max = 1e9, .clipped = false};
  set_y_range(panel, share, {});
  CHECK((panel.y_min == 0 && panel.y_max == 1));
  set_y_range(panel, index, {});
  CHECK((panel.y_min == -2 && panel.y_max == 1));
  set_y_range(panel, race, {});
  CHECK(panel.y_min == panel.y_max);  // fit the data
  set_y_range(panel, share, {.mode = YRange::Mode::fit});
  CHECK(panel.y_min == panel.y_max);
  set_y_range(panel, race, {.mode = YRange::Mode::fixed, .low = 0.25, .high = 0.75});
  CHECK((panel.y_min == 0.25 && panel.y_max == 0.75));
}

TEST_CASE("indicator_chart draws shares on 0 to 1 with their unit as the y label unless asked to fit") {
  const WhatIfRun run = short_baseline();
  const Chart declared = indicator_chart({&run}, {"baseline"}, {"0.1.0", "steppe run"});
  const ChartPanel& autonomy = panel_titled(declared, "Autonomy");
  CHECK((autonomy.y_min == 0 && autonomy.y_max == 1));
  CHECK(autonomy.y_label == "share (0–1)");
  const Chart fitted = indicator_chart({&run}, {"baseline"}, {"0.1.0", "steppe run"}, {.mode = YRange::Mode::fit});
  CHECK(panel_titled(fitted, "Autonomy").y_min == panel_titled(fitted, "Autonomy").y_max);
  // The provenance moved to the caption; the title is the scenario's.
  CHECK(declared.title == "Baseline (status quo)");
  CHECK_THAT(declared.caption, Catch::Contains("seed 1") && Catch::Contains("steppe 0.1.0"));
}

TEST_CASE("the sides of a comparison differ by colour and the actors within a side by dash") {
  const WhatIfRun a = short_baseline(), b = short_baseline();
  const Chart both = indicator_chart({&a, &b}, {"A", "B"}, {"0.1.0", ""});
  const ChartPanel& coercion = panel_titled(both, "Coercion");
  REQUIRE(coercion.series.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    INFO(coercion.series[i].label);
    CHECK(coercion.series[i].color == static_cast<int>(i / 2));  // A's, then B's
    CHECK(coercion.series[i].dash == static_cast<int>(i % 2));   // CHN solid, RUS dashed
  }
  CHECK(coercion.series[2].label == "CHN (B)");
  // One run: the actors differ by colour, every line solid.
  const Chart one = indicator_chart({&a}, {"A"}, {"0.1.0", ""});
  const ChartPanel& single = panel_titled(one, "Coercion");
  REQUIRE(single.series.size() == 2);
  CHECK(single.series[0].color != single.series[1].color);
  CHECK((single.series[0].dash == 0 && single.series[1].dash == 0));
}

TEST_CASE("scenario_chart shades lever windows and pulses and marks lever steps events and jumps") {
  LoadOptions sixty_months;
  sixty_months.months = 60;  // the baseline's elections of 2032 fall after it
  const auto scenario = scenario_from_yaml(R"(extends: {scenarios}/baseline.yaml
levers:
  USA.air_link: {pulse: {from: 2026-01, to: 2026-12, value: 1}}
  USA.pme: {2027-03: 0.9}
events:
  - {from: 2028-01, to: 2028-06, set: {CHN.direct_pressure: 0.15}}
  - {at: 2029-02, jump: {MNG.autonomy: -0.1}}
)",
                                           sixty_months, "chart-timeline");
  const Chart chart = scenario_chart({scenario.get()}, {"timeline"});
  REQUIRE(chart.spans.size() == 2);
  CHECK(chart.spans[0].label == "USA.air_link = 1");
  CHECK((chart.spans[0].from == 12 && chart.spans[0].to == 23));
  CHECK(chart.spans[1].label == "CHN.direct_pressure = 0.15");
  CHECK((chart.spans[1].from == 36 && chart.spans[1].to == 41));
  std::vector<std::pair<std::size_t, std::string>> markers;
  for (const ChartMarker& marker : chart.markers) markers.emplace_back(marker.date, marker.label);
  // The baseline's elections within the 60 months, the step and the jump, by date.
  CHECK(markers == std::vector<std::pair<std::size_t, std::string>>{{26, "USA.pme = 0.9"},
                                                                    {29, "leadership_turnover MNG"},
                                                                    {41, "leadership_turnover MNG"},
                                                                    {46, "partner_election USA"},
                                                                    {49, "jump MNG.autonomy"}});
  CHECK(chart.dates.size() == 61);

  SECTION("a side's own items are labelled with its label") {
    const auto plain = scenario_from_yaml("extends: {scenarios}/baseline.yaml\n", sixty_months, "chart-plain");
    const Chart both = scenario_chart({plain.get(), scenario.get()}, {"plain", "timeline"});
    CHECK(both.spans.at(0).label == "USA.air_link = 1 (timeline)");
    CHECK(both.markers.at(1).label == "leadership_turnover MNG");  // on both sides
  }
}

TEST_CASE("the subtitle lists the command-line changes every side has") {
  const auto loaded = shipped_scenario("baseline");
  Scenario changed = *loaded;
  changed.changes = {"USA.air_link=1", "CHN.hawkishness=0.9"};
  CHECK(scenario_chart({loaded.get()}, {"baseline"}).subtitle.empty());
  const Chart chart = scenario_chart({&changed}, {"baseline"});
  CHECK(chart.title == "Baseline (status quo)");
  CHECK(chart.subtitle == "with USA.air_link=1, CHN.hawkishness=0.9");
  CHECK(scenario_chart({&changed, &changed}, {"A", "B"}).subtitle == "with USA.air_link=1, CHN.hawkishness=0.9");
  // What only one side changed is in its label, not repeated in the subtitle.
  CHECK(scenario_chart({loaded.get(), &changed}, {"A", "B + USA.air_link=1"}).subtitle.empty());
  Scenario more = changed;
  more.changes.push_back("MNG.autonomy=0.4");
  CHECK(scenario_chart({&more, &changed}, {"A", "B"}).subtitle == "with USA.air_link=1, CHN.hawkishness=0.9");
}
