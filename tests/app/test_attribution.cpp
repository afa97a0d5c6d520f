// compare --attribute: each difference split among the settings that differ, checked against
// Shapley values known in closed form (test functions whose outcome is a formula of the
// settings), on a noisy ensemble, and on the flagship model, where the parts must add up.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>

#include "app/what_if.hpp"
#include "support.hpp"

using namespace steppe;

namespace {

std::string example(const std::string& model) {
  return testing::source_path("models/" + model + "/example.yaml").string();
}
std::string shipped(const std::string& name) { return testing::source_path("scenarios/" + name + ".yaml").string(); }

// The contribution of `setting` to the first outcome of the first attribution.
double contribution(const app::Attribution& attribution, const std::string& setting, std::size_t outcome = 0) {
  for (std::size_t index = 0; index < attribution.settings.size(); ++index)
    if (attribution.settings[index].name == setting) return attribution.values.value[index][outcome];
  FAIL("no setting " << setting);
  return 0;
}

app::ComparisonResult attributed(const std::string& file, const std::string& with, LoadOptions load = {},
                                 app::EnsembleSettings ensemble = {}) {
  return app::compare(
      app::prepare_comparison({.sides = {{.scenario = file}, {.scenario = file, .changes = parse_variant(with)}},
                               .load = load,
                               .ensemble = ensemble,
                               .attribute = true}));
}

}  // namespace

TEST_CASE("attribution of y = 10 x1 + 5 x2 + x3 + 2 x1 x3: linear parts to their settings, the product shared",
          "[app][attribution]") {
  // From x = (0.2, 0.5, 0.9, 0.5) to (0.8, 0.1, 0.3, 0.9): x2 gives 5 Δx2 = −2, x4 nothing, and
  // the product 2 x1 x3 is shared by the Shapley formula: x1 gets 10 Δx1 + 2 Δx1 (x3 + x3')/2 =
  // 6.72, x3 gets Δx3 + 2 Δx3 (x1 + x1')/2 = −1.2; together y(B) − y(A) = 9.28 − 5.76 = 3.52.
  const app::ComparisonResult result = attributed(example("linear_effects"), "x1=0.8, x2=0.1, x3=0.3, x4=0.9");
  REQUIRE(result.attributions.size() == 1);
  const app::Attribution& attribution = result.attributions[0];
  REQUIRE(attribution.settings.size() == 4);
  CHECK(attribution.values.exact);
  CHECK(attribution.values.coalitions == 16);
  CHECK(contribution(attribution, "x1") == Approx(6.72).epsilon(1e-12));
  CHECK(contribution(attribution, "x2") == Approx(-2.0).epsilon(1e-12));
  CHECK(contribution(attribution, "x3") == Approx(-1.2).epsilon(1e-12));
  CHECK(contribution(attribution, "x4") == Approx(0).margin(1e-12));
  CHECK(attribution.values.none[0] == Approx(5.76));
  CHECK(attribution.values.all[0] == Approx(9.28));
  CHECK(attribution.values.all[0] == result.outcomes[0].values[1]);  // the runs compared
}

TEST_CASE("attribution of a pure interaction y = x1 x2 + x3 splits the product equally", "[app][attribution]") {
  LoadOptions both;  // every side starts from x1 = x2 = 0 (and x3 = 0, the model's default)
  both.overrides = {parse_override("x1=0"), parse_override("x2=0")};
  const app::ComparisonResult result = attributed(example("interaction"), "x1=1, x2=1, x3=0.5", both);
  const app::Attribution& attribution = result.attributions.at(0);
  CHECK(contribution(attribution, "x1") == Approx(0.5));
  CHECK(contribution(attribution, "x2") == Approx(0.5));
  CHECK(contribution(attribution, "x3") == Approx(0.5));
}

TEST_CASE("attribution of an ensemble's means on a noisy outcome: common random numbers cancel the noise",
          "[app][attribution]") {
  // y = x1 + 2 x2 + noise z: raising x1 by 0.5 moves every member by 0.5; x3 enters nothing.
  LoadOptions load;
  load.stochastic = true;
  load.overrides = {parse_override("noise=5")};
  const app::ComparisonResult result =
      attributed(example("noisy_linear"), "x1=1, x3=0.9", load, {.members = 2000, .threads = 2});
  const app::Attribution& attribution = result.attributions.at(0);
  CHECK(contribution(attribution, "x1") == Approx(0.5).epsilon(1e-9));
  CHECK(contribution(attribution, "x3") == Approx(0).margin(1e-9));
  CHECK(std::abs(attribution.values.none[0] - 1.5) > 1e-3);  // the means themselves are noisy
}

TEST_CASE("attribution on the flagship model: a dated event and a lever window are settings, and the parts add up",
          "[app][attribution]") {
  const app::ComparisonResult result = attributed(
      shipped("calibrated"),
      "CHN.direct_pressure=0.15@2030-01..2030-06, event leadership_turnover MNG 2029-06, CHN.hawkishness=0.9");
  const app::Attribution& attribution = result.attributions.at(0);
  std::vector<std::string> names;
  for (const SettingDifference& setting : attribution.settings) names.push_back(setting.name);
  CHECK(names ==
        std::vector<std::string>{"CHN.hawkishness", "CHN.direct_pressure", "event leadership_turnover MNG 2029-06"});
  for (std::size_t outcome = 0; outcome < attribution.outcomes.size(); ++outcome) {
    INFO(attribution.outcomes[outcome]);
    const double a = result.outcomes[outcome].values[0], b = result.outcomes[outcome].values[1];
    if (!std::isfinite(a) || !std::isfinite(b)) continue;
    CHECK(attribution.values.none[outcome] == a);
    CHECK(attribution.values.all[outcome] == b);
    double sum = 0;
    for (const auto& per_setting : attribution.values.value) sum += per_setting[outcome];
    CHECK(sum == Approx(b - a).margin(1e-12));
  }
}

TEST_CASE("attribution between two files: more than 12 settings are sampled, with intervals, and still add up",
          "[app][attribution]") {
  const app::ComparisonResult result = app::compare(
      app::prepare_comparison({.sides = {{.scenario = shipped("baseline")}, {.scenario = shipped("calibrated")}},
                               .attribute = true,
                               .attribution = {.orderings = 30}}));
  const app::Attribution& attribution = result.attributions.at(0);
  REQUIRE(attribution.settings.size() > 12);
  CHECK_FALSE(attribution.values.exact);
  for (std::size_t outcome = 0; outcome < attribution.outcomes.size(); ++outcome) {
    const double a = attribution.values.none[outcome], b = attribution.values.all[outcome];
    if (!std::isfinite(a) || !std::isfinite(b)) continue;
    double sum = 0;
    for (const auto& per_setting : attribution.values.value) sum += per_setting[outcome];
    CHECK(sum == Approx(b - a).margin(1e-9));
  }
}

TEST_CASE("attribution refuses scenarios that differ in more than settings", "[app][attribution][bad]") {
  CHECK_NOTHROW(
      app::prepare_comparison({.sides = {{.scenario = shipped("baseline")},
                                         {.scenario = shipped("baseline"), .changes = parse_variant("USA.air_link=1")}},
                               .attribute = true}));
  const auto other = testing::fresh_folder("attribution-seed") / "other_seed.yaml";
  std::ofstream(other) << "extends: " << shipped("baseline") << "\nseed: 99\n";
  CHECK_THROWS_WITH(app::prepare_comparison({.sides = {{.scenario = shipped("baseline")}, {.scenario = other.string()}},
                                             .attribute = true}),
                    Catch::Contains("seed") && Catch::Contains("99") && Catch::Contains("only in parameters"));
}
