// The deterrence template model (docs/writing-a-model.md): the behaviour its equations promise —
// a credible guarantor damps the arms race, the rivals react to each other, a summit cools
// tension, incidents strike only in stochastic runs and more often under tension, each member
// draws its own uncertain reaction — and its determinism: the same seed gives the same bits, and
// a member's numbers do not depend on the block or row it ran in.
#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

// The example scenario with `changes` (YAML keys) laid over it.
std::shared_ptr<const Scenario> example_with(const std::string& changes, const LoadOptions& options = {}) {
  return scenario_from_yaml("extends: " + source_path("models/deterrence/example.yaml").string() + "\n" + changes,
                            options, "deterrence");
}

// A value of one member in the state after `month` steps.
double value_at(const std::vector<MemberArrays>& months, const Scenario& scenario, int month, const std::string& actor,
                const std::string& variable, Eigen::Index member = 0) {
  const int slot = scenario.layout->state_index(actor, variable);
  REQUIRE(slot >= 0);
  return months.at(static_cast<std::size_t>(month))(member, slot);
}

double final_value(const std::shared_ptr<const Scenario>& scenario, const std::string& actor,
                   const std::string& variable) {
  const auto months = run_months(scenario);
  return value_at(months, *scenario, scenario->months, actor, variable);
}

// Incidents per member over the run, averaged over `members` stochastic members.
double mean_incidents(const std::shared_ptr<const Scenario>& scenario, std::int64_t members) {
  const auto months = run_months(scenario, members);
  const int slot = scenario->layout->state_index("system", "incident");
  double total = 0;
  for (const MemberArrays& state : months) total += state.col(slot).sum();
  return total / static_cast<double>(members);
}

LoadOptions stochastic(std::uint64_t seed) {
  LoadOptions options;
  options.stochastic = true;
  options.seed = seed;
  return options;
}

}  // namespace

TEST_CASE("deterrence: a committed, present guarantor holds both rivals' arms down", "[deterrence]") {
  const auto guaranteed = example_with("levers: {ALLY.commitment: 1.0, ALLY.presence: 1.0}");
  const auto abandoned = example_with("levers: {ALLY.commitment: 0.0, ALLY.presence: 0.0}");
  for (const char* rival : {"NORTH", "SOUTH"}) {
    INFO(rival);
    CHECK(final_value(guaranteed, rival, "arms") < final_value(abandoned, rival, "arms") - 0.05);
  }
  CHECK(final_value(guaranteed, "ALLY", "credibility") > 0.9);
  CHECK(final_value(abandoned, "ALLY", "credibility") < 0.1);
}

TEST_CASE("deterrence: the rivals react to each other: SOUTH's buildup arms NORTH too", "[deterrence]") {
  const double calm = final_value(example_with("levers: {SOUTH.buildup: 0.0}"), "NORTH", "arms");
  const double armed = final_value(example_with("levers: {SOUTH.buildup: 1.0}"), "NORTH", "arms");
  CHECK(armed > calm + 0.02);
}

TEST_CASE("deterrence: a summit cuts tension by summit_relief in its month", "[deterrence]") {
  // The same world without the summit, written out (extending would keep the example's event).
  const auto without = scenario_from_yaml(R"(
model: deterrence
start: 2025-01
months: 120
actors: {NORTH: rival, SOUTH: rival, ALLY: guarantor}
levers: {NORTH.buildup: 0.3}
)",
                                          {}, "no_summit");
  const auto with = scenario_from_yaml(R"(
model: deterrence
start: 2025-01
months: 120
actors: {NORTH: rival, SOUTH: rival, ALLY: guarantor}
levers: {NORTH.buildup: 0.3}
events: [{at: 2027-06, event: summit, actor: ALLY}]
)",
                                       {}, "summit");
  const auto before = run_months(without), after = run_months(with);
  const int summit_month = 29;  // 2027-06; it acts in that step and shows in the month after
  CHECK(value_at(after, *with, summit_month, "system", "tension") ==
        value_at(before, *without, summit_month, "system", "tension"));
  const double cooled = value_at(after, *with, summit_month + 1, "system", "tension");
  const double uncooled = value_at(before, *without, summit_month + 1, "system", "tension");
  CHECK(cooled < 0.7 * uncooled);
}

TEST_CASE("deterrence: incidents strike only in stochastic runs, and more often under tension", "[deterrence]") {
  CHECK(mean_incidents(example_with(""), 1) == 0.0);
  const std::string calm_levers = "levers: {NORTH.buildup: 0.0, SOUTH.buildup: 0.0, ALLY.presence: 0.0}";
  const std::string tense = "levers: {NORTH.buildup: 1.0, SOUTH.buildup: 1.0, ALLY.commitment: 0.0}";
  const double calm = mean_incidents(example_with(calm_levers, stochastic(3)), 2000);
  const double under_tension = mean_incidents(example_with(tense, stochastic(3)), 2000);
  CHECK(calm > 0.5);
  CHECK(under_tension > 1.5 * calm);
}

TEST_CASE("deterrence: each member draws its own NORTH.reaction, and reacts by it", "[deterrence]") {
  const auto scenario = example_with("");
  Simulation simulation(scenario, {200, 0});
  simulation.run();
  const MemberArrays& reaction = simulation.sampled_inputs();  // the example's one uncertainty
  REQUIRE(reaction.cols() == 1);
  Eigen::Index lowest = 0, highest = 0;
  reaction.col(0).minCoeff(&lowest);
  reaction.col(0).maxCoeff(&highest);
  CHECK(reaction(highest, 0) > reaction(lowest, 0) + 0.05);
  const int arms = scenario->layout->state_index("NORTH", "arms");
  CHECK(simulation.state()(highest, arms) > simulation.state()(lowest, arms));
}

TEST_CASE("deterrence: the same seed gives the same bits, and a member's run does not depend on its block",
          "[deterrence][determinism]") {
  const auto scenario = example_with("", stochastic(17));
  const std::int64_t members = 40;
  const auto together = run_months(scenario, members);
  CHECK((run_months(scenario, members).back() == together.back()).all());
  for (std::int64_t member = 0; member < members; ++member) {
    INFO("member " << member << " stepped alone");
    Simulation alone(scenario, {1, member});
    alone.run();
    CHECK((alone.state().row(0) == together.back().row(member)).all());
  }
  const auto other_seed = run_months(example_with("", stochastic(18)), members);
  CHECK_FALSE((other_seed.back() == together.back()).all());
}
