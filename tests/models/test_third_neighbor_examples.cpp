// The worked examples docs/model.md gives for the model's fine print, run from their files in
// docs/examples/ and checked against the values the page states and derives by hand: threat
// perception starting after a month-0 turnover, with a month-0 jump on top (§3, §5); a trigger
// winning over a `set` window on the same lever (§2.3); a fourth actor, India as a second
// partner ("Naming in scenarios").
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

struct ExampleRun {
  std::shared_ptr<const Scenario> scenario;
  std::vector<MemberArrays> months;
  double operator()(int month, const std::string& actor, const std::string& variable) const {
    const int slot = scenario->layout->state_index(actor, variable);
    REQUIRE(slot >= 0);
    return months.at(static_cast<std::size_t>(month))(0, slot);
  }
};

// The example's first `months` months, as docs/model.md runs it.
ExampleRun run_example(const std::string& name, int months) {
  LoadOptions options;
  options.months = months;
  auto scenario = load_scenario(source_path("docs/examples/" + name + ".yaml"), options);
  return {scenario, run_months(scenario)};
}

// The flagship's month-0 visibility (docs/model.md §5): the status-quo engagement weighted by
// visibility, 0.57, amplified by the status-quo framing 0.2.
constexpr double visible_status_quo = 0.57, flagship_visibility = 0.57 * 1.4;
// CHN's and RUS's threat targets at visibility V, at balanced diplomacy 0.7 and no concession.
double target_chn(double V) { return sigmoid(2.5 * (V - 2.0)) * (1 - 0.5 * 0.7); }
double target_rus(double V) { return sigmoid(2.0 * (V - 2.4)) * (1 - 0.5 * 0.7); }

}  // namespace

TEST_CASE("third_neighbor starts threat perception at the target after a month-0 turnover, as MODEL.md §7 says",
          "[examples][initial]") {
  const ExampleRun run = run_example("turnover_at_start", 1);
  const double hit = 0.3 * (1 - 0.55) * (1 - 0.45);  // turnover_shock · (1 − Q) · (1 − H)
  const double V = flagship_visibility * (1 - hit);
  const double start = target_chn(V);
  CHECK(start == Approx(0.0266).margin(5e-5));
  CHECK(run(0, "CHN", "threat_perception") == Approx(start).margin(1e-12));
  CHECK(run(0, "RUS", "threat_perception") == Approx(target_rus(V)).margin(1e-12));
  // Without the turnover it would have started at 0.0307.
  CHECK(target_chn(flagship_visibility) == Approx(0.0307).margin(5e-5));
  // The month-0 record holds no month-0 event: engagement, trust and access as initialized.
  CHECK(run(0, "USA", "engagement.pme") == 0.5);
  CHECK(run(0, "USA", "trust") == 0.5);
  CHECK(run(0, "USA", "access") == Approx(0.985329).margin(1e-6));
  // The turnover acts in step 0 all the same: pme (lag 12) moves from its cut level towards 0.5.
  const double cut = 0.5 * (1 - hit);
  CHECK(run(1, "USA", "engagement.pme") == Approx(cut + (0.5 - cut) / 12).margin(1e-12));
  // The month-0 jump of +0.5 lands on that start in step 0, and P relaxes a third of the way back
  // to the target step 0 computed, which is the start itself.
  CHECK(run(1, "CHN", "threat_perception") == Approx(start + 0.5 * 2.0 / 3.0).margin(1e-12));
}

TEST_CASE("third_neighbor threat perception starts at rest after month-0 turnovers of random size, member by member",
          "[examples][initial]") {
  // Step 0 draws each member's turnover again; the start saw the same draws, so P*(step 0) equals
  // P(0) and P does not move in step 0. Before the fix it started at the pre-turnover target.
  for (const bool stochastic : {false, true}) {
    INFO("stochastic " << stochastic);
    LoadOptions options;
    options.months = 1;
    options.stochastic = stochastic;
    auto scenario = scenario_from_yaml(
        "extends: {scenarios}/baseline.yaml\nevents:\n  - {at: 2025-01, event: leadership_turnover, actor: MNG}\n",
        options);
    const auto months = run_months(scenario, 40);
    for (const auto& [neighbor, untouched_start] :
         {std::pair{"CHN", target_chn(flagship_visibility)}, std::pair{"RUS", target_rus(flagship_visibility)}}) {
      INFO(neighbor);
      const int slot = scenario->layout->state_index(neighbor, "threat_perception");
      // Equal up to the rounding of the two sums of visibility (the step sums in another order).
      CHECK((months[1].col(slot) - months[0].col(slot)).abs().maxCoeff() < 1e-15);
      CHECK(months[0].col(slot).maxCoeff() < untouched_start);  // every turnover lowers it
    }
    if (stochastic) {  // the members' starts differ with their draws
      const int slot = scenario->layout->state_index("CHN", "threat_perception");
      CHECK(months[0].col(slot).minCoeff() < months[0].col(slot).maxCoeff());
    }
  }
}

TEST_CASE("third_neighbor: a trigger wins over a set window on its lever from the step after the jump that fires it",
          "[examples][levers]") {
  const ExampleRun run = run_example("trigger_and_window", 12);
  // Realized visits (lag 1, concession_profile 0) of month m + 1 are the setting of step m:
  // status quo 0.3 in steps 0–1, the window's 1 in steps 2–4, the trigger's 0 from step 5 (the
  // tension jump dated month 4 acts after step 4's levers) through the window's end and after.
  const std::vector<double> expected = {0.3, 0.3, 0.3, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
  REQUIRE(run.months.size() == expected.size());
  for (std::size_t month = 0; month < expected.size(); ++month) {
    INFO("month " << month);
    CHECK(run(static_cast<int>(month), "USA", "engagement.high_level_visits") == expected[month]);
  }
}

TEST_CASE("third_neighbor: a second partner starts at the status quo and adds its visibility to the first's",
          "[examples][partners]") {
  const ExampleRun run = run_example("india_partner", 1);
  const double V = flagship_visibility + visible_status_quo;  // India's framing is 0
  CHECK(run(0, "CHN", "threat_perception") == Approx(target_chn(V)).margin(1e-12));
  CHECK(run(0, "RUS", "threat_perception") == Approx(target_rus(V)).margin(1e-12));
  CHECK(run(0, "IND", "access") == Approx(0.9 * (1 - 0.8 * 0.12)).margin(1e-12));  // airlift over China
  CHECK(run(0, "IND", "expectation") == Approx(0.31875).margin(1e-12));
  CHECK(run(0, "IND", "trust") == 0.5);
  CHECK(run(0, "IND", "engagement.khaan_quest") == 0.6);
  CHECK(run(0, "USA", "access") == Approx(0.985329).margin(1e-6));
}
