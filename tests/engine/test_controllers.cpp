// Controllers (engine/controllers.hpp): on a duopoly whose best response is known in closed form,
// a lookahead finds it, with and without a cost of its lever; an objective that ignores
// everything keeps the status quo; a doctrine fires exactly at its thresholds and releases with
// hysteresis; the fog of war shows others' values exactly its lag late; decisions of the
// flagship under fog and logit choice are the same for any block size and thread count; one-member
// runs log them, and a restore forgets the months it undoes; the loader rejects every kind of
// mistake with its place. In a classroom game the computer plays a team: a lookahead picks its
// best affordable setting, a doctrine moves at its thresholds across turns, and no one submits for
// it.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/analysis/equilibrium.hpp"
#include "engine/controllers.hpp"
#include "engine/ensemble.hpp"
#include "engine/errors.hpp"
#include "engine/io/wargame_files.hpp"
#include "engine/wargame.hpp"
#include "engine/what_if.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

// Firms choose their output q_i in [0, 1]; the price is 1 − Σ q, and each month a firm's profit
// becomes q_i·(1 − Σ q). A firm that maximizes its profit against rivals producing Q_others
// best responds with q = (1 − Q_others)/2, and with a cost c per unit of output with
// q = (1 − Q_others + c)/2 (c < 0 for a cost); all firms so, at (1 + c)/3 each with two. `signal`
// moves only by a scenario's jumps: what doctrines watch. The system's `match` is
// q_1·q_2 + (1 − q_1)(1 − q_2) for the first two firms: with outputs 0 or 1, whether they match —
// matching pennies when one firm wants it high and the other low (no pure equilibrium).
class DuopolyModel final : public Model {
 public:
  const ModelDeclaration& declaration() const override { return declaration_; }
  std::unique_ptr<Kernel> compile(const Layout& layout, const std::vector<double>&, const Network*) const override {
    return std::make_unique<DuopolyKernel>(layout);
  }

 private:
  class DuopolyKernel final : public Kernel {
   public:
    explicit DuopolyKernel(const Layout& layout) {
      for (const Actor& actor : layout.actors()) {
        if (actor.role != "firm") continue;
        outputs_.push_back(layout.lever_index(actor.name, "output"));
        profits_.push_back(layout.state_index(actor.name, "profit"));
      }
      match_ = layout.state_index("system", "match");
    }
    void initialize(const StepContext&, MemberArrays&) const override {}
    void apply_events(const StepContext&, MemberArrays&) const override {}
    void advance(const StepContext& context, MemberArrays& state) const override {
      const MemberArrays& levers = *context.levers;
      MemberColumn price = MemberColumn::Ones(state.rows());
      for (const int output : outputs_) price -= levers.col(output);
      for (std::size_t firm = 0; firm < outputs_.size(); ++firm)
        state.col(profits_[firm]) = levers.col(outputs_[firm]) * price;
      const auto first = levers.col(outputs_[0]), second = levers.col(outputs_[1]);
      state.col(match_) = first * second + (1 - first) * (1 - second);
    }

   private:
    std::vector<int> outputs_, profits_;
    int match_;
  };

  ModelDeclaration declaration_ = [] {
    ModelDeclaration d;
    d.name = "controller_test_duopoly";
    d.version = "1";
    d.roles = {RoleDecl{.name = "firm", .help = "a producer", .min_count = 1}};
    d.variables = {VariableDecl{.name = "profit", .role = "firm", .min = -1, .max = 1, .clipped = false},
                   VariableDecl{.name = "signal", .role = "firm"}, VariableDecl{.name = "match", .role = "system"}};
    d.levers = {LeverDecl{.name = "output", .role = "firm", .value = 0}};
    d.objectives = {ObjectiveTermDecl{.role = "firm", .name = "profit", .quantity = "self.profit", .weight = 1},
                    ObjectiveTermDecl{.role = "firm", .name = "lever_cost", .quantity = "lever_cost", .weight = 0},
                    ObjectiveTermDecl{.role = "firm", .name = "match", .quantity = "system.match", .weight = 0}};
    d.chart_panels = {ChartPanelDecl{.title = "Profit", .variable = "profit"}};
    d.default_outcomes = {"{firm}.profit.final"};
    return d;
  }();
};

ModelRegistration<DuopolyModel> duopoly_registration;

// The menu 0, 0.05, …, 1.
std::string twentieths() {
  std::string menu = "[0";
  for (int step = 1; step <= 20; ++step) menu += ", " + std::to_string(step * 0.05);
  return menu + "]";
}

std::string duopoly(const std::string& rest, int months = 6) {
  return "model: controller_test_duopoly\nstart: 2025-01\nmonths: " + std::to_string(months) +
         "\nactors: {ACME: firm, BOLT: firm}\n" + rest;
}

// A's output through the months of a one-member run, as each step used it.
std::vector<double> outputs_of_acme(const std::shared_ptr<const Scenario>& scenario) {
  Simulation simulation(scenario, {.members = 1});
  const int slot = scenario->layout->lever_index("ACME", "output");
  std::vector<double> outputs;
  while (!simulation.finished()) {
    simulation.step();
    outputs.push_back(simulation.levers()(0, slot));
  }
  return outputs;
}

// ACME's signal moved in dyadic steps, so that every comparison with a threshold is exact: it
// is 0, 0, 0.5, 0.75, 0.375, 0.25, 0.125 at the start of months 0..6 (a jump acts in its month,
// and is seen at the start of the next).
const std::string dyadic_jumps =
    "events:\n"
    "  - {at: 2025-02, jump: {ACME.signal: 0.5}}\n"
    "  - {at: 2025-03, jump: {ACME.signal: 0.25}}\n"
    "  - {at: 2025-04, jump: {ACME.signal: -0.375}}\n"
    "  - {at: 2025-05, jump: {ACME.signal: -0.125}}\n"
    "  - {at: 2025-06, jump: {ACME.signal: -0.125}}\n";

std::string lookahead_acme(const std::string& objective, const std::string& b_output) {
  return duopoly("levers: {ACME.output: 0.7, BOLT.output: " + b_output +
                 "}\n"
                 "controllers:\n"
                 "  - actor: ACME\n"
                 "    interval: 1\n"
                 "    observe: truth\n"
                 "    lookahead: {menu: {output: " +
                 twentieths() + "}, horizon: 3, objective: " + objective + "}\n");
}

}  // namespace

TEST_CASE("a lookahead controller finds the closed-form best response", "[controllers]") {
  // q = (1 − Q_others + c)/2: against 0.2, 0.4; against 0.5, 0.25; against 0.2 with a cost of 0.2, 0.3.
  for (const auto& [b_output, objective, best] :
       {std::tuple{"0.2", "{profit: 1}", 0.4}, std::tuple{"0.5", "{profit: 1}", 0.25},
        std::tuple{"0.2", "{profit: 1, lever_cost: -0.2}", 0.3}}) {
    INFO(b_output << " " << objective);
    for (const double output : outputs_of_acme(scenario_from_yaml(lookahead_acme(objective, b_output))))
      CHECK(output == Approx(best).margin(1e-12));
  }
}

TEST_CASE("a controller whose objective ignores everything keeps its status quo", "[controllers]") {
  const auto scenario = scenario_from_yaml(lookahead_acme("{profit: 0}", "0.2"));
  for (const double output : outputs_of_acme(scenario)) CHECK(output == 0.7);
  const WhatIfRun run = run_what_if(scenario);
  REQUIRE(run.decisions.size() == 6);
  for (const DecisionRecord& decision : run.decisions) {
    CHECK(decision.chosen_option == 0);
    CHECK(decision.options.front() == "status quo: output=0.7");
    CHECK(decision.scores.size() == 22);  // the status quo and 21 settings, all scored 0
    for (const double score : decision.scores) CHECK(score == 0);
  }
}

TEST_CASE("a doctrine fires exactly at its thresholds and releases with hysteresis", "[controllers]") {
  // ACME's signal (dyadic_jumps): 0.5 is not above 0.5 (off), 0.75 is (on), 0.375 is above the
  // release (still on), 0.25 is not below 0.25 (still on), 0.125 is (off).
  const std::string doctrine =
      "controllers:\n"
      "  - actor: ACME\n"
      "    interval: 1\n"
      "    observe: truth\n"
      "    doctrine:\n"
      "      rules:\n"
      "        - {if: ACME.signal > 0.5, until: ACME.signal < 0.25, set: {output: 1}}\n"
      "      otherwise: {output: 0}\n";
  // Months 0..5 see signal 0, 0, 0.5, 0.75, 0.375, 0.25.
  CHECK(outputs_of_acme(scenario_from_yaml(duopoly(dyadic_jumps + doctrine, 7))) ==
        std::vector<double>{0, 0, 0, 1, 1, 1, 0});

  // Without `until`, the rule holds only while its condition does.
  std::string plain = doctrine;
  plain.replace(plain.find(", until: ACME.signal < 0.25"), std::string(", until: ACME.signal < 0.25").size(), "");
  CHECK(outputs_of_acme(scenario_from_yaml(duopoly(dyadic_jumps + plain, 7))) ==
        std::vector<double>{0, 0, 0, 1, 0, 0, 0});
}

TEST_CASE("a doctrine deciding every few months holds its setting in between", "[controllers]") {
  const std::string scenario = duopoly(
      "events:\n"
      "  - {at: 2025-01, jump: {ACME.signal: 0.75}}\n"
      "controllers:\n"
      "  - actor: ACME\n"
      "    interval: 3\n"
      "    observe: truth\n"
      "    doctrine: {rules: [{if: ACME.signal > 0.5, set: {output: 1}}], otherwise: {output: 0}}\n",
      7);
  // Decides at months 0 (signal 0: off), 3 and 6 (0.75: on).
  CHECK(outputs_of_acme(scenario_from_yaml(scenario)) == std::vector<double>{0, 0, 0, 1, 1, 1, 1});
}

TEST_CASE("the fog of war shows another actor's value exactly its lag late", "[controllers]") {
  // B's signal reaches 0.75 at the start of month 1; A watches it two months late (a
  // deterministic run: no noise), its own signal on time.
  const std::string scenario = duopoly(
      "events:\n"
      "  - {at: 2025-01, jump: {BOLT.signal: 0.75, ACME.signal: 0.75}}\n"
      "controllers:\n"
      "  - actor: ACME\n"
      "    interval: 1\n"
      "    observe: {lag: 2, noise: 0.05}\n"
      "    doctrine: {rules: [{if: BOLT.signal > 0.5, set: {output: 1}}], otherwise: {output: 0}}\n");
  CHECK(outputs_of_acme(scenario_from_yaml(scenario)) == std::vector<double>{0, 0, 0, 1, 1, 1});
  std::string own = scenario;
  own.replace(own.find("if: BOLT.signal"), std::string("if: BOLT.signal").size(), "if: ACME.signal");
  CHECK(outputs_of_acme(scenario_from_yaml(own)) == std::vector<double>{0, 1, 1, 1, 1, 1});
}

TEST_CASE("controllers decide the same for any block size and thread count", "[controllers]") {
  // The flagship, stochastic, with China looking ahead under fog (noisy estimates) and a logit
  // choice: every member's decisions come from its own state and draws.
  LoadOptions shorter;
  shorter.months = 24;
  const auto scenario = scenario_from_yaml(
      "extends: {scenarios}/calibrated.yaml\n"
      "stochastic: true\n"
      "seed: 11\n"
      "controllers:\n"
      "  - actor: CHN\n"
      "    lookahead:\n"
      "      menu: {direct_pressure: [0, 0.05, 0.1, 0.15], hawkishness: [0.3, 0.7]}\n"
      "      horizon: 6\n"
      "      temperature: 0.02\n",
      shorter);
  const auto run = [&](std::int64_t block_size, int threads) {
    EnsembleOptions options;
    options.members = 90;
    options.block_size = block_size;
    options.threads = threads;
    options.keep_trajectories = true;
    return run_ensemble(scenario, options);
  };
  const EnsembleResult reference = run(16, 1);
  for (const auto& [block_size, threads] : {std::pair{48, 2}, std::pair{1024, 1}, std::pair{32, 2}}) {
    const EnsembleResult other = run(block_size, threads);
    CHECK((other.outcomes == reference.outcomes).all());
    CHECK(identical(other.trajectories, reference.trajectories));
    for (int month = 0; month < scenario->months; ++month)
      for (std::size_t lever = 0; lever < reference.choices.slots().size(); ++lever)
        CHECK(other.choices.counts(month, lever) == reference.choices.counts(month, lever));
    CHECK(identical(other.chosen_levers, reference.chosen_levers));
  }
  // The kept settings, member by member, are what the counts count.
  REQUIRE(reference.chosen_levers.size() == static_cast<std::size_t>(scenario->months));
  for (int month = 0; month < scenario->months; ++month)
    for (std::size_t lever = 0; lever < reference.choices.slots().size(); ++lever) {
      std::map<double, std::int64_t> kept;
      for (Eigen::Index member = 0; member < 90; ++member)
        ++kept[reference.chosen_levers[static_cast<std::size_t>(month)](member, static_cast<Eigen::Index>(lever))];
      const auto counted = reference.choices.counts(month, lever);
      CHECK(std::vector<std::pair<double, std::int64_t>>(kept.begin(), kept.end()) == counted);
    }
  // The choices differ between members (fog and logit draws are each member's own).
  const int coercion = scenario->layout->state_index("CHN", "coercion");
  const MemberArrays& last = reference.trajectories.back();
  CHECK(last.col(coercion).maxCoeff() > last.col(coercion).minCoeff());
}

TEST_CASE("one-member runs log decisions, and a restore forgets the months it undoes", "[controllers]") {
  const auto scenario = scenario_from_yaml(lookahead_acme("{profit: 1}", "0.2"));
  Simulation simulation(scenario, {.members = 1, .log_decisions = true});
  simulation.step();
  simulation.step();
  const Checkpoint checkpoint = simulation.checkpoint();
  simulation.step();
  REQUIRE(simulation.decisions().size() == 3);
  const DecisionRecord& first = simulation.decisions().front();
  CHECK(first.month == 0);
  CHECK(first.actor == "ACME");
  CHECK(first.controller == "lookahead");
  CHECK(first.options.at(first.chosen_option) == "output=0.4");
  CHECK(first.scores.at(first.chosen_option) == Approx(0.4 * 0.4).margin(1e-15));
  simulation.restore(checkpoint);
  CHECK(simulation.decisions().size() == 2);
}

TEST_CASE("best responses in turn reach an equilibrium of the duopoly within the menu", "[controllers]") {
  // With a cost of 0.1 per unit, each firm best responds with (0.9 − q_other)/2: the equilibrium is
  // 0.3 each. On a menu of twentieths the dynamics stop at a profile where neither firm has a
  // better setting, checked here against profits in closed form.
  const std::string lookahead =
      "    lookahead: {menu: {output: " + twentieths() + "}, objective: {profit: 1, lever_cost: -0.1}}\n";
  const auto scenario =
      scenario_from_yaml(duopoly("controllers:\n  - actor: ACME\n" + lookahead + "  - actor: BOLT\n" + lookahead));
  const EquilibriumResult result = find_equilibrium(scenario, {.actors = {"ACME", "BOLT"}});
  REQUIRE(result.stable);
  const auto output = [&](std::size_t player) {
    return result.players[player].controller->candidates()[result.profiles.back()[player]][0];
  };
  const auto payoff = [](double own, double other) { return own * (1 - own - other) - 0.1 * own; };
  for (std::size_t player = 0; player < 2; ++player) {
    const double own = output(player), other = output(1 - player);
    CHECK(result.payoffs.back()[player] == Approx(payoff(own, other)).margin(1e-12));
    for (int step = 0; step <= 20; ++step) CHECK(payoff(step * 0.05, other) <= payoff(own, other) + 1e-12);
    CHECK(std::abs(own - 0.3) <= 0.05 + 1e-12);
  }
  // Profiles are run once each, however often the rounds ask for them.
  CHECK(result.runs < result.profiles.size() * 2 * 21);
}

TEST_CASE("best responses in turn report the cycle of a game with no pure equilibrium", "[controllers]") {
  // Matching pennies: ACME wants to match BOLT's output, BOLT to differ, on the menu {0, 1}.
  const auto scenario = scenario_from_yaml(
      duopoly("controllers:\n"
              "  - {actor: ACME, lookahead: {menu: {output: [0, 1]}, objective: {profit: 0, match: 1}}}\n"
              "  - {actor: BOLT, lookahead: {menu: {output: [0, 1]}, objective: {profit: 0, match: -1}}}\n"));
  const EquilibriumResult result = find_equilibrium(scenario, {.actors = {"ACME", "BOLT"}});
  CHECK_FALSE(result.stable);
  REQUIRE(result.cycled);
  // From (0, 0): BOLT moves to 1; ACME follows to 1 and BOLT to 0; ACME to 0 and BOLT to 1 again.
  CHECK(result.profiles == std::vector<std::vector<std::size_t>>{{0, 0}, {0, 1}, {1, 0}, {0, 1}});
  CHECK(result.cycle_from == 1);
}

TEST_CASE("an equilibrium needs two players with lookahead controllers", "[controllers]") {
  const auto scenario =
      scenario_from_yaml(duopoly("controllers:\n  - {actor: ACME, lookahead: {menu: {output: [0, 1]}}}\n"));
  CHECK_THROWS_WITH(find_equilibrium(scenario, {.actors = {"ACME", "BOLT"}}),
                    Catch::Contains("BOLT has no lookahead controller in the scenario"));
  CHECK_THROWS_WITH(find_equilibrium(scenario, {.actors = {"ACME"}}),
                    Catch::Contains("an equilibrium needs at least two actors"));
  CHECK_THROWS_WITH(find_equilibrium(scenario, {.actors = {"ACME", "ACME"}}), Catch::Contains("ACME is named twice"));
}

TEST_CASE("each member weighs its objective as its uncertain inputs draw", "[controllers]") {
  // ACME's cost weight c is drawn per member; each member then produces the q of the menu that
  // maximizes q(0.8 − q) + c·q (against BOLT's 0.2), and its final profit is q(1 − q − 0.2).
  const auto scenario =
      scenario_from_yaml(duopoly("levers: {ACME.output: 0.7, BOLT.output: 0.2}\n"
                                 "uncertainties: {ACME.objective.lever_cost: {uniform: [-0.3, 0]}}\n"
                                 "controllers:\n"
                                 "  - {actor: ACME, interval: 1, observe: truth, lookahead: {menu: {output: " +
                                 twentieths() + "}, horizon: 1}}\n"));
  EnsembleOptions options;
  options.members = 64;
  const EnsembleResult result = run_ensemble(scenario, options);
  const auto profit = [](double own) { return own * (1 - own - 0.2); };
  std::set<double> chosen;
  std::map<double, std::int64_t> members_choosing;
  for (Eigen::Index member = 0; member < options.members; ++member) {
    const double cost = result.inputs(member, 0);
    double best = 0.7, best_score = profit(0.7) + cost * 0.7;  // the status quo first
    for (int step = 0; step <= 20; ++step)
      if (const double q = step * 0.05; profit(q) + cost * q > best_score) best = q, best_score = profit(q) + cost * q;
    CHECK(result.outcomes(member, 0) == Approx(profit(best)).margin(1e-12));
    chosen.insert(best);
    ++members_choosing[std::round(best * 20) / 20];
  }
  CHECK(chosen.size() >= 4);  // q = (0.8 + c)/2 spans 0.25 to 0.4 over the draws
  // The ensemble's count of choices says the same, month by month (ACME.output is the first lever).
  REQUIRE(result.choices.slots() == std::vector<int>{scenario->layout->lever_index("ACME", "output")});
  for (int month = 0; month < scenario->months; ++month) {
    std::map<double, std::int64_t> counted;
    for (const auto& [setting, members] : result.choices.counts(month, 0))
      counted[std::round(setting * 20) / 20] += members;  // twentieths: as written, and as step · 0.05
    CHECK(counted.size() == members_choosing.size());
    for (const auto& [setting, members] : members_choosing) CHECK(counted[setting] == members);
  }
}

TEST_CASE("controllers: every mistake is named at its place", "[controllers]") {
  const auto error_of = [](const std::string& controllers) -> std::string {
    try {
      scenario_from_yaml(duopoly("controllers:\n" + controllers));
    } catch (const InputError& error) {
      return error.what();
    }
    return "no error";
  };
  const auto check = [&](const std::string& controllers, const std::string& expected) {
    INFO(controllers);
    const std::string error = error_of(controllers);
    CHECK_THAT(error, Catch::Contains(expected));
  };
  check("  - {actor: CX, doctrine: {rules: [{if: ACME.signal > 0.5, set: {output: 1}}]}}\n",
        "scenario.yaml:6:13: error: controllers[0].actor: unknown actor 'CX'");
  check("  - {actor: ACME, doctrine: {rules: [{if: ACME.signal > 0.5, set: {outptu: 1}}]}}\n",
        "unknown lever of ACME 'outptu', did you mean 'output'?");
  check("  - {actor: ACME, doctrine: {rules: [{if: ACME.signl > 0.5, set: {output: 1}}]}}\n",
        "unknown variable 'ACME.signl', did you mean 'ACME.signal'?");
  check("  - {actor: ACME, doctrine: {rules: [{if: ACME.signal > 0.5, set: {output: 2}}]}}\n", "output");
  check("  - {actor: ACME}\n",
        "expected 'doctrine:' (if-then rules), 'lookahead:' (a menu scored by the model) or 'scripted:' (a team's "
        "moves from a wargame)");
  check("  - {actor: ACME, doctrine: {rules: []}, lookahead: {menu: {output: [0]}}}\n",
        "a controller is a doctrine or a lookahead, not both");
  check("  - {actor: ACME, lookahead: {menu: {output: [0, 1]}, objective: {proft: 1}}}\n",
        "unknown term of a firm's objective 'proft', did you mean 'profit'?");
  check("  - {actor: ACME, lookahead: {menu: {output: [0.5, 1]}, costs: {output: [1, 2]}, budget: 0.5}}\n",
        "no setting of the menu is within the budget");
  check("  - {actor: ACME, lookahead: {menu: {output: [0, 1]}, costs: {output: [1]}}}\n", "costs.output");
  check("  - {actor: ACME, observe: fog, lookahead: {menu: {output: [0, 1]}}}\n",
        "expected 'truth' or {lag: MONTHS, noise: SD}, got 'fog'");
  check("  - {actor: ACME, interval: 0, lookahead: {menu: {output: [0, 1]}}}\n", "interval");
  const auto uncertain = [](const std::string& name) {
    return "  - {actor: ACME, lookahead: {menu: {output: [0, 1]}}}\nuncertainties: {" + name + ": {uniform: [0, 1]}}\n";
  };
  check(uncertain("ACME.objective.proft"), "unknown term of ACME's objective 'proft', did you mean 'profit'?");
  check(uncertain("BOLT.objective.profit"),
        "'BOLT.objective.profit' is a lookahead controller's, and BOLT has none under controllers:");
}

namespace {

// The definition file of a game of the duopoly, one month a turn: ACME is played as `acme` says,
// BOLT by people (its output public).
std::filesystem::path duopoly_game_file(const std::string& acme, const std::string& scenario_extra = "",
                                        int turns = 3) {
  const auto folder = fresh_folder("controller-game");
  std::ofstream(folder / "duopoly.yaml") << duopoly("levers: {BOLT.output: 0.2}\n" + scenario_extra, turns);
  std::ofstream(folder / "game.yaml") << "title: duopoly\nscenario: duopoly.yaml\nturns: " << turns
                                      << "\nturn_months: 1\nmembers: 4\nstochastic: false\n"
                                         "teams:\n  ACME:\n"
                                      << acme
                                      << "  BOLT:\n    budget: {per_turn: 5}\n"
                                         "    menu: {output: {settings: {0.2: 0, 0.5: 1}, visibility: public}}\n";
  return folder / "game.yaml";
}

wargame::Definition duopoly_game(const std::string& acme, const std::string& scenario_extra = "", int turns = 3) {
  return wargame::load_definition(duopoly_game_file(acme, scenario_extra, turns));
}

double held_output(const wargame::Definition& definition, const wargame::GameLog& log, int turn) {
  return wargame::held_settings(log, *definition.find_team("ACME"), turn).at("output");
}

}  // namespace

TEST_CASE("a computer team's lookahead moves to its best affordable setting as the turn opens", "[controllers]") {
  // Against BOLT's 0.2 the best output is 0.4 (profit 0.16); 0.3 earns 0.15, 0.6 0.12, 0.1 0.07.
  const auto acme = [](const std::string& budget) {
    return "    played_by: computer\n"
           "    controller: {lookahead: {horizon: 2, objective: {profit: 1}}}\n"
           "    budget: {per_turn: " +
           budget +
           "}\n"
           "    menu: {output: {settings: {0: 0, 0.1: 1, 0.3: 2, 0.4: 9, 0.6: 3}}}\n";
  };
  const wargame::Definition rich = duopoly_game(acme("10"));
  const wargame::GameLog rich_log = wargame::new_game(rich);
  CHECK(rich_log.turns.front().moves.at("ACME") == std::map<std::string, double>{{"output", 0.4}});
  // When 0.4 is beyond its budget, the best it can afford.
  const wargame::Definition poor = duopoly_game(acme("4"));
  CHECK(wargame::new_game(poor).turns.front().moves.at("ACME") == std::map<std::string, double>{{"output", 0.3}});
  // No one submits for it; the people's team still does.
  wargame::GameLog log = wargame::new_game(poor);
  CHECK_THROWS_WITH(wargame::check_submission(poor, log, *poor.find_team("ACME"), {}),
                    Catch::Contains("ACME is played by the computer"));
  log.turns.back().moves["BOLT"] = {};
  wargame::advance(poor, log, false);              // every team has moved: no need to force
  CHECK(log.turns.back().moves.contains("ACME"));  // and it moved again as the next turn opened
}

TEST_CASE("a computer team's doctrine moves at its thresholds across turns, with hysteresis", "[controllers]") {
  // The signal ACME's own briefing shows at the opening of turns 1..7 (months 0..6): 0, 0, 0.5,
  // 0.75, 0.375, 0.25, 0.125 (dyadic_jumps).
  const std::string acme =
      "    played_by: computer\n"
      "    controller:\n"
      "      doctrine:\n"
      "        rules: [{if: ACME.signal > 0.5, until: ACME.signal < 0.25, set: {output: 1}}]\n"
      "        otherwise: {output: 0}\n"
      "    budget: {per_turn: 2}\n"
      "    menu: {output: {settings: {0: 0, 1: 1}}}\n";
  const wargame::Definition definition = duopoly_game(acme, dyadic_jumps, 7);
  wargame::GameLog log = wargame::new_game(definition);
  std::vector<double> held;
  for (int turn = 1; turn <= 7; ++turn) {
    held.push_back(held_output(definition, log, turn));
    log.turns.back().moves["BOLT"] = {};
    wargame::advance(definition, log, false);
  }
  CHECK(held == std::vector<double>{0, 0, 0, 1, 1, 1, 0});
}

TEST_CASE("a game's computer team: every mistake is named at its place", "[controllers]") {
  const auto error_of = [](const std::string& acme) -> std::string {
    try {
      duopoly_game(acme);
    } catch (const InputError& error) {
      return error.what();
    }
    return "no error";
  };
  const std::string menu = "    budget: {per_turn: 2}\n    menu: {output: {settings: {0: 0, 1: 1}}}\n";
  CHECK_THAT(error_of("    played_by: computer\n" + menu),
             Catch::Contains("a team the computer plays needs a 'controller:'"));
  CHECK_THAT(error_of("    controller: {lookahead: {}}\n" + menu),
             Catch::Contains("only a team the computer plays has a controller: add 'played_by: computer'"));
  CHECK_THAT(error_of("    played_by: robot\n" + menu), Catch::Contains("unknown player 'robot'"));
  CHECK_THAT(error_of("    played_by: computer\n"
                      "    controller: {doctrine: {rules: [{if: ACME.signal > 0.5, set: {output: 0.5}}]}}\n" +
                      menu),
             Catch::Contains("0.5 is not among the menu's settings of output (0, 1)"));
  CHECK_THAT(error_of("    played_by: computer\n"
                      "    controller: {lookahead: {menu: {output: [0, 1]}}}\n" +
                      menu),
             Catch::Contains("unknown key 'menu'"));
}

TEST_CASE("a scripted reply replays a team's moves from a wargame, turn by turn", "[controllers]") {
  // People play ACME for three one-month turns: 0.5, then 1, then an override back to 0.5 by the
  // facilitator; a scenario then replays those moves, holding the last after the game's end.
  const auto definition_file =
      duopoly_game_file("    budget: {per_turn: 3}\n    menu: {output: {settings: {0: 0, 0.5: 1, 1: 2}}}\n");
  const auto folder = definition_file.parent_path() / "class";
  {
    wargame::GameFolder game = wargame::GameFolder::create(folder, definition_file);
    const wargame::Definition& definition = game.definition();
    for (const double output : {0.5, 1.0}) {
      game.log().open_turn()->moves = {{"ACME", {{"output", output}}}, {"BOLT", {}}};
      wargame::advance(definition, game.log(), false);
    }
    game.log().open_turn()->moves = {{"ACME", {}}, {"BOLT", {}}};
    game.log().open_turn()->overrides.push_back({.team = "ACME", .lever = "output", .value = 0.5, .note = ""});
    wargame::advance(definition, game.log(), false);
    game.save("advance", "", "");
  }
  const auto scenario =
      scenario_from_yaml(duopoly("controllers:\n  - {actor: ACME, scripted: {game: " + folder.string() + "}}\n"));
  CHECK(outputs_of_acme(scenario) == std::vector<double>{0.5, 1, 0.5, 0.5, 0.5, 0.5});
  CHECK_THROWS_WITH(scenario_from_yaml(duopoly(
                        "controllers:\n  - {actor: ACME, scripted: {game: " + (folder / "nowhere").string() + "}}\n")),
                    Catch::Contains("no game in"));
}
