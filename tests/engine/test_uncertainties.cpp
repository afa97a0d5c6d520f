// A scenario's `uncertainties:` section: parsed with its errors, drawn per member from the
// member's own stream (independent of blocks), applied to initial values and constant levers,
// overridden by --set, and reported in outcomes.csv.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "engine/ensemble.hpp"
#include "engine/io/ensemble_results.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

const char* uncertain_baseline =
    "extends: {scenarios}/baseline.yaml\n"
    "uncertainties:\n"
    "  USA.trust: {uniform: [0.3, 0.7]}\n"
    "  USA.air_link: {discrete: {values: [0, 1], weights: [1, 3]}}\n"
    "  CHN.hawkishness: {normal: {mean: 0.5, sd: 0.15}}\n"
    "  MNG.outreach: {triangular: [0.4, 0.6, 0.8]}\n"
    "  USA.pme: {beta: {alpha: 2, beta: 2, range: [0.5, 1.0]}}\n";

std::string error_of(const std::string& yaml) {
  try {
    scenario_from_yaml(yaml, {}, "uncertainty-error");
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("uncertainties: members draw their own initial values and constant levers", "[uncertainty]") {
  const auto scenario = scenario_from_yaml(uncertain_baseline);
  REQUIRE(scenario->uncertainties.size() == 5);
  Simulation simulation(scenario, {2000, 0});
  const Layout& layout = *scenario->layout;
  const Eigen::ArrayXd trust = simulation.state().col(layout.state_index("USA", "trust"));
  CHECK(trust.minCoeff() >= 0.3);
  CHECK(trust.maxCoeff() <= 0.7);
  CHECK(trust.mean() == Approx(0.5).margin(0.01));
  simulation.step();
  const auto air_link = simulation.levers().col(layout.lever_index("USA", "air_link"));
  CHECK(((air_link == 0.0) || (air_link == 1.0)).all());
  CHECK(air_link.mean() == Approx(0.75).margin(0.03));
  const auto outreach = simulation.levers().col(layout.lever_index("MNG", "outreach"));
  CHECK(outreach.minCoeff() >= 0.4);
  CHECK(outreach.maxCoeff() <= 0.8);
  // The draws are the ones reported as sampled inputs.
  CHECK((simulation.sampled_inputs().col(0) == trust).all());
}

TEST_CASE("uncertainties: a member's draws do not depend on its block", "[uncertainty]") {
  const auto scenario = scenario_from_yaml(uncertain_baseline);
  Simulation block(scenario, {10, 0});
  for (std::int64_t member : {0, 3, 9}) {
    Simulation alone(scenario, {1, member});
    CHECK((alone.sampled_inputs().row(0) == block.sampled_inputs().row(member)).all());
    CHECK((alone.state().row(0) == block.state().row(member)).all());
  }
}

TEST_CASE("uncertainties: outcomes.csv lists each member's draws before its outcomes", "[uncertainty][ensemble]") {
  const auto scenario = scenario_from_yaml(uncertain_baseline);
  EnsembleOptions options;
  options.members = 50;
  const EnsembleResult result = run_ensemble(scenario, options);
  const std::string csv = written_text([&](std::ostream& out) { write_outcomes_csv(out, *scenario, result); });
  CHECK_THAT(csv, Catch::StartsWith("member,USA.trust,USA.air_link,CHN.hawkishness,MNG.outreach,USA.pme,"
                                    "MNG.autonomy.final"));
  Simulation member_7(scenario, {1, 7});
  CHECK((result.inputs.row(7) == member_7.sampled_inputs().row(0)).all());
  const auto trust = result.inputs.col(0);
  CHECK(outcome_statistics({trust.begin(), trust.end()}).mean == Approx(0.5).margin(0.05));
}

TEST_CASE("uncertainties: --set fixes the value for every member", "[uncertainty]") {
  LoadOptions options;
  options.overrides = {parse_override("USA.trust=0.42"), parse_override("USA.air_link=1")};
  const auto scenario = scenario_from_yaml(uncertain_baseline, options);
  CHECK(scenario->uncertainties.size() == 3);
  Simulation simulation(scenario, {20, 0});
  CHECK((simulation.state().col(scenario->layout->state_index("USA", "trust")) == 0.42).all());
}

TEST_CASE("uncertainties: bad distributions and names are input errors at their place", "[uncertainty][bad]") {
  const std::string head = "extends: {scenarios}/baseline.yaml\nuncertainties:\n";
  CHECK_THAT(error_of(head + "  USA.trust: {uniform: [0.7, 0.3]}\n"),
             Catch::Contains(":3:24: error: uncertainties.USA.trust.uniform: uniform lower bound 0.7 is above"));
  CHECK_THAT(error_of(head + "  USA.trust: {uniform: [0.5, 1.5]}\n"),
             Catch::Contains("outside the valid range [0, 1]"));
  CHECK_THAT(error_of(head + "  USA.trust: {normal: {mean: 0.5, sd: -1}}\n"), Catch::Contains("sd must be positive"));
  CHECK_THAT(error_of(head + "  USA.trust: {discrete: {values: [0.1, 0.2], weights: [0, 0]}}\n"),
             Catch::Contains("sum to a positive number"));
  CHECK_THAT(error_of(head + "  USA.trust: {uniform: [0.1]}\n"), Catch::Contains("expected a list of 2 numbers"));
  CHECK_THAT(error_of(head + "  USA.trust: {uniform: [0.1, 0.2], normal: {mean: 0.5, sd: 0.1}}\n"),
             Catch::Contains("exactly one of uniform, normal, triangular, beta or discrete"));
  CHECK_THAT(error_of(head + "  USA.trust: {unifrom: [0.1, 0.2]}\n"), Catch::Contains("did you mean 'uniform'"));
  CHECK_THAT(error_of(head + "  USA.trsut: {uniform: [0.1, 0.2]}\n"),
             Catch::Contains(
                 ":3:3: error: uncertainties.USA.trsut: unknown parameter, variable or lever 'USA.trsut', did you mean "
                 "'USA.trust'?"));
  CHECK_THAT(error_of(head + "  CHN.threat_perception: {uniform: [0.1, 0.2]}\n"),
             Catch::Contains("the model computes the initial value"));
  CHECK_THAT(error_of(head + "  alpha: {uniform: [0.04, 1.5]}\n"),
             Catch::Contains(":3:20: error: uncertainties.alpha.uniform: "));
  CHECK_THAT(error_of(head + "  alpha: {uniform: [0.04, 1.5]}\n"), Catch::Contains("outside the valid range"));
  CHECK_THAT(error_of(head + "  CHN.D_floor: {uniform: [0.4, 0.9]}\n"),
             Catch::Contains("they must sum below 1 when the uncertainties draw their highest values"));
}

TEST_CASE("uncertainties: a model that cannot vary parameters per member refuses them", "[uncertainty][bad]") {
  const std::string richardson =
      "extends: " + source_path("models/richardson/example.yaml").string() + "\nuncertainties:\n";
  CHECK_THAT(error_of(richardson + "  dt: {uniform: [0.5, 1.0]}\n"),
             Catch::Contains(":3:3: error: uncertainties.dt: model 'richardson' cannot give members different "
                             "parameter values"));
}

TEST_CASE("uncertainties: members draw their own parameters, within the distribution", "[uncertainty]") {
  const auto scenario = scenario_from_yaml(
      "extends: {scenarios}/baseline.yaml\n"
      "uncertainties:\n"
      "  CHN.k: {uniform: [0.1, 0.3]}\n"
      "  alpha: {triangular: [0.03, 0.05, 0.08]}\n");
  REQUIRE(scenario->uncertainties.size() == 2);
  CHECK(scenario->uncertainties[0].target == Uncertainty::Target::parameter);
  Simulation simulation(scenario, {1000, 0});
  const auto k = simulation.sampled_inputs().col(0);
  CHECK(k.minCoeff() >= 0.1);
  CHECK(k.maxCoeff() <= 0.3);
  CHECK(k.mean() == Approx(0.2).margin(0.01));
  simulation.run();
  // Members with a higher reaction rate end with more coercion, other things equal.
  const auto coercion = simulation.state().col(scenario->layout->state_index("CHN", "coercion"));
  const double k_mean = k.mean(), coercion_mean = coercion.mean();
  CHECK(((k - k_mean) * (coercion - coercion_mean)).sum() > 0);
}

// The kernel reads parameters as scalars when no member differs, and from per-member columns
// when some do: members that draw exactly the scenario's values must get the same bits either way.
TEST_CASE("uncertainties: per-member parameters and shared scalars give identical numbers", "[uncertainty]") {
  for (const char* base : {"baseline", "calibrated", "regional_partners"}) {
    CAPTURE(base);
    const std::string head = std::string("extends: {scenarios}/") + base + ".yaml\nstochastic: true\n";
    const auto shared = scenario_from_yaml(head);
    // A discrete distribution with one value: every member holds the scenario's value, but
    // through its own parameter column.
    std::string uncertainties = "uncertainties:\n";
    for (const auto& [actor, name] : {std::pair{"CHN", "k"}, std::pair{"RUS", "theta"}, std::pair{"", "alpha"},
                                      std::pair{"", "tau_P"}, std::pair{"", "E_ref"}, std::pair{"", "h1"}}) {
      const int slot = shared->layout->parameter_index(actor, name);
      REQUIRE(slot >= 0);
      uncertainties += fmt::format("  {}: {{discrete: {{values: [{}]}}}}\n", Layout::full_name(actor, name),
                                   shared->parameters[slot]);
    }
    const auto per_member = scenario_from_yaml(head + uncertainties);
    REQUIRE(per_member->uncertainties.size() == 6);
    // 37 members: four full groups of eight and a padded one.
    Simulation a(shared, {37, 0}), b(per_member, {37, 0});
    a.run();
    b.run();
    CHECK((a.state() == b.state()).all());
  }
}

// A kernel keeps, per thread, where each member's parameters lie for the block it last stepped
// (models/third_neighbor/kernel.cpp): blocks of other sizes, other varying parameters and other
// kernels stepped in turn on one thread must each give the numbers they give alone.
TEST_CASE("uncertainties: blocks stepped in turn on one thread give the numbers each gives alone", "[uncertainty]") {
  const std::string head = "extends: {scenarios}/calibrated.yaml\nstochastic: true\nuncertainties:\n";
  const auto first = scenario_from_yaml(head + "  CHN.k: {uniform: [0.1, 0.3]}\n  alpha: {uniform: [0.03, 0.07]}\n");
  const auto second = scenario_from_yaml(head + "  tau_P: {uniform: [2, 4]}\n  RUS.theta: {uniform: [1.4, 2.6]}\n");
  // Both extend the calibrated scenario: one kernel serves both, with different slots varying.
  const std::shared_ptr<const Kernel> kernel =
      first->model->compile(*first->layout, first->parameters, first->network.get());
  REQUIRE(first->parameters == second->parameters);
  struct Block {
    std::shared_ptr<const Scenario> scenario;
    RunOptions run;
    std::shared_ptr<const Kernel> kernel;
  };
  // In turn: the same kernel and parameters on another block of the same size, and of another
  // size; other parameters varying; the first block's members with a kernel of their own.
  const std::vector<Block> blocks = {{first, {37, 0}, kernel},
                                     {first, {37, 200}, kernel},
                                     {first, {50, 100}, kernel},
                                     {second, {20, 5}, kernel},
                                     {first, {37, 0}, nullptr}};
  std::vector<std::unique_ptr<Simulation>> in_turn;
  for (const Block& block : blocks)
    in_turn.push_back(std::make_unique<Simulation>(block.scenario, block.run, block.kernel));
  while (!in_turn.front()->finished())
    for (auto& simulation : in_turn) simulation->step();
  for (std::size_t index = 0; index < blocks.size(); ++index) {
    CAPTURE(index);
    Simulation alone(blocks[index].scenario, blocks[index].run);
    alone.run();
    CHECK((alone.state() == in_turn[index]->state()).all());
  }
  // The members did draw parameters of their own, so that each block read them per member.
  for (const auto& simulation : in_turn)
    CHECK(simulation->sampled_inputs().col(0).minCoeff() < simulation->sampled_inputs().col(0).maxCoeff());
}
